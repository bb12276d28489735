// The LangChain.js adapter, driven by LangChain's own `invoke`: with plain arguments (the tool's text) and
// with a model's ToolCall (a ToolMessage carrying the structured result as its artifact).
import { ToolMessage } from '@langchain/core/messages'
import { describe, expect, it } from 'vitest'

import { codeExecutionTool } from '../src/adapters/langchain'
import type { ExecutionResult } from '../src/execution-result'

describe('LangChain adapter', () => {
  it('is a structured tool named execute_code with the description and schema', () => {
    const tool = codeExecutionTool({ environment: 'hyperlight' })
    expect(tool.name).toBe('execute_code')
    expect(tool.description).toContain('micro-VM')
    expect(tool.metadata).toEqual({ needsApproval: false, environment: 'hyperlight' })
    expect(codeExecutionTool({ approvalMode: 'always_require' }).metadata?.needsApproval).toBe(true)
  })

  it('invoke with arguments returns the text the model reads', async () => {
    const tool = codeExecutionTool()
    const text = await tool.invoke({ code: 'print("hello from langchain")' })
    expect(text).toMatch(/^hello from langchain\n\[exit code 0 · \d+ ms\]$/)
  })

  it('invoke with a tool call returns a ToolMessage with the ExecutionResult as artifact', async () => {
    const tool = codeExecutionTool()
    const message = await tool.invoke({ type: 'tool_call', id: 'call-7', name: 'execute_code', args: { code: 'import sys; sys.exit(4)' } })
    expect(message).toBeInstanceOf(ToolMessage)
    expect(message.tool_call_id).toBe('call-7')
    expect(message.content).toContain('[error ERR_EXIT_STATUS: The program exited with code 4.]')
    expect((message.artifact as ExecutionResult).exitCode).toBe(4)
  })

  it('rejects input that does not match the schema through LangChain, and empty code with ERR_EMPTY_CODE', async () => {
    const tool = codeExecutionTool()
    await expect(tool.invoke({ program: 'print(1)' } as never)).rejects.toThrow()
    expect(await tool.invoke({ code: '' })).toMatch(/^\[error ERR_EMPTY_CODE/)
  })
})
