// The OpenAI Agents SDK adapter, driven by the SDK's own scripted Model: the "model" calls the tool, the
// Runner executes it and feeds the output back.
import { Agent, Runner, setTracingDisabled } from '@openai/agents'
import { ScriptedModel, assistantMessage, functionCall } from '@openai/agents/testing'
import { beforeAll, describe, expect, it } from 'vitest'

import { codeExecutionTool } from '../src/adapters/openai-agents'
import { createInterpreterAgent } from '../src/agent'
import { RED_PNG, RICH_CODE, SVG_ONLY_CODE, richResultTool } from './helpers/rich-results'

beforeAll(() => setTracingDisabled(true))

/** The function_call_result output the model received for a call id, in its next request, as sent. */
function rawOutputSentToModel(model: ScriptedModel, callId: string): unknown {
  for (const call of model.calls) {
    const input = call.request.input
    if (typeof input === 'string') continue
    for (const item of input) {
      const entry = item as { type?: string; callId?: string; output?: unknown }
      if (entry.type === 'function_call_result' && entry.callId === callId) return entry.output
    }
  }
  throw new Error(`no output for ${callId} was sent to the model`)
}

/** The text output the model received for a call id. */
function functionOutputSentToModel(model: ScriptedModel, callId: string): string {
  const output = rawOutputSentToModel(model, callId) as string | { type: string; text: string }
  return typeof output === 'string' ? output : output.text
}

describe('OpenAI Agents SDK adapter', () => {
  it('runs the code when the model calls the tool and returns the output to the model', async () => {
    const model = new ScriptedModel([
      [functionCall('execute_code', { code: 'print(sum(range(10)))', stdin: null }, { callId: 'call-1' })],
      [assistantMessage('The sum is 45.')],
    ])
    const agent = new Agent({ name: 'Tester', model, tools: [codeExecutionTool()] })
    const result = await new Runner({ tracingDisabled: true }).run(agent, 'Sum 0..9')
    expect(result.finalOutput).toBe('The sum is 45.')
    expect(functionOutputSentToModel(model, 'call-1')).toMatch(/^45\n\[exit code 0 · \d+ ms\]$/)
    // The tool was offered in strict mode with its description.
    const offered = model.calls[0].request.tools.find((tool) => tool.name === 'execute_code') as { description: string; strict: boolean }
    expect(offered.description).toContain('Run Python 3 code')
    expect(offered.strict).toBe(true)
  })

  it('offers a nullable language in the hyperlight environment (strict mode) and reports setup errors as output', async () => {
    const model = new ScriptedModel([
      [functionCall('execute_code', { code: 'console.log(1)', language: null, stdin: null }, { callId: 'call-1' })],
      [assistantMessage('The micro-VM is unavailable.')],
    ])
    const tool = codeExecutionTool({
      environment: 'hyperlight',
      loadNativeAddon: () => {
        throw new Error('no addon here')
      },
    })
    const agent = new Agent({ name: 'Tester', model, tools: [tool] })
    const result = await new Runner({ tracingDisabled: true }).run(agent, 'go')
    expect(result.finalOutput).toBe('The micro-VM is unavailable.')
    expect(functionOutputSentToModel(model, 'call-1')).toMatch(/^\[error ERR_NATIVE_ADDON_UNAVAILABLE: .*no addon here/)
    const offered = model.calls[0].request.tools[0] as { parameters: { properties: Record<string, unknown>; required: string[] } }
    expect(offered.parameters.required).toEqual(['code', 'language', 'stdin'])
    expect(JSON.stringify(offered.parameters.properties.language)).toContain('null')
  })

  it('passes stdin from the model to the program', async () => {
    const model = new ScriptedModel([
      [functionCall('execute_code', { code: 'print(input()[::-1])', stdin: 'olleh\n' }, { callId: 'call-1' })],
      [assistantMessage('done')],
    ])
    const agent = new Agent({ name: 'coder', model, tools: [codeExecutionTool()] })
    await new Runner({ tracingDisabled: true }).run(agent, 'reverse hello')
    expect(functionOutputSentToModel(model, 'call-1')).toMatch(/^hello\n/)
  })

  it('maps always_require to needsApproval: the run stops with an interruption until approved', async () => {
    const model = new ScriptedModel([
      [functionCall('execute_code', { code: 'print("ran after approval")', stdin: null }, { callId: 'call-1' })],
      [assistantMessage('Done.')],
    ])
    const agent = new Agent({ name: 'Tester', model, tools: [codeExecutionTool({ approvalMode: 'always_require' })] })
    const runner = new Runner({ tracingDisabled: true })
    const first = await runner.run(agent, 'go')
    expect(first.interruptions).toHaveLength(1)
    expect(() => functionOutputSentToModel(model, 'call-1')).toThrow(/no output/)
    first.state.approve(first.interruptions[0])
    const second = await runner.run(agent, first.state)
    expect(second.finalOutput).toBe('Done.')
    expect(functionOutputSentToModel(model, 'call-1')).toContain('ran after approval')
  })

  it('createInterpreterAgent builds an Agent with the tool and instructions that describe it', async () => {
    const model = new ScriptedModel([
      [functionCall('execute_code', { code: 'import math; print(math.factorial(5))', stdin: null }, { callId: 'call-1' })],
      [assistantMessage('120')],
    ])
    const agent = createInterpreterAgent({ model, timeoutMs: 10_000 })
    expect(agent.name).toBe('Code Interpreter')
    expect(agent.instructions).toMatch(/execute_code/)
    expect(agent.instructions).toMatch(/Python 3/)
    const result = await new Runner({ tracingDisabled: true }).run(agent, '5!')
    expect(result.finalOutput).toBe('120')
    expect(functionOutputSentToModel(model, 'call-1')).toMatch(/^120\n/)

    const isolated = createInterpreterAgent({ environment: 'hyperlight', persistent: true, name: 'Sandboxed' })
    expect(isolated.name).toBe('Sandboxed')
    expect(isolated.instructions).toMatch(/micro-VM/)
    expect(isolated.instructions).toMatch(/persist/)
  })

  it('tells the agent, for hyperlight python, that a final expression\'s value comes back, and charts with the data image', () => {
    const data = createInterpreterAgent({ environment: 'hyperlight', pythonImage: 'data' })
    expect(data.instructions).toMatch(/in python the value of a final expression comes back too, and matplotlib charts come back as images\./)
    const standard = createInterpreterAgent({ environment: 'hyperlight', pythonImage: 'standard' })
    expect(standard.instructions).toMatch(/in python the value of a final expression comes back too\./)
    expect(standard.instructions).not.toMatch(/charts/)
    // The tool option reached the tool: its description follows the image.
    expect((data.tools[0] as { description: string }).description).toMatch(/numpy/)
    const local = createInterpreterAgent({})
    expect(local.instructions).toMatch(/Print every value you need to see\./)
    expect(local.instructions).not.toMatch(/final expression/)
  })

  it('passes network to the tool: its description names the destinations; the python environment refuses it', () => {
    const agent = createInterpreterAgent({ environment: 'hyperlight', pythonImage: 'standard', network: { allow: ['api.example.com'] } })
    expect((agent.tools[0] as { description: string }).description).toContain('only these destinations are reachable: api.example.com;')
    expect(() => createInterpreterAgent({ network: { allow: ['api.example.com'] } })).toThrow(/network applies to the hyperlight environment only/)
  })

  it('returns a run\'s PNG images as image outputs after the text: the model receives input_text, then input_image data URLs in order; an SVG is named, not sent', async () => {
    const model = new ScriptedModel([
      [functionCall('execute_code', { code: RICH_CODE, language: null, stdin: null }, { callId: 'call-1' })],
      [functionCall('execute_code', { code: 'x = 1', language: null, stdin: null }, { callId: 'call-2' })],
      [functionCall('execute_code', { code: SVG_ONLY_CODE, language: null, stdin: null }, { callId: 'call-3' })],
      [assistantMessage('A red dot.')],
    ])
    const agent = new Agent({ name: 'Tester', model, tools: [codeExecutionTool(richResultTool())] })
    const result = await new Runner({ tracingDisabled: true }).run(agent, 'plot')
    expect(result.finalOutput).toBe('A red dot.')
    expect(rawOutputSentToModel(model, 'call-1')).toEqual([
      {
        type: 'input_text',
        text: expect.stringMatching(/^plotted\nOut: 42\n\[1 SVG image not shown; it is in the result's images\]\n\[exit code 0 · \d+ ms · 1 image attached\]$/),
      },
      { type: 'input_image', image: `data:image/png;base64,${RED_PNG.toString('base64')}` },
    ])
    // Without images the output stays text.
    expect(rawOutputSentToModel(model, 'call-2')).toEqual({ type: 'text', text: expect.stringMatching(/^ran x = 1\n\[exit code 0 · \d+ ms\]$/) })
    // With SVG images alone too, the text naming them.
    expect(rawOutputSentToModel(model, 'call-3')).toEqual({
      type: 'text',
      text: expect.stringMatching(/^\(no output\)\n\[1 SVG image not shown; it is in the result's images\]\n\[exit code 0 · \d+ ms\]$/),
    })
  })
})
