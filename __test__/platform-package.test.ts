// The error when the native addon cannot load (src/native/platform-package.ts): which platform package napi-rs's
// loader looked for is read from the loader's own error (it decides platform, architecture and C library; this
// package does not decide them again), its triple from @napi-rs/triples, the supported triples from
// package.json's napi.targets.
import { mkdtempSync, rmSync, cpSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { addonLoadError, platformPackage, triedPlatform } from '../src/native/platform-package'

const root = join(__dirname, '..')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string
  napi: { targets: string[] }
}

/** An error chained as napi-rs's loader chains them: the top one, caused by the last path tried, caused by the one before… */
function loaderError(...tried: string[]): Error {
  const inner = tried.reduce<Error | undefined>((cause, message) => Object.assign(new Error(message), { cause }), undefined)
  return Object.assign(new Error('Cannot find native binding. npm has a bug related to optional dependencies'), { cause: inner })
}

const muslLoader = () =>
  loaderError(
    "Cannot find module './local-code-interpreter.linux-x64-musl.node'\nRequire stack:\n- /app/node_modules/local-code-interpreter/index.js",
    "Cannot find module 'local-code-interpreter-linux-x64-musl'\nRequire stack:\n- /app/node_modules/local-code-interpreter/index.js",
    "Cannot find module './local-code-interpreter.wasi.cjs'",
    "Cannot find module 'local-code-interpreter-wasm32-wasi'",
  )

describe('platformPackage (from the loader error, with @napi-rs/triples and package.json)', () => {
  it('finds @napi-rs/triples (a dependency of the package: without it no triple is known)', () => {
    expect(() => require('@napi-rs/triples')).not.toThrow()
  })

  it('the package the loader looked for: local file and package names, not the WASI fallbacks', () => {
    expect(triedPlatform(muslLoader(), 'local-code-interpreter')).toBe('linux-x64-musl')
    expect(triedPlatform(loaderError("Cannot find module 'local-code-interpreter-darwin-arm64'"), 'local-code-interpreter')).toBe('darwin-arm64')
    expect(triedPlatform(loaderError("Cannot find module 'local-code-interpreter-linux-arm-gnueabihf/package.json'"), 'local-code-interpreter')).toBe(
      'linux-arm-gnueabihf',
    )
    // the dynamic linker's error names the file
    expect(
      triedPlatform(
        new Error("/app/node_modules/local-code-interpreter-linux-x64-gnu/local-code-interpreter.linux-x64-gnu.node: version `GLIBC_2.36' not found"),
        'local-code-interpreter',
      ),
    ).toBe('linux-x64-gnu')
    expect(triedPlatform(loaderError('Unsupported OS: aix, architecture: ppc64'), 'local-code-interpreter')).toBeUndefined()
    expect(triedPlatform(loaderError("Cannot find module './local-code-interpreter.wasi.cjs'"), 'local-code-interpreter')).toBeUndefined()
  })

  it('linux x64 glibc: x86_64-unknown-linux-gnu, local-code-interpreter-linux-x64-gnu, supported', () => {
    expect(platformPackage(loaderError("Cannot find module 'local-code-interpreter-linux-x64-gnu'"))).toEqual({
      triple: 'x86_64-unknown-linux-gnu',
      platformArchABI: 'linux-x64-gnu',
      packageName: 'local-code-interpreter-linux-x64-gnu',
      supported: true,
      supportedTriples: manifest.napi.targets,
    })
  })

  it('linux x64 musl, macOS, Windows: their own triples and packages, not supported', () => {
    expect(platformPackage(muslLoader())).toMatchObject({
      triple: 'x86_64-unknown-linux-musl',
      packageName: 'local-code-interpreter-linux-x64-musl',
      supported: false,
    })
    expect(platformPackage(loaderError("Cannot find module 'local-code-interpreter-darwin-arm64'"))).toMatchObject({
      triple: 'aarch64-apple-darwin',
      supported: false,
    })
    expect(platformPackage(loaderError("Cannot find module 'local-code-interpreter-win32-x64-msvc'"))).toMatchObject({
      triple: 'x86_64-pc-windows-msvc',
      supported: false,
    })
  })

  it('a loader that looked for no package (unknown platform): no triple, no package', () => {
    expect(platformPackage(loaderError('Unsupported OS: aix, architecture: ppc64'))).toEqual({
      triple: undefined,
      platformArchABI: undefined,
      packageName: undefined,
      supported: false,
      supportedTriples: manifest.napi.targets,
    })
  })

  it("this machine's loader, made to fail, names this platform's package", () => {
    // A copy of the loader without the .node beside it and without node_modules: it fails as it does for a user.
    const dir = mkdtempSync(join(tmpdir(), 'lci-loader-'))
    try {
      cpSync(join(root, 'index.js'), join(dir, 'index.js'))
      let cause: unknown
      try {
        createRequire(join(dir, 'x.js'))('./index.js')
      } catch (error) {
        cause = error
      }
      expect(cause).toBeInstanceOf(Error)
      const p = platformPackage(cause)
      if (process.platform === 'linux' && process.arch === 'x64' && (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime) {
        expect(p).toMatchObject({ triple: 'x86_64-unknown-linux-gnu', packageName: 'local-code-interpreter-linux-x64-gnu', supported: true })
      } else {
        expect(p.packageName).toMatch(/^local-code-interpreter-/)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('addonLoadError', () => {
  it('unsupported platform: names its triple and the supported ones, with the loader reasons', () => {
    const cause = muslLoader()
    const err = addonLoadError(cause)
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe('ERR_NATIVE_ADDON_UNAVAILABLE')
    expect(err.message).toMatch(/^local-code-interpreter has no native addon for x86_64-unknown-linux-musl \(supported: x86_64-unknown-linux-gnu\)/)
    expect(err.message).toContain('Cannot find native binding')
    expect(err.message).toContain("Cannot find module 'local-code-interpreter-linux-x64-musl'")
    expect(err.cause).toBe(cause)
    expect(err).toMatchObject({ triple: 'x86_64-unknown-linux-musl', packageName: 'local-code-interpreter-linux-x64-musl', supported: false })
  })

  it('a platform the loader knows no package for says so', () => {
    const err = addonLoadError(loaderError('Unsupported OS: aix, architecture: ppc64'))
    expect(err.message).toContain('the loader looked for no platform package')
    expect(err.message).toContain('supported: x86_64-unknown-linux-gnu')
    expect(err.message).toContain('Unsupported OS: aix')
    expect(err).toMatchObject({ triple: undefined, packageName: undefined, supported: false })
  })

  it('supported platform, platform package missing: the exact npm install', () => {
    const err = addonLoadError(loaderError("Cannot find module 'local-code-interpreter-linux-x64-gnu'"), { isInstalled: () => false })
    expect(err.code).toBe('ERR_NATIVE_ADDON_UNAVAILABLE')
    expect(err.message).toContain('x86_64-unknown-linux-gnu')
    expect(err.message).toContain('install the platform package: npm install local-code-interpreter-linux-x64-gnu')
    expect(err).toMatchObject({ supported: true, packageName: 'local-code-interpreter-linux-x64-gnu' })
  })

  it('supported platform, platform package installed but failing: says so and gives the loader reason', () => {
    const asked: string[] = []
    const err = addonLoadError(
      new Error("/app/node_modules/local-code-interpreter-linux-x64-gnu/local-code-interpreter.linux-x64-gnu.node: version `GLIBC_2.36' not found"),
      { isInstalled: (name) => (asked.push(name), true) },
    )
    expect(asked).toEqual(['local-code-interpreter-linux-x64-gnu'])
    expect(err.message).toContain('(package local-code-interpreter-linux-x64-gnu) is installed but could not be loaded')
    expect(err.message).toContain('GLIBC_2.36')
  })

  it('takes anything as the cause', () => {
    expect(addonLoadError('boom').message).toContain('Loader: boom')
    expect(addonLoadError(undefined).message).toContain('no reason given')
  })
})
