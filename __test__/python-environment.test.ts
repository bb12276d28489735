import { existsSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'

import { describe, expect, it } from 'vitest'

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

describe('python environment', () => {
  const tool = new CodeExecutionTool({ environment: 'python', timeoutMs: 20_000 })

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

  it('gives the program empty stdin', async () => {
    const result = await tool.execute({ code: 'import sys\nprint(repr(sys.stdin.read()))' })
    expect(result.output).toBe("''\n")
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
