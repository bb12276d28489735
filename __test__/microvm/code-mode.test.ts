// Code mode in a real micro-VM: the caller's tools (async JavaScript functions in this process) called from
// the guest's code as `tools.NAME(...)`, in JavaScript and Python. Never skipped.
import { describe, expect, it } from 'vitest'
import { native } from '../helpers/native'

const later = <T>(value: T, ms = 5) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms))

describe('code mode: tools callable from the guest', () => {
  const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 60_000 })
  const weather = async ({ city }: { city: string }) => later({ city, celsius: city === 'Paris' ? 21 : 9 })

  it('JavaScript awaits an async tool and gets its result; the call is listed', async () => {
    const r = await sandbox.runCode(
      'const w = await tools.getWeather({ city: "Paris" })\nconsole.log(w.city, w.celsius)',
      'javascript',
      { tools: { getWeather: weather } },
    )
    expect(r.error).toBeUndefined()
    expect(r.output).toBe('Paris 21\n')
    expect(r.toolCalls.map((c) => [c.name, c.ok])).toEqual([['getWeather', true]])
    expect(r.toolCalls[0].durationMs).toBeGreaterThan(0)
  })

  it('Python calls a tool with keyword arguments or one dict', async () => {
    const r = await sandbox.runCode(
      'print(tools.get_weather(city="Oslo")["celsius"], tools.get_weather({"city": "Paris"})["celsius"])',
      'python',
      { tools: { get_weather: weather } },
    )
    expect(r.error).toBeUndefined()
    expect(r.output).toBe('9 21\n')
    expect(r.toolCalls).toHaveLength(2)
  })

  it('a tool that throws, an unknown tool and a result JSON cannot carry are exceptions in the guest', async () => {
    const tools = {
      fails: async () => {
        throw new Error('the database is down')
      },
      bigint: () => 1n,
    }
    const js = await sandbox.runCode(
      'for (const call of [() => tools.fails({}), () => tools.nope({}), () => tools.bigint({})]) {\n' +
        '  try { await call() } catch (e) { console.log(String(e.message)) }\n}',
      'javascript',
      { tools },
    )
    const lines = js.output.trim().split('\n')
    expect(lines[0]).toContain('the database is down')
    expect(lines[1]).toMatch(/no tool "nope": this run's tools are (bigint, fails|fails, bigint)/)
    expect(lines[2]).toMatch(/the tool "bigint" failed: .*BigInt/)
    expect(js.toolCalls.map((c) => [c.name, c.ok])).toEqual([
      ['fails', false],
      ['bigint', false],
    ])
    const py = await sandbox.runCode('tools.fails()', 'python', { tools })
    expect(py.exitCode).toBe(1)
    expect(py.error).toMatch(/HostError: .*the database is down/)
  })

  it('makes 1,000 calls in one run', async () => {
    let calls = 0
    const r = await sandbox.runCode(
      'let sum = 0\nfor (let i = 0; i < 1000; i++) sum += (await tools.next({ i })).value\nconsole.log(sum)',
      'javascript',
      { tools: { next: ({ i }: { i: number }) => ({ value: (calls++, i) }) } },
    )
    expect(r.error).toBeUndefined()
    expect(r.output).toBe(`${(999 * 1000) / 2}\n`)
    expect(calls).toBe(1000)
    expect(r.toolCalls).toHaveLength(1000)
  })

  it('a tool that never answers ends at the time limit, and the sandbox stays usable', async () => {
    const quick = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 3000 })
    const r = await quick.runCode('await tools.hang({})\nconsole.log("never")', 'javascript', {
      tools: { hang: () => new Promise(() => {}) },
    })
    expect(r.timedOut).toBe(true)
    expect(r.output).not.toContain('never')
    expect((await quick.runCode('console.log("still here")', 'javascript')).output).toBe('still here\n')
  })

  it('parallel runs each see their own tools', async () => {
    const run = (who: string) =>
      sandbox.runCode('console.log(await tools.who({}))', 'javascript', { tools: { who: async () => later(who, 20) } })
    const [a, b] = await Promise.all([run('first'), run('second')])
    expect([a.output, b.output]).toEqual(['first\n', 'second\n'])
  })

  it('a run without tools refuses a call, and a session keeps its state after a tool error', async () => {
    const none = await sandbox.runCode('tools.lookup(id=1)', 'python')
    expect(none.error).toContain('given no tools')
    const session = sandbox.session('python')
    const tools = {
      fails: () => {
        throw new Error('nope')
      },
    }
    await session.runCode('kept = 41', { tools })
    const failed = await session.runCode('tools.fails()', { tools })
    expect(failed.exitCode).toBe(1)
    expect(failed.sessionReset).toBe(false)
    expect((await session.runCode('kept + 1', { tools })).value).toBe('42')
  })

  it('refuses a tool name that is not an identifier', async () => {
    await expect(sandbox.runCode('1', 'python', { tools: { 'bad-name': () => 1 } })).rejects.toThrow(/not a valid tool name/)
  })

  it('a result and arguments longer than one host call (64 KiB) cross whole, in JavaScript and Python', async () => {
    const big = 'é"\\x'.repeat(60_000) // 300,000 characters, escapes and multi-byte ones included
    const tools = {
      big: async () => ({ text: big }),
      size: async ({ text }: { text: string }) => ({ length: text.length, same: text === big }),
    }
    const js = await sandbox.runCode(
      'const { text } = await tools.big({})\nconsole.log(text.length, JSON.stringify(await tools.size({ text })))',
      'javascript',
      { tools },
    )
    expect(js.error).toBeUndefined()
    expect(js.output).toBe(`${big.length} {"length":${big.length},"same":true}\n`)
    const py = await sandbox.runCode('text = tools.big()["text"]\nprint(len(text), tools.size(text=text))', 'python', { tools })
    expect(py.error).toBeUndefined()
    expect(py.output).toBe(`${big.length} {'length': ${big.length}, 'same': True}\n`)
  })

  it("SandboxConfig.tools serve every run and session; a run's own tools are added and win by name", async () => {
    const withTools = new native.NanvixSandbox({
      pythonImage: 'standard',
      timeoutMs: 60_000,
      tools: { greet: async ({ who }: { who: string }) => `hello ${who}`, version: () => 1 },
    })
    const r = await withTools.runCode('console.log(await tools.greet({ who: "a" }), await tools.version({}))', 'javascript')
    expect(r.output).toBe('hello a 1\n')
    const own = await withTools.runCode('print(tools.greet(who="b"), tools.version(), tools.extra())', 'python', {
      tools: { version: () => 2, extra: () => 'x' },
    })
    expect(own.output).toBe('hello b 2 x\n')
    const session = withTools.session('python')
    expect((await session.runCode('print(tools.greet(who="c"))')).output).toBe('hello c\n')
    await session.close()
  })

  it('maxToolCalls and maxToolBytes limit a run, with ERR_TOOL_LIMIT in the guest; out-of-range values are ERR_INVALID_CONFIG', async () => {
    const limited = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 60_000, maxToolCalls: 3, maxToolBytes: 10_000 })
    const tools = { ping: () => 'pong', echo: ({ s }: { s: string }) => s }
    const calls = await limited.runCode(
      'for (let i = 0; i < 4; i++) { try { await tools.ping({}); console.log("ok") } catch (e) { console.log(e.message) } }',
      'javascript',
      { tools },
    )
    expect(calls.output.trim().split('\n').slice(0, 3)).toEqual(['ok', 'ok', 'ok'])
    expect(calls.output).toMatch(/ERR_TOOL_LIMIT: this run may make at most 3 tool calls/)
    const bytes = await limited.runCode('tools.echo(s="x" * 20000)', 'python', { tools })
    expect(bytes.error).toMatch(/ERR_TOOL_LIMIT/)
    for (const bad of [{ maxToolCalls: 0 }, { maxToolBytes: 1.5 }, { maxToolCalls: -1 }]) {
      expect(() => new native.NanvixSandbox(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }))
    }
  })

  it("a tool's signal aborts when the run ends at its time limit while the tool runs", async () => {
    const quick = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 3000 })
    let aborted: (reason: unknown) => void
    const abortedWith = new Promise((resolve) => (aborted = resolve))
    const r = await quick.runCode('await tools.slow({})', 'javascript', {
      tools: {
        slow: (_: object, { signal }: { signal: AbortSignal }) =>
          new Promise(() => signal.addEventListener('abort', () => aborted(signal.reason))),
      },
    })
    expect(r.timedOut).toBe(true)
    const reason = (await abortedWith) as Error
    expect(reason.name).toBe('AbortError')
  })
})
