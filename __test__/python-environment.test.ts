import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { CodeExecutionTool } from '../src/code-execution-tool'
import { ExecutionErrorCode, InvalidConfigError } from '../src/errors'

/** Alive means: exists and is not a zombie (a killed process may wait to be reaped by an init that never does). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

async function waitUntilGone(pid: number, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return !isAlive(pid)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** How long the escaping processes below sleep before they write their marker. */
const ESCAPEE_SLEEP_SECONDS = 4

/**
 * Python code that starts two processes that leave the program's process group and session: a child started
 * with setsid, and a grandchild after a double fork (its parent exits, so it is orphaned as well). Each writes
 * `started-<name>` (its pid) at once and `marker-<name>` after ESCAPEE_SLEEP_SECONDS. The code returns, having
 * printed `ready`, once both have started.
 */
function startEscapees(directory: string): string {
  const sleeper = join(directory, 'sleeper.py')
  writeFileSync(
    sleeper,
    [
      'import os, sys, time',
      'directory, name = sys.argv[1:]',
      "open(os.path.join(directory, 'pid-' + name), 'w').write(str(os.getpid()))",
      "os.rename(os.path.join(directory, 'pid-' + name), os.path.join(directory, 'started-' + name))",
      `time.sleep(${ESCAPEE_SLEEP_SECONDS})`,
      "open(os.path.join(directory, 'marker-' + name), 'w').close()",
    ].join('\n'),
  )
  return [
    'import os, subprocess, sys, time',
    `DIRECTORY, SLEEPER = ${JSON.stringify(directory)}, ${JSON.stringify(sleeper)}`,
    // A child in a new session (setsid): out of reach of a kill of the program's process group.
    "subprocess.Popen([sys.executable, SLEEPER, DIRECTORY, 'setsid'], start_new_session=True)",
    // A double fork: a grandchild in a new session whose parent is gone.
    'if os.fork() == 0:',
    '    os.setsid()',
    '    if os.fork() == 0:',
    "        os.execv(sys.executable, [sys.executable, SLEEPER, DIRECTORY, 'double-fork'])",
    '    os._exit(0)',
    'os.wait()',
    "while len([name for name in os.listdir(DIRECTORY) if name.startswith('started-')]) < 2:",
    '    time.sleep(0.02)',
    "print('ready', flush=True)",
  ].join('\n')
}

/** The pids of the escapees that have started so far. */
function escapeePids(directory: string): number[] {
  return readdirSync(directory)
    .filter((name) => name.startsWith('started-'))
    .map((name) => Number(readFileSync(join(directory, name), 'utf8')))
}

/** Checks that both escapees are gone now and that neither lives long enough to write its marker. */
async function expectEscapeesKilled(directory: string): Promise<void> {
  const pids = escapeePids(directory)
  expect(pids).toHaveLength(2)
  for (const pid of pids) expect(await waitUntilGone(pid)).toBe(true)
  await sleep(ESCAPEE_SLEEP_SECONDS * 1000 + 1000)
  expect(readdirSync(directory).filter((name) => name.startsWith('marker-'))).toEqual([])
}

describe('python environment', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lci-python-test-'))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  const tool = new CodeExecutionTool({ environment: 'python', timeoutMs: 20_000 })

  it('warmUp finds the interpreter ahead of the first call, and says which languages it cannot warm', async () => {
    expect(await tool.warmUp()).toEqual([{ language: 'python', ok: true, durationMs: expect.any(Number) }])
    const [unknown] = await tool.warmUp(['javascript'])
    expect(unknown).toMatchObject({ language: 'javascript', ok: false, error: { code: 'ERR_UNKNOWN_LANGUAGE' } })
    const missing = new CodeExecutionTool({ environment: 'python', pythonPath: 'no-such-python-lci' })
    expect(await missing.warmUp()).toEqual([
      { language: 'python', ok: false, durationMs: expect.any(Number), error: { code: 'ERR_INTERPRETER_NOT_FOUND', message: expect.stringContaining('no-such-python-lci') } },
    ])
    await missing.close()
    const closed = new CodeExecutionTool({ environment: 'python' })
    await closed.close()
    expect((await closed.warmUp())[0]).toMatchObject({ ok: false, error: { code: 'ERR_TOOL_CLOSED' } })
  })

  it('runs a program and returns what it printed with exit code 0', async () => {
    const result = await tool.execute({ code: 'print(6 * 7)' })
    expect(result).toMatchObject({ output: '42\n', stderr: '', exitCode: 0, timedOut: false, truncated: false })
    expect(result.error).toBeUndefined()
    expect(result.environment).toBe('python')
    expect(result.language).toBe('python')
    expect(result.durationMs).toBeGreaterThan(0)
  })

  it('keeps stdout and stderr in the order written, and stderr alone in its own field', async () => {
    const code = [
      'import sys, warnings',
      'print("one")',
      'print("two", file=sys.stderr)',
      'print("three")',
      'warnings.warn("four")',
      'print("five")',
    ].join('\n')
    const result = await tool.execute({ code })
    const order = ['one', 'two', 'three', 'four', 'five'].map((word) => result.output.indexOf(word))
    expect(order.every((position) => position >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(result.stderr).toContain('two')
    expect(result.stderr).toContain('UserWarning: four')
    expect(result.stderr).not.toContain('one')
    expect(result.stderr).not.toContain('five')
  })

  it('reports an uncaught exception with its traceback, exit code 1 and ERR_EXIT_STATUS', async () => {
    const result = await tool.execute({ code: 'print("before")\n1/0' })
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/^before\nTraceback \(most recent call last\):/)
    expect(result.output).toContain('ZeroDivisionError: division by zero')
    expect(result.output).toContain('main.py", line 2')
    // The prelude that runs the program stays out of the traceback.
    expect(result.output).not.toContain('<string>')
    expect(result.error).toEqual({
      code: ExecutionErrorCode.ExitStatus,
      message: 'The program exited with code 1: ZeroDivisionError: division by zero',
    })
  })

  it('behaves like `python main.py`: __name__, sys.exit status, syntax errors', async () => {
    const main = await tool.execute({ code: 'import sys\nif __name__ == "__main__":\n    print("main")\n    sys.exit(3)' })
    expect(main.output).toBe('main\n')
    expect(main.exitCode).toBe(3)
    const syntax = await tool.execute({ code: 'def f(:\n    pass' })
    expect(syntax.exitCode).toBe(1)
    expect(syntax.output).toContain('SyntaxError')
    expect(syntax.output).not.toContain('Traceback')
  })

  it('does not pass the parent environment (API keys) to the program', async () => {
    const secret = `sk-test-${Math.random().toString(36).slice(2)}`
    process.env.LCI_TEST_OPENAI_API_KEY = secret
    process.env.OPENAI_API_KEY = secret
    try {
      const code = 'import os\nprint(sorted(os.environ))\nprint(any("' + secret + '" in v for v in os.environ.values()))'
      const result = await tool.execute({ code })
      expect(result.exitCode).toBe(0)
      expect(result.output).not.toContain('OPENAI_API_KEY')
      expect(result.output).not.toContain(secret)
      expect(result.output.trim().endsWith('False')).toBe(true)
    } finally {
      delete process.env.LCI_TEST_OPENAI_API_KEY
      delete process.env.OPENAI_API_KEY
    }
  })

  it('gives the program empty stdin, or exactly the stdin of the call, then end of file', async () => {
    const result = await tool.execute({ code: 'import sys\nprint(repr(sys.stdin.read()))' })
    expect(result.output).toBe("''\n")
    const given = await tool.execute({ code: 'import sys\nprint(repr(input()), repr(sys.stdin.read()))', stdin: 'two\nlines\n' })
    expect(given.output).toBe("'two' 'lines\\n'\n")
  })

  it('runs each call in a fresh private directory that is removed afterwards', async () => {
    const code = 'import os\nprint(os.getcwd())\nprint(os.listdir("."))\nopen("file.txt", "w").write("x")'
    const first = await tool.execute({ code })
    const second = await tool.execute({ code })
    const [firstDir, firstListing] = first.output.trim().split('\n')
    const [secondDir, secondListing] = second.output.trim().split('\n')
    expect(firstListing).toBe('[]')
    expect(secondListing).toBe('[]')
    expect(firstDir).not.toBe(secondDir)
    expect(existsSync(firstDir)).toBe(false)
    expect(existsSync(dirname(secondDir))).toBe(false)
  })

  it('kills a timed-out program together with its grandchildren, and says so', async () => {
    const quick = new CodeExecutionTool({ timeoutMs: 1500 })
    const code = [
      'import subprocess, sys, time',
      // A child that starts a grandchild, both in the program's process group.
      'child = subprocess.Popen([sys.executable, "-c", "import subprocess, time; g = subprocess.Popen([\'sleep\', \'300\']); print(g.pid, flush=True); time.sleep(300)"], stdout=subprocess.PIPE, text=True)',
      'grandchild = int(child.stdout.readline())',
      'print("pids", child.pid, grandchild, flush=True)',
      'time.sleep(300)',
    ].join('\n')
    const result = await quick.execute({ code })
    expect(result.timedOut).toBe(true)
    expect(result.error?.code).toBe(ExecutionErrorCode.Timeout)
    expect(result.error?.message).toContain('1500 ms')
    expect(result.durationMs).toBeLessThan(10_000)
    const match = /pids (\d+) (\d+)/.exec(result.output)
    expect(match, result.output).not.toBeNull()
    const [child, grandchild] = [Number(match![1]), Number(match![2])]
    expect(await waitUntilGone(child)).toBe(true)
    expect(await waitUntilGone(grandchild)).toBe(true)
    // The tool is still usable.
    expect((await quick.execute({ code: 'print("next")' })).output).toBe('next\n')
  })

  it('kills processes that escaped the process-group kill (setsid, double fork) at the timeout', async () => {
    const directory = mkdtempSync(join(scratch, 'timeout-'))
    const quick = new CodeExecutionTool({ timeoutMs: 3000 })
    const result = await quick.execute({ code: `${startEscapees(directory)}\ntime.sleep(60)` })
    expect(result.output).toBe('ready\n')
    expect(result.timedOut).toBe(true)
    expect(result.exitCode).toBe(137)
    expect(result.error?.code).toBe(ExecutionErrorCode.Timeout)
    await expectEscapeesKilled(directory)
  })

  it('kills processes that left the session when the caller aborts', async () => {
    const directory = mkdtempSync(join(scratch, 'abort-'))
    const controller = new AbortController()
    const call = tool.execute({ code: `${startEscapees(directory)}\ntime.sleep(60)` }, { signal: controller.signal })
    const deadline = Date.now() + 15_000
    while (escapeePids(directory).length < 2 && Date.now() < deadline) await sleep(20)
    controller.abort()
    const result = await call
    expect(result.error?.code).toBe(ExecutionErrorCode.Aborted)
    await expectEscapeesKilled(directory)
  })

  it('kills processes that left the session when the program ends normally, without waiting for them', async () => {
    const directory = mkdtempSync(join(scratch, 'exit-'))
    const result = await tool.execute({ code: startEscapees(directory) })
    expect(result).toMatchObject({ output: 'ready\n', exitCode: 0, timedOut: false })
    expect(result.error).toBeUndefined()
    expect(result.durationMs).toBeLessThan(ESCAPEE_SLEEP_SECONDS * 1000)
    await expectEscapeesKilled(directory)
  })

  it('reports death by a signal as 128+N, as before', async () => {
    const result = await tool.execute({ code: 'import os, signal\nos.kill(os.getpid(), signal.SIGTERM)' })
    expect(result.exitCode).toBe(143)
    expect(result.error).toEqual({ code: ExecutionErrorCode.ExitStatus, message: 'The program was killed by SIGTERM.' })
  })

  it('resolves soon after the timeout even when the supervisor cannot act, and the program dies with it', async () => {
    const quick = new CodeExecutionTool({ timeoutMs: 1000 })
    // A stopped supervisor cannot see the time is up; Node kills it, and the program goes with it. The parent
    // is stopped only if it is the Python supervisor: without one it would be the test runner.
    const code = [
      'import os, signal, sys, time',
      'print(os.getpid(), flush=True)',
      "if not open('/proc/%d/comm' % os.getppid()).read().startswith('python'): sys.exit('no supervisor')",
      'os.kill(os.getppid(), signal.SIGSTOP)',
      'time.sleep(60)',
    ].join('\n')
    const result = await quick.execute({ code })
    expect(result.timedOut, result.output).toBe(true)
    expect(result.durationMs).toBeLessThan(10_000)
    expect(await waitUntilGone(Number(result.output.trim()))).toBe(true)
  })

  it('does not leave background processes behind when the program exits', async () => {
    const result = await tool.execute({
      code: 'import subprocess\np = subprocess.Popen(["sleep", "300"])\nprint(p.pid)',
    })
    expect(result.exitCode).toBe(0)
    expect(await waitUntilGone(Number(result.output.trim()))).toBe(true)
  })

  it('caps 10 MB of output keeping beginning and end, and the next call works', async () => {
    const capped = new CodeExecutionTool({ maxOutputBytes: 10_000 })
    const code = 'import sys\nsys.stdout.write("BEGIN" + "x" * 10_000_000 + "END\\n")'
    const result = await capped.execute({ code })
    expect(result.exitCode).toBe(0)
    expect(result.truncated).toBe(true)
    expect(result.output.startsWith('BEGIN')).toBe(true)
    expect(result.output.endsWith('END\n')).toBe(true)
    expect(result.output).toMatch(/bytes of output omitted/)
    expect(Buffer.byteLength(result.output)).toBeLessThan(10_200)
    const next = await capped.execute({ code: 'print("ok")' })
    expect(next).toMatchObject({ output: 'ok\n', truncated: false, exitCode: 0 })
  })

  it('runs 20 calls in parallel, each returning its own output', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        tool.execute({ code: `import time\ntime.sleep(0.05)\nprint("call ${index}")` }),
      ),
    )
    results.forEach((result, index) => {
      expect(result.error).toBeUndefined()
      expect(result.output).toBe(`call ${index}\n`)
    })
  })

  it('kills the program when the caller aborts', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 500)
    const result = await tool.execute({ code: 'import time\nprint("started", flush=True)\ntime.sleep(60)' }, { signal: controller.signal })
    expect(result.error?.code).toBe(ExecutionErrorCode.Aborted)
    expect(result.output).toBe('started\n')
    expect(result.durationMs).toBeLessThan(10_000)
  })

  it('returns a clear error result when the interpreter is missing', async () => {
    const missing = new CodeExecutionTool({ pythonPath: '/nonexistent/bin/python3' })
    const result = await missing.execute({ code: 'print(1)' })
    expect(result.exitCode).toBe(-1)
    expect(result.error?.code).toBe(ExecutionErrorCode.InterpreterNotFound)
    expect(result.error?.message).toContain('/nonexistent/bin/python3')
  })

  it('turns invalid input into error results with stable codes', async () => {
    const small = new CodeExecutionTool({ maxCodeBytes: 100 })
    expect((await small.execute({ code: '   \n' })).error?.code).toBe(ExecutionErrorCode.EmptyCode)
    expect((await small.execute({ code: 'print(1)', language: 'javascript' })).error?.code).toBe(
      ExecutionErrorCode.UnknownLanguage,
    )
    expect((await small.execute({ code: `print("${'x'.repeat(200)}")` })).error?.code).toBe(
      ExecutionErrorCode.CodeTooLarge,
    )
    expect((await small.execute(null as never)).error?.code).toBe(ExecutionErrorCode.InvalidInput)
    expect((await small.execute({ code: 42 } as never)).error?.code).toBe(ExecutionErrorCode.InvalidInput)
    // 'python' is accepted even though the python environment's schema has no language field.
    expect((await small.execute({ code: 'print(1)', language: 'python' })).output).toBe('1\n')
  })

  it('rejects invalid options at construction with ERR_INVALID_CONFIG', () => {
    expect(() => new CodeExecutionTool({ timeoutMs: 0 })).toThrow(InvalidConfigError)
    expect(() => new CodeExecutionTool({ environment: 'docker' as never })).toThrow(/environment/)
    expect(() => new CodeExecutionTool({ persistent: true })).toThrow(/hyperlight/)
    try {
      new CodeExecutionTool({ approvalMode: 'sometimes' as never })
      expect.unreachable()
    } catch (error) {
      expect((error as InvalidConfigError).code).toBe('ERR_INVALID_CONFIG')
    }
  })
})
