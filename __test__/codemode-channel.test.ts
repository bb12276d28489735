// The guest program of MicroVmExecutor and the host's end of its tool (src/codemode/channel.ts), run here in a
// node:vm context that stands in for the JavaScript guest: a `tools` object whose one tool answers through the
// channel with JSON on both sides, of any size, as the guest's tools and the core's host calls carry it (their
// chunking is tested in crates/sandbox/src/host/host_calls.rs). The micro-VM test
// (__test__/microvm/codemode-executor.test.ts) runs the same program in the real guest, through that chunking.
import { createContext, runInContext } from 'node:vm'

import { describe, expect, it } from 'vitest'

import {
  BINARY_TAG,
  CHANNEL_TOOL,
  CodemodeChannel,
  decodeValue,
  encodeValue,
  guestProgram,
  linesOf,
  type ChannelNamespace,
  type CodemodeFunction,
} from '../src/codemode/channel'
import { normalizeCode } from '../src/codemode/code'

interface GuestRun {
  outcome: CodemodeChannel['outcome']
  exits: number[]
  lines: string[]
  calls: number
}

/** Runs `code` as the guest would, with `functions` as `codemode` (and `more` as other namespaces). */
async function runGuest(
  code: string,
  functions: Record<string, CodemodeFunction>,
  more: Record<string, ChannelNamespace> = {},
  { codeAsDownload = false, prelude = '' } = {},
): Promise<GuestRun> {
  const namespaces = new Map<string, ChannelNamespace>([['codemode', { kind: 'functions', functions: new Map(Object.entries(functions)) }], ...Object.entries(more)])
  const channel = new CodemodeChannel(namespaces)
  const run: GuestRun = { outcome: undefined, exits: [], lines: [], calls: 0 }
  let settle!: () => void
  const ended = new Promise<void>((resolve) => (settle = resolve))
  const tools = {
    [CHANNEL_TOOL]: async (payload: unknown) => {
      run.calls++
      return JSON.parse(JSON.stringify(await channel.handle(JSON.parse(JSON.stringify(payload)))))
    },
  }
  const format = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')
  const context = createContext({
    tools,
    btoa,
    atob,
    console: { log: (...a: unknown[]) => run.lines.push(format(a)), warn: (...a: unknown[]) => run.lines.push(format(a)), error: (...a: unknown[]) => run.lines.push(format(a)) },
    process: {
      exit(code: number) {
        run.exits.push(code)
        settle()
      },
    },
  })
  const spec = { namespaces: [...namespaces.keys()], prelude }
  const normalized = normalizeCode(code)
  runInContext(guestProgram(codeAsDownload ? { ...spec, codeDownload: channel.offer(normalized) } : { ...spec, code: normalized }), context)
  await ended
  run.outcome = channel.outcome
  expect(runInContext('typeof tools', context)).toBe('undefined')
  return run
}

describe('the codemode guest program and its channel', () => {
  it('calls a function with the code\'s arguments and returns what the code returns', async () => {
    const seen: unknown[][] = []
    const run = await runGuest('async () => { const w = await codemode.getWeather({ city: "Paris" }, 2); return { w, n: await codemode.none() } }', {
      getWeather: async (...args: unknown[]) => {
        seen.push(args)
        return { celsius: 21 }
      },
      none: () => undefined,
    })
    expect(seen).toEqual([[{ city: 'Paris' }, 2]])
    expect(run.outcome).toEqual({ result: { w: { celsius: 21 }, n: undefined } })
    expect(run.exits).toEqual([0])
  })

  it('gives a function\'s error to the code as an Error with its message, and reports what the code throws', async () => {
    const caught = await runGuest('async () => { try { await codemode.fail() } catch (e) { return e instanceof Error && e.message } }', {
      fail: async () => {
        throw new Error('no such city')
      },
    })
    expect(caught.outcome).toEqual({ result: 'no such city' })
    expect((await runGuest('async () => { await codemode.nope() }', {})).outcome).toEqual({ error: 'Tool "nope" not found in codemode (it has none)' })
    expect((await runGuest('async () => { throw new TypeError("bad input") }', {})).outcome).toEqual({ error: 'bad input' })
    expect((await runGuest('async () => { throw "a string" }', {})).outcome).toEqual({ error: 'a string' })
    expect((await runGuest('const = 1', {})).outcome).toMatchObject({ error: expect.stringMatching(/unexpected|Unexpected/) })
    expect((await runGuest('async () => 10n', {})).outcome).toMatchObject({ error: expect.stringContaining('cannot be sent back as JSON') })
  })

  it('sends arguments, results and the final value of any size in one call each: the host calls do the chunking', async () => {
    const big = 'é"\n🙂'.repeat(60_000) // 300,000 UTF-16 units; JSON-escaped, about 840 KB
    const run = await runGuest('async () => { const s = await codemode.echo(await codemode.make()); return { s, n: s.length } }', {
      make: () => big,
      echo: (s: unknown) => s,
    })
    expect(run.outcome).toEqual({ result: { s: big, n: big.length } })
    expect(run.calls).toBe(3)
  })

  it('takes code too large for the program through the channel, once, and only once', async () => {
    const table = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `row ${i}` })))
    const run = await runGuest(`async () => { const rows = ${table}; return rows.length + await codemode.one() }`, { one: () => 1 }, {}, { codeAsDownload: true })
    expect(run.outcome).toEqual({ result: 20_001 })
    expect(run.calls).toBe(3)
    const channel = new CodemodeChannel(new Map())
    const id = channel.offer('async () => 1')
    await expect(channel.handle({ op: 'take', id })).resolves.toEqual({ text: 'async () => 1' })
    await expect(channel.handle({ op: 'take', id })).rejects.toThrow('nothing is left to take')
  })

  it('runs the providers\' preludes before the code, with the namespaces in scope; what they define comes first', async () => {
    const run = await runGuest('async () => [await codemode.twice(21), await codemode.get()]', { get: () => 'host', twice: () => 'never' }, {}, {
      prelude: 'codemode.twice = async (n) => 2 * n',
    })
    expect(run.outcome).toEqual({ result: [42, 'host'] })
  })

  it('carries binary data both ways as Uint8Array and ArrayBuffer', async () => {
    const run = await runGuest(
      'async () => { const b = await codemode.bytes(new Uint8Array([1, 2, 255])); return { b, kind: b.constructor.name, buf: new Uint16Array([258]).buffer } }',
      { bytes: (b: unknown) => Buffer.from([...(b as Uint8Array)].reverse()) },
    )
    const result = (run.outcome as { result: { b: Uint8Array; kind: string; buf: ArrayBuffer } }).result
    expect([...result.b]).toEqual([255, 2, 1])
    expect(result.kind).toBe('Uint8Array')
    expect(result.buf).toBeInstanceOf(ArrayBuffer)
    expect([...new Uint8Array(result.buf)]).toEqual([2, 1])
  })

  it('marks console.warn and console.error lines as codemode does', async () => {
    const run = await runGuest('async () => { console.log("a", 1); console.warn("careful %d", 2); console.error({ x: 1 }); return 0 }', {})
    expect(run.lines).toEqual(['a 1', '[warn] careful %d 2', '[error] {"x":1}'])
  })

  it('serves a connector through callTool with the first argument; its control values are exceptions', async () => {
    const calls: unknown[] = []
    const binding = {
      callTool: async (method: string, args: unknown) => {
        calls.push([method, args])
        if (method === 'fails') return { __codemode_control__: 'error', message: 'denied' }
        return { ok: method }
      },
    }
    const run = await runGuest(
      'async () => { const r = await github.list({ repo: "x" }, "ignored"); let m; try { await github.fails() } catch (e) { m = e.message } return [r, m] }',
      {},
      { github: { kind: 'connector', binding } },
    )
    expect(run.outcome).toEqual({ result: [{ ok: 'list' }, 'denied'] })
    expect(calls).toEqual([['list', { repo: 'x' }], ['fails', undefined]])
  })

  it('counts only the first outcome sent', async () => {
    const channel = new CodemodeChannel(new Map())
    await channel.handle({ op: 'end', text: '1' })
    await expect(channel.handle({ op: 'end', text: '2' })).rejects.toThrow('sent already')
    expect(channel.outcome).toEqual({ result: 1 })
    await expect(channel.handle({ op: 'nope' })).rejects.toThrow('unknown codemode channel operation')
    // The channel has no chunking of its own any more: the core's host calls do it.
    await expect(channel.handle({ op: 'put', id: 1, text: 'x' })).rejects.toThrow('unknown codemode channel operation')
  })
})

describe('the pieces of the channel', () => {
  it('encodes binary data with its tag and decodes it back', () => {
    const text = encodeValue({ b: Buffer.from('hi'), a: new Uint8Array([1]).buffer, n: 1 })!
    expect(JSON.parse(text)).toEqual({ b: { [BINARY_TAG]: 'Uint8Array', data: 'aGk=' }, a: { [BINARY_TAG]: 'ArrayBuffer', data: 'AQ==' }, n: 1 })
    const back = decodeValue(text) as { b: Uint8Array; a: ArrayBuffer }
    expect(Buffer.from(back.b).toString()).toBe('hi')
    expect(back.a).toBeInstanceOf(ArrayBuffer)
    expect(encodeValue(undefined)).toBeUndefined()
    expect(() => encodeValue(1n)).toThrow()
  })

  it('takes the lines of an output', () => {
    expect(linesOf('')).toEqual([])
    expect(linesOf('a\n')).toEqual(['a'])
    expect(linesOf('a\n\nb')).toEqual(['a', '', 'b'])
  })
})
