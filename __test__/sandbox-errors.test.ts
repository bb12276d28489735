// Bad input to NanvixSandbox gets a typed error with a stable `code`, on any host: these are decided
// before a micro-VM is needed. As hyperlight-nanvix's binding does, run/runCode resolve for every
// failure (`success: false`, `error`, and `errorCode`): they reject only for an abort and for
// arguments of the wrong type.
import { getEventListeners } from 'node:events'
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAX_EXPOSED_PORTS, MAX_POOL_SIZE, MAX_SOCKETS } from '../src/generated/core-facts'
import { native } from './helpers/native'

const { NanvixSandbox, probeHypervisor } = native

/** The failure a run resolved with: its `errorCode` as `code` and its `error` as `message`. */
async function failure(p: Promise<import('../index').WorkloadResult>): Promise<{ code?: string; message: string }> {
  const r = await p
  expect(r.success).toBe(false)
  expect(r.exitCode).toBe(-1)
  expect(r.errorCode).toMatch(/^ERR_/)
  return { code: r.errorCode ?? undefined, message: r.error ?? '' }
}

describe('NanvixSandbox input errors', () => {
  it.each([
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: -1 }, 'timeoutMs'],
    [{ timeoutMs: 1.5 }, 'timeoutMs'],
    [{ memoryMb: 1 }, 'memoryMb'],
    [{ maxOutputBytes: Number.NaN }, 'maxOutputBytes'],
    [{ logDirectory: '/proc/no-such-place/logs' }, 'logDirectory'],
    [{ network: { maxSockets: 0 } }, 'network.maxSockets'],
    [{ network: { maxSockets: MAX_SOCKETS + 1 } }, 'network.maxSockets'],
    [{ network: { expose: [0] } }, 'network.expose'],
    [{ network: { expose: [65536] } }, 'network.expose'],
    [{ network: { expose: [80.5] } }, 'network.expose'],
    [{ network: { expose: Array.from({ length: MAX_EXPOSED_PORTS + 1 }, (_, i) => 8000 + i) } }, 'network.expose'],
  ])('the constructor throws ERR_INVALID_CONFIG for %j', (config, field) => {
    let error: NodeJS.ErrnoException | undefined
    try {
      new NanvixSandbox(config)
    } catch (e) {
      error = e as NodeJS.ErrnoException
    }
    expect(error?.code).toBe('ERR_INVALID_CONFIG')
    expect(error?.message).toContain(field)
  })

  it('portEndpoint of a session says which port is not exposed and which has nothing listening yet, before any micro-VM', () => {
    const sandbox = new NanvixSandbox({ network: { expose: [8000] } })
    const session = sandbox.session('python')
    expect(() => session.portEndpoint(9000)).toThrow(expect.objectContaining({ code: 'ERR_PORT_NOT_EXPOSED', message: expect.stringContaining('9000') }))
    expect(() => session.portEndpoint(8000)).toThrow(expect.objectContaining({ code: 'ERR_PORT_NOT_LISTENING' }))
    expect(() => session.portEndpoint(-1)).toThrow(expect.objectContaining({ code: 'ERR_PORT_NOT_EXPOSED' }))
  })

  it('takes no config at all, with per-instance directories of its own', () => {
    const a = new NanvixSandbox()
    const b = new NanvixSandbox({})
    expect(a.logDirectory).not.toBe(b.logDirectory)
    expect(a.tmpDirectory).toContain('local-code-interpreter-')
  })

  it('resolves a missing file with errorCode ERR_FILE_NOT_FOUND (drop-in: upstream clients check success, never catch)', async () => {
    const e = await failure(new NanvixSandbox().run('/no/such/file.py'))
    expect(e.code).toBe('ERR_FILE_NOT_FOUND')
    expect(e.message).toContain('/no/such/file.py')
  })

  it('resolves an unknown extension or language name with ERR_UNKNOWN_LANGUAGE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-err-'))
    writeFileSync(join(dir, 'x.rb'), 'puts 1')
    expect((await failure(new NanvixSandbox().run(join(dir, 'x.rb')))).code).toBe('ERR_UNKNOWN_LANGUAGE')
    const e = await failure(new NanvixSandbox().runCode('puts 1', 'ruby'))
    expect(e.code).toBe('ERR_UNKNOWN_LANGUAGE')
    expect(e.message).toContain('javascript, python, c, cpp')
  })

  it('returns a C compile error as a result with the compiler messages, before any micro-VM is needed', async () => {
    const r = await new NanvixSandbox().runCode('int main(void) { return missing; }', 'c')
    expect(r).toMatchObject({ success: false, exitCode: 1 })
    expect(r.output).toContain('missing')
    expect(r.error).toContain('compilation failed')
  })

  it('says which compiler is missing with ERR_COMPILER_NOT_FOUND', async () => {
    const path = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      const e = await failure(new NanvixSandbox().runCode('int main(){}', 'cpp'))
      expect(e.code).toBe('ERR_COMPILER_NOT_FOUND')
      expect(e.message).toContain('g++')
    } finally {
      process.env.PATH = path
    }
  })

  it('refuses a file that is not a static-PIE binary with ERR_INVALID_BINARY', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-bin-'))
    writeFileSync(join(dir, 'script'), '#!/bin/sh\necho not elf\n')
    const e = await failure(new NanvixSandbox().run(join(dir, 'script')))
    expect(e.code).toBe('ERR_INVALID_BINARY')
    expect(e.message).toContain('-static-pie')
  })

  it('throws ERR_INVALID_CONFIG for maxConcurrency 0', () => {
    expect(() => new NanvixSandbox({ maxConcurrency: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }))
  })

  it('throws ERR_INVALID_CONFIG for a poolSize of 0, past MAX_POOL_SIZE, or not a whole number', () => {
    for (const poolSize of [0, MAX_POOL_SIZE + 1, 1.5]) {
      expect(() => new NanvixSandbox({ poolSize }), `poolSize ${poolSize}`).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_CONFIG', message: expect.stringContaining('poolSize') }),
      )
    }
    expect(new NanvixSandbox({ poolSize: MAX_POOL_SIZE })).toBeInstanceOf(NanvixSandbox)
  })

  it('resolves code larger than a run carries with ERR_CODE_TOO_LARGE', async () => {
    const huge = `# ${'x'.repeat(2 * 1024 * 1024)}`
    const e = await failure(new NanvixSandbox().runCode(huge, 'python'))
    // Where micro-VMs cannot run, the hypervisor error comes first; the size is checked at the guest.
    expect(['ERR_CODE_TOO_LARGE', 'ERR_HYPERVISOR_UNUSABLE', 'ERR_NO_HYPERVISOR']).toContain(e.code)
  })

  it('names the package to install when a guest image is missing', async () => {
    // A copy of the addon in an empty folder finds no image beside it.
    const dir = mkdtempSync(join(tmpdir(), 'lci-noimage-'))
    const addon = join(dir, 'local-code-interpreter.linux-x64-gnu.node')
    copyFileSync(join(__dirname, '..', 'local-code-interpreter.linux-x64-gnu.node'), addon)
    const lonely = createRequire(import.meta.url)(addon) as typeof native
    const previous = process.env.LCI_GUEST_DIR
    delete process.env.LCI_GUEST_DIR
    try {
      const e = await failure(new lonely.NanvixSandbox().runCode('print(1)', 'python'))
      expect(e.code).toBe('ERR_GUEST_IMAGE_MISSING')
      expect(e.message).toContain('npm install local-code-interpreter-guest-python')
    } finally {
      if (previous !== undefined) process.env.LCI_GUEST_DIR = previous
    }
  })

  it('says clearly when this host cannot run micro-VMs, naming /dev/kvm', async () => {
    const probe = await probeHypervisor()
    if (probe.usable) {
      // A host that runs micro-VMs: the same call succeeds.
      expect((await new NanvixSandbox().runCode('print(1)', 'python')).output).toBe('1\n')
    } else {
      const e = await failure(new NanvixSandbox().runCode('print(1)', 'python'))
      expect(['ERR_NO_HYPERVISOR', 'ERR_HYPERVISOR_UNUSABLE']).toContain(e.code)
      expect(e.code).toBe(probe.code)
      expect(e.message).toContain('/dev/kvm')
    }
  })

  it('warmUp rejects an unknown language with ERR_UNKNOWN_LANGUAGE, and says as a run would when this host cannot run micro-VMs', async () => {
    const sandbox = new NanvixSandbox({ snapshotDirectory: false })
    await expect(sandbox.warmUp('cobol')).rejects.toMatchObject({ code: 'ERR_UNKNOWN_LANGUAGE' })
    const probe = await probeHypervisor()
    if (probe.usable) {
      // A host that runs micro-VMs: the warm-up is done (see __test__/microvm/warm-up.test.ts).
      expect((await sandbox.warmUp('javascript')).warmedFrom).toBe('boot')
    } else {
      await expect(sandbox.warmUp('javascript')).rejects.toMatchObject({ code: probe.code, message: expect.stringContaining('/dev/kvm') })
    }
  })

  it('rejects arguments of the wrong type with a TypeError, not a crash or a thrown error', async () => {
    const sandbox = new NanvixSandbox()
    const calls = [
      () => sandbox.run(42 as unknown as string),
      () => sandbox.runCode(null as unknown as string, 'python'),
      () => sandbox.runCode('print(1)', 7 as unknown as string),
      () => sandbox.runCode('print(1)', 'python', { stdin: 5 as unknown as string }),
      () => sandbox.runCode('print(1)', 'python', { files: { 'a.txt': 1 as unknown as string } }),
      () => sandbox.runCode('print(1)', 'python', { signal: {} as AbortSignal }),
    ]
    for (const call of calls) {
      const e = await call().then(
        () => undefined,
        (error: NodeJS.ErrnoException) => error,
      )
      expect(e).toBeInstanceOf(TypeError)
      expect(e?.code).toBe('ERR_INVALID_ARG_TYPE')
    }
  })

  it('removes its abort listener when a run settles: 1,000 runs with one signal leave none behind', async () => {
    const sandbox = new NanvixSandbox()
    const controller = new AbortController()
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      for (let i = 0; i < 1000; i++) {
        // Fails before any micro-VM is needed, so it runs on any host.
        const r = await sandbox.runCode('x', 'ruby', { signal: controller.signal })
        expect(r.errorCode).toBe('ERR_UNKNOWN_LANGUAGE')
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      process.off('warning', onWarning)
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  })
})
