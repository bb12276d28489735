// The code and tool names of @cloudflare/codemode as MicroVmExecutor takes them (src/codemode/code.ts), compared
// with codemode's own normalizeCode and sanitizeToolName: the same identifiers (the model writes the names that
// codemode's generated types show), and code that returns the same values.
import { beforeAll, describe, expect, it } from 'vitest'

import { isIdentifier, normalizeCode, sanitizeToolName } from '../src/codemode/code'
import { allowCodemodeImports } from './helpers/codemode-in-node'

let codemode: { normalizeCode(code: string): string; sanitizeToolName(name: string): string }
beforeAll(async () => {
  allowCodemodeImports()
  codemode = (await import('@cloudflare/codemode')) as unknown as typeof codemode
})

/** What calling the normalised code returns, run here in Node. */
async function valueOf(normalized: string): Promise<unknown> {
  const fn = new Function(`return (\n${normalized}\n)`)() as () => unknown
  expect(typeof fn).toBe('function')
  return await fn()
}

const SAMPLES = [
  'async () => 42',
  'async () => { return 1 + 1 }',
  '(() => 7)',
  'async () => 5 // done',
  '```js\nconst x = 1;\nx * 3\n```',
  '```\nconst y = 2\ny\n```',
  'const a = [1, 2, 3]\na.map((n) => n * 2)',
  'function main() { return "m" }',
  'async function main() { return "am" }',
  'export default async () => "d"',
  'export default function () { return "f" }',
  'const x = await Promise.resolve(5)\nx + 1',
  'let s = 0\nfor (const n of [1, 2, 3]) s += n\nreturn s',
  'const x = 2\nx // the answer',
  'const o = { a: 1 }\n;({ ...o, b: 2 })',
  'Promise.resolve(3)',
  'const f = async () => 9',
  '42',
  '',
  '  \n  ',
]

describe('normalizeCode', () => {
  it.each(SAMPLES)('returns what codemode\'s normalised code returns: %j', async (code) => {
    expect(await valueOf(normalizeCode(code))).toEqual(await valueOf(codemode.normalizeCode(code)))
  })

  it('keeps an async arrow function as it is, and makes a body return its last expression', async () => {
    expect(normalizeCode('  async () => { return 1 }  ')).toBe('async () => { return 1 }')
    expect(await valueOf(normalizeCode('const rows = [{ open: true }, { open: false }]\nrows.filter((r) => r.open).length'))).toBe(1)
  })

  it('calls a function expression in parentheses (codemode returns the function itself)', async () => {
    expect(await valueOf(normalizeCode('(async function () { return 4 })'))).toBe(4)
  })

  it('wraps code that does not parse, so the sandbox reports the syntax error', () => {
    expect(normalizeCode('const = 1')).toBe('async () => {\nconst = 1\n}')
  })
})

describe('sanitizeToolName', () => {
  const names = [
    'getWeather', 'get-weather', 'get.weather', 'get weather', 'get\tweather', '3d-render', '42', 'delete', 'class', 'yield',
    'await', 'undefined', 'eval', 'a$b', '$x', '_', '', '---', 'ünïcode', 'emoji🙂tool', 'list/issues', 'ns:tool', '__stepDecide',
    'Tool (beta)', 'x-1.2', 'then', 'constructor', 'int', 'Infinity',
  ]

  it.each(names)('makes %j the identifier codemode makes', (name) => {
    expect(sanitizeToolName(name)).toBe(codemode.sanitizeToolName(name))
    expect(isIdentifier(sanitizeToolName(name))).toBe(true)
  })
})
