// Code mode's normalisation: every kind of tool the `tools` option takes — a function, a { description,
// inputSchema, execute } definition, and real tools of the Vercel AI SDK, the OpenAI Agents SDK, LangChain and an
// MCP server (in process) — becomes a function that checks its arguments and runs the tool; names are checked.
import { tool as langChainTool, DynamicTool } from '@langchain/core/tools'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { RunContext, tool as agentsTool } from '@openai/agents'
import { jsonSchema, tool as aiTool } from 'ai'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'

import { CodeExecutionTool } from '../src/code-execution-tool'
import { isToolName, normalizeCodeModeTools, OPENAI_AGENTS_TOOL_ERROR, type CodeModeToolEntry } from '../src/code-mode/tools'
import { InvalidConfigError } from '../src/errors'
import { TOOL_NAME_EXAMPLES } from '../src/generated/core-facts'
import { toToolName, toolsFromMcpClient, type McpClientLike } from '../src/mcp/tools'
import { ToolArgumentsError } from '../src/code-mode/tool-arguments'

/** The normalised tool `name` of `tools`. */
function entry(tools: Parameters<typeof normalizeCodeModeTools>[0], name: string): CodeModeToolEntry {
  const found = normalizeCodeModeTools(tools).find((tool) => tool.name === name)
  if (!found) throw new Error(`no tool ${name}`)
  return found
}

/** The message a call rejects with. */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the call did not reject')
}

const weatherSchema = z.object({
  city: z.string().describe('The city name'),
  units: z.enum(['c', 'f']).optional(),
  days: z.number().int().min(1).default(1),
})

describe('code mode: tool names', () => {
  it('takes identifiers both guests can write after tools., and refuses the rest with InvalidConfigError', () => {
    // The core's examples (crates/sandbox/src/host/tools.rs checks its Tools::valid_name against the same ones).
    for (const name of TOOL_NAME_EXAMPLES.valid) expect(isToolName(name), name).toBe(true)
    for (const name of TOOL_NAME_EXAMPLES.invalid) {
      expect(isToolName(name), name).toBe(false)
      const make = () => new CodeExecutionTool({ environment: 'hyperlight', tools: { [name]: () => 1 } })
      expect(make).toThrow(InvalidConfigError)
      expect(make).toThrow(`tools: ${JSON.stringify(name)} is not a valid tool name`)
    }
  })

  it('refuses, when the tool is made, what is not a tool, and an AI SDK tool that cannot run here', () => {
    const make = (tools: unknown) => () => new CodeExecutionTool({ environment: 'hyperlight', tools: tools as never })
    expect(make({ lookup: 42 })).toThrow(/tools\.lookup must be a function, \{ description\?, inputSchema\?, execute \}/)
    expect(make({ lookup: { description: 'no execute' } })).toThrow(/tools\.lookup must be a function/)
    expect(make(null)).toThrow(/tools must be an object of tools by name/)
    // A provider-executed AI SDK tool has no execute.
    expect(make({ search: { type: 'provider', id: 'openai.web_search', args: {}, inputSchema: z.object({}) } })).toThrow(/tools\.search has no execute function/)
    expect(make({ pay: aiTool({ description: 'Pay', inputSchema: z.object({ cents: z.number() }), needsApproval: true, execute: async () => 'paid' }) })).toThrow(
      /tools\.pay needs a person's approval for every call \(needsApproval: true\)/,
    )
    expect(make({ bad: { inputSchema: 'a string', execute: () => 1 } })).toThrow(/tools\.bad\.inputSchema must be a zod schema, a Standard Schema or a JSON Schema object, got string/)
    for (const error of [make({ lookup: 42 }), make({ 'a-b': () => 1 })]) expect(error).toThrow(InvalidConfigError)
  })

  it('refuses tools with the python environment, whose programs run on the host, even an empty set', () => {
    for (const tools of [{ lookup: () => 1 }, {}] as Record<string, () => number>[]) {
      for (const options of [{ tools }, { environment: 'python' as const, tools }]) {
        const make = () => new CodeExecutionTool(options)
        expect(make).toThrow(InvalidConfigError)
        expect(make).toThrow(/tools \(code mode\) apply to the hyperlight environment only/)
      }
    }
  })
})

describe('code mode: functions and definitions', () => {
  it('a function gets the argument object as it is, and its result as it returns it (or resolves it)', async () => {
    const lookup = vi.fn(async (args: { id: number }) => ({ id: args.id, name: 'seven' }))
    const tool = entry({ lookup }, 'lookup')
    expect(tool).toMatchObject({ name: 'lookup', source: 'function' })
    expect(tool.inputJsonSchema).toBeUndefined()
    await expect(tool.call({ id: 7, extra: true })).resolves.toEqual({ id: 7, name: 'seven' })
    expect(lookup).toHaveBeenCalledWith({ id: 7, extra: true }, {})
    const signal = new AbortController().signal
    await tool.call({ id: 8 }, { signal })
    expect(lookup).toHaveBeenLastCalledWith({ id: 8 }, { signal })
    await expect(entry({ sync: () => 3 }, 'sync').call({})).resolves.toBe(3)
    const failing = entry({ failing: () => { throw new Error('the database is down') } }, 'failing')
    await expect(failing.call({})).rejects.toThrow('the database is down')
  })

  it('a definition with a zod schema: execute gets what the schema parsed (defaults applied); a wrong argument is named and execute never runs', async () => {
    const execute = vi.fn(async (args: z.infer<typeof weatherSchema>) => ({ celsius: args.city === 'Paris' ? 21 : 9, days: args.days }))
    const tool = entry({ getWeather: { description: 'Current weather for a city.', inputSchema: weatherSchema, execute } }, 'getWeather')
    expect(tool).toMatchObject({ source: 'definition', description: 'Current weather for a city.' })
    await expect(tool.call({ city: 'Paris' })).resolves.toEqual({ celsius: 21, days: 1 })
    expect(execute).toHaveBeenLastCalledWith({ city: 'Paris', days: 1 }, expect.objectContaining({ toolCallId: expect.stringMatching(/^code-mode-/), messages: [] }))
    execute.mockClear()

    expect(await rejection(tool.call({ city: 3 }))).toBe('Invalid arguments for tools.getWeather: city: expected string, got 3. The tool did not run.')
    expect(await rejection(tool.call({}))).toBe('Invalid arguments for tools.getWeather: city: missing (expected string). The tool did not run.')
    expect(await rejection(tool.call({ city: 'Oslo', units: 'k', days: 0 }))).toBe(
      'Invalid arguments for tools.getWeather: units: expected "c" | "f", got "k"; days: Too small: expected number to be >=1. The tool did not run.',
    )
    await expect(tool.call({ city: 1.5 })).rejects.toBeInstanceOf(ToolArgumentsError)
    expect(execute).not.toHaveBeenCalled()
  })

  it('a None (null) for an optional argument means leaving it out, as a Python call with `= None` does; a nullable one keeps it', async () => {
    const execute = vi.fn(async (args: unknown) => args)
    const tool = entry({ f: { inputSchema: z.object({ a: z.string(), units: z.enum(['c', 'f']).optional(), note: z.string().nullable().optional() }), execute } }, 'f')
    await expect(tool.call({ a: 'x', units: null, note: null })).resolves.toEqual({ a: 'x', note: null })
    expect(await rejection(tool.call({ a: null }))).toBe('Invalid arguments for tools.f: a: expected string, got null. The tool did not run.')
  })

  it('a definition with a JSON Schema: checked with z.fromJSONSchema, every wrong argument named by its path; execute gets the arguments as they are', async () => {
    const execute = vi.fn(async (args: unknown) => args)
    const schema = {
      type: 'object',
      properties: {
        q: { type: 'string' },
        limit: { type: 'integer', minimum: 1 },
        tags: { type: 'array', items: { type: 'string' } },
        near: { type: 'object', properties: { lat: { type: 'number' } }, required: ['lat'] },
        mode: { anyOf: [{ type: 'string', enum: ['fast', 'exact'] }, { type: 'null' }] },
      },
      required: ['q'],
      additionalProperties: false,
    }
    const tool = entry({ search: { description: 'Search', inputSchema: schema, execute } }, 'search')
    expect(tool.inputJsonSchema).toBe(schema)
    await expect(tool.call({ q: 'cats', limit: 3, mode: null })).resolves.toEqual({ q: 'cats', limit: 3, mode: null })
    expect(await rejection(tool.call({ q: 1, limit: 1.5, tags: ['a', 2], near: {}, mode: 'slow', extra: true }))).toBe(
      'Invalid arguments for tools.search: q: expected string, got 1; limit: expected integer, got 1.5; tags[1]: expected string, got 2; ' +
        'near.lat: missing (expected number); mode: expected "fast" | "exact" | null, got "slow"; extra: not an argument this tool takes. The tool did not run.',
    )
    expect(execute).toHaveBeenCalledTimes(1)
  })

  it('a JSON Schema z.fromJSONSchema cannot convert is checked structurally: required arguments and top-level primitive types', async () => {
    const schema = { type: 'object', properties: { n: { type: 'number' }, odd: { type: 'tensor' } }, required: ['n'], additionalProperties: false }
    expect(() => z.fromJSONSchema(schema as never)).toThrow()
    const tool = entry({ f: { inputSchema: schema, execute: (args: unknown) => args } }, 'f')
    await expect(tool.call({ n: 1, odd: [[1]] })).resolves.toEqual({ n: 1, odd: [[1]] })
    expect(await rejection(tool.call({ n: 'one', more: 1 }))).toBe(
      'Invalid arguments for tools.f: n: expected number, got "one"; more: not an argument this tool takes. The tool did not run.',
    )
    expect(await rejection(tool.call({}))).toBe('Invalid arguments for tools.f: n: missing (expected number). The tool did not run.')
  })
})

describe('code mode: Vercel AI SDK tools', () => {
  it('runs a tool() with a zod schema: execute gets the parsed input and { toolCallId, messages, abortSignal }', async () => {
    const execute = vi.fn(async ({ city }: { city: string }) => ({ city, celsius: 21 }))
    const weather = aiTool({ description: 'Current weather', inputSchema: z.object({ city: z.string() }), outputSchema: z.object({ city: z.string(), celsius: z.number() }), execute })
    const tool = entry({ getWeather: weather }, 'getWeather')
    expect(tool).toMatchObject({ source: 'definition', description: 'Current weather' })
    expect(tool.inputJsonSchema).toMatchObject({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] })
    expect(tool.outputJsonSchema).toMatchObject({ properties: { celsius: { type: 'number' } } })
    await expect(tool.call({ city: 'Paris' })).resolves.toEqual({ city: 'Paris', celsius: 21 })
    expect((execute.mock.calls[0] as unknown[])[1]).toMatchObject({ toolCallId: expect.any(String), messages: [] })
    const signal = new AbortController().signal
    await tool.call({ city: 'Oslo' }, { signal })
    expect((execute.mock.calls[1] as unknown[])[1]).toMatchObject({ abortSignal: signal })
    expect(await rejection(tool.call({ city: ['Paris'] }))).toBe('Invalid arguments for tools.getWeather: city: expected string, got ["Paris"]. The tool did not run.')
  })

  it('runs a tool() with a jsonSchema() input (checked against its JSON Schema), and with a validate function (its own check)', async () => {
    const plain = aiTool({
      description: 'Echo',
      inputSchema: jsonSchema<{ text: string }>({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }),
      execute: async ({ text }) => text.toUpperCase(),
    })
    const echo = entry({ echo: plain }, 'echo')
    expect(echo.inputJsonSchema).toEqual({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] })
    await expect(echo.call({ text: 'hi' })).resolves.toBe('HI')
    expect(await rejection(echo.call({ text: 5 }))).toBe('Invalid arguments for tools.echo: text: expected string, got 5. The tool did not run.')

    const validated = aiTool({
      inputSchema: jsonSchema<{ n: number }>({ type: 'object', properties: { n: { type: 'number' } } }, {
        validate: (value) =>
          typeof (value as { n?: unknown }).n === 'number' ? { success: true, value: { n: (value as { n: number }).n * 10 } } : { success: false, error: new Error('n must be a number') },
      }),
      execute: async ({ n }) => n,
    })
    const tens = entry({ tens: validated }, 'tens')
    await expect(tens.call({ n: 4 })).resolves.toBe(40)
    expect(await rejection(tens.call({ n: 'x' }))).toBe('Invalid arguments for tools.tens: the arguments: n must be a number. The tool did not run.')
  })

  it('a streaming execute (async iterable) resolves with its last value', async () => {
    const progress = aiTool({
      description: 'Counts',
      inputSchema: z.object({ to: z.number() }),
      async *execute({ to }) {
        for (let i = 1; i <= to; i++) yield { done: i }
      },
    })
    await expect(entry({ progress }, 'progress').call({ to: 3 })).resolves.toEqual({ done: 3 })
  })

  it('asks a needsApproval function before each call: a call that needs approval is refused, never run', async () => {
    const execute = vi.fn(async ({ cents }: { cents: number }) => `paid ${cents}`)
    const pay = aiTool({ description: 'Pay', inputSchema: z.object({ cents: z.number() }), needsApproval: async ({ cents }) => cents > 1000, execute })
    const tool = entry({ pay }, 'pay')
    await expect(tool.call({ cents: 500 })).resolves.toBe('paid 500')
    expect(await rejection(tool.call({ cents: 5000 }))).toBe("tools.pay needs a person's approval for these arguments, which a call from code cannot get; it did not run")
    expect(execute).toHaveBeenCalledTimes(1)
  })
})

describe('code mode: OpenAI Agents SDK function tools', () => {
  const weather = agentsTool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: z.object({ city: z.string(), units: z.enum(['c', 'f']).optional() }),
    execute: async ({ city, units }) => ({ city, units: units ?? 'c', celsius: 21 }),
  })

  it('invokes the tool with a RunContext and the arguments as JSON; an optional argument (required and nullable in strict mode) may be left out', async () => {
    const invoke = vi.spyOn(weather, 'invoke')
    const tool = entry({ getWeather: weather }, 'getWeather')
    expect(tool).toMatchObject({ source: 'openai-agents', description: 'Current weather for a city' })
    // Strict mode made `units` required and nullable; code mode shows it, and takes it, as optional.
    expect(weather.parameters.required).toEqual(['city', 'units'])
    expect(tool.inputJsonSchema?.required).toEqual(['city'])
    await expect(tool.call({ city: 'Paris' })).resolves.toEqual({ city: 'Paris', units: 'c', celsius: 21 })
    await expect(tool.call({ city: 'Oslo', units: 'f' })).resolves.toEqual({ city: 'Oslo', units: 'f', celsius: 21 })
    // The SDK's RunContext (loaded with require: under vitest another copy of the class than the test imports).
    expect((invoke.mock.calls[0][0] as object).constructor.name).toBe(RunContext.name)
    expect(invoke.mock.calls.map((call) => JSON.parse(call[1]))).toEqual([{ city: 'Paris', units: null }, { city: 'Oslo', units: 'f' }])
    expect(await rejection(tool.call({ city: 'Oslo', units: 'k' }))).toBe(
      'Invalid arguments for tools.getWeather: units: expected "c" | "f" | null, got "k". The tool did not run.',
    )
    expect(invoke).toHaveBeenCalledTimes(2)
    invoke.mockRestore()
  })

  it('takes a list of tools by their own names', async () => {
    const [tool] = normalizeCodeModeTools([weather])
    expect(tool.name).toBe('get_weather')
    await expect(tool.call({ city: 'Rome' })).resolves.toMatchObject({ city: 'Rome' })
  })

  it('makes the SDK\'s stand-in for an error an exception again (its own errorFunction\'s answer otherwise)', async () => {
    const failing = agentsTool({ name: 'fails', description: 'Fails', parameters: z.object({}), execute: async () => { throw new Error('the database is down') } })
    // What the SDK itself resolves with (so the constant is the installed SDK's).
    await expect(failing.invoke(new RunContext(), '{}')).resolves.toBe(OPENAI_AGENTS_TOOL_ERROR)
    expect(await rejection(entry({ fails: failing }, 'fails').call({}))).toBe(OPENAI_AGENTS_TOOL_ERROR)
    const rethrows = agentsTool({
      name: 'rethrows',
      description: 'Fails loudly',
      parameters: z.object({}),
      errorFunction: (_context, error) => {
        throw error
      },
      execute: async () => {
        throw new Error('the database is down')
      },
    })
    expect(await rejection(entry({ rethrows }, 'rethrows').call({}))).toBe('the database is down')
  })

  it('takes a non-strict tool with JSON Schema parameters, and refuses a call that needs approval', async () => {
    const lookup = agentsTool({
      name: 'lookup',
      description: 'Look up a record',
      strict: false,
      parameters: { type: 'object' as const, properties: { id: { type: 'integer' } }, required: ['id'], additionalProperties: true as const },
      execute: async (input: unknown) => ({ found: (input as { id: number }).id }),
    })
    const tool = entry({ lookup }, 'lookup')
    expect(tool.inputJsonSchema?.required).toEqual(['id'])
    await expect(tool.call({ id: 7 })).resolves.toEqual({ found: 7 })
    expect(await rejection(tool.call({}))).toBe('Invalid arguments for tools.lookup: id: missing (expected integer). The tool did not run.')

    const execute = vi.fn(async () => 'deleted')
    const remove = agentsTool({ name: 'remove', description: 'Delete', parameters: z.object({ id: z.number() }), needsApproval: true, execute })
    expect(await rejection(entry({ remove }, 'remove').call({ id: 1 }))).toMatch(/^tools\.remove needs a person's approval/)
    expect(execute).not.toHaveBeenCalled()
  })
})

describe('code mode: LangChain tools', () => {
  it('invokes a tool() with a zod schema with the arguments; a wrong one is named before LangChain sees it', async () => {
    const func = vi.fn(async ({ city }: { city: string }) => `sunny in ${city}`)
    const weather = langChainTool(func, { name: 'get_weather', description: 'Current weather', schema: z.object({ city: z.string() }) })
    const tool = entry({ getWeather: weather }, 'getWeather')
    expect(tool).toMatchObject({ source: 'langchain', description: 'Current weather' })
    expect(tool.inputJsonSchema).toMatchObject({ properties: { city: { type: 'string' } }, required: ['city'] })
    await expect(tool.call({ city: 'Paris' })).resolves.toBe('sunny in Paris')
    expect(await rejection(tool.call({ city: 2 }))).toBe('Invalid arguments for tools.getWeather: city: expected string, got 2. The tool did not run.')
    expect(func).toHaveBeenCalledTimes(1)
    const failing = langChainTool(async () => { throw new Error('no weather today') }, { name: 'f', description: 'F', schema: z.object({}) })
    expect(await rejection(entry({ failing }, 'failing').call({}))).toBe('no weather today')
  })

  it('takes a JSON Schema tool, a DynamicTool (its zod 3 `{ input }` schema, converted by LangChain) and a list by own names', async () => {
    const json = langChainTool(async (input: { q: string }) => ({ hits: [input.q] }), {
      name: 'search',
      description: 'Search',
      schema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
    })
    await expect(entry({ search: json }, 'search').call({ q: 'cats' })).resolves.toEqual({ hits: ['cats'] })
    expect(await rejection(entry({ search: json }, 'search').call({}))).toBe('Invalid arguments for tools.search: q: missing (expected string). The tool did not run.')
    const shout = new DynamicTool({ name: 'shout', description: 'Upper-cases text', func: async (text: string) => text.toUpperCase() })
    const dynamic = entry({ shout }, 'shout')
    expect(dynamic.inputJsonSchema).toMatchObject({ properties: { input: { type: 'string' } } })
    await expect(dynamic.call({ input: 'hi' })).resolves.toBe('HI')
    expect(normalizeCodeModeTools([json, shout]).map((tool) => tool.name)).toEqual(['search', 'shout'])
  })

  it('refuses a list with a tool that carries no name, and two tools of one name', () => {
    const make = (tools: unknown) => () => new CodeExecutionTool({ environment: 'hyperlight', tools: tools as never })
    expect(make([() => 1])).toThrow(/tools\[0\]: a list of tools takes OpenAI Agents SDK and LangChain tools/)
    const shout = new DynamicTool({ name: 'shout', description: 'x', func: async (text: string) => text })
    expect(make([shout, shout])).toThrow(/tools: two tools are named shout/)
    expect(make([new DynamicTool({ name: 'bad-name', description: 'x', func: async () => '' })])).toThrow(/"bad-name" is not a valid tool name/)
  })
})

describe('code mode: MCP tools (toolsFromMcpClient, an in-process server and client)', () => {
  let client: Client
  const called: { name: string; arguments?: Record<string, unknown> }[] = []
  let spy: McpClientLike

  beforeAll(async () => {
    const server = new McpServer({ name: 'weather', version: '1.0.0' })
    server.registerTool(
      'get-weather',
      {
        description: 'Current weather for a city',
        inputSchema: z.object({ city: z.string().describe('The city name') }),
        outputSchema: z.object({ city: z.string(), celsius: z.number() }),
      },
      async ({ city }: { city: string }) => {
        const weather = { city, celsius: city === 'Paris' ? 21 : 9 }
        return { content: [{ type: 'text' as const, text: JSON.stringify(weather) }], structuredContent: weather }
      },
    )
    server.registerTool('echo', { description: 'Echo the text back', inputSchema: z.object({ text: z.string() }) }, async ({ text }: { text: string }) => ({
      content: [
        { type: 'text' as const, text },
        { type: 'text' as const, text: 'again' },
      ],
    }))
    server.registerTool('fails', { description: 'Always fails' }, async () => ({ content: [{ type: 'text' as const, text: 'the database is down' }], isError: true }))
    server.registerTool('class', { description: 'A keyword name' }, async () => ({ content: [] }))
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    client = new Client({ name: 'test-client', version: '1.0.0' })
    await client.connect(clientSide)
    spy = {
      listTools: (params) => client.listTools(params),
      callTool: (params) => {
        called.push(params)
        return client.callTool(params)
      },
    }
  })
  afterAll(async () => {
    await client?.close()
  })

  it('lists the server\'s tools under identifier names, with their descriptions and JSON Schemas', async () => {
    const tools = await toolsFromMcpClient(client)
    expect(Object.keys(tools).sort()).toEqual(['class_', 'echo', 'fails', 'get_weather'])
    expect(tools.get_weather).toMatchObject({
      description: 'Current weather for a city',
      inputSchema: { type: 'object', properties: { city: { type: 'string', description: 'The city name' } }, required: ['city'] },
      outputSchema: { type: 'object', properties: { celsius: { type: 'number' } } },
    })
    const normalized = normalizeCodeModeTools(tools)
    expect(normalized.find((tool) => tool.name === 'get_weather')).toMatchObject({ source: 'definition', inputJsonSchema: { required: ['city'] } })
    expect(Object.keys(await toolsFromMcpClient(client, { include: ['echo'] }))).toEqual(['echo'])
  })

  it('calls a tool by its MCP name and resolves with its structuredContent, or the text of its content; isError rejects with its text', async () => {
    const tools = Object.fromEntries(normalizeCodeModeTools(await toolsFromMcpClient(spy)).map((tool) => [tool.name, tool]))
    await expect(tools.get_weather.call({ city: 'Paris' })).resolves.toEqual({ city: 'Paris', celsius: 21 })
    expect(called.at(-1)).toEqual({ name: 'get-weather', arguments: { city: 'Paris' } })
    await expect(tools.echo.call({ text: 'hi' })).resolves.toBe('hi\nagain')
    expect(await rejection(tools.fails.call({}))).toBe('the database is down')
    await expect(tools.class_.call({})).resolves.toBe('')
    // Checked here first: the server never sees arguments that do not match its schema.
    const before = called.length
    expect(await rejection(tools.get_weather.call({ town: 'Paris' }))).toBe(
      'Invalid arguments for tools.get_weather: city: missing (expected string). The tool did not run.',
    )
    expect(called).toHaveLength(before)
  })

  it('reads every page of the listing, and refuses two MCP names that would be one tool name', async () => {
    const pages: McpClientLike = {
      listTools: async (params) =>
        params?.cursor === 'page-2'
          ? { tools: [{ name: 'b', inputSchema: { type: 'object' } }] }
          : { tools: [{ name: 'a', inputSchema: { type: 'object' } }], nextCursor: 'page-2' },
      callTool: async () => ({ content: [] }),
    }
    expect(Object.keys(await toolsFromMcpClient(pages))).toEqual(['a', 'b'])
    const clash: McpClientLike = { listTools: async () => ({ tools: [{ name: 'get-weather' }, { name: 'get.weather' }] }), callTool: async () => ({}) }
    await expect(toolsFromMcpClient(clash)).rejects.toThrow(InvalidConfigError)
    await expect(toolsFromMcpClient(clash)).rejects.toThrow('the MCP tools "get-weather" and "get.weather" would both be tools.get_weather')
    expect(['get-weather', '9lives', 'class', '__init__', 'then', 'ok'].map(toToolName)).toEqual(['get_weather', '_9lives', 'class_', '_init__', 'then_', 'ok'])
  })
})
