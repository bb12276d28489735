// MicroVmExecutor (local-code-interpreter/codemode) in real micro-VMs, with the real @cloudflare/codemode: its
// functions called from the guest as codemode.* (and other namespaces), results, errors, logs, timeouts,
// payloads larger than one host call, and codemode's own createCodeTool (AI SDK) and codeMcpServer driving it
// end to end, without a model. Never skipped.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { tool } from 'ai'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

import { MicroVmExecutor } from '../../src/codemode/executor'
import { allowCodemodeImports } from '../helpers/codemode-in-node'

const later = <T>(value: T, ms = 5) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms))

describe('MicroVmExecutor', () => {
  const executor = new MicroVmExecutor({ timeoutMs: 120_000 })
  const calls: unknown[][] = []
  const fns = {
    getWeather: async (...args: unknown[]) => {
      calls.push(args)
      const { city } = args[0] as { city: string }
      return later({ city, celsius: city === 'Paris' ? 21 : 9 })
    },
    failing: async () => {
      throw new Error('the weather service is down')
    },
  }

  it('passes a call through: the code calls codemode.getWeather, the function runs here, its return value is the result', async () => {
    calls.length = 0
    const r = await executor.execute(
      'async () => { const w = await codemode.getWeather({ city: "Paris" }); const o = await codemode.getWeather({ city: "Oslo" }, "extra"); return { paris: w.celsius, oslo: o.celsius } }',
      [{ name: 'codemode', fns }],
    )
    expect(r).toEqual({ result: { paris: 21, oslo: 9 }, logs: [] })
    expect(calls).toEqual([[{ city: 'Paris' }], [{ city: 'Oslo' }, 'extra']])
  })

  it('takes functions alone as codemode.*, several namespaces, positional arguments, and names made identifiers', async () => {
    const plain = await executor.execute('async () => (await codemode.getWeather({ city: "Paris" })).celsius', fns)
    expect(plain).toEqual({ result: 21, logs: [] })
    const several = await executor.execute('async () => [await db.add(2, 3), await codemode.get_time(), await codemode.delete_()]', [
      { name: 'codemode', fns: { 'get-time': async () => 'noon', delete: async () => 'gone' } },
      { name: 'db', fns: { add: async (a: unknown, b: unknown) => (a as number) + (b as number) } },
    ])
    expect(several).toEqual({ result: [5, 'noon', 'gone'], logs: [] })
  })

  it('runs the providers\' preludes before the code and serves connectors through their callTool', async () => {
    const seen: unknown[] = []
    const r = await executor.execute(
      'async () => [await codemode.twice(21), await github.list({ repo: "agents" })]',
      [{ name: 'codemode', fns: {}, prelude: 'codemode.twice = async (n) => 2 * n' }],
      { connectors: [{ name: 'github', binding: { callTool: async (method: string, args: unknown) => (seen.push([method, args]), ['#1']) } }] },
    )
    expect(r).toEqual({ result: [42, ['#1']], logs: [] })
    expect(seen).toEqual([['list', { repo: 'agents' }]])
  })

  it('gives a throwing function\'s message as the error, or to the code that catches it; and reports what the code throws', async () => {
    expect(await executor.execute('async () => { await codemode.failing() }', fns)).toEqual({
      result: undefined,
      error: 'the weather service is down',
      logs: [],
    })
    const caught = await executor.execute('async () => { try { await codemode.failing() } catch (e) { return e instanceof Error ? e.message : "?" } }', fns)
    expect(caught).toEqual({ result: 'the weather service is down', logs: [] })
    expect((await executor.execute('async () => { throw new RangeError("out of range") }', fns)).error).toBe('out of range')
    expect((await executor.execute('async () => { await codemode.nope() }', fns)).error).toBe('Tool "nope" not found in codemode (it has getWeather, failing)')
    const syntax = await executor.execute('async () => { const = 1 }', fns)
    expect(syntax.result).toBeUndefined()
    expect(syntax.error).toMatch(/expect|unexpected/i)
  })

  it('captures the console as logs, console.warn and console.error marked, also when the code fails', async () => {
    const r = await executor.execute(
      'async () => { console.log("rows:", 3); console.log({ a: [1, 2] }); console.warn("slow %s", "api"); console.error(new Map([[1, 2]])); return 1 }',
      fns,
    )
    expect(r).toEqual({ result: 1, logs: ['rows: 3', '{ a: [ 1, 2 ] }', '[warn] slow api', '[error] Map(1) { 1 => 2 }'] })
    const failed = await executor.execute('async () => { console.log("before"); throw new Error("after") }', fns)
    expect(failed).toEqual({ result: undefined, error: 'after', logs: ['before'] })
  })

  it('normalises the code as codemode does: a body returns its last expression, a fence is taken away', async () => {
    const r = await executor.execute('```js\nconst w = await codemode.getWeather({ city: "Oslo" })\nw.celsius * 2\n```', fns)
    expect(r).toEqual({ result: 18, logs: [] })
  })

  it('carries arguments, results and a final value far larger than one host call (~68 KB), and binary data', async () => {
    const big = 'x"é🙂'.repeat(50_000) // 250,000 UTF-16 units, ~550 KB as JSON
    const r = await executor.execute(
      'async () => { const s = await codemode.echo(await codemode.make()); const b = await codemode.bytes(new Uint8Array([1, 2, 3])); return { s, same: s.length, b } }',
      { make: async () => big, echo: async (s: unknown) => s, bytes: async (b: unknown) => Buffer.from([...(b as Uint8Array)].map((n) => n * 2)) },
    )
    expect(r.error).toBeUndefined()
    const result = r.result as { s: string; same: number; b: Uint8Array }
    expect(result.same).toBe(big.length)
    expect(result.s === big).toBe(true)
    expect([...result.b]).toEqual([2, 4, 6])
  })

  it('ends the execution when the function settles: timers and unawaited calls left behind do not hold it', async () => {
    const r = await executor.execute('async () => { setInterval(() => {}, 1000); codemode.getWeather({ city: "Rome" }); return "done" }', fns)
    expect(r).toEqual({ result: 'done', logs: [] })
    const exited = await executor.execute('async () => { process.exit(0) }', fns)
    expect(exited.error).toBe('The code ended without settling: its function awaited something that never happened, or it called process.exit()')
  })

  it('runs executions in parallel, each with its own functions', async () => {
    const results = await Promise.all(
      ['a', 'b', 'c'].map((tag) => executor.execute('async () => codemode.tag()', { tag: async () => later(tag, 20) })),
    )
    expect(results.map((r) => r.result)).toEqual(['a', 'b', 'c'])
  })

  it('stops at an aborted signal and says so', async () => {
    const controller = new AbortController()
    const r = await executor.execute('async () => codemode.hang()', { hang: () => (controller.abort(), new Promise(() => {})) }, { signal: controller.signal })
    expect(r).toEqual({ result: undefined, error: 'The execution was aborted and its micro-VM stopped', logs: [] })
    expect((await executor.execute('async () => 2', {})).result).toBe(2)
  })
})

describe('MicroVmExecutor time limit', () => {
  const executor = new MicroVmExecutor({ timeoutMs: 10_000 })

  it('a loop that never ends and a function that never answers end at the limit with an error; the executor works after', async () => {
    const loop = await executor.execute('async () => { console.log("started"); for (;;) {} }', {})
    expect(loop).toEqual({ result: undefined, error: 'Execution timed out after 10000 ms', logs: ['started'] })
    const waiting = await executor.execute('async () => codemode.never()', { never: () => new Promise(() => {}) })
    expect(waiting.error).toBe('Execution timed out after 10000 ms')
    expect(await executor.execute('async () => (await codemode.ping()) + "!"', { ping: async () => 'pong' })).toEqual({ result: 'pong!', logs: [] })
  })
})

describe('@cloudflare/codemode driving MicroVmExecutor', () => {
  const executor = new MicroVmExecutor({ timeoutMs: 120_000 })

  it('createCodeTool (AI SDK): its tool runs the model\'s code with the AI SDK tools as codemode.*, checked by their schemas', async () => {
    allowCodemodeImports()
    const { createCodeTool } = await import('@cloudflare/codemode/ai')
    const forecasts: unknown[] = []
    const codemode = createCodeTool({
      tools: {
        'get-forecast': tool({
          description: 'Forecast for a city',
          inputSchema: z.object({ city: z.string(), days: z.number().int().min(1) }),
          execute: async ({ city, days }) => {
            forecasts.push({ city, days })
            return { city, highs: Array.from({ length: days }, (_, i) => 20 + i) }
          },
        }),
      },
      executor,
    })
    // The model reads the identifier it calls in the description codemode generated.
    expect(codemode.description).toContain('get_forecast: (input: GetForecastInput)')
    const run = (code: string) => codemode.execute!({ code }, { toolCallId: 'call-1', messages: [] })
    const output = await run(
      'async () => { const f = await codemode.get_forecast({ city: "Lyon", days: 3 }); console.log("got", f.highs.length); return Math.max(...f.highs) }',
    )
    expect(output).toEqual({ result: 22, logs: ['got 3'] })
    expect(forecasts).toEqual([{ city: 'Lyon', days: 3 }])
    // A wrong argument is refused by the tool's schema before it runs: an exception in the code.
    const refused = await run('async () => { try { await codemode.get_forecast({ city: "Lyon", days: 0 }) } catch (e) { return e.message } }')
    expect(String((refused as { result: unknown }).result)).toMatch(/days|>=1|too small/i)
    expect(forecasts).toHaveLength(1)
    // An error ends the tool call as codemode's runCode reports it, with the logs.
    await expect(run('async () => { console.log("trying"); throw new Error("no data") }')).rejects.toThrow(
      'Code execution failed: no data\n\nConsole output:\ntrying',
    )
  })

  it('codeMcpServer: an MCP server\'s tools become codemode.*, and its "code" tool runs the code (given as written) here', async () => {
    const { codeMcpServer } = await import('@cloudflare/codemode/mcp')
    const upstream = new McpServer({ name: 'calculator', version: '1.0.0' })
    upstream.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
      content: [{ type: 'text', text: JSON.stringify({ sum: a + b }) }],
    }))
    const server = await codeMcpServer({ server: upstream, executor })
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    const client = new Client({ name: 'test', version: '1.0.0' })
    await client.connect(clientSide)
    try {
      const { tools } = await client.listTools()
      expect(tools.map((t) => t.name)).toEqual(['code'])
      expect(tools[0].description).toContain('add')
      // codeMcpServer hands the executor the code unnormalised: a body whose last expression is the result.
      const ok = await client.callTool({ name: 'code', arguments: { code: 'const r = await codemode.add({ a: 2, b: 3 })\nr.sum * 10' } })
      expect(ok.isError).toBeFalsy()
      expect(ok.content).toEqual([{ type: 'text', text: '50' }])
      const failed = await client.callTool({ name: 'code', arguments: { code: 'async () => { throw new Error("nope") }' } })
      expect(failed.isError).toBe(true)
      expect(failed.content).toEqual([{ type: 'text', text: 'Error: nope' }])
    } finally {
      await client.close()
    }
  })

  it('openApiMcpServer: a spec larger than a run carries reaches the code (through the channel), and requests run here', async () => {
    const { openApiMcpServer } = await import('@cloudflare/codemode/mcp')
    const paths = Object.fromEntries(
      Array.from({ length: 8_000 }, (_, i) => [
        `/items/${i}`,
        { get: { summary: `Get item ${i} with every detail a client may want`, tags: [i % 2 ? 'odd' : 'even'], responses: { 200: { $ref: '#/components/responses/Item' } } } },
      ]),
    )
    const spec = { openapi: '3.0.0', info: { title: 'Items', version: '1' }, paths, components: { responses: { Item: { description: 'An item' } } } }
    expect(JSON.stringify(spec).length).toBeGreaterThan(1_100_000)
    const requests: unknown[] = []
    const server = openApiMcpServer({
      spec,
      executor,
      request: async (options) => {
        requests.push(options)
        return { id: 7, name: 'seven' }
      },
    })
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    const client = new Client({ name: 'test', version: '1.0.0' })
    await client.connect(clientSide)
    try {
      const search = await client.callTool({
        name: 'search',
        arguments: { code: 'async () => { const s = await codemode.spec(); return [Object.keys(s.paths).length, s.paths["/items/5"].get.responses[200].description] }' },
      })
      expect(search.isError).toBeFalsy()
      expect(JSON.parse((search.content as { text: string }[])[0].text)).toEqual([8000, 'An item'])
      const execute = await client.callTool({ name: 'execute', arguments: { code: 'async () => codemode.request({ method: "GET", path: "/items/7" })' } })
      expect(execute.isError).toBeFalsy()
      expect(JSON.parse((execute.content as { text: string }[])[0].text)).toEqual({ id: 7, name: 'seven' })
      expect(requests).toEqual([{ method: 'GET', path: '/items/7' }])
    } finally {
      await client.close()
    }
  })
})
