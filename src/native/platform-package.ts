/**
 * Which prebuilt native addon this platform needs, and the error to throw when it cannot be loaded.
 *
 * The addon ships in a platform package, `local-code-interpreter-<platformArchABI>` (napi-rs's naming, e.g.
 * `local-code-interpreter-linux-x64-gnu`), for each Rust target triple in package.json's `napi.targets`.
 * The platform → triple table is napi-rs's own (`@napi-rs/triples`), and the C library is told apart the
 * way napi-rs's generated loader does it (glibc when the process report names a glibc version).
 */

import { readFileSync } from 'node:fs'
import { ExecutionErrorCode } from '../errors.js'

/** The C library of a Linux process. */
export type Libc = 'glibc' | 'musl'

/** One entry of `@napi-rs/triples`' table. */
export interface TripleEntry {
  /** The Rust target triple, e.g. `x86_64-unknown-linux-gnu`. */
  triple: string
  /** napi-rs's package suffix, e.g. `linux-x64-gnu`. */
  platformArchABI: string
  platform: string
  arch: string
  abi: string | null
}

/** `@napi-rs/triples`' `platformArchTriples`: platform → arch → entries. */
export type TriplesTable = Record<string, Record<string, TripleEntry[]>>

/** What the package needs on a platform. */
export interface PlatformPackage {
  /** The Rust target triple of this platform; undefined when napi-rs knows none. */
  triple: string | undefined
  /** napi-rs's name for the platform, e.g. `linux-x64-gnu`. */
  platformArchABI: string
  /** The npm package that carries the addon for this platform, e.g. `local-code-interpreter-linux-x64-gnu`. */
  packageName: string
  /** Whether a prebuilt addon is published for this triple (it is in package.json's `napi.targets`). */
  supported: boolean
  /** The triples with a prebuilt addon (package.json's `napi.targets`). */
  supportedTriples: string[]
}

/** The platform facts that decide the package; each defaults to this process's. */
export interface PlatformFacts {
  platform?: string
  arch?: string
  /** Only looked at on Linux; default: {@link detectLibc}. */
  libc?: Libc
}

/** What {@link platformPackage} reads; each defaults to the real one. */
export interface PlatformPackageOptions {
  /** The platform table (default: `require('@napi-rs/triples').platformArchTriples`). */
  table?: TriplesTable
  /** The triples with a prebuilt addon (default: package.json's `napi.targets`). */
  targets?: string[]
  /** The main package's name (default: package.json's `name`). */
  name?: string
}

interface Manifest {
  name: string
  napi?: { targets?: string[] }
}

function manifest(): Manifest {
  // package.json sits next to src/ and dist/ alike; a require keeps it out of the compile (rootDir is src).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../package.json') as Manifest
}

/** `@napi-rs/triples`' table, or undefined when it cannot be loaded (this module only explains errors). */
function napiTriples(): TriplesTable | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@napi-rs/triples') as { platformArchTriples: TriplesTable }).platformArchTriples
  } catch {
    return undefined
  }
}

interface ProcessReport {
  header?: { glibcVersionRuntime?: string }
  sharedObjects?: unknown[]
}

function processReport(): ProcessReport | undefined {
  const report = process.report as (NodeJS.ProcessReport & { excludeNetwork?: boolean }) | undefined
  if (typeof report?.getReport !== 'function') return undefined
  // as napi-rs's loader: no network details (they can cost DNS lookups)
  const excludeNetwork = report.excludeNetwork
  report.excludeNetwork = true
  try {
    return report.getReport() as ProcessReport
  } catch {
    return undefined
  } finally {
    report.excludeNetwork = excludeNetwork
  }
}

const isMuslFile = (f: unknown) => typeof f === 'string' && (f.includes('libc.musl-') || f.includes('ld-musl-'))

/**
 * The C library of this (Linux) process, as napi-rs's generated loader tells: glibc when the process report
 * names a glibc runtime version, musl when a musl library is loaded, else (no report) what /usr/bin/ldd is;
 * glibc when nothing tells. `sources` replace the process report (null: none) and the reading of ldd.
 */
export function detectLibc(
  sources: { report?: ProcessReport | null; ldd?: () => string } = {},
): Libc {
  const report = sources.report === undefined ? processReport() : sources.report
  if (report) {
    if (report.header?.glibcVersionRuntime) return 'glibc'
    if (Array.isArray(report.sharedObjects) && report.sharedObjects.some(isMuslFile)) return 'musl'
    return 'glibc'
  }
  try {
    return (sources.ldd ?? (() => readFileSync('/usr/bin/ldd', 'utf8')))().includes('musl') ? 'musl' : 'glibc'
  } catch {
    return 'glibc'
  }
}

/** The table entry for a platform: on Linux the one for its C library (arm: hard-float armv7 first); Windows: MSVC. */
function pick(entries: TripleEntry[], platform: string, arch: string, libc: Libc): TripleEntry | undefined {
  if (platform === 'linux') {
    const abi = libc === 'musl' ? 'musl' : 'gnu'
    const order = arch === 'arm' ? [`${abi}eabihf`, abi] : [abi]
    for (const want of order) {
      const hits = entries.filter((e) => e.abi === want)
      // 32-bit arm: napi-rs builds for armv7 (the table lists plain arm first)
      const hit = hits.find((e) => e.triple.startsWith('armv7')) ?? hits[0]
      if (hit) return hit
    }
    return undefined
  }
  if (platform === 'win32') return entries.find((e) => e.abi === 'msvc') ?? entries[0]
  return entries[0]
}

/**
 * The Rust target triple, napi-rs platform name and platform package for a platform (default: this process),
 * and whether a prebuilt addon is published for it.
 */
export function platformPackage(facts: PlatformFacts = {}, options: PlatformPackageOptions = {}): PlatformPackage {
  const platform = facts.platform ?? process.platform
  const arch = facts.arch ?? process.arch
  const libc = platform === 'linux' ? (facts.libc ?? detectLibc()) : 'glibc'
  const supportedTriples = options.targets ?? manifest().napi?.targets ?? []
  const name = options.name ?? manifest().name
  const table = options.table ?? napiTriples() ?? {}
  const entry = pick(table[platform]?.[arch] ?? [], platform, arch, libc)
  const platformArchABI =
    entry?.platformArchABI ?? (platform === 'linux' ? `${platform}-${arch}-${libc === 'musl' ? 'musl' : 'gnu'}` : `${platform}-${arch}`)
  return {
    triple: entry?.triple,
    platformArchABI,
    packageName: `${name}-${platformArchABI}`,
    supported: entry !== undefined && supportedTriples.includes(entry.triple),
    supportedTriples,
  }
}

/** The error {@link addonLoadError} returns. */
export interface NativeAddonUnavailableError extends Error {
  code: typeof ExecutionErrorCode.NativeAddonUnavailable
  /** The platform's Rust target triple (undefined when napi-rs knows none). */
  triple: string | undefined
  /** The platform package that carries (or would carry) the addon. */
  packageName: string
  /** Whether a prebuilt addon is published for this platform. */
  supported: boolean
}

/** The messages of `cause` and of the causes it chains (napi-rs's loader chains one per path it tried). */
function causeText(cause: unknown): string {
  const seen = new Set<string>()
  let current: unknown = cause
  for (let i = 0; i < 6 && current != null; i++) {
    const message = current instanceof Error ? current.message : String(current)
    const line = message.split('\n')[0].trim()
    if (line) seen.add(line)
    current = current instanceof Error ? (current as { cause?: unknown }).cause : undefined
  }
  return [...seen].join('; ') || 'no reason given'
}

/** Whether package `name` can be resolved from here. */
function resolvable(name: string): boolean {
  try {
    require.resolve(`${name}/package.json`)
    return true
  } catch {
    return false
  }
}

/**
 * The error to throw when the native addon cannot be loaded: code `ERR_NATIVE_ADDON_UNAVAILABLE`, a message
 * naming the platform's target triple and what to do (nothing published for it: the supported triples; else
 * the exact package to install), and `cause` the loader's error.
 */
export function addonLoadError(
  cause: unknown,
  options: PlatformPackageOptions & { facts?: PlatformFacts; isInstalled?: (packageName: string) => boolean } = {},
): NativeAddonUnavailableError {
  const p = platformPackage(options.facts, options)
  const name = options.name ?? manifest().name
  const why = causeText(cause)
  let message: string
  if (!p.supported) {
    const target = p.triple ?? `${p.platformArchABI} (no Rust target triple known for it)`
    message = `${name} has no native addon for ${target} (supported: ${p.supportedTriples.join(', ') || 'none'}); the hyperlight environment (micro-VMs) is not available on this platform. Loader: ${why}`
  } else if (!(options.isInstalled ?? resolvable)(p.packageName)) {
    message = `${name}'s native addon for ${p.triple} is not installed; install the platform package: npm install ${p.packageName} (an install that skipped optional dependencies leaves it out). Loader: ${why}`
  } else {
    message = `${name}'s native addon for ${p.triple} (package ${p.packageName}) is installed but could not be loaded; reinstalling it may help: npm install ${p.packageName}. Loader: ${why}`
  }
  return Object.assign(new Error(message, { cause }), {
    name: 'NativeAddonUnavailableError',
    code: ExecutionErrorCode.NativeAddonUnavailable,
    triple: p.triple,
    packageName: p.packageName,
    supported: p.supported,
  })
}
