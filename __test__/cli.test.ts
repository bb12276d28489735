// The command line, run as users run it (from the TypeScript sources through tsx).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { UsageError, parseCommandLine } from '../src/cli'

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

  it('run prints the program output and exits with its exit code', async () => {
    const path = file('exit3.py', 'import sys\nprint("out")\nprint("err", file=sys.stderr)\nsys.exit(3)\n')
    const { code, stdout } = await cli(['run', path])
    expect(stdout).toBe('out\nerr\n')
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
    for (const flag of ['run <file>', 'mcp', '--environment', '--timeout', '--language', '--max-output-bytes', '--persistent', '--python', '--tmp-directory', '--log-directory', '--approval', '--help', '--version']) {
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
    expect(parseCommandLine(['mcp', '--environment', 'hyperlight', '--persistent', '--approval', 'always_require'])).toEqual({
      command: 'mcp',
      toolOptions: { environment: 'hyperlight', persistent: true, approvalMode: 'always_require' },
    })
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
})
