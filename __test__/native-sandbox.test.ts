// The package's NanvixSandbox (src/native/sandbox.ts), on the host with a stand-in addon: it takes code-mode
// tools in every shape CodeExecutionTool takes (issue 22: the addon itself takes only functions, and answered a
// `{ description, inputSchema, execute }` tool with "TypeError: tools.lookup must be a function"), in runCode's
// options, a session's and the sandbox's config; and it loads the addon only when constructed. The real
// guests calling such tools are __test__/microvm/tool-hyperlight.test.ts.
import { tool as aiSdkTool, jsonSchema } from 'ai'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'

import type { NativeAddon, NativeRunOptions } from '../src/native/addon'
import { codeModeAddon, program } from './helpers/code-mode-addon'

const loader = vi.hoisted(() => ({ load: undefined as undefined | (() => unknown), loads: 0 }))

vi.mock('../src/native/addon', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/native/addon')>()),
  loadNativeAddon: () => {
    loader.loads++
    if (!loader.load) throw Object.assign(new Error('no addon in this test'), { code: 'ERR_NATIVE_ADDON_UNAVAILABLE' })
    return loader.load()
  },
}))

const { NanvixSandbox, Session, probeHypervisor } = await import('../src/native/sandbox')

type Tools = Record<string, (args: unknown, context: { signal?: AbortSignal }) => unknown>

/** The stand-in addon of code-mode-addon.ts, whose sandbox also keeps its config and adds config.tools to each run's, as the addon does. */
function addonWithConfig() {
  const { addon, state } = codeModeAddon()
  const Inner = addon.NanvixSandbox as unknown as new () => {
    runCode(code: string, language: string, options?: NativeRunOptions): Promise<unknown>
    session(language: string): { runCode(code: string, options?: NativeRunOptions): Promise<unknown> }
  }
  const configs: unknown[] = []
  class NanvixSandbox {
    readonly inner = new Inner()
    readonly tools: Tools | undefined
    constructor(config?: { tools?: Tools }) {
      configs.push(config)
      this.tools = config?.tools
    }
    runCode(code: string, language: string, options?: NativeRunOptions) {
      return this.inner.runCode(code, language, { ...options, tools: { ...this.tools, ...options?.tools } as NativeRunOptions['tools'] })
    }
    session(language: string) {
      return this.inner.session(language)
    }
    get maxConcurrency() {
      return 3
    }
  }
  loader.load = () => ({ NanvixSandbox }) as unknown as NativeAddon
  return { state, configs }
}

const lookup = vi.fn(async ({ id }: { id: number }) => ({ id, name: `item ${id}` }))
const definitionTools = {
  lookup: { description: 'Looks an item up by id.', inputSchema: z.object({ id: z.number() }), execute: lookup },
}

describe("NanvixSandbox (the package's)", () => {
  it('loads the addon when constructed, not when imported; where it cannot load the constructor throws its error', async () => {
    loader.load = undefined
    loader.loads = 0
    expect(() => new NanvixSandbox()).toThrow(expect.objectContaining({ code: 'ERR_NATIVE_ADDON_UNAVAILABLE' }))
    await expect(probeHypervisor()).rejects.toMatchObject({ code: 'ERR_NATIVE_ADDON_UNAVAILABLE' })
    expect(loader.loads).toBe(2)
  })

  it('runCode takes { description, inputSchema, execute } tools: arguments checked against the schema, then execute', async () => {
    const { state } = addonWithConfig()
    lookup.mockClear()
    const sandbox = new NanvixSandbox()
    expect(sandbox).toBeInstanceOf(NanvixSandbox)
    expect(sandbox.maxConcurrency).toBe(3)
    const result = await sandbox.runCode(program(['lookup', { id: 7 }], ['lookup', { id: 'seven' }]), 'javascript', { tools: definitionTools })
    expect(result.output).toBe('{"id":7,"name":"item 7"}\n' + 'error: Invalid arguments for tools.lookup: id: expected number, got "seven". The tool did not run.\n')
    expect(lookup).toHaveBeenCalledTimes(1)
    // The addon is given plain functions.
    expect(typeof state.runs[0].options?.tools?.lookup).toBe('function')
  })

  it('runCode still takes plain functions, and AI SDK tools (JSON Schema)', async () => {
    addonWithConfig()
    const sandbox = new NanvixSandbox()
    const result = await sandbox.runCode(program(['twice', { n: 4 }], ['greet', { name: 'Ada' }]), 'python', {
      tools: {
        twice: ({ n }: { n: number }) => 2 * n,
        greet: aiSdkTool({
          description: 'Greets.',
          inputSchema: jsonSchema<{ name: string }>({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }),
          execute: async ({ name }) => `hello ${name}`,
        }),
      },
    })
    expect(result.output).toBe('8\n"hello Ada"\n')
  })

  it("a session's runCode and the config's tools take the same shapes", async () => {
    const { configs } = addonWithConfig()
    lookup.mockClear()
    const sandbox = new NanvixSandbox({ timeoutMs: 5000, tools: definitionTools })
    expect(configs[0]).toMatchObject({ timeoutMs: 5000, tools: { lookup: expect.any(Function) } })
    expect((await sandbox.runCode(program(['lookup', { id: 1 }]), 'javascript')).output).toBe('{"id":1,"name":"item 1"}\n')
    const session = sandbox.session('python')
    expect(session).toBeInstanceOf(Session)
    expect((await session.runCode(program(['lookup', { id: 2 }]), { tools: definitionTools })).output).toBe('{"id":2,"name":"item 2"}\n')
    expect(lookup).toHaveBeenCalledTimes(2)
  })

  it('tools that are not tools reject the run (and throw from the constructor) with ERR_INVALID_CONFIG', async () => {
    const { state } = addonWithConfig()
    const sandbox = new NanvixSandbox()
    await expect(sandbox.runCode('x', 'javascript', { tools: { lookup: { description: 'no execute' } as never } })).rejects.toMatchObject({
      code: 'ERR_INVALID_CONFIG',
      message: expect.stringContaining('tools.lookup'),
    })
    await expect(sandbox.runCode('x', 'javascript', { tools: { 'not-a-name': () => 1 } })).rejects.toMatchObject({ code: 'ERR_INVALID_CONFIG' })
    expect(state.runs).toHaveLength(0)
    expect(() => new NanvixSandbox({ tools: { lookup: 42 as never } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }))
  })

  it("a session's portEndpoint is the addon's, with its codes (the real addon)", async () => {
    const { createRequire } = await import('node:module')
    loader.load = () => createRequire(import.meta.url)('../index.js')
    const session = new NanvixSandbox({ network: { expose: [8000] } }).session('python')
    expect(() => session.portEndpoint(9000)).toThrow(expect.objectContaining({ code: 'ERR_PORT_NOT_EXPOSED' }))
    expect(() => session.portEndpoint(8000)).toThrow(expect.objectContaining({ code: 'ERR_PORT_NOT_LISTENING' }))
  })

  it('a session is made by NanvixSandbox.session only', () => {
    expect(() => new (Session as unknown as new (key: symbol, native: unknown) => unknown)(Symbol('create session'), {})).toThrow(TypeError)
  })
})
