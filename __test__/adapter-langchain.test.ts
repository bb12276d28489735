// The LangChain.js adapter, driven by LangChain's own `invoke`: with plain arguments (the tool's text) and
// with a model's ToolCall (a ToolMessage carrying the structured result as its artifact).
import { ToolMessage } from '@langchain/core/messages'
import { describe, expect, it } from 'vitest'

import { codeExecutionTool } from '../src/adapters/langchain'
import type { ExecutionResult } from '../src/execution-result'
import { RED_PNG, RICH_CODE, SVG_ONLY_CODE, richResultTool } from './helpers/rich-results'

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

  it('answers a run with images with standard content blocks: the text, then one image block per PNG image in order (SVG named, not sent)', async () => {
    const tool = codeExecutionTool(richResultTool())
    const message = await tool.invoke({ type: 'tool_call', id: 'call-8', name: 'execute_code', args: { code: RICH_CODE } })
    expect(message).toBeInstanceOf(ToolMessage)
    expect(message.content).toEqual([
      {
        type: 'text',
        text: expect.stringMatching(/^plotted\nOut: 42\n\[1 SVG image not shown; it is in the result's images\]\n\[exit code 0 · \d+ ms · 1 image attached\]$/),
      },
      { type: 'image', mimeType: 'image/png', data: RED_PNG.toString('base64') },
    ])
    // LangChain reads them as its standard blocks, which every chat model integration converts.
    expect(message.contentBlocks.map((block) => block.type)).toEqual(['text', 'image'])
    expect((message.artifact as ExecutionResult).value).toBe('42')
    // The artifact keeps every image, the SVG included.
    expect((message.artifact as ExecutionResult).images?.map((image) => image.mimeType)).toEqual(['image/png', 'image/svg+xml'])
  })

  it('answers a run that showed only SVG images with text that names them', async () => {
    const tool = codeExecutionTool(richResultTool())
    const message = await tool.invoke({ type: 'tool_call', id: 'call-10', name: 'execute_code', args: { code: SVG_ONLY_CODE } })
    expect(message.content).toMatch(/^\(no output\)\n\[1 SVG image not shown; it is in the result's images\]\n\[exit code 0 · \d+ ms\]$/)
    expect((message.artifact as ExecutionResult).images).toHaveLength(1)
  })

  it('answers a run without images with text, as before', async () => {
    const tool = codeExecutionTool(richResultTool())
    const message = await tool.invoke({ type: 'tool_call', id: 'call-9', name: 'execute_code', args: { code: 'x = 1' } })
    expect(message.content).toMatch(/^ran x = 1\n\[exit code 0 · \d+ ms\]$/)
    expect(await tool.invoke({ code: 'y = 2' })).toMatch(/^ran y = 2\n/)
  })
})
