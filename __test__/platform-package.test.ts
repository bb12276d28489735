// Which platform package carries the native addon, and the error when it cannot load (src/native/platform-package.ts):
// the platform table is @napi-rs/triples', the supported triples package.json's napi.targets.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { addonLoadError, detectLibc, platformPackage } from '../src/native/platform-package'

const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
  name: string
  napi: { targets: string[] }
}

describe('platformPackage (with @napi-rs/triples and package.json)', () => {
  it('finds @napi-rs/triples (a dependency of the package: without it no triple is known)', () => {
    expect(() => require('@napi-rs/triples')).not.toThrow()
  })

  it('linux x64 glibc: x86_64-unknown-linux-gnu, local-code-interpreter-linux-x64-gnu, supported', () => {
    expect(platformPackage({ platform: 'linux', arch: 'x64', libc: 'glibc' })).toEqual({
      triple: 'x86_64-unknown-linux-gnu',
      platformArchABI: 'linux-x64-gnu',
      packageName: 'local-code-interpreter-linux-x64-gnu',
      supported: true,
      supportedTriples: manifest.napi.targets,
    })
  })

  it('linux x64 musl: its own triple and package, not supported', () => {
    expect(platformPackage({ platform: 'linux', arch: 'x64', libc: 'musl' })).toMatchObject({
      triple: 'x86_64-unknown-linux-musl',
      packageName: 'local-code-interpreter-linux-x64-musl',
      supported: false,
    })
  })

  it('other platforms get napi-rs triples and names', () => {
    expect(platformPackage({ platform: 'linux', arch: 'arm64', libc: 'glibc' })).toMatchObject({
      triple: 'aarch64-unknown-linux-gnu',
      packageName: 'local-code-interpreter-linux-arm64-gnu',
      supported: false,
    })
    expect(platformPackage({ platform: 'linux', arch: 'arm', libc: 'glibc' })).toMatchObject({
      triple: 'armv7-unknown-linux-gnueabihf',
      platformArchABI: 'linux-arm-gnueabihf',
    })
    expect(platformPackage({ platform: 'darwin', arch: 'arm64' })).toMatchObject({
      triple: 'aarch64-apple-darwin',
      packageName: 'local-code-interpreter-darwin-arm64',
      supported: false,
    })
    expect(platformPackage({ platform: 'win32', arch: 'x64' })).toMatchObject({
      triple: 'x86_64-pc-windows-msvc',
      packageName: 'local-code-interpreter-win32-x64-msvc',
    })
  })

  it('a platform napi-rs has no triple for: no triple, a name built the same way, not supported', () => {
    expect(platformPackage({ platform: 'aix', arch: 'ppc64' })).toEqual({
      triple: undefined,
      platformArchABI: 'aix-ppc64',
      packageName: 'local-code-interpreter-aix-ppc64',
      supported: false,
      supportedTriples: manifest.napi.targets,
    })
    expect(platformPackage({ platform: 'linux', arch: 's390x', libc: 'musl' })).toMatchObject({
      triple: undefined,
      packageName: 'local-code-interpreter-linux-s390x-musl',
    })
  })

  it('this process: the platform package the checkout builds (npm/linux-x64-gnu) when on linux x64 glibc', () => {
    const p = platformPackage()
    if (process.platform === 'linux' && process.arch === 'x64' && detectLibc() === 'glibc') {
      const platformManifest = JSON.parse(readFileSync(join(__dirname, '..', 'npm', 'linux-x64-gnu', 'package.json'), 'utf8'))
      expect(p).toMatchObject({ triple: 'x86_64-unknown-linux-gnu', supported: true, packageName: platformManifest.name })
    } else {
      expect(p.packageName.startsWith(`${manifest.name}-`)).toBe(true)
    }
  })

  it('follows napi.targets: a triple listed there is supported', () => {
    const p = platformPackage(
      { platform: 'linux', arch: 'x64', libc: 'musl' },
      { targets: ['x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-musl'], name: 'pkg' },
    )
    expect(p).toMatchObject({ triple: 'x86_64-unknown-linux-musl', packageName: 'pkg-linux-x64-musl', supported: true })
  })
})

describe('detectLibc (as napi-rs tells glibc from musl)', () => {
  it('glibc when the process report names a glibc runtime version', () => {
    expect(detectLibc({ report: { header: { glibcVersionRuntime: '2.36' }, sharedObjects: [] } })).toBe('glibc')
  })

  it('musl when the report has no glibc version and a musl library is loaded', () => {
    expect(detectLibc({ report: { header: {}, sharedObjects: ['/lib/ld-musl-x86_64.so.1'] } })).toBe('musl')
    expect(detectLibc({ report: { header: {}, sharedObjects: ['/usr/lib/libc.musl-x86_64.so.1'] } })).toBe('musl')
    expect(detectLibc({ report: { header: {}, sharedObjects: ['/lib/x86_64-linux-gnu/libc.so.6'] } })).toBe('glibc')
  })

  it('without a report: what /usr/bin/ldd is', () => {
    const ldd = (text: string) => ({ report: null, ldd: () => text })
    expect(detectLibc(ldd('#!/bin/sh\nexec /lib/ld-musl-x86_64.so.1 --list "$@"\n'))).toBe('musl')
    expect(detectLibc(ldd('GNU C Library ldd'))).toBe('glibc')
    const noLdd = () => {
      throw new Error('ENOENT')
    }
    expect(detectLibc({ report: null, ldd: noLdd })).toBe('glibc')
  })

  it('this process (on Linux): glibc exactly when Node reports a glibc version', () => {
    if (process.platform !== 'linux') return
    const header = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header
    expect(detectLibc()).toBe(header.glibcVersionRuntime ? 'glibc' : 'musl')
  })
})

describe('addonLoadError', () => {
  // napi-rs's loader: a top error whose cause chains one error per path it tried
  const loaderError = () => {
    const first = new Error("Cannot find module '../local-code-interpreter.linux-x64-musl.node'")
    const second = Object.assign(new Error("Cannot find module 'local-code-interpreter-linux-x64-musl'"), { cause: first })
    return Object.assign(new Error('Cannot find native binding. npm has a bug related to optional dependencies'), { cause: second })
  }

  it('unsupported platform: names its triple and the supported ones, with the loader reasons', () => {
    const cause = loaderError()
    const err = addonLoadError(cause, { facts: { platform: 'linux', arch: 'x64', libc: 'musl' } })
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe('ERR_NATIVE_ADDON_UNAVAILABLE')
    expect(err.message).toMatch(/^local-code-interpreter has no native addon for x86_64-unknown-linux-musl \(supported: x86_64-unknown-linux-gnu\)/)
    expect(err.message).toContain('Cannot find native binding')
    expect(err.message).toContain("Cannot find module 'local-code-interpreter-linux-x64-musl'")
    expect(err.cause).toBe(cause)
    expect(err).toMatchObject({ triple: 'x86_64-unknown-linux-musl', packageName: 'local-code-interpreter-linux-x64-musl', supported: false })
  })

  it('a platform without a known triple says so', () => {
    const err = addonLoadError(new Error('Unsupported OS: aix'), { facts: { platform: 'aix', arch: 'ppc64' } })
    expect(err.message).toContain('has no native addon for aix-ppc64 (no Rust target triple known for it)')
    expect(err.message).toContain('Unsupported OS: aix')
    expect(err.triple).toBeUndefined()
  })

  it('supported platform, platform package missing: the exact npm install', () => {
    const err = addonLoadError(new Error('Cannot find native binding'), {
      facts: { platform: 'linux', arch: 'x64', libc: 'glibc' },
      isInstalled: () => false,
    })
    expect(err.code).toBe('ERR_NATIVE_ADDON_UNAVAILABLE')
    expect(err.message).toContain('x86_64-unknown-linux-gnu')
    expect(err.message).toContain('install the platform package: npm install local-code-interpreter-linux-x64-gnu')
    expect(err).toMatchObject({ supported: true, packageName: 'local-code-interpreter-linux-x64-gnu' })
  })

  it('supported platform, platform package installed but failing: says so and gives the loader reason', () => {
    const asked: string[] = []
    const err = addonLoadError(new Error('/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.36\' not found'), {
      facts: { platform: 'linux', arch: 'x64', libc: 'glibc' },
      isInstalled: (name) => (asked.push(name), true),
    })
    expect(asked).toEqual(['local-code-interpreter-linux-x64-gnu'])
    expect(err.message).toContain('(package local-code-interpreter-linux-x64-gnu) is installed but could not be loaded')
    expect(err.message).toContain('GLIBC_2.36')
  })

  it('takes anything as the cause', () => {
    expect(addonLoadError('boom', { facts: { platform: 'linux', arch: 'x64', libc: 'musl' } }).message).toContain('Loader: boom')
    expect(addonLoadError(undefined, { facts: { platform: 'linux', arch: 'x64', libc: 'musl' } }).message).toContain('no reason given')
  })
})
