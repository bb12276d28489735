// Code mode through CodeExecutionTool in a real micro-VM: a zod-checked tool called from JavaScript and Python,
// a wrong argument an exception that names it, the calls in the result. The addon's own code mode (limits,
// parallel runs, timeouts) is __test__/microvm/code-mode.test.ts; the normalisation is host-tested.
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

import { CodeExecutionTool } from '../../src/code-execution-tool'
import { formatExecutionResult } from '../../src/execution-result'

describe('code mode through CodeExecutionTool', () => {
  const calls: unknown[] = []
  const tools = {
    getWeather: {
      description: 'Current weather for a city.',
      inputSchema: z.object({ city: z.string(), units: z.enum(['c', 'f']).optional() }),
      execute: async ({ city, units }: { city: string; units?: 'c' | 'f' }) => {
        calls.push({ city, units })
        return { city, units: units ?? 'c', celsius: city === 'Paris' ? 21 : 9 }
      },
    },
  }
  const tool = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', timeoutMs: 300_000, tools })
  const session = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', timeoutMs: 300_000, persistent: true, tools })
  afterAll(async () => {
    await tool.close()
    await session.close()
  })

  it('JavaScript awaits a checked tool; a wrong argument is an exception naming it, and the tool never runs', async () => {
    calls.length = 0
    const result = await tool.execute({
      language: 'javascript',
      code:
        'const w = await tools.getWeather({ city: "Paris" })\nconsole.log(w.celsius)\n' +
        'try { await tools.getWeather({ city: 7 }) } catch (e) { console.log(String(e.message)) }',
    })
    expect(result.error, JSON.stringify(result.error)).toBeUndefined()
    const [first, second] = result.output.trim().split('\n')
    expect(first).toBe('21')
    expect(second).toContain('Invalid arguments for tools.getWeather: city: expected string, got 7. The tool did not run.')
    expect(calls).toEqual([{ city: 'Paris', units: undefined }])
    expect(result.toolCalls?.map((call) => [call.name, call.ok])).toEqual([
      ['getWeather', true],
      ['getWeather', false],
    ])
    expect(formatExecutionResult(result)).toMatch(/· 2 tool calls, 1 failed\]$/)
  })

  it('Python calls it with keyword arguments, `units=None` meaning not given; a wrong argument raises', async () => {
    const result = await tool.execute({ code: 'w = tools.getWeather(city="Oslo", units=None)\nprint(w["units"], w["celsius"])' })
    expect(result.error, JSON.stringify(result.error)).toBeUndefined()
    expect(result.output).toBe('c 9\n')
    const failed = await tool.execute({ code: 'tools.getWeather(town="Oslo")' })
    expect(failed.exitCode).toBe(1)
    expect(failed.output).toContain('city: missing (expected string)')
  })

  it('a persistent session keeps its state and its tools from call to call', async () => {
    const first = await session.execute({ code: 'w = tools.getWeather(city="Paris")' })
    expect(first.error, JSON.stringify(first.error)).toBeUndefined()
    const next = await session.execute({ code: 'print(w["celsius"], tools.getWeather({"city": "Oslo"})["celsius"])' })
    expect(next.output).toBe('21 9\n')
    expect(next.toolCalls).toHaveLength(1)
  })
})
