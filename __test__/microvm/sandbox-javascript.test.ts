// NanvixSandbox running JavaScript (QuickJS) in a real Hyperlight micro-VM. Never skipped.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { NanvixSandbox } from '../../src/native/sandbox'
import { native } from '../helpers/native'

const TIMEOUT_MS = 3000
const CAP = 32 * 1024

describe('JavaScript in a micro-VM', () => {
  const sandbox = new native.NanvixSandbox({ timeoutMs: TIMEOUT_MS, maxOutputBytes: CAP })
  const js = (code: string) => sandbox.runCode(code, 'javascript')

  beforeAll(async () => {
    expect((await js('console.log("booted")')).output).toBe('booted\n')
  })

  it('captures console.log, console.error and console.warn in order, stderr alone', async () => {
    const r = await js('console.log("hello", 1 + 1); console.error("bad"); console.warn("careful"); console.log("end")')
    expect(r).toMatchObject({ success: true, exitCode: 0, output: 'hello 2\nbad\ncareful\nend\n', stderr: 'bad\ncareful\n' })
  })

  it('runs timers, promises and async/await to completion, in Node order', async () => {
    const r = await js(`
      // Registered in deadline order, so the order holds however slow the (emulated) guest is.
      setTimeout(() => console.log('timeout 0'), 0)
      setTimeout(() => console.log('timeout 20'), 20)
      Promise.resolve().then(() => console.log('microtask'))
      ;(async () => { await new Promise((r) => setTimeout(r, 40)); console.log('awaited') })()
      console.log('sync')`)
    expect(r.output).toBe('sync\nmicrotask\ntimeout 0\ntimeout 20\nawaited\n')
  })

  it('supports clearTimeout and setInterval', async () => {
    const r = await js(`
      const t = setTimeout(() => console.log('never'), 10); clearTimeout(t)
      let n = 0; const i = setInterval(() => { n++; if (n === 3) { clearInterval(i); console.log('ticks', n) } }, 5)`)
    expect(r.output).toBe('ticks 3\n')
  })

  it('speaks ES2023 and runs module code with top-level await', async () => {
    expect((await js('console.log([3,1,2].toSorted().join(), [1,2,3].findLast(x => x < 3), Object.groupBy ? "g" : "-")')).output).toMatch(/^1,2,3 2 /)
    const m = await js('export const x = 1\nconst v = await Promise.resolve(41 + x)\nconsole.log(v)')
    expect(m.output).toBe('42\n')
  })

  it('runs code that awaits only inside an async function as a script: sloppy globals work', async () => {
    // Ran as a (strict) module before, where `x = 1` throws.
    const r = await js('async function f(){ return await Promise.resolve(2) }\nx = 1\nf().then(v => console.log(x + v))')
    expect(r).toMatchObject({ success: true, exitCode: 0, output: '3\n' })
  })

  it('runs a top-level await with no space before it as a module', async () => {
    // Ran as a script before, and so failed with a SyntaxError.
    const r = await js('const p = Promise.resolve(5)\nconsole.log(await p)')
    expect(r).toMatchObject({ success: true, exitCode: 0, output: '5\n' })
  })

  it('keeps a session\'s declarations when its code awaits inside an async function, and runs top-level await there', async () => {
    const s = sandbox.session('javascript')
    try {
      expect(await s.runCode('async function g(){ await null; return 7 }\nvar kept = 1')).toMatchObject({ success: true })
      expect((await s.runCode('console.log(kept, typeof g)')).output).toBe('1 function\n')
      expect((await s.runCode("console.log(await Promise.resolve('tla'))")).output).toBe('tla\n')
      expect((await s.runCode('console.log(kept + 1)')).output).toBe('2\n')
    } finally {
      await s.close()
    }
  })

  it('runs a .js file given by path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-js-'))
    const file = join(dir, 'hello.js')
    writeFileSync(file, 'console.log(["a", "b"].map((s) => s.toUpperCase()).join(""))\n')
    expect((await sandbox.run(file)).output).toBe('AB\n')
  })

  it('reports an uncaught exception with exit code 1 and its message', async () => {
    const r = await js('console.log("before"); throw new TypeError("boom")')
    expect(r).toMatchObject({ success: false, exitCode: 1, error: 'TypeError: boom' })
    expect(r.output).toContain('before\nTypeError: boom')
  })

  it('reports a rejected promise as a failure', async () => {
    const r = await js('await Promise.reject(new Error("nope"))\nexport {}')
    expect(r.success).toBe(false)
    expect(r.output).toContain('nope')
  })

  it('stops an infinite loop at the time limit, and the next run succeeds', async () => {
    const r = await js('for (;;) {}')
    expect(r).toMatchObject({ timedOut: true, success: false, exitCode: -1 })
    expect(r.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS)
    expect((await js('console.log("alive")')).output).toBe('alive\n')
  })

  it('does not leak state between runs', async () => {
    await js('globalThis.leaked = 1; var alsoLeaked = 2')
    expect((await js('console.log(typeof leaked, typeof alsoLeaked)')).output).toBe('undefined undefined\n')
  })

  it('cannot reach the host: no host files, no sockets, and fetch refused without network.allow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-secret-'))
    const secret = join(dir, 'secret.txt')
    writeFileSync(secret, 'TOP-SECRET-HOST-DATA')
    const r = await js(`
      import * as std from 'qjs:std'
      import * as os from 'qjs:os'
      console.log(JSON.stringify(std.loadFile(${JSON.stringify(secret)})))
      console.log(os.readdir('/')[0].filter((n) => n !== '.' && n !== '..').sort().join())
      console.log(typeof XMLHttpRequest, typeof WebSocket)
      console.log(await fetch('http://10.0.0.1/').then(() => 'reached', (e) => e.message))`)
    expect(r.output).not.toContain('TOP-SECRET')
    // What the guest sees instead: its own root filesystem (the engine and /tmp), the run's own
    // /input and /output, no socket API, and a fetch the host refuses: the network is off by default.
    expect(r.output).toBe('null\ndev,input,output,tmp,usr\nundefined undefined\nfetch failed: the network is off: this sandbox may reach no hosts (SandboxConfig.network.allow)\n')
  })

  it('caps a flood of output and says it was truncated', async () => {
    const r = await js('console.log("y".repeat(1_000_000) + "END")')
    expect(r.truncated).toBe(true)
    // The cap, plus the marker between the beginning and the end it keeps.
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(CAP + 100)
    expect(r.output).toMatch(/^y+\n\[… \d+ bytes of output omitted …\]\ny+END\n$/)
  })

  it('survives a memory bomb with a failed result of its own', async () => {
    const r = await js('const a = []; for (;;) a.push(new Array(1e6).fill(1))')
    expect(r.success).toBe(false)
    expect((await js('console.log("recovered")')).output).toBe('recovered\n')
  })
})

describe("the package's NanvixSandbox: code-mode tools in the shapes CodeExecutionTool takes", () => {
  it('calls a { description, inputSchema, execute } tool from the guest, its arguments checked against the schema first', async () => {
    // The generated class takes functions only ("tools.lookup must be a function"); the package's normalises.
    const executed: unknown[] = []
    const sandbox = new NanvixSandbox({ timeoutMs: 20_000 })
    const lookup = {
      description: 'Looks an item up by id.',
      inputSchema: z.object({ id: z.number() }),
      execute: async ({ id }: { id: number }) => (executed.push(id), { id, name: `item ${id}` }),
    }
    const r = await sandbox.runCode(
      `console.log(JSON.stringify(await tools.lookup({ id: 7 })))
      try { await tools.lookup({ id: 'seven' }) } catch (e) { console.log('refused: ' + e.message) }`,
      'javascript',
      { tools: { lookup } },
    )
    expect(r.success, r.stderr).toBe(true)
    const lines = r.output.trim().split('\n')
    expect(lines[0]).toBe('{"id":7,"name":"item 7"}')
    expect(lines[1]).toMatch(/^refused: .*Invalid arguments for tools\.lookup: id: expected number, got "seven"/)
    expect(executed).toEqual([7])
    expect(r.toolCalls.map(({ name, ok }) => [name, ok])).toEqual([
      ['lookup', true],
      ['lookup', false],
    ])
  })
})
