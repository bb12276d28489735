// MicroVmExecutor on the host (local-code-interpreter/codemode): its options checked when it is made (the real
// addon checks network entries), providers refused before anything runs, what becomes of each way a run can end
// without an outcome, and that it is an Executor as @cloudflare/codemode's types define one. Executions in real
// micro-VMs, with codemode's own createCodeTool and codeMcpServer, are __test__/microvm/codemode-executor.test.ts.
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

import { describe, expect, it } from 'vitest'

import { MicroVmExecutor } from '../src/codemode/executor'
import { InvalidConfigError } from '../src/errors'
import type { NativeAddon, NativeRunOptions, NativeWorkloadResult } from '../src/native/addon'

/** An addon whose sandbox answers every run with `workload` (after letting `during` act), recording the runs. */
function addonAnswering(workload: Partial<NativeWorkloadResult>, during?: (options: NativeRunOptions | undefined) => Promise<void>) {
  const runs: { code: string; language: string; options: NativeRunOptions | undefined }[] = []
  const addon = {
    NanvixSandbox: class {
      async runCode(code: string, language: string, options?: NativeRunOptions): Promise<NativeWorkloadResult> {
        runs.push({ code, language, options })
        await during?.(options)
        return { success: true, exitCode: 0, output: '', stderr: '', durationMs: 1, timedOut: false, truncated: false, files: {}, sessionReset: false, images: [], toolCalls: [], ...workload }
      }
    },
  } as unknown as NativeAddon
  return { addon, runs }
}

describe('MicroVmExecutor options', () => {
  it('refuses options out of range and a malformed network entry when it is made, with ERR_INVALID_CONFIG', () => {
    for (const options of [{ timeoutMs: 0 }, { memoryMb: 1 }, { maxOutputBytes: 1.5 }, { maxConcurrency: 0 }, { network: { allow: 'x' } }]) {
      expect(() => new MicroVmExecutor(options as never), JSON.stringify(options)).toThrow(InvalidConfigError)
    }
    // The entry's form is the core's to judge (the real addon, which loads on this host).
    const error = (() => {
      try {
        new MicroVmExecutor({ network: { allow: ['exa mple.com'] } })
      } catch (e) {
        return e as InvalidConfigError
      }
    })()
    expect(error).toBeInstanceOf(InvalidConfigError)
    expect(error?.code).toBe('ERR_INVALID_CONFIG')
    expect(error?.message).toContain('exa mple.com')
    expect(new MicroVmExecutor({ network: { allow: ['api.example.com:443'] } }).network).toEqual({ allow: ['api.example.com:443'] })
  })

  it('where the addon cannot load, executions resolve with why (ERR_NATIVE_ADDON_UNAVAILABLE), never reject', async () => {
    const executor = new MicroVmExecutor({
      loadNativeAddon: () => {
        throw new Error('no binary for this platform')
      },
    })
    const result = await executor.execute('async () => 1', {})
    expect(result).toEqual({ result: undefined, error: expect.stringContaining('no binary for this platform'), logs: [] })
    expect(result.error).toContain('(ERR_NATIVE_ADDON_UNAVAILABLE)')
  })
})

describe('MicroVmExecutor providers', () => {
  const refusals: [string, Parameters<MicroVmExecutor['execute']>[1], Parameters<MicroVmExecutor['execute']>[2]?][] = [
    ['Provider name "my-tools" is not a valid JavaScript identifier', [{ name: 'my-tools', fns: {} }]],
    ['Provider name "console" is reserved', [{ name: 'console', fns: {} }]],
    ['Provider name "delete" is reserved', [{ name: 'delete', fns: {} }]],
    ['Duplicate name "codemode"', [{ name: 'codemode', fns: {} }, { name: 'codemode', fns: {} }]],
    ['Tool "x" of provider "codemode" is not a function', { x: 1 as never }],
    ['Tool names "get-x" and "get.x" both sanitize to "get_x" in provider "codemode"', { 'get-x': async () => 1, 'get.x': async () => 2 }],
    ['Duplicate name "github"', [{ name: 'github', fns: {} }], { connectors: [{ name: 'github', binding: { callTool: async () => 1 } }] }],
    ['Connector "db" has no binding with callTool', [], { connectors: [{ name: 'db', binding: {} as never }] }],
  ]

  it.each(refusals)('refuses, before running anything: %s', async (message, providers, options) => {
    const { addon, runs } = addonAnswering({})
    const result = await new MicroVmExecutor({ loadNativeAddon: () => addon }).execute('async () => 1', providers, options)
    expect(result).toEqual({ result: undefined, error: message, logs: [] })
    expect(runs).toEqual([])
  })

  it('runs one JavaScript program whose only tool is the channel; plain functions are the codemode namespace', async () => {
    const { addon, runs } = addonAnswering({}, async (options) => {
      // The program's last act: sending the outcome through the channel.
      await (options!.tools!.lci_codemode as (payload: unknown) => Promise<unknown>)({ op: 'end', text: '{"ok":true}' })
    })
    const result = await new MicroVmExecutor({ loadNativeAddon: () => addon }).execute('async () => ({ ok: true })', { 'get-x': async () => 1 })
    expect(result).toEqual({ result: { ok: true }, logs: [] })
    expect(runs[0].language).toBe('javascript')
    expect(Object.keys(runs[0].options?.tools ?? {})).toEqual(['lci_codemode'])
    expect(runs[0].code).toContain('"namespaces":["codemode"]')
  })
})

describe('MicroVmExecutor results without an outcome', () => {
  const cases: [string, Partial<NativeWorkloadResult>, string][] = [
    ['a timeout', { success: false, timedOut: true, exitCode: -1, output: 'started\n' }, 'Execution timed out after 30000 ms'],
    ['a setup failure, with its code', { success: false, exitCode: -1, errorCode: 'ERR_NO_HYPERVISOR', error: '/dev/kvm does not exist' }, '/dev/kvm does not exist (ERR_NO_HYPERVISOR)'],
    ['an exit status', { success: false, exitCode: 137, stderr: 'out of memory\n' }, 'The sandbox ended with exit code 137: out of memory'],
    ['a program that ended without settling', {}, 'The code ended without settling: its function awaited something that never happened, or it called process.exit()'],
  ]

  it.each(cases)('reports %s as the error, with the output as logs', async (_, workload, error) => {
    const { addon } = addonAnswering(workload)
    const result = await new MicroVmExecutor({ loadNativeAddon: () => addon }).execute('async () => 1', {})
    expect(result).toEqual({ result: undefined, error, logs: workload.output ? ['started'] : [] })
  })
})

describe('MicroVmExecutor types', () => {
  it('is an Executor of @cloudflare/codemode (its Workers and browser entries), checked by tsc', () => {
    const root = resolve(__dirname, '..')
    // Throws with tsc's messages when the fixture does not type-check (it also asserts a wrong executor is refused).
    execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', resolve(__dirname, 'fixtures/codemode-types/tsconfig.json')], {
      cwd: root,
      stdio: 'pipe',
    })
  })
})
