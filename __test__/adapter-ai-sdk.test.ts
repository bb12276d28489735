// The Vercel AI SDK adapter, driven by the SDK's own mock language model: the "model" asks for the tool,
// generateText runs it, and the next model call receives what the program printed.
import { generateText, stepCountIs, type ModelMessage } from 'ai'
import { MockLanguageModelV3 } from 'ai/test'
import { describe, expect, it } from 'vitest'

import { codeExecutionTool } from '../src/adapters/ai-sdk'
import { CodeExecutionTool } from '../src/code-execution-tool'
import type { ExecutionResult } from '../src/execution-result'
import { RED_PNG, RICH_CODE, SVG_ONLY_CODE, richResultTool } from './helpers/rich-results'

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
}

function callsTool(input: Record<string, unknown>) {
  return {
    content: [{ type: 'tool-call' as const, toolCallId: 'call-1', toolName: 'execute_code', input: JSON.stringify(input) }],
    finishReason: { unified: 'tool-calls' as const, raw: 'tool_calls' },
    usage,
    warnings: [],
  }
}

const answers = (text: string) => ({
  content: [{ type: 'text' as const, text }],
  finishReason: { unified: 'stop' as const, raw: 'stop' },
  usage,
  warnings: [],
})

/** The tool-result parts the model received in its later calls. */
function toolResultsSentToModel(model: MockLanguageModelV3) {
  return model.doGenerateCalls
    .flatMap((call) => call.prompt)
    .filter((message) => message.role === 'tool')
    .flatMap((message) => message.content)
}

describe('AI SDK adapter', () => {
  it('runs the code when the model calls the tool, and the model reads the output as text', async () => {
    const model = new MockLanguageModelV3({ doGenerate: [callsTool({ code: 'print(6 * 7)' }), answers('The answer is 42.')] })
    const executeCode = codeExecutionTool()
    const result = await generateText({
      model,
      tools: { execute_code: executeCode },
      stopWhen: stepCountIs(3),
      prompt: 'What is 6 * 7?',
    })
    expect(result.text).toBe('The answer is 42.')
    const toolResult = result.steps[0].toolResults[0]
    expect(toolResult.toolName).toBe('execute_code')
    expect(toolResult.output as ExecutionResult).toMatchObject({ output: '42\n', exitCode: 0, environment: 'python' })

    // The tool was offered with its description and JSON schema.
    const offered = model.doGenerateCalls[0].tools?.[0]
    expect(offered).toMatchObject({ type: 'function', name: 'execute_code' })
    expect(JSON.stringify(offered)).toContain('Run Python 3 code')

    const [sent] = toolResultsSentToModel(model)
    expect(sent).toMatchObject({ type: 'tool-result', toolCallId: 'call-1' })
    expect((sent as { output: { type: string; value: string } }).output.type).toBe('text')
    expect((sent as { output: { type: string; value: string } }).output.value).toMatch(/^42\n\[exit code 0 · \d+ ms\]$/)
  })

  it('hands a failing program back to the model instead of ending the loop', async () => {
    const model = new MockLanguageModelV3({ doGenerate: [callsTool({ code: 'raise ValueError("bad input")' }), answers('It failed.')] })
    const result = await generateText({ model, tools: { execute_code: codeExecutionTool() }, stopWhen: stepCountIs(3), prompt: 'go' })
    expect(result.text).toBe('It failed.')
    const [sent] = toolResultsSentToModel(model)
    const value = (sent as { output: { value: string } }).output.value
    expect(value).toContain('ValueError: bad input')
    expect(value).toContain('[error ERR_EXIT_STATUS')
  })

  it('maps always_require to needsApproval: the call waits for an approval response, then runs', async () => {
    const codeTool = new CodeExecutionTool({ approvalMode: 'always_require' })
    const tools = { execute_code: codeExecutionTool(codeTool) }
    const firstModel = new MockLanguageModelV3({ doGenerate: [callsTool({ code: 'print("approved run")' })] })
    const first = await generateText({ model: firstModel, tools, stopWhen: stepCountIs(3), prompt: 'run it' })
    const request = first.content.find((part) => part.type === 'tool-approval-request')
    expect(request).toBeDefined()
    expect(first.steps.flatMap((step) => step.toolResults)).toHaveLength(0)

    const messages: ModelMessage[] = [
      { role: 'user', content: 'run it' },
      ...first.response.messages,
      {
        role: 'tool',
        content: [{ type: 'tool-approval-response', approvalId: (request as { approvalId: string }).approvalId, approved: true }],
      },
    ]
    const secondModel = new MockLanguageModelV3({ doGenerate: [answers('Done.')] })
    await generateText({ model: secondModel, tools, stopWhen: stepCountIs(3), messages })
    const [sent] = toolResultsSentToModel(secondModel)
    expect((sent as { output: { value: string } }).output.value).toContain('approved run')
  })

  it('sends the model the text, then one image-data part per PNG image in the order shown; an SVG is named in the text, not sent', async () => {
    const model = new MockLanguageModelV3({ doGenerate: [callsTool({ code: RICH_CODE }), answers('A red dot.')] })
    const result = await generateText({ model, tools: { execute_code: codeExecutionTool(richResultTool()) }, stopWhen: stepCountIs(3), prompt: 'plot' })
    expect(result.text).toBe('A red dot.')
    expect((result.steps[0].toolResults[0].output as ExecutionResult).images).toHaveLength(2)
    const [sent] = toolResultsSentToModel(model)
    const output = (sent as { output: { type: string; value: unknown[] } }).output
    expect(output.type).toBe('content')
    expect(output.value).toEqual([
      {
        type: 'text',
        text: expect.stringMatching(/^plotted\nOut: 42\n\[1 SVG image not shown; it is in the result's images\]\n\[exit code 0 · \d+ ms · 1 image attached\]$/),
      },
      { type: 'image-data', data: RED_PNG.toString('base64'), mediaType: 'image/png' },
    ])
  })

  it('sends plain text when the run showed only SVG images, and keeps them in the tool result', async () => {
    const model = new MockLanguageModelV3({ doGenerate: [callsTool({ code: SVG_ONLY_CODE }), answers('ok')] })
    const result = await generateText({ model, tools: { execute_code: codeExecutionTool(richResultTool()) }, stopWhen: stepCountIs(3), prompt: 'draw' })
    expect((result.steps[0].toolResults[0].output as ExecutionResult).images).toEqual([expect.objectContaining({ mimeType: 'image/svg+xml' })])
    const [sent] = toolResultsSentToModel(model)
    expect((sent as { output: unknown }).output).toEqual({
      type: 'text',
      value: expect.stringMatching(/^\(no output\)\n\[1 SVG image not shown; it is in the result's images\]\n\[exit code 0 · \d+ ms\]$/),
    })
  })

  it('sends plain text when the run showed no images', async () => {
    const model = new MockLanguageModelV3({ doGenerate: [callsTool({ code: 'x = 1' }), answers('ok')] })
    await generateText({ model, tools: { execute_code: codeExecutionTool(richResultTool()) }, stopWhen: stepCountIs(3), prompt: 'go' })
    const [sent] = toolResultsSentToModel(model)
    expect((sent as { output: unknown }).output).toEqual({ type: 'text', value: expect.stringMatching(/^ran x = 1\n\[exit code 0 · \d+ ms\]$/) })
  })
})
