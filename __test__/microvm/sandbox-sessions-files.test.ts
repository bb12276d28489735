// Sessions (state kept across runs until reset), files in and out, and cancellation, in a real micro-VM.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { native } from '../helpers/native'

describe('sessions', () => {
  const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 4000 })

  it('keeps a Python variable across calls, and reset() drops it', async () => {
    const s = sandbox.session('python')
    await s.runCode('counter = 41\nimport json\nopen("/tmp/note", "w").write("kept")')
    const r = await s.runCode('counter += 1\nprint(counter, json.dumps([1]), open("/tmp/note").read())')
    expect(r.output).toBe('42 [1] kept\n')
    expect(r.sessionReset).toBe(false)
    await s.reset()
    expect((await s.runCode('print("counter" in globals())')).output).toBe('False\n')
    await s.close()
  })

  it('keeps JavaScript globals, and comes back clean, saying so, after a timeout', async () => {
    const s = sandbox.session('javascript')
    await s.runCode('globalThis.total = 1')
    expect((await s.runCode('total += 1; console.log(total)')).output).toBe('2\n')
    const stuck = await s.runCode('for (;;) {}')
    expect(stuck).toMatchObject({ timedOut: true, sessionReset: true })
    expect((await s.runCode('console.log(typeof total)')).output).toBe('undefined\n')
    await s.close()
  })

  it('says the state is gone after process.exit() ends the guest, and that it is kept after sys.exit()', async () => {
    const js = sandbox.session('javascript')
    await js.runCode('globalThis.kept = 1')
    const exited = await js.runCode('process.exit(3)')
    expect(exited).toMatchObject({ exitCode: 3, sessionReset: true })
    expect((await js.runCode('console.log(typeof kept)')).output).toBe('undefined\n')
    await js.close()
    // sys.exit() raises SystemExit in the interpreter, which lives on: the state is still there.
    const py = sandbox.session('python')
    await py.runCode('kept = 1')
    expect(await py.runCode('import sys\nsys.exit(2)')).toMatchObject({ exitCode: 2, sessionReset: false })
    expect((await py.runCode('print(kept)')).output).toBe('1\n')
    await py.close()
  })

  it('refuses runs after close() with ERR_SESSION_CLOSED', async () => {
    const s = sandbox.session('python')
    expect(await s.close()).toBe(true)
    expect(await s.runCode('print(1)')).toMatchObject({ success: false, errorCode: 'ERR_SESSION_CLOSED' })
  })

  it('does not share state between two sessions or with plain runs', async () => {
    const a = sandbox.session('python')
    const b = sandbox.session('python')
    await a.runCode('x = "a"')
    expect((await b.runCode('print(globals().get("x"))')).output).toBe('None\n')
    expect((await sandbox.runCode('print(globals().get("x"))', 'python')).output).toBe('None\n')
    expect((await a.runCode('print(x)')).output).toBe('a\n')
    await Promise.all([a.close(), b.close()])
  })
})

describe('files', () => {
  const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 20_000 })

  it('gives the program read-only input files and returns what it writes under /output', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'lci-out-'))
    const r = await sandbox.runCode(
      [
        'import csv, os',
        'rows = list(csv.reader(open("/input/data/table.csv")))',
        'print(len(rows), open("/input/raw.bin", "rb").read())',
        'try:',
        '    open("/input/new.txt", "w")',
        'except OSError as e:',
        '    print("read-only", e.errno)',
        'os.makedirs("/output/charts")',
        'open("/output/charts/sum.txt", "w").write(str(sum(int(r[1]) for r in rows[1:])))',
      ].join('\n'),
      'python',
      { files: { 'data/table.csv': 'name,n\na,1\nb,2\n', 'raw.bin': new Uint8Array([1, 2, 3]) }, outputDirectory: outDir },
    )
    expect(r.output).toBe("3 b'\\x01\\x02\\x03'\nread-only 30\n")
    expect(Object.keys(r.files)).toEqual(['charts/sum.txt'])
    expect(r.files['charts/sum.txt'].toString()).toBe('3')
    expect(readFileSync(join(outDir, 'charts/sum.txt'), 'utf8')).toBe('3')
  })

  it('refuses an input file name that escapes its directory', async () => {
    expect(await sandbox.runCode('print(1)', 'python', { files: { '../escape.txt': 'x' } })).toMatchObject({
      success: false,
      errorCode: 'ERR_INVALID_PATH',
    })
  })

  it('keeps what a program writes outside /output inside the guest, and bounds /output by a quota', async () => {
    const hostFile = join(mkdtempSync(join(tmpdir(), 'lci-escape-')), 'x')
    const r = await sandbox.runCode(
      [
        'import errno, os',
        // ".." from /output resolves in the guest's own filesystem, never on the host.
        'try:',
        `    open("/output/../..${hostFile}", "w").write("x")`,
        'except OSError as e:',
        '    print(type(e).__name__)',
        'open("/output/../escape", "w").write("x")',
        'print(sorted(os.listdir("/output")))',
        'try:',
        '    with open("/output/big", "wb") as f:',
        '        for _ in range(20): f.write(b"x" * (1 << 20))',
        'except OSError as e:',
        '    print("quota", errno.errorcode[e.errno])',
      ].join('\n'),
      'python',
    )
    expect(r.output).toBe('FileNotFoundError\n[]\nquota EDQUOT\n')
    expect(existsSync(hostFile)).toBe(false)
    expect(Object.keys(r.files)).toEqual(['big'])
    expect(r.files.big.length).toBeLessThanOrEqual(16 * 1024 * 1024)
  })

  it('runs a C program on an input file', async () => {
    const r = await sandbox.runCode(
      '#include <stdio.h>\nint main(void){ char b[32] = {0}; FILE *f = fopen("/input/in.txt", "r"); fgets(b, sizeof b, f); printf("read: %s", b); }',
      'c',
      { files: { 'in.txt': 'from the host\n' } },
    )
    expect(r.output).toBe('read: from the host\n')
  })
})

describe('cancellation', () => {
  it('an AbortSignal stops a running program; the sandbox serves the next run', async () => {
    const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 120_000 })
    await sandbox.runCode('print("warm")', 'python')
    const controller = new AbortController()
    const started = Date.now()
    const run = sandbox.runCode('while True: pass', 'python', { signal: controller.signal })
    setTimeout(() => controller.abort(), 1500)
    await expect(run).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' })
    expect(Date.now() - started).toBeLessThan(60_000)
    expect((await sandbox.runCode('print("after abort")', 'python')).output).toBe('after abort\n')
    const aborted = AbortSignal.abort()
    await expect(sandbox.runCode('print(1)', 'python', { signal: aborted })).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('an abort takes a run out of the line while it waits for a slot, before the run ahead of it ends', async () => {
    const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 120_000, maxConcurrency: 1 })
    await sandbox.runCode('print("warm")', 'python')
    const ahead = sandbox.runCode('import time\ntime.sleep(20)\nprint("ahead")', 'python')
    const controller = new AbortController()
    const waiting = sandbox.runCode('print("never")', 'python', { signal: controller.signal })
    setTimeout(() => controller.abort(), 500)
    const started = Date.now()
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' })
    expect(Date.now() - started).toBeLessThan(10_000)
    expect((await ahead).output).toBe('ahead\n')
  })

  it('an abort stops a C program while it compiles', async () => {
    const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 120_000 })
    const controller = new AbortController()
    // The whole standard library and <regex> keep the compiler busy for seconds (more under emulation).
    const slow = '#include <bits/stdc++.h>\nint main(){ std::regex r("(a|b)*c"); std::cout << std::regex_match("abc", r); }'
    const run = sandbox.runCode(slow, 'cpp', { signal: controller.signal })
    setTimeout(() => controller.abort(), 300)
    const started = Date.now()
    await expect(run).rejects.toMatchObject({ name: 'AbortError' })
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})
