// The hyperlight environment's TypeScript side, on the host: a stand-in for the native addon scripts what
// NanvixSandbox does, so these tests check how each native outcome reaches the model. The real micro-VM is
// exercised by __test__/microvm/tool-hyperlight.test.ts.
import { describe, expect, it } from 'vitest'

import { CodeExecutionTool } from '../src/code-execution-tool'
import { ExecutionErrorCode } from '../src/errors'
import type { NativeAddon, NativeSandboxConfig, NativeSession, NativeWorkloadResult } from '../src/native/addon'
import { CIRCLE_SVG, RED_PNG, SHOWN_IMAGES, workload } from './helpers/rich-results'

function nativeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

/** A fake addon whose sandboxes run "code" by looking it up in a script; sessions keep a per-language log. */
function fakeAddon(options: { onRun?: (code: string, language: string) => NativeWorkloadResult | Promise<NativeWorkloadResult> } = {}) {
  const state = { configs: [] as (NativeSandboxConfig | undefined)[], sessionsOpened: [] as string[], resets: 0, closes: 0, warmed: [] as string[] }
  const onRun = options.onRun ?? ((code: string) => workload({ output: `ran ${code}\n` }))
  class NanvixSandbox {
    constructor(config?: NativeSandboxConfig) {
      state.configs.push(config)
    }
    run = async () => workload()
    runCode = async (code: string, language: string) => onRun(code, language)
    clearCache = async () => true
    // As the addon does: the first warm-up of a language loads it (here from disk), later ones find it warm.
    warmUp = async (language: string) => {
      const first = !state.warmed.includes(language)
      state.warmed.push(language)
      if (language === 'c') throw nativeError('ERR_GUEST_IMAGE_MISSING', 'the c guest image is not installed')
      return first ? { warmedFrom: 'disk' as const, durationMs: 12 } : { durationMs: 0 }
    }
    session(language: string): NativeSession {
      state.sessionsOpened.push(language)
      let history: string[] = []
      return {
        runCode: async (code: string) => {
          if (code === 'spin') {
            // As the addon does: a session's run stopped at its timeout comes back restored, clean.
            history = []
            return workload({ success: false, timedOut: true, exitCode: -1, output: 'partial\n', sessionReset: true })
          }
          history.push(code)
          await new Promise((resolve) => setTimeout(resolve, 5))
          return workload({ output: `${language}: ${history.join(',')}\n` })
        },
        reset: async () => {
          state.resets++
          history = []
        },
        close: async () => {
          state.closes++
          return true
        },
      }
    }
  }
  const addon: NativeAddon = { NanvixSandbox: NanvixSandbox as unknown as NativeAddon['NanvixSandbox'] }
  return { addon, state }
}

describe('hyperlight environment warm-up', () => {
  it('warms the default language, or those asked (aliases too), one after another, with what each did', async () => {
    const { addon, state } = fakeAddon()
    const tool = new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: () => addon })
    expect(await tool.warmUp()).toEqual([{ language: 'python', ok: true, warmedFrom: 'disk', durationMs: 12 }])
    expect(await tool.warmUp(['py', 'js'])).toEqual([
      { language: 'python', ok: true, durationMs: 0 },
      { language: 'javascript', ok: true, warmedFrom: 'disk', durationMs: 12 },
    ])
    expect(state.warmed).toEqual(['python', 'python', 'javascript'])
    expect(state.configs).toHaveLength(1)
  })

  it('reports each failure as a call would, with its code and advice, and never rejects', async () => {
    const { addon } = fakeAddon()
    const tool = new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: () => addon })
    const [c, cobol] = await tool.warmUp(['c', 'cobol'])
    expect(c).toMatchObject({ language: 'c', ok: false, error: { code: 'ERR_GUEST_IMAGE_MISSING', message: expect.stringContaining('Retrying will not help') } })
    expect(cobol).toMatchObject({ ok: false, error: { code: 'ERR_UNKNOWN_LANGUAGE' } })
    const unloadable = new CodeExecutionTool({
      environment: 'hyperlight',
      loadNativeAddon: () => {
        throw nativeError('ERR_NATIVE_ADDON_UNAVAILABLE', 'no addon for this platform')
      },
    })
    expect((await unloadable.warmUp())[0]).toMatchObject({ ok: false, error: { code: 'ERR_NATIVE_ADDON_UNAVAILABLE' } })
    await tool.close()
    expect((await tool.warmUp())[0]).toMatchObject({ ok: false, error: { code: 'ERR_TOOL_CLOSED' } })
  })
})

describe('hyperlight environment (native outcomes → results)', () => {
  it('passes the configuration to NanvixSandbox once, lazily, and maps a successful run', async () => {
    const { addon, state } = fakeAddon()
    const tool = new CodeExecutionTool({
      environment: 'hyperlight',
      timeoutMs: 5000,
      maxOutputBytes: 4096,
      logDirectory: '/tmp/logs',
      tmpDirectory: '/tmp/tmp',
      loadNativeAddon: () => addon,
    })
    expect(state.configs).toHaveLength(0)
    const result = await tool.execute({ code: 'console.log(1)', language: 'javascript' })
    await tool.execute({ code: 'print(1)' })
    expect(state.configs).toEqual([{ timeoutMs: 5000, maxOutputBytes: 4096, logDirectory: '/tmp/logs', tmpDirectory: '/tmp/tmp' }])
    expect(result).toMatchObject({ output: 'ran console.log(1)\n', exitCode: 0, environment: 'hyperlight', language: 'javascript' })
    expect(result.error).toBeUndefined()
  })

  it('passes pythonImage to NanvixSandbox when given, and nothing in its place when not', async () => {
    for (const pythonImage of ['standard', 'data'] as const) {
      const { addon, state } = fakeAddon()
      await new CodeExecutionTool({ environment: 'hyperlight', pythonImage, loadNativeAddon: () => addon }).execute({ code: 'print(1)' })
      expect(state.configs).toEqual([expect.objectContaining({ pythonImage })])
    }
    const { addon, state } = fakeAddon()
    await new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: () => addon }).execute({ code: 'print(1)' })
    expect(state.configs[0]).not.toHaveProperty('pythonImage')
  })

  it('passes snapshotDirectory (a directory, or false) to NanvixSandbox when given, and nothing in its place when not', async () => {
    for (const snapshotDirectory of ['/var/cache/lci-snapshots', false] as const) {
      const { addon, state } = fakeAddon()
      await new CodeExecutionTool({ environment: 'hyperlight', snapshotDirectory, loadNativeAddon: () => addon }).execute({ code: 'print(1)' })
      expect(state.configs).toEqual([expect.objectContaining({ snapshotDirectory })])
    }
    const { addon, state } = fakeAddon()
    await new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: () => addon }).execute({ code: 'print(1)' })
    expect(state.configs[0]).not.toHaveProperty('snapshotDirectory')
    for (const bad of ['', 7, true, null]) {
      expect(() => new CodeExecutionTool({ environment: 'hyperlight', snapshotDirectory: bad as never })).toThrow(/snapshotDirectory must be a directory or false/)
    }
    expect(() => new CodeExecutionTool({ snapshotDirectory: false })).toThrow(/snapshotDirectory applies to the hyperlight environment only/)
  })

  it('passes network to NanvixSandbox when given (a copy of the allow list), and nothing in its place when not', async () => {
    const allow = ['api.example.com', '*.example.org:443', '10.0.0.0/8', '[2001:db8::1]:8443']
    const { addon, state } = fakeAddon()
    const tool = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', network: { allow }, loadNativeAddon: () => addon })
    allow.push('added.later.example')
    await tool.execute({ code: 'print(1)' })
    expect(state.configs).toEqual([expect.objectContaining({ pythonImage: 'standard', network: { allow: allow.slice(0, 4) } })])
    const empty = fakeAddon()
    await new CodeExecutionTool({ environment: 'hyperlight', network: { allow: [] }, loadNativeAddon: () => empty.addon }).execute({ code: 'print(1)' })
    expect(empty.state.configs).toEqual([expect.objectContaining({ network: { allow: [] } })])
    const none = fakeAddon()
    await new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: () => none.addon }).execute({ code: 'print(1)' })
    expect(none.state.configs[0]).not.toHaveProperty('network')
  })

  it('turns a network.allow entry the sandbox refuses into ERR_INVALID_CONFIG naming it, on every call (no retry loop for the model)', async () => {
    let made = 0
    const addon = {
      NanvixSandbox: class {
        constructor(config?: NativeSandboxConfig) {
          made++
          const bad = config?.network?.allow.find((entry) => entry.includes('://'))
          if (bad !== undefined) {
            throw nativeError('ERR_INVALID_CONFIG', `network.allow: ${JSON.stringify(bad)} is not a host name, *.domain, IP address or CIDR range (optionally with :port)`)
          }
        }
      },
    } as unknown as NativeAddon
    const tool = new CodeExecutionTool({ environment: 'hyperlight', network: { allow: ['ok.example', 'https://api.example.com'] }, loadNativeAddon: () => addon })
    for (const language of ['python', 'javascript'] as const) {
      const result = await tool.execute({ code: 'print(1)', language })
      expect(result.exitCode).toBe(-1)
      expect(result.error?.code).toBe(ExecutionErrorCode.InvalidConfig)
      expect(result.error?.message).toBe(
        'network.allow: "https://api.example.com" is not a host name, *.domain, IP address or CIDR range (optionally with :port). Retrying will not help: the tool is configured wrongly; tell the user.',
      )
    }
    expect(made).toBe(2)
  })

  it('with the real addon, a malformed network.allow entry comes back as ERR_INVALID_CONFIG naming it (before any micro-VM)', async () => {
    const tool = new CodeExecutionTool({ environment: 'hyperlight', network: { allow: ['http://example.com'] } })
    const result = await tool.execute({ code: 'print(1)' })
    expect(result.exitCode).toBe(-1)
    if (result.error?.code === ExecutionErrorCode.NativeAddonUnavailable) return // no addon built on this host
    expect(result.error?.code).toBe(ExecutionErrorCode.InvalidConfig)
    expect(result.error?.message).toContain('"http://example.com"')
  })

  it('loads the addon once for the description and the runs', async () => {
    const { addon } = fakeAddon()
    let loads = 0
    const tool = new CodeExecutionTool({
      environment: 'hyperlight',
      loadNativeAddon: () => {
        loads++
        return { ...addon, defaultPythonImage: () => 'data' }
      },
    })
    expect(tool.description).toMatch(/numpy/)
    await tool.execute({ code: 'print(1)' })
    await tool.execute({ code: 'print(2)' })
    expect(loads).toBe(1)
  })

  it('defaults to python and accepts every language the guest runs', async () => {
    const seen: string[] = []
    const { addon } = fakeAddon({ onRun: (_code, language) => (seen.push(language), workload()) })
    const tool = new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: () => addon })
    for (const language of [undefined, null, 'javascript', 'python', 'c', 'cpp', 'C++', 'js'] as const) {
      expect((await tool.execute({ code: 'x', language: language as never })).error).toBeUndefined()
    }
    expect(seen).toEqual(['python', 'python', 'javascript', 'python', 'c', 'cpp', 'cpp', 'javascript'])
    expect((await tool.execute({ code: 'x', language: 'ruby' as never })).error?.code).toBe(ExecutionErrorCode.UnknownLanguage)
  })

  it('reports a failing workload with its exit code, a timeout with ERR_TIMEOUT', async () => {
    const { addon } = fakeAddon({
      onRun: (code) =>
        code === 'fail'
          ? workload({ success: false, exitCode: 1, error: 'ReferenceError: x is not defined', output: 'ReferenceError: x is not defined\n', stderr: 'ReferenceError: x is not defined\n' })
          : code === 'spin'
            ? workload({ success: false, exitCode: -1, timedOut: true, output: 'tick\n' })
            : workload({ success: false, exitCode: 0, error: 'guest stopped' }),
    })
    const tool = new CodeExecutionTool({ environment: 'hyperlight', timeoutMs: 1000, loadNativeAddon: () => addon })
    const failed = await tool.execute({ code: 'fail', language: 'javascript' })
    expect(failed.exitCode).toBe(1)
    expect(failed.error).toEqual({ code: 'ERR_EXIT_STATUS', message: 'The program exited with code 1: ReferenceError: x is not defined' })
    const spun = await tool.execute({ code: 'spin' })
    expect(spun.timedOut).toBe(true)
    expect(spun.output).toBe('tick\n')
    expect(spun.error?.code).toBe(ExecutionErrorCode.Timeout)
    expect(spun.error?.message).toContain('1000 ms')
    const odd = await tool.execute({ code: 'other' })
    expect(odd.error).toEqual({ code: 'ERR_WORKLOAD_FAILED', message: 'guest stopped' })
  })

  it.each([
    ['ERR_NO_HYPERVISOR', /Retrying will not help: .*KVM/],
    ['ERR_HYPERVISOR_UNUSABLE', /Retrying will not help: this machine cannot run micro-VMs/],
    ['ERR_GUEST_IMAGE_MISSING', /Retrying will not help: .*not installed/],
    ['ERR_NOT_SUPPORTED', /not available in this version/],
    ['ERR_UNKNOWN_LANGUAGE', /native says/],
    ['ERR_INVALID_CONFIG', /Retrying will not help: the tool is configured wrongly; tell the user\.$/],
  ])('turns the native %s into a readable error result', async (code, advice) => {
    const { addon } = fakeAddon({
      onRun: () => {
        throw nativeError(code, 'native says no')
      },
    })
    const tool = new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: () => addon })
    const result = await tool.execute({ code: 'int main(){}', language: 'c' })
    expect(result.exitCode).toBe(-1)
    expect(result.error?.code).toBe(code)
    expect(result.error?.message).toMatch(/^native says no/)
    expect(result.error?.message).toMatch(advice)
  })

  it('refuses, when it is made, a limit the sandbox would refuse on every call (the ranges are the core\'s)', () => {
    expect(() => new CodeExecutionTool({ environment: 'hyperlight', memoryMb: 1 })).toThrow(/memoryMb must be a whole number from 16/)
    expect(() => new CodeExecutionTool({ environment: 'hyperlight', timeoutMs: 86_400_001 })).toThrow(/timeoutMs/)
    expect(() => new CodeExecutionTool({ maxOutputBytes: 0 })).toThrow(/maxOutputBytes/)
  })

  it('turns a constructor that throws ERR_INVALID_CONFIG into an error result', async () => {
    const addon = {
      NanvixSandbox: class {
        constructor() {
          throw nativeError('ERR_INVALID_CONFIG', 'memoryMb must be at least 16')
        }
      },
    } as unknown as NativeAddon
    const tool = new CodeExecutionTool({ environment: 'hyperlight', memoryMb: 64, loadNativeAddon: () => addon })
    const result = await tool.execute({ code: 'print(1)' })
    expect(result.error).toEqual({
      code: 'ERR_INVALID_CONFIG',
      message: 'memoryMb must be at least 16. Retrying will not help: the tool is configured wrongly; tell the user.',
    })
  })

  it('turns an addon that cannot load into ERR_NATIVE_ADDON_UNAVAILABLE, and tries again on the next call', async () => {
    let attempts = 0
    const tool = new CodeExecutionTool({
      environment: 'hyperlight',
      loadNativeAddon: () => {
        attempts++
        throw new Error('cannot open shared object file')
      },
    })
    const result = await tool.execute({ code: 'print(1)' })
    expect(result.error?.code).toBe(ExecutionErrorCode.NativeAddonUnavailable)
    expect(result.error?.message).toContain('cannot open shared object file')
    await tool.execute({ code: 'print(1)' })
    expect(attempts).toBe(2)
  })

  it('loads the real addon only when hyperlight code runs (or its description is read), and never throws without it', async () => {
    // Whatever this host has (no addon built, no usable hypervisor, or a working micro-VM), the result is a result.
    const tool = new CodeExecutionTool({ environment: 'hyperlight', timeoutMs: 120_000 })
    const result = await tool.execute({ code: 'print(1)' })
    if (result.error) {
      expect(result.exitCode).toBe(-1)
      expect(result.error.code).toMatch(/^ERR_[A-Z_]+$/)
    } else {
      expect(result.output).toBe('1\n')
    }
  })

  it('keeps one session per language, runs calls to a session in turn, and reports the reset after a timeout without resetting twice', async () => {
    const { addon, state } = fakeAddon()
    const tool = new CodeExecutionTool({ environment: 'hyperlight', persistent: true, loadNativeAddon: () => addon })
    const [a, b, c] = await Promise.all([
      tool.execute({ code: 'a' }),
      tool.execute({ code: 'b' }),
      tool.execute({ code: 'c', language: 'javascript' }),
    ])
    expect(a.output).toBe('python: a\n')
    expect(b.output).toBe('python: a,b\n')
    expect(c.output).toBe('javascript: c\n')
    expect(state.sessionsOpened).toEqual(['python', 'javascript'])

    const spun = await tool.execute({ code: 'spin' })
    expect(spun.error?.code).toBe(ExecutionErrorCode.Timeout)
    expect(spun.error?.message).toMatch(/session was reset/)
    expect(state.resets).toBe(0)
    expect((await tool.execute({ code: 'd' })).output).toBe('python: d\n')

    await tool.reset()
    expect((await tool.execute({ code: 'e', language: 'javascript' })).output).toBe('javascript: e\n')
    await tool.close()
    expect(state.closes).toBe(2)
    expect((await tool.execute({ code: 'f' })).error?.code).toBe(ExecutionErrorCode.ToolClosed)
  })

  it('maps the value and the images of a Python run, base64-encoded in the order shown; a plain run has neither', async () => {
    const { addon } = fakeAddon({
      onRun: (code) =>
        code === 'plot'
          ? workload({ output: 'drawn\n', value: "array([1, 2])", images: SHOWN_IMAGES })
          : code === 'none'
            ? workload({ output: 'x\n', value: null as never })
            : workload({ output: 'plain\n' }),
    })
    const tool = new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: () => addon })
    const rich = await tool.execute({ code: 'plot' })
    expect(rich.value).toBe('array([1, 2])')
    expect(rich.images).toEqual([
      { mimeType: 'image/png', data: RED_PNG.toString('base64') },
      { mimeType: 'image/svg+xml', data: CIRCLE_SVG.toString('base64') },
    ])
    expect(Buffer.from(rich.images![0].data, 'base64').equals(RED_PNG)).toBe(true)
    expect(rich.error).toBeUndefined()
    for (const code of ['plain', 'none']) {
      const plain = await tool.execute({ code })
      expect(plain).not.toHaveProperty('value')
      expect(plain).not.toHaveProperty('images')
    }
  })

  it('keeps the images of a run that failed after showing them, and of a run in a session', async () => {
    const { addon } = fakeAddon({
      onRun: () =>
        workload({ success: false, exitCode: 1, error: 'ValueError: late', stderr: 'ValueError: late\n', output: 'ValueError: late\n', images: SHOWN_IMAGES.slice(0, 1) }),
    })
    const failed = await new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: () => addon }).execute({ code: 'x' })
    expect(failed.error?.code).toBe(ExecutionErrorCode.ExitStatus)
    expect(failed.images).toEqual([{ mimeType: 'image/png', data: RED_PNG.toString('base64') }])

    class SessionSandbox {
      session = (): NativeSession => ({
        runCode: async () => workload({ value: '3', images: SHOWN_IMAGES }),
        reset: async () => undefined,
        close: async () => true,
      })
    }
    const persistent = new CodeExecutionTool({
      environment: 'hyperlight',
      persistent: true,
      loadNativeAddon: () => ({ NanvixSandbox: SessionSandbox as unknown as NativeAddon['NanvixSandbox'] }),
    })
    const inSession = await persistent.execute({ code: '1 + 2' })
    expect(inSession.value).toBe('3')
    expect(inSession.images?.map((image) => image.mimeType)).toEqual(['image/png', 'image/svg+xml'])
  })
})
