// Code mode through the hyperlight environment, on the host: the normalised tools reach the addon's runCode (and
// a session's), the stand-in guest calls them with its arguments, and the calls come back in the result — also
// through createInterpreterAgent and the MCP server. The real guests are __test__/microvm/code-mode.test.ts.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { Runner, setTracingDisabled, tool as agentsTool } from '@openai/agents'
import { ScriptedModel, assistantMessage, functionCall } from '@openai/agents/testing'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'

import { codeExecutionTool as aiSdkCodeExecutionTool } from '../src/adapters/ai-sdk'
import { codeExecutionTool as langChainCodeExecutionTool } from '../src/adapters/langchain'
import { createInterpreterAgent } from '../src/agent'
import { CodeExecutionTool } from '../src/code-execution-tool'
import { formatExecutionResult, type ExecutionResult } from '../src/execution-result'
import { createMcpServer } from '../src/mcp/server'
import { codeModeAddon, program } from './helpers/code-mode-addon'

beforeAll(() => setTracingDisabled(true))

const weatherExecute = vi.fn(async ({ city }: { city: string }) => ({ city, celsius: city === 'Paris' ? 21 : 9 }))
const tools = {
  getWeather: { description: 'Current weather for a city.', inputSchema: z.object({ city: z.string() }), execute: weatherExecute },
  fails: () => {
    throw new Error('the database is down')
  },
}

describe('code mode in the hyperlight environment', () => {
  it('gives runCode the tools by name; the guest\'s calls run them with its arguments, each checked first, and the result lists the calls', async () => {
    weatherExecute.mockClear()
    const { addon, state } = codeModeAddon()
    const tool = new CodeExecutionTool({ environment: 'hyperlight', tools, loadNativeAddon: () => addon })
    const result = await tool.execute({
      code: program(['getWeather', { city: 'Paris' }], ['getWeather', { city: 7 }], ['fails', {}]),
      language: 'javascript',
    })
    expect(Object.keys(state.runs[0].options?.tools ?? {})).toEqual(['getWeather', 'fails'])
    expect(state.runs[0]).toMatchObject({ language: 'javascript', session: false })
    expect(result.output).toBe(
      '{"city":"Paris","celsius":21}\n' +
        'error: Invalid arguments for tools.getWeather: city: expected string, got 7. The tool did not run.\n' +
        'error: the database is down\n',
    )
    expect(weatherExecute).toHaveBeenCalledTimes(1)
    expect(result.toolCalls?.map(({ name, ok }) => [name, ok])).toEqual([
      ['getWeather', true],
      ['getWeather', false],
      ['fails', false],
    ])
    expect(result.toolCalls?.every((call) => typeof call.durationMs === 'number')).toBe(true)
    expect(formatExecutionResult(result)).toMatch(/\n\[exit code 0 · \d+ ms · 3 tool calls, 2 failed\]$/)
    // The same functions serve every run.
    await tool.execute({ code: program(['getWeather', { city: 'Oslo' }]) })
    expect(state.runs[1].options?.tools).toBe(state.runs[0].options?.tools)
  })

  it('gives each run of a persistent session the tools too', async () => {
    const { addon, state } = codeModeAddon()
    const tool = new CodeExecutionTool({ environment: 'hyperlight', persistent: true, tools, loadNativeAddon: () => addon })
    const first = await tool.execute({ code: program(['getWeather', { city: 'Paris' }]) })
    const second = await tool.execute({ code: program(['getWeather', { city: 'Oslo' }]) })
    expect(state.sessionsOpened).toEqual(['python'])
    expect(state.runs.map((run) => [run.session, Object.keys(run.options?.tools ?? {})])).toEqual([
      [true, ['getWeather', 'fails']],
      [true, ['getWeather', 'fails']],
    ])
    expect([first.output, second.output]).toEqual(['{"city":"Paris","celsius":21}\n', '{"city":"Oslo","celsius":9}\n'])
    expect(second.toolCalls).toHaveLength(1)
  })

  it('gives runs no tools without the option (or with none), and leaves toolCalls out of a result without calls', async () => {
    for (const options of [{}, { tools: {} }]) {
      const { addon, state } = codeModeAddon()
      const tool = new CodeExecutionTool({ environment: 'hyperlight', ...options, loadNativeAddon: () => addon })
      const result = await tool.execute({ code: program(['getWeather', { city: 'Paris' }]) })
      expect(state.runs[0].options).not.toHaveProperty('tools')
      expect(result.output).toBe('error: no tool "getWeather"\n')
      expect(result).not.toHaveProperty('toolCalls')
      expect(tool.codeModeTools).toEqual([])
      expect(tool.description).not.toMatch(/Tools:/)
    }
  })
})

describe('formatExecutionResult: tool calls in the status line', () => {
  const base: ExecutionResult = { output: 'ok\n', stderr: '', exitCode: 0, timedOut: false, truncated: false, durationMs: 12, environment: 'hyperlight', language: 'python' }
  const call = (ok: boolean) => ({ name: 'lookup', ok, durationMs: 1 })

  it('counts the calls, and the failed ones', () => {
    expect(formatExecutionResult({ ...base, toolCalls: [call(true)] })).toBe('ok\n[exit code 0 · 12 ms · 1 tool call]')
    expect(formatExecutionResult({ ...base, toolCalls: [call(true), call(true), call(true)] })).toBe('ok\n[exit code 0 · 12 ms · 3 tool calls]')
    expect(formatExecutionResult({ ...base, toolCalls: [call(true), call(false)] })).toBe('ok\n[exit code 0 · 12 ms · 2 tool calls, 1 failed]')
    expect(formatExecutionResult(base)).toBe('ok\n[exit code 0 · 12 ms]')
  })
})

describe('code mode through the agent, the adapters and the MCP server', () => {
  it('createInterpreterAgent takes codeModeTools (its own tools stay the agent\'s): the model\'s program calls them', async () => {
    const { addon } = codeModeAddon()
    const extra = agentsTool({ name: 'clock', description: 'The time', parameters: z.object({}), execute: async () => 'noon' })
    const model = new ScriptedModel([
      [functionCall('execute_code', { code: program(['getWeather', { city: 'Paris' }]), language: 'javascript', stdin: null }, { callId: 'call-1' })],
      [assistantMessage('21 degrees in Paris.')],
    ])
    const agent = createInterpreterAgent({ model, environment: 'hyperlight', pythonImage: 'standard', codeModeTools: tools, tools: [extra], loadNativeAddon: () => addon })
    expect(agent.tools.map((tool) => tool.name)).toEqual(['execute_code', 'clock'])
    expect((agent.tools[0] as { description: string }).description).toContain('- await tools.getWeather({ city: string }): unknown — Current weather for a city.')
    expect(agent.instructions).toMatch(/Your programs can call host functions through `tools` \(getWeather, fails; signatures in the tool's description\)/)
    const result = await new Runner({ tracingDisabled: true }).run(agent, 'Weather in Paris?')
    expect(result.finalOutput).toBe('21 degrees in Paris.')
    const sent = model.calls[1].request.input as { type?: string; output?: { text?: string } | string }[]
    const output = sent.find((item) => item.type === 'function_call_result')?.output
    expect(typeof output === 'string' ? output : output?.text).toMatch(/^\{"city":"Paris","celsius":21\}\n\[exit code 0 · \d+ ms · 1 tool call\]$/)
    expect(createInterpreterAgent({ environment: 'hyperlight', pythonImage: 'standard' }).instructions).not.toMatch(/host functions/)
    expect(() => createInterpreterAgent({ codeModeTools: tools })).toThrow(/tools \(code mode\) apply to the hyperlight environment only/)
    expect(() => createInterpreterAgent({ environment: 'hyperlight', tools: tools as never })).toThrow(/give the functions the code calls \(code mode\) as codeModeTools/)
  })

  it('the AI SDK and LangChain adapters take tools among their options', () => {
    const { addon } = codeModeAddon()
    const options = { environment: 'hyperlight' as const, pythonImage: 'standard' as const, tools, loadNativeAddon: () => addon }
    expect(aiSdkCodeExecutionTool(options).description).toContain('await tools.getWeather(')
    expect(langChainCodeExecutionTool(options).description).toContain('python: tools.getWeather(city: str)')
  })

  it('the MCP server takes tools among its options: the description lists them, the structured result lists the calls', async () => {
    const { addon } = codeModeAddon()
    const { server } = createMcpServer({ environment: 'hyperlight', pythonImage: 'standard', tools, loadNativeAddon: () => addon })
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    const client = new Client({ name: 'test-client', version: '1.0.0' })
    await client.connect(clientSide)
    try {
      const [listed] = (await client.listTools()).tools
      expect(listed.description).toContain('  python: tools.getWeather(city: str)')
      expect(listed.outputSchema?.properties).toHaveProperty('toolCalls')
      // The client checks structuredContent against the outputSchema.
      const result = await client.callTool({ name: 'execute_code', arguments: { code: program(['getWeather', { city: 'Oslo' }], ['fails', {}]) } })
      expect(result.isError).toBe(false)
      expect((result.content as { text: string }[])[0].text).toMatch(/\[exit code 0 · \d+ ms · 2 tool calls, 1 failed\]$/)
      expect(result.structuredContent).toMatchObject({
        toolCalls: [
          { name: 'getWeather', ok: true },
          { name: 'fails', ok: false },
        ],
      })
    } finally {
      await client.close()
    }
  })
})
