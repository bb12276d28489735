// Code mode in the description: each tool's TypeScript and Python signature, generated from its schemas, so the
// model writes code against them; compact, and absent without tools.
import { tool as agentsTool } from '@openai/agents'
import { tool as aiTool } from 'ai'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

import { CodeExecutionTool } from '../src/code-execution-tool'
import type { JsonSchema } from '../src/code-mode/json-schema'
import { pythonSignature, pythonType, typeScriptSignature, typeScriptType } from '../src/code-mode/tool-signatures'

const getWeather = {
  description: 'Current weather for a city.',
  inputSchema: z.object({ city: z.string().describe('The city name'), units: z.enum(['c', 'f']).optional() }),
  outputSchema: z.object({ celsius: z.number() }),
  execute: async () => ({ celsius: 21 }),
}

describe('code mode: signatures', () => {
  it('spells a tool out in TypeScript and Python, from zod schemas', () => {
    const tool = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', tools: { getWeather } })
    const [info] = tool.codeModeTools
    expect(typeScriptSignature(info)).toBe('await tools.getWeather({ city: string /* The city name */, units?: "c" | "f" }): { celsius: number }')
    expect(pythonSignature(info)).toBe('tools.getWeather(city: str, units: Literal["c", "f"] = None) -> dict')
  })

  it('lists every tool in the description after the rest: how to call them, then each one\'s signatures and description', () => {
    const plain = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard' }).description
    const description = new CodeExecutionTool({
      environment: 'hyperlight',
      pythonImage: 'standard',
      tools: { getWeather, ping: () => 'pong', sum: aiTool({ description: 'Adds numbers', inputSchema: z.object({ values: z.array(z.number()) }), execute: async ({ values }) => values.reduce((a, b) => a + b, 0) }) },
    }).description
    const lines = description.split('\n')
    expect(lines[0]).toBe(plain)
    expect(lines[1]).toMatch(/^Tools: the code can call these host functions through the global `tools` object: in javascript `await` each call and pass one object; in python call it with keyword arguments \(or one dict\), without await; c and cpp cannot call them\./)
    expect(lines[1]).toMatch(/a call that fails \(an error, or arguments that do not match\) raises an exception in the code/)
    expect(lines.slice(2)).toEqual([
      '- await tools.getWeather({ city: string /* The city name */, units?: "c" | "f" }): { celsius: number } — Current weather for a city.',
      '  python: tools.getWeather(city: str, units: Literal["c", "f"] = None) -> dict',
      '- await tools.ping(args?: object): unknown',
      '  python: tools.ping(**kwargs)',
      '- await tools.sum({ values: number[] }): unknown — Adds numbers',
      '  python: tools.sum(values: list[float])',
    ])
    // Compact: the block costs a few hundred characters for three tools.
    expect(description.length - plain.length).toBeLessThan(900)
  })

  it('shows an OpenAI Agents SDK tool\'s strict-mode optional arguments as optional', () => {
    const weather = agentsTool({
      name: 'get_weather',
      description: 'Weather',
      parameters: z.object({ city: z.string(), units: z.enum(['c', 'f']).optional() }),
      execute: async () => 'sunny',
    })
    const [info] = new CodeExecutionTool({ environment: 'hyperlight', tools: [weather] }).codeModeTools
    expect(typeScriptSignature(info)).toBe('await tools.get_weather({ city: string, units?: "c" | "f" | null }): unknown')
    expect(pythonSignature(info)).toBe('tools.get_weather(city: str, units: Literal["c", "f"] | None = None)')
  })

  it('covers JSON Schema: nested objects, arrays, records, unions, $refs, no arguments, names that cannot be keyword arguments', () => {
    const sign = (inputJsonSchema: JsonSchema | undefined, outputJsonSchema?: JsonSchema) => {
      const source = { name: 'f', ...(inputJsonSchema && { inputJsonSchema }), ...(outputJsonSchema && { outputJsonSchema }) }
      return [typeScriptSignature(source), pythonSignature(source)]
    }
    expect(
      sign({
        type: 'object',
        properties: {
          near: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } }, required: ['lat', 'lon'] },
          limit: { type: 'integer' },
          tags: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
          scores: { type: 'object', additionalProperties: { type: 'number' } },
          kind: { $ref: '#/$defs/Kind' },
          exact: { type: ['boolean', 'null'] },
        },
        required: ['near'],
        $defs: { Kind: { enum: ['a', 'b'] } },
      }),
    ).toEqual([
      "await tools.f({ near: { lat: number, lon: number }, limit?: number, tags?: (string | number)[], scores?: Record<string, number>, kind?: \"a\" | \"b\", exact?: boolean | null }): unknown",
      'tools.f(near: dict, limit: int = None, tags: list[str | int] = None, scores: dict[str, float] = None, kind: Literal["a", "b"] = None, exact: bool | None = None)',
    ])
    expect(sign({ type: 'object', properties: {} }, { type: 'array', items: { type: 'string' } })).toEqual(['await tools.f(): string[]', 'tools.f() -> list[str]'])
    expect(sign({ type: 'object' })).toEqual(['await tools.f(): unknown', 'tools.f()'])
    expect(sign(undefined)).toEqual(['await tools.f(args?: object): unknown', 'tools.f(**kwargs)'])
    expect(sign({ type: 'object', properties: { 'first-name': { type: 'string' }, class: { type: 'integer' } }, required: ['first-name'] })).toEqual([
      'await tools.f({ "first-name": string, class?: number }): unknown',
      'tools.f({"first-name": str, "class": int})',
    ])
    expect(sign({ type: 'object', additionalProperties: { type: 'string' } })).toEqual(['await tools.f(args: Record<string, string>): unknown', 'tools.f(**kwargs: str)'])
  })

  it('renders types compactly: deep objects become object/dict, literals are quoted for each language', () => {
    const deep = { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'object', properties: { c: { type: 'object', properties: { d: { type: 'string' } } } } } } } } }
    expect(typeScriptType(deep)).toBe('{ a?: { b?: { c?: object } } }')
    expect(pythonType({ enum: ["it's", 1, true, null] })).toBe(`Literal["it's", 1, True] | None`)
    // quotes, backslashes and newlines escaped as JSON escapes them, which both languages read
    expect(pythonType({ const: 'a"b\\c\nd' })).toBe('Literal["a\\"b\\\\c\\nd"]')
    expect(typeScriptType({ enum: ['a"b\nc', 'x'] })).toBe('"a\\"b\\nc" | "x"')
    expect(typeScriptType({ const: "it's" })).toBe('"it\'s"')
    expect(typeScriptType({})).toBe('unknown')
    expect(pythonType({ anyOf: [{ type: 'string' }, {}] })).toBe('Any')
  })

  it('cuts long descriptions, and keeps each tool to two lines', () => {
    const long = 'Looks things up. '.repeat(40)
    const description = new CodeExecutionTool({
      environment: 'hyperlight',
      pythonImage: 'standard',
      tools: { lookup: { description: long, inputSchema: z.object({ id: z.number().describe(`The id\n${'x'.repeat(200)}`) }), execute: () => 1 } },
    }).description
    const [typeScript, python] = description.split('\n').slice(-2)
    expect(typeScript).toMatch(/^- await tools\.lookup\(\{ id: number \/\* The id x+… \*\/ \}\): unknown — Looks things up\. .*…$/)
    // At most 200 characters of the tool's description and 80 of an argument's, plus the signature.
    expect(typeScript.length).toBeLessThan(200 + 80 + 60)
    expect(python).toBe('  python: tools.lookup(id: float)')
  })
})
