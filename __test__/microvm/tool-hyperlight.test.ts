// The hyperlight environment through CodeExecutionTool, against the real native addon in a real micro-VM.
// Needs a hypervisor that runs Hyperlight guests: the test runner runs this file in the emulated-KVM VM.
// Timings under emulation are 50–100× those on hardware KVM, hence the generous limits; nothing here
// asserts speed.
import { afterAll, describe, expect, it } from 'vitest'

import { CodeExecutionTool } from '../../src/code-execution-tool'
import { ExecutionErrorCode } from '../../src/errors'
import type { ExecutionResult } from '../../src/execution-result'

const GENEROUS_TIMEOUT_MS = 300_000

function expectSuccess(result: ExecutionResult): void {
  expect(result.error, JSON.stringify(result.error)).toBeUndefined()
  expect(result.exitCode).toBe(0)
  expect(result.environment).toBe('hyperlight')
}

describe('hyperlight environment, a fresh guest per call', () => {
  const tool = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', timeoutMs: GENEROUS_TIMEOUT_MS })
  afterAll(() => tool.close())

  it('runs Python and JavaScript and returns what they printed', async () => {
    const python = await tool.execute({ code: 'print(sum(range(10)))' })
    expectSuccess(python)
    expect(python.output).toBe('45\n')
    expect(python.language).toBe('python')

    const javascript = await tool.execute({ code: 'console.log([1, 2, 3].map((x) => x * 2).join(","))', language: 'javascript' })
    expectSuccess(javascript)
    expect(javascript.output).toBe('2,4,6\n')
    expect(javascript.language).toBe('javascript')
  })

  it('does not keep state between calls', async () => {
    expectSuccess(await tool.execute({ code: 'leftover = 41' }))
    const next = await tool.execute({ code: 'print(leftover)' })
    expect(next.error?.code).toBe(ExecutionErrorCode.ExitStatus)
    expect(next.output).toContain("NameError: name 'leftover' is not defined")
  })

  it('reports an uncaught exception with its traceback, stderr and a non-zero exit code', async () => {
    const result = await tool.execute({ code: 'print("before")\nraise ValueError("boom")' })
    expect(result.exitCode).not.toBe(0)
    expect(result.error?.code).toBe(ExecutionErrorCode.ExitStatus)
    expect(result.output).toMatch(/before\n[\s\S]*ValueError: boom/)
    expect(result.stderr).toContain('ValueError: boom')
    expect(result.stderr).not.toContain('before')
  })

  it('keeps stdout and stderr in the order written', async () => {
    const result = await tool.execute({ code: 'import sys\nprint("1")\nprint("2", file=sys.stderr)\nprint("3")' })
    expectSuccess(result)
    expect(result.output).toBe('1\n2\n3\n')
    expect(result.stderr).toBe('2\n')
  })

  it('gives the guest neither the host environment nor the network', async () => {
    process.env.LCI_MICROVM_SECRET = 'sk-microvm-secret'
    try {
      const result = await tool.execute({
        code: [
          'import os, socket',
          'print("secret" if any("sk-microvm-secret" in v for v in os.environ.values()) else "clean")',
          'try:',
          '    socket.create_connection(("1.1.1.1", 80), timeout=5)',
          '    print("connected")',
          'except OSError as error:',
          '    print("no network")',
        ].join('\n'),
      })
      expectSuccess(result)
      expect(result.output).toBe('clean\nno network\n')
    } finally {
      delete process.env.LCI_MICROVM_SECRET
    }
  })

  it('runs C and C++ programs', async () => {
    const c = await tool.execute({ code: '#include <stdio.h>\nint main(void) { printf("c %d\\n", 6 * 7); return 0; }', language: 'c' })
    expectSuccess(c)
    expect(c.output).toBe('c 42\n')
    const cpp = await tool.execute({
      code: '#include <iostream>\n#include <vector>\nint main() { std::vector<int> v{1, 2, 3}; std::cout << "cpp " << v.size() << std::endl; return 3; }',
      language: 'cpp',
    })
    expect(cpp.output).toBe('cpp 3\n')
    expect(cpp.exitCode).toBe(3)
    expect(cpp.error?.code).toBe(ExecutionErrorCode.ExitStatus)
  })

  // The addon keeps the beginning of each stream (its SandboxConfig.maxOutputBytes); the python environment
  // keeps beginning and end.
  it('caps large output, keeping its beginning, and stays usable', async () => {
    const capped = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', timeoutMs: GENEROUS_TIMEOUT_MS, maxOutputBytes: 10_000 })
    try {
      const result = await capped.execute({ code: 'import sys\nsys.stdout.write("BEGIN" + "x" * 1_000_000 + "END\\n")' })
      expect(result.truncated).toBe(true)
      expect(result.output.startsWith('BEGIN')).toBe(true)
      expect(Buffer.byteLength(result.output)).toBeLessThan(12_000)
      expectSuccess(await capped.execute({ code: 'print("ok")' }))
    } finally {
      await capped.close()
    }
  })

  it('stops a running program when the call is aborted, and the next call works', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 2000)
    const result = await tool.execute({ code: 'while True:\n    pass' }, { signal: controller.signal })
    expect(result.error?.code).toBe(ExecutionErrorCode.Aborted)
    expectSuccess(await tool.execute({ code: 'print("after abort")' }))
  })

  it('stops a program that runs past the time limit, and the next call works', async () => {
    const quick = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', timeoutMs: 15_000 })
    try {
      // Warm up first, so that booting the guest is not counted against the limit.
      expectSuccess(await quick.execute({ code: 'print("warm")' }))
      const result = await quick.execute({ code: 'print("looping", flush=True)\nwhile True:\n    pass' })
      expect(result.timedOut).toBe(true)
      expect(result.error?.code).toBe(ExecutionErrorCode.Timeout)
      const next = await quick.execute({ code: 'print("after")' })
      expectSuccess(next)
      expect(next.output).toBe('after\n')
    } finally {
      await quick.close()
    }
  })
})

describe('hyperlight environment, persistent sessions', () => {
  const tool = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', persistent: true, timeoutMs: GENEROUS_TIMEOUT_MS })
  afterAll(() => tool.close())

  /** Runs code in the tool's session for `language` (python by default). */
  const run = (code: string, language?: 'python' | 'javascript') => tool.execute({ code, language })

  it('keeps variables, functions and imports between calls, per language', async () => {
    expectSuccess(await run('import math\ncounter = 41\ndef double(x):\n    return 2 * x'))
    const python = await run('counter += 1\nprint(counter, double(counter), math.floor(2.5))')
    expectSuccess(python)
    expect(python.output).toBe('42 84 2\n')

    expectSuccess(await run('var total = 10; function triple(x) { return 3 * x }', 'javascript'))
    const javascript = await run('console.log(triple(total))', 'javascript')
    expectSuccess(javascript)
    expect(javascript.output).toBe('30\n')
  })

  it('forgets everything on reset()', async () => {
    expectSuccess(await run('remembered = "yes"'))
    expect((await run('print(remembered)')).output).toBe('yes\n')
    await tool.reset()
    const after = await run('print(remembered)')
    expect(after.error?.code).toBe(ExecutionErrorCode.ExitStatus)
    expect(after.output).toContain("NameError: name 'remembered' is not defined")
  })

  it('keeps the session usable after an exception', async () => {
    expectSuccess(await run('kept = 7'))
    expect((await run('raise RuntimeError("oops")')).error?.code).toBe(ExecutionErrorCode.ExitStatus)
    expect((await run('print(kept)')).output).toBe('7\n')
  })

  it('resets the session after a timeout and says so', async () => {
    const quick = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', persistent: true, timeoutMs: 15_000 })
    try {
      const warm = await quick.execute({ code: 'before_timeout = 1' })
      expectSuccess(warm)
      const spun = await quick.execute({ code: 'while True:\n    pass' })
      expect(spun.error?.code).toBe(ExecutionErrorCode.Timeout)
      expect(spun.error?.message).toMatch(/reset|discarded/)
      const after = await quick.execute({ code: 'print(before_timeout)' })
      expect(after.output).toContain("NameError: name 'before_timeout' is not defined")
      expectSuccess(await quick.execute({ code: 'print("usable")' }))
    } finally {
      await quick.close()
    }
  })
})
