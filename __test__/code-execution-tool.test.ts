import { describe, expect, it } from 'vitest'

import { CodeExecutionTool } from '../src/code-execution-tool'
import { formatExecutionResult, type ExecutionResult } from '../src/execution-result'

describe('CodeExecutionTool surface', () => {
  it('is named execute_code, defaults to the python environment and never asks for approval by default', () => {
    const tool = new CodeExecutionTool()
    expect(tool.name).toBe('execute_code')
    expect(tool.environment).toBe('python')
    expect(tool.approvalMode).toBe('never_require')
    expect(tool.needsApproval).toBe(false)
    expect(new CodeExecutionTool({ approvalMode: 'always_require' }).needsApproval).toBe(true)
    expect(new CodeExecutionTool({ name: 'run_python' }).name).toBe('run_python')
  })

  it('describes the environment: languages, isolation, state and limits', () => {
    const python = new CodeExecutionTool({ timeoutMs: 5000, maxOutputBytes: 2048 }).description
    expect(python).toMatch(/Python 3/)
    expect(python).toMatch(/trusted code only/i)
    expect(python).toMatch(/new Python process/)
    expect(python).toContain('5 s')
    expect(python).toContain('2,048 bytes')

    const fresh = new CodeExecutionTool({ environment: 'hyperlight' }).description
    const persistent = new CodeExecutionTool({ environment: 'hyperlight', persistent: true }).description
    for (const text of [fresh, persistent]) {
      expect(text).toMatch(/micro-VM/)
      expect(text).toMatch(/javascript/)
      expect(text).toMatch(/cpp/)
      expect(text).toMatch(/no network/)
    }
    expect(fresh).toMatch(/clean guest/)
    expect(persistent).toMatch(/as in a notebook/)
    expect(new Set([python, fresh, persistent]).size).toBe(3)
  })

  it('has an input schema, in zod and JSON Schema, with language only for hyperlight', () => {
    const python = new CodeExecutionTool()
    expect(python.inputJsonSchema).toMatchObject({
      type: 'object',
      properties: { code: { type: 'string' } },
      required: ['code'],
    })
    expect(python.inputJsonSchema.properties).not.toHaveProperty('language')
    expect(python.inputSchema.safeParse({ code: 'print(1)' }).success).toBe(true)

    const hyperlight = new CodeExecutionTool({ environment: 'hyperlight' })
    expect(hyperlight.inputJsonSchema).toMatchObject({
      type: 'object',
      properties: { code: { type: 'string' }, language: { enum: ['python', 'javascript', 'c', 'cpp'] } },
      required: ['code'],
    })
    expect(hyperlight.inputSchema.safeParse({ code: 'x', language: 'cpp' }).success).toBe(true)
    expect(hyperlight.inputSchema.safeParse({ code: 'x', language: 'ruby' }).success).toBe(false)
  })
})

describe('formatExecutionResult (the text a model reads)', () => {
  const base: ExecutionResult = {
    output: 'hi\n',
    stderr: '',
    exitCode: 0,
    timedOut: false,
    truncated: false,
    durationMs: 12.4,
    environment: 'python',
    language: 'python',
  }

  it('shows the output then a status line', () => {
    expect(formatExecutionResult(base)).toBe('hi\n[exit code 0 · 12 ms]')
    expect(formatExecutionResult({ ...base, output: '' })).toBe('(no output)\n[exit code 0 · 12 ms]')
    expect(formatExecutionResult({ ...base, truncated: true })).toBe('hi\n[exit code 0 · 12 ms · output truncated]')
  })

  it('shows the error code and message', () => {
    const failed = { ...base, exitCode: 1, error: { code: 'ERR_EXIT_STATUS', message: 'The program exited with code 1.' } } as const
    expect(formatExecutionResult(failed)).toBe(
      'hi\n[error ERR_EXIT_STATUS: The program exited with code 1.]\n[exit code 1 · 12 ms]',
    )
    const refused = { ...base, output: '', exitCode: -1, error: { code: 'ERR_EMPTY_CODE', message: 'The code is empty.' } } as const
    expect(formatExecutionResult(refused)).toBe('[error ERR_EMPTY_CODE: The code is empty.]')
  })
})
