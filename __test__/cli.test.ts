// The command line, run as users run it (from the TypeScript sources through tsx).
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

import { afterAll, describe, expect, it, vi } from 'vitest'

import { DEFAULT_OUTPUT_DIR, UsageError, parseCommandLine, parseTokenFile, runFile } from '../src/cli'
import type { NativeAddon, NativeWorkloadResult } from '../src/native/addon'
import { CIRCLE_SVG, RED_PNG, RICH_CODE, richResultAddon, workload } from './helpers/rich-results'

const root = resolve(__dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'lci-cli-test-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function cli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = execFile(process.execPath, ['--import', 'tsx', resolve(root, 'src/cli.ts'), ...args], { cwd: root }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolvePromise({ code, stdout, stderr })
    })
    if (input !== undefined) child.stdin?.end(input)
  })
}

function file(name: string, text: string): string {
  const path = join(work, name)
  writeFileSync(path, text)
  return path
}

describe('local-code-interpreter CLI', () => {
  it('run --stdin gives the program a file, or with - its own stdin; without it the program reads nothing of the CLI\'s stdin', async () => {
    const reverse = file('reverse.py', 'import sys\nprint(sys.stdin.read()[::-1].strip())\n')
    expect((await cli(['run', reverse, '--stdin', file('in.txt', 'olleh')])).stdout).toBe('hello\n')
    expect((await cli(['run', reverse, '--stdin', '-'], 'dlrow')).stdout).toBe('world\n')
    const secret = `CLI-STDIN-SECRET-${process.pid}`
    const unasked = await cli(['run', reverse], secret)
    expect(unasked).toMatchObject({ code: 0, stdout: '\n' })
  })

  it('run prints the program\'s stdout on stdout and its stderr on stderr, and exits with its exit code', async () => {
    const path = file('exit3.py', 'import sys\nprint("out")\nprint("err", file=sys.stderr)\nsys.exit(3)\n')
    const { code, stdout, stderr } = await cli(['run', path])
    expect(stdout).toBe('out\n')
    expect(stderr).toBe('err\n')
    expect(code).toBe(3)
  })

  it('run exits 0 for a program that succeeds, and 124 when it times out', async () => {
    expect(await cli(['run', file('ok.py', 'print(1 + 1)\n')])).toMatchObject({ code: 0, stdout: '2\n' })
    const slow = await cli(['run', file('slow.py', 'import time\nprint("tick", flush=True)\ntime.sleep(30)\n'), '--timeout', '1s'])
    expect(slow.code).toBe(124)
    expect(slow.stdout).toBe('tick\n')
    expect(slow.stderr).toContain('timed out after 1000 ms')
  })

  it('--help documents every flag', async () => {
    const { code, stdout } = await cli(['--help'])
    expect(code).toBe(0)
    for (const flag of ['run <file>', 'mcp', '--environment', '--timeout', '--language', '--max-output-bytes', '--output-dir', '--persistent', '--python-image', '--allow-net', '--python', '--tmp-directory', '--log-directory', '--snapshot-dir', '--no-snapshot-cache', 'cache clear', '--approval', '--help', '--version']) {
      expect(stdout).toContain(flag)
    }
  })

  it.each([
    [[], /missing command/],
    [['launch'], /unknown command/],
    [['run'], /missing <file>/],
    [['run', 'a.py', 'b.py'], /one <file>/],
    [['run', 'a.py', '--environment', 'docker'], /--environment/],
    [['run', 'a.py', '--timeout', 'soon'], /--timeout/],
    [['run', 'a.py', '--timeout', '0'], /--timeout/],
    [['run', 'a.py', '--max-output-bytes', '-5'], /--max-output-bytes/],
    [['run', 'a.py', '--bogus'], /bogus/],
    [['run', 'a.rb'], /cannot tell the language/],
    [['run', 'a.py', '--language', 'ruby'], /--language/],
    [['mcp', '--persistent'], /needs --environment hyperlight/],
    [['mcp', 'extra'], /no arguments/],
    [['mcp', '--approval', 'maybe'], /--approval/],
    [['mcp', '--output-dir', 'out'], /--output-dir applies to run only/],
    [['mcp', '--environment', 'hyperlight', '--python-image', 'full'], /--python-image: expected standard or data, got "full"/],
    [['run', 'a.py', '--python-image', 'data'], /--python-image needs --environment hyperlight/],
    [['run', 'a.py', '--allow-net', 'api.example.com'], /--allow-net needs --environment hyperlight/],
    [['mcp', '-e', 'python', '--allow-net', 'api.example.com'], /--allow-net needs --environment hyperlight/],
    [['mcp', '-e', 'hyperlight', '--allow-net'], /--allow-net/],
    [['run', 'a.py', '--snapshot-dir', '/tmp/s'], /--snapshot-dir needs --environment hyperlight/],
    [['mcp', '--no-snapshot-cache'], /--no-snapshot-cache needs --environment hyperlight/],
    [['mcp', '-e', 'hyperlight', '--snapshot-dir', '/tmp/s', '--no-snapshot-cache'], /cannot both be given/],
    [['cache'], /expected "cache clear"/],
    [['cache', 'wipe'], /expected "cache clear"/],
    [['cache', 'clear', '--persistent'], /--persistent does not apply to cache clear/],
  ])('rejects bad arguments %j with a message', (args, message) => {
    expect(() => parseCommandLine(args as string[])).toThrow(UsageError)
    expect(() => parseCommandLine(args as string[])).toThrow(message)
  })

  it('parses options into tool options', () => {
    expect(parseCommandLine(['run', 'x.cpp', '-e', 'hyperlight', '-t', '2.5s', '--max-output-bytes', '4096'])).toEqual({
      command: 'run',
      file: 'x.cpp',
      language: 'cpp',
      toolOptions: { environment: 'hyperlight', timeoutMs: 2500, maxOutputBytes: 4096 },
    })
    expect(parseCommandLine(['run', 'plot.py', '--output-dir', 'figures'])).toMatchObject({ command: 'run', file: 'plot.py', outputDir: 'figures' })
    expect(parseCommandLine(['mcp', '--environment', 'hyperlight', '--persistent', '--approval', 'always_require'])).toEqual({
      command: 'mcp',
      toolOptions: { environment: 'hyperlight', persistent: true, approvalMode: 'always_require' },
    })
    expect(parseCommandLine(['run', 'a.py', '-e', 'hyperlight', '--python-image', 'standard']).toolOptions).toEqual({ environment: 'hyperlight', pythonImage: 'standard' })
    expect(parseCommandLine(['mcp', '-e', 'hyperlight', '--python-image', 'data']).toolOptions).toEqual({ environment: 'hyperlight', pythonImage: 'data' })
    // --allow-net is repeatable, in order; each entry's form is the sandbox's to check.
    expect(parseCommandLine(['run', 'a.py', '-e', 'hyperlight', '--allow-net', 'api.example.com']).toolOptions).toEqual({
      environment: 'hyperlight',
      network: { allow: ['api.example.com'] },
    })
    expect(parseCommandLine(['mcp', '--allow-net', '*.example.org:443', '-e', 'hyperlight', '--allow-net=10.0.0.0/8', '--allow-net', '[2001:db8::1]:8443']).toolOptions).toEqual({
      environment: 'hyperlight',
      network: { allow: ['*.example.org:443', '10.0.0.0/8', '[2001:db8::1]:8443'] },
    })
    expect(parseCommandLine(['mcp', '-e', 'hyperlight', '--snapshot-dir', '/var/cache/lci']).toolOptions).toEqual({
      environment: 'hyperlight',
      snapshotDirectory: '/var/cache/lci',
    })
    expect(parseCommandLine(['run', 'a.py', '-e', 'hyperlight', '--no-snapshot-cache']).toolOptions).toEqual({ environment: 'hyperlight', snapshotDirectory: false })
    expect(parseCommandLine(['mcp', '-e', 'hyperlight', '--warm-up', 'python, javascript'])).toEqual({
      command: 'mcp',
      toolOptions: { environment: 'hyperlight' },
      warmUp: ['python', 'javascript'],
    })
    expect(parseCommandLine(['mcp', '--http', '--warm-up', 'js']).warmUp).toEqual(['js'])
    expect(() => parseCommandLine(['run', 'a.py', '--warm-up', 'python'])).toThrow(/--warm-up applies to mcp only/)
    expect(() => parseCommandLine(['mcp', '--warm-up', ','])).toThrow(/--warm-up: expected languages/)
    expect(parseCommandLine(['cache', 'clear'])).toEqual({ command: 'cache-clear', toolOptions: {} })
    expect(parseCommandLine(['cache', 'clear', '--snapshot-dir', 'snaps'])).toEqual({ command: 'cache-clear', toolOptions: {}, snapshotDir: 'snaps' })
  })

  it('cache clear says what it removed from the snapshot directory, or that there was nothing', async () => {
    const empty = await cli(['cache', 'clear', '--snapshot-dir', join(work, 'no-snapshots-here')])
    expect(empty).toMatchObject({ code: 0, stdout: `nothing to remove in ${join(work, 'no-snapshots-here')}\n` })
    // An entry as the sandbox leaves one (its key file marks it), next to a file that is not ours.
    const dir = mkdtempSync(join(work, 'snapshots-'))
    mkdirSync(join(dir, 'python-0123456789abcdef01234567', 'blobs'), { recursive: true })
    writeFileSync(join(dir, 'python-0123456789abcdef01234567', 'lci-key'), 'format=1\n')
    writeFileSync(join(dir, 'python-0123456789abcdef01234567', 'blobs', 'memory'), Buffer.alloc(64 * 1024))
    writeFileSync(join(dir, 'notes.txt'), 'not a snapshot')
    const { code, stdout } = await cli(['cache', 'clear', '--snapshot-dir', dir])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^removed python-0123456789abcdef01234567 \(\d+\.\d KiB\)\n1 removed from .*, \d+\.\d KiB freed\n$/)
    expect(readdirSync(dir)).toEqual(['notes.txt'])
  })

  it('a usage error exits with status 2 and says how to get help', async () => {
    const { code, stderr, stdout } = await cli(['run', 'a.py', '--environment', 'docker'])
    expect(code).toBe(2)
    expect(stderr).toContain('--environment: expected python or hyperlight')
    expect(stderr).toContain('--help')
    expect(stdout).toBe('')
  })

  it('run reports a program that cannot run with exit status 1 and the error code', async () => {
    const { code, stderr } = await cli(['run', file('prog.js', 'console.log(1)\n')])
    expect(code).toBe(1)
    expect(stderr).toContain('ERR_UNKNOWN_LANGUAGE')
    const missing = await cli(['run', join(work, 'nope.py')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('cannot read')
  })

  it('run without images creates no output directory', async () => {
    const outputDir = join(work, 'no-images')
    expect(await cli(['run', file('plain.py', 'print("no plot")\n'), '--output-dir', outputDir])).toMatchObject({ code: 0, stdout: 'no plot\n' })
    expect(existsSync(outputDir)).toBe(false)
  })
})

/** Runs `run <args>` in this process, on a stand-in addon (default: the rich-results one), capturing what it writes. */
async function runWithImages(args: string[], addon: NativeAddon = richResultAddon()): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = parseCommandLine(['run', ...args, '--environment', 'hyperlight'])
  const captured = { stdout: '', stderr: '' }
  const capture = (stream: 'stdout' | 'stderr') =>
    vi.spyOn(process[stream], 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured[stream] += String(chunk)
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
      done?.()
      return true
    }) as typeof process.stdout.write)
  const spies = [capture('stdout'), capture('stderr')]
  try {
    const code = await runFile({ ...command, toolOptions: { ...command.toolOptions, loadNativeAddon: () => addon } })
    return { code, ...captured }
  } finally {
    for (const spy of spies) spy.mockRestore()
  }
}

describe('local-code-interpreter mcp --http: flags', () => {
  it('parses where and how to serve, with the defaults', () => {
    expect(parseCommandLine(['mcp', '--http']).http).toEqual({ host: '127.0.0.1', port: 8787, shutdownGraceMs: 30_000 })
    expect(
      parseCommandLine(['mcp', '--http', '--host', '0.0.0.0', '--port', '0', '--token-file', 't', '--max-calls-per-client', '3', '--max-body-bytes', '1000', '--shutdown-grace', '5s']).http,
    ).toEqual({ host: '0.0.0.0', port: 0, tokenFile: 't', maxCallsPerClient: 3, maxBodyBytes: 1000, shutdownGraceMs: 5000 })
    expect(parseCommandLine(['mcp']).http).toBeUndefined()
  })

  it('refuses a non-loopback host without a token, HTTP flags without --http, and bad numbers', () => {
    const saved = process.env.LCI_MCP_TOKEN
    delete process.env.LCI_MCP_TOKEN
    try {
      expect(() => parseCommandLine(['mcp', '--http', '--host', '10.1.2.3'])).toThrow(/not loopback: give a token/)
      process.env.LCI_MCP_TOKEN = 'from-env'
      expect(parseCommandLine(['mcp', '--http', '--host', '10.1.2.3']).http?.host).toBe('10.1.2.3')
    } finally {
      if (saved === undefined) delete process.env.LCI_MCP_TOKEN
      else process.env.LCI_MCP_TOKEN = saved
    }
    expect(() => parseCommandLine(['mcp', '--port', '9000'])).toThrow(/--port applies to mcp --http only/)
    expect(() => parseCommandLine(['run', 'a.py', '--http'])).toThrow(/--http applies to mcp only/)
    expect(() => parseCommandLine(['mcp', '--http', '--port', '70000'])).toThrow(UsageError)
    expect(() => parseCommandLine(['mcp', '--http', '--max-calls-per-client', '0'])).toThrow(/positive integer/)
    expect(() => parseCommandLine(['mcp', '--http', '--shutdown-grace', 'soon'])).toThrow(/--shutdown-grace/)
  })

  it('reads a token file: one token a line, blank lines and # comments skipped', () => {
    expect(parseTokenFile('# agents\nalpha\r\n\n  beta  \n#gamma\n')).toEqual(['alpha', 'beta'])
  })
})

describe('local-code-interpreter run: images (hyperlight, on a stand-in addon)', () => {
  const plot = file('plot.py', RICH_CODE)

  it('saves the images as image-1.png, image-2.svg in --output-dir and names each on stderr, after the output', async () => {
    const outputDir = join(work, 'figures')
    const { code, stdout, stderr } = await runWithImages([plot, '--output-dir', outputDir])
    expect(code).toBe(0)
    expect(stdout).toBe('plotted\n42\n')
    expect(readdirSync(outputDir).sort()).toEqual(['image-1.png', 'image-2.svg'])
    expect(readFileSync(join(outputDir, 'image-1.png')).equals(RED_PNG)).toBe(true)
    expect(readFileSync(join(outputDir, 'image-2.svg')).equals(CIRCLE_SVG)).toBe(true)
    expect(stderr).toBe(
      `local-code-interpreter: saved ${join(outputDir, 'image-1.png')}\nlocal-code-interpreter: saved ${join(outputDir, 'image-2.svg')}\n`,
    )
  })

  it(`saves them under ./${DEFAULT_OUTPUT_DIR} by default, and makes no directory for a run without images`, async () => {
    const cwd = process.cwd()
    const here = mkdtempSync(join(work, 'cwd-'))
    process.chdir(here)
    try {
      const plain = await runWithImages([file('x.py', 'x = 1')])
      expect(plain.stdout).toBe('ran x = 1\n')
      expect(existsSync(join(here, DEFAULT_OUTPUT_DIR))).toBe(false)
      const { stderr } = await runWithImages([plot])
      expect(readdirSync(join(here, DEFAULT_OUTPUT_DIR)).sort()).toEqual(['image-1.png', 'image-2.svg'])
      expect(stderr).toContain(`saved ${join(DEFAULT_OUTPUT_DIR, 'image-1.png')}\n`)
    } finally {
      process.chdir(cwd)
    }
  })

  it('reports a directory it cannot write, and still exits with the program\'s status', async () => {
    const blocker = file('not-a-directory', 'a file')
    const { code, stdout, stderr } = await runWithImages([plot, '--output-dir', join(blocker, 'sub')])
    expect(code).toBe(0)
    expect(stdout).toBe('plotted\n42\n')
    expect(stderr).toMatch(/^local-code-interpreter: cannot save images to .*not-a-directory\/sub: /)
  })
})

describe('local-code-interpreter run: the last expression\'s value (hyperlight, on a stand-in addon)', () => {
  /** An addon whose every run answers with `result`. */
  function answering(result: Partial<NativeWorkloadResult>): NativeAddon {
    const run = async () => workload(result)
    return { NanvixSandbox: class { runCode = run } } as unknown as NativeAddon
  }
  const program = file('value.py', '6 * 7')
  const outputDir = join(work, 'value-images')

  it('prints the value\'s repr on its own line after the output, as the Python REPL does', async () => {
    expect(await runWithImages([program, '--output-dir', outputDir], answering({ output: 'hi\n', value: "{'a': 1}" }))).toEqual({
      code: 0,
      stdout: "hi\n{'a': 1}\n",
      stderr: '',
    })
    // Output that did not end its line: the value still gets a line of its own.
    expect((await runWithImages([program], answering({ output: 'no newline', value: '42' }))).stdout).toBe('no newline\n42\n')
    expect((await runWithImages([program], answering({ value: "'text'" }))).stdout).toBe("'text'\n")
  })

  it('prints nothing more when there is no value', async () => {
    expect((await runWithImages([program], answering({ output: 'only output\n' }))).stdout).toBe('only output\n')
    expect((await runWithImages([program], answering({}))).stdout).toBe('')
  })
})
