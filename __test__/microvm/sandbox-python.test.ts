// NanvixSandbox running Python in a real Hyperlight micro-VM (natively where the host can, else in the
// emulated-KVM VM that `npm test` starts). Never skipped: a host that cannot run micro-VMs fails here.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { native } from '../helpers/native'

const TIMEOUT_MS = 4000
const CAP = 64 * 1024

describe('Python in a micro-VM', () => {
  const logDirectory = mkdtempSync(join(tmpdir(), 'lci-py-log-'))
  const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', logDirectory, timeoutMs: TIMEOUT_MS, maxOutputBytes: CAP })

  beforeAll(async () => {
    // The first run boots the guest and takes its snapshot (slow under emulation).
    const first = await sandbox.runCode('print("booted")', 'python')
    expect(first.output).toBe('booted\n')
  })

  it('captures hello output: stdout and stderr in the order written, stderr alone', async () => {
    const r = await sandbox.runCode('import sys\nprint("hello")\nprint("oops", file=sys.stderr)\nprint("bye")', 'python')
    expect(r.success).toBe(true)
    expect(r.exitCode).toBe(0)
    expect(r.output).toBe('hello\noops\nbye\n')
    expect(r.stderr).toBe('oops\n')
    expect(r.error).toBeUndefined()
  })

  it('runs a .py file given by path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-py-'))
    const file = join(dir, 'fib.py')
    writeFileSync(file, 'def fib(n): return n if n < 2 else fib(n-1) + fib(n-2)\nprint(fib(15))\n')
    const r = await sandbox.run(file)
    expect(r.output).toBe('610\n')
  })

  it('reports an uncaught exception with exit code 1 and its message, and stays usable', async () => {
    const r = await sandbox.runCode('print("before")\n1/0', 'python')
    expect(r.success).toBe(false)
    expect(r.exitCode).toBe(1)
    expect(r.error).toBe('ZeroDivisionError: division by zero')
    expect(r.output).toContain('before\nTraceback')
    expect(r.stderr).toContain('ZeroDivisionError')
    expect((await sandbox.runCode('print("still here")', 'python')).output).toBe('still here\n')
  })

  it('reports sys.exit(n) as exit code n', async () => {
    const r = await sandbox.runCode('import sys\nsys.exit(4)', 'python')
    expect(r).toMatchObject({ success: false, exitCode: 4, timedOut: false })
  })

  it('stops an infinite loop at the time limit, and the next run succeeds', async () => {
    const r = await sandbox.runCode('while True: pass', 'python')
    expect(r.timedOut).toBe(true)
    expect(r.success).toBe(false)
    expect(r.error).toContain(`${TIMEOUT_MS} ms`)
    expect(r.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS)
    const next = await sandbox.runCode('print(6 * 7)', 'python')
    expect(next).toMatchObject({ success: true, output: '42\n', timedOut: false })
  })

  it('stops a program that sleeps past the time limit', async () => {
    const r = await sandbox.runCode('import time\nprint("sleeping", flush=True)\ntime.sleep(3600)', 'python')
    expect(r.timedOut).toBe(true)
    expect(r.output).toBe('sleeping\n')
  })

  it('does not leak state between runs: variables, modules, files under /tmp', async () => {
    await sandbox.runCode('secret = 123\nimport json\nopen("/tmp/left-behind", "w").write("x")', 'python')
    const r = await sandbox.runCode(
      'import os, sys\nprint("secret" in globals(), "json" in sys.modules and "json" in globals(), os.path.exists("/tmp/left-behind"))',
      'python',
    )
    expect(r.output).toBe('False False False\n')
  })

  it('cannot see the host filesystem: a host secret is unreachable and / is the guest image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-secret-'))
    const secret = join(dir, 'secret.txt')
    writeFileSync(secret, 'TOP-SECRET-HOST-DATA')
    const r = await sandbox.runCode(
      `import os\nprint(sorted(os.listdir("/")))\ntry:\n    print(open(${JSON.stringify(secret)}).read())\nexcept OSError as e:\n    print(type(e).__name__)\nprint(open("/etc/passwd").read() == ${JSON.stringify(readFileSync('/etc/passwd', 'utf8'))})`,
      'python',
    )
    expect(r.success).toBe(true)
    expect(r.output).not.toContain('TOP-SECRET-HOST-DATA')
    // What the guest sees instead: its own small root filesystem, and /input, /output and /.lci-results,
    // which hold only what a run is given, what it writes and the images it shows (all in host memory,
    // not on the host's disk).
    expect(r.output).toBe("['.lci-results', 'dev', 'etc', 'input', 'lib', 'lib64', 'output', 'tmp', 'usr']\nFileNotFoundError\nFalse\n")
  })

  it('gives the program an empty stdin', async () => {
    const r = await sandbox.runCode('import sys\nprint(repr(sys.stdin.read()))\ntry:\n    input()\nexcept EOFError:\n    print("EOFError")', 'python')
    expect(r.output).toBe("''\nEOFError\n")
  })

  it('has CA certificates, so HTTPS to a host the sandbox allows can verify', async () => {
    const r = await sandbox.runCode('import ssl\nprint(ssl.create_default_context().cert_store_stats()["x509_ca"] > 50)', 'python')
    expect(r.output).toBe('True\n')
  })

  it('has no network: opening a socket is refused', async () => {
    const r = await sandbox.runCode(
      'import socket\ntry:\n    s = socket.create_connection(("127.0.0.1", 80), timeout=2)\n    print("connected")\nexcept OSError as e:\n    print(type(e).__name__, e.errno)',
      'python',
    )
    expect(r.output).toBe('PermissionError 13\n')
  })

  it('caps a flood of output and says it was truncated', async () => {
    const r = await sandbox.runCode('import sys\nsys.stdout.write("x" * 1_000_000)\nprint("END")', 'python')
    expect(r.success).toBe(true)
    expect(r.truncated).toBe(true)
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(CAP + 100)
    expect(r.output).toMatch(/^x+\n\[… \d+ bytes of output omitted …\]\nx+END\n$/)
    expect((await sandbox.runCode('print("ok")', 'python')).truncated).toBe(false)
  })

  describe('with memoryMb and a longer limit (heavy work is slow under emulation)', () => {
    const roomy = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 120_000, memoryMb: 128 })

    it('survives a memory bomb: killed for memory (status 137), then the next run works', async () => {
      const r = await roomy.runCode('blocks = []\nwhile True: blocks.append(bytearray(16 * 1024 * 1024))', 'python')
      expect(r).toMatchObject({ success: false, timedOut: false, exitCode: 137 })
      expect(r.error).toContain('memory')
      expect((await roomy.runCode('print("recovered")', 'python')).output).toBe('recovered\n')
    })

    it('imports the standard library', async () => {
      const r = await roomy.runCode(
        'import json, re, decimal, datetime, hashlib, sqlite3, zlib, asyncio, collections, itertools\n' +
          'db = sqlite3.connect(":memory:"); db.execute("create table t(x)"); db.execute("insert into t values (7)")\n' +
          'print(json.dumps({"sum": db.execute("select sum(x) from t").fetchone()[0]}), hashlib.sha256(b"a").hexdigest()[:8])',
        'python',
      )
      expect(r.output).toBe('{"sum": 7} ca978112\n')
    })
  })

  it('writes one log line per run with the language and outcome', () => {
    const lines = readFileSync(join(logDirectory, 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.length).toBeGreaterThanOrEqual(9)
    expect(lines.every((l) => l.language === 'python')).toBe(true)
    expect(lines[0].bootMs).toBeGreaterThan(0)
    expect(lines.some((l) => l.outcome === 'timeout')).toBe(true)
  })

  it('fails cleanly when the program tries to start a process (there are none to start), as CPython does on WASI', async () => {
    const r = await sandbox.runCode('import subprocess\nsubprocess.run(["ls"])', 'python')
    expect(r.success).toBe(false)
    expect(r.exitCode).toBe(1)
    expect(r.error).toBe('OSError: [Errno 95] processes are not available in the sandbox')
    const probe = await sandbox.runCode(
      'import os, sys\nprint(sys.executable, hasattr(os, "fork"), hasattr(os, "posix_spawn"))\ntry:\n    os.system("ls")\nexcept OSError as e:\n    print(e)\nprint(sorted(k for k in globals() if not k.startswith("__")))',
      'python',
    )
    expect(probe.output).toBe("/usr/local/bin/hl_pydriver False False\n[Errno 95] processes are not available in the sandbox\n['os', 'sys']\n")
    expect((await sandbox.runCode('print("still here")', 'python')).output).toBe('still here\n')
  })

  it('keeps the beginning and the end of a flood, so the traceback after 1 MB of output is not cut', async () => {
    // Printing 1 MB takes seconds under emulation: a limit of its own, the same output cap.
    const roomy = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 120_000, maxOutputBytes: CAP })
    const r = await roomy.runCode('import sys\nfor i in range(20000):\n    print("line %05d " % i + "x" * 40)\nraise ValueError("the end is kept")', 'python')
    expect(r.timedOut).toBe(false)
    expect(r.truncated).toBe(true)
    expect(r.output.startsWith('line 00000 ')).toBe(true)
    expect(r.output).toMatch(/\[… \d+ bytes of output omitted …\]/)
    // Both come after the marker: the end of the stream is kept (stdout, block-buffered when it is not a
    // terminal, may be flushed after the traceback).
    const tail = r.output.slice(r.output.indexOf('bytes of output omitted'))
    expect(tail).toContain('line 19999 ')
    expect(tail).toContain('ValueError: the end is kept')
    expect(r.stderr.trimEnd().endsWith('ValueError: the end is kept')).toBe(true)
    expect(r.error).toBe('ValueError: the end is kept')
    expect(Buffer.byteLength(r.output)).toBeLessThan(CAP + 100)
  })

  it('copies, moves and removes files and trees, and knows a symbolic link when it sees one, as on Linux', async () => {
    const code = [
      'import os, shutil, tempfile, pathlib',
      'os.makedirs("/tmp/t/sub"); open("/tmp/t/sub/f", "w").write("f"); open("/tmp/t/top", "w").write("t")',
      'os.symlink("/tmp/t/top", "/tmp/t/link")',
      'print(os.path.islink("/tmp/t/link"), os.path.islink("/tmp/t/top"), pathlib.Path("/tmp/t/link").resolve())',
      'shutil.copy("/tmp/t/top", "/tmp/t/c1"); shutil.copy2("/tmp/t/top", "/tmp/t/c2")',
      'shutil.copytree("/tmp/t", "/tmp/u", symlinks=True)',
      'print(sorted(os.listdir("/tmp/u")), os.path.islink("/tmp/u/link"), open("/tmp/u/sub/f").read())',
      'os.makedirs("/tmp/keep/in"); open("/tmp/keep/in/k", "w").write("k"); os.symlink("/tmp/keep", "/tmp/u/dirlink")',
      'shutil.rmtree("/tmp/t")',
      'shutil.move("/tmp/u", "/tmp/v")',
      'print(os.path.lexists("/tmp/v/link"), os.path.exists("/tmp/v/link"))',
      'shutil.rmtree("/tmp/v"); print(os.path.exists("/tmp/v"), os.path.exists("/tmp/keep/in/k"), os.stat("/tmp/keep/in/k").st_nlink)',
      'with tempfile.TemporaryDirectory() as d:',
      '    open(os.path.join(d, "f"), "w").write("x"); os.symlink(os.path.join(d, "f"), os.path.join(d, "l"))',
      'print(os.path.exists(d))',
      'try:',
      '    os.listxattr("/tmp/keep")',
      'except OSError as e:',
      '    print(e.errno == 95)',
    ].join('\n')
    const r = await sandbox.runCode(code, 'python')
    expect(r.error).toBeUndefined()
    expect(r.output).toBe(
      [
        'True False /tmp/t/top',
        "['c1', 'c2', 'link', 'sub', 'top'] True f",
        'True False',
        'False True 1',
        'False',
        'True',
        '',
      ].join('\n'),
    )
  })

  describe('as a notebook cell', () => {
    it("returns the repr of the last expression as value, and none for a statement or None", async () => {
      expect((await sandbox.runCode('x = 6\nx * 7', 'python')).value).toBe('42')
      expect((await sandbox.runCode('"é" * 2', 'python')).value).toBe("'éé'")
      expect((await sandbox.runCode('x = 6', 'python')).value).toBeUndefined()
      expect((await sandbox.runCode('print("hi")', 'python')).value).toBeUndefined()
      const r = await sandbox.runCode('None', 'python')
      expect(r).toMatchObject({ success: true, output: '' })
      expect(r.value).toBeUndefined()
    })

    it('awaits at top level, in one event loop for the whole cell', async () => {
      const r = await sandbox.runCode(
        'import asyncio\nloop = asyncio.get_running_loop()\nawait asyncio.sleep(0)\nawait asyncio.sleep(0, result=asyncio.get_running_loop() is loop)',
        'python',
      )
      expect(r.error).toBeUndefined()
      expect(r.value).toBe('True')
    })

    it("shows the cell's own frames and source lines in a traceback, not the runner's", async () => {
      const r = await sandbox.runCode('def f():\n    return 1 / 0\nf()', 'python')
      expect(r.exitCode).toBe(1)
      expect(r.stderr).toBe(
        'Traceback (most recent call last):\n  File "<cell 1>", line 3, in <module>\n    f()\n' +
          '  File "<cell 1>", line 2, in f\n    return 1 / 0\n           ~~^~~\nZeroDivisionError: division by zero\n',
      )
    })

    it('reports a syntax error as Python does, with no traceback', async () => {
      const r = await sandbox.runCode('x = (', 'python')
      expect(r.exitCode).toBe(1)
      expect(r.stderr).toMatch(/^ {2}File "<cell 1>", line 1\n {4}x = \(\n {8}\^\nSyntaxError: '\(' was never closed\n$/)
      expect(r.error).toBe("SyntaxError: '(' was never closed")
    })

    it('keeps sys.exit semantics: a message is printed and is status 1, None is success', async () => {
      expect(await sandbox.runCode('import sys\nsys.exit("bye")', 'python')).toMatchObject({ exitCode: 1, stderr: 'bye\n' })
      expect(await sandbox.runCode('import sys\nprint("a")\nsys.exit()', 'python')).toMatchObject({ success: true, exitCode: 0, output: 'a\n' })
    })

    it('cannot forge or flood the images: a file the code writes into the results mount is not an image, and its quota holds', async () => {
      const r = await sandbox.runCode(
        [
          'import errno',
          'open("/.lci-results/0.png", "wb").write(b"\\x89PNG forged")',
          'try:',
          '    open("/.lci-results/big", "wb").write(b"x" * (64 << 20))',
          '    print("wrote 64 MiB")',
          'except OSError as e:',
          '    print(errno.errorcode[e.errno])',
        ].join('\n'),
        'python',
      )
      expect(r.output).toBe('EDQUOT\n')
      expect(r.images).toEqual([])
    })

    it('display() prints the repr of what is not an image, and the standard image returns no images', async () => {
      const r = await sandbox.runCode('display({"a": 1}, "s")', 'python')
      expect(r.output).toBe("{'a': 1}\n's'\n")
      expect(r.images).toEqual([])
    })
  })
})
