/**
 * The error to throw when the native addon cannot be loaded, saying what to do.
 *
 * The addon ships in a platform package, `local-code-interpreter-<platformArchABI>` (napi-rs's naming, e.g.
 * `local-code-interpreter-linux-x64-gnu`), for each Rust target triple in package.json's `napi.targets`. Which
 * one this platform needs is decided by napi-rs's generated loader (`index.js`: platform, architecture, glibc or
 * musl), and its error names what it tried, one error per path; this module reads that choice from the error
 * rather than deciding it a second time, and maps it to a triple with napi-rs's own table
 * (`@napi-rs/triples`).
 */

import { ExecutionErrorCode } from '../errors.js'

/** One entry of `@napi-rs/triples`' table. */
export interface TripleEntry {
  /** The Rust target triple, e.g. `x86_64-unknown-linux-gnu`. */
  triple: string
  /** napi-rs's package suffix, e.g. `linux-x64-gnu`. */
  platformArchABI: string
  /** Node's `process.platform` of it. */
  platform: string
  /** Node's `process.arch` of it. */
  arch: string
  /** The C library or ABI (`gnu`, `musl`, `msvc`, …); null where there is no choice. */
  abi: string | null
}

/** `@napi-rs/triples`' `platformArchTriples`: platform → arch → entries. */
export type TriplesTable = Record<string, Record<string, TripleEntry[]>>

/** What the loader's error says about this platform's package. */
export interface PlatformPackage {
  /** The Rust target triple of the package the loader looked for; undefined when it looked for none or napi-rs knows none. */
  triple: string | undefined
  /** napi-rs's name for the platform (e.g. `linux-x64-gnu`); undefined when the loader looked for no package. */
  platformArchABI: string | undefined
  /** The npm package that carries (or would carry) the addon for this platform; undefined as `platformArchABI`. */
  packageName: string | undefined
  /** Whether a prebuilt addon is published for it (its triple is in package.json's `napi.targets`). */
  supported: boolean
  /** The triples with a prebuilt addon (package.json's `napi.targets`). */
  supportedTriples: string[]
}

/** What {@link platformPackage} and {@link addonLoadError} read; each defaults to the real one. */
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
  // package.json sits two levels up from src/native/ and dist/native/ alike; a require keeps it out of the
  // compile (rootDir is src).
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

/** The messages of `cause` and of the causes it chains (napi-rs's loader chains one per path it tried), first lines. */
function causeMessages(cause: unknown): string[] {
  const messages: string[] = []
  let current: unknown = cause
  for (let i = 0; i < 12 && current != null; i++) {
    messages.push(current instanceof Error ? current.message : String(current))
    current = current instanceof Error ? (current as { cause?: unknown }).cause : undefined
  }
  return messages
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The platform suffix the loader looked for, read from its errors: it tries `./NAME.SUFFIX.node`, then the
 * package `NAME-SUFFIX`, and each failure's message names the one it tried (`Cannot find module …`, or the
 * dynamic linker's error, which starts with the file's path). WASI fallbacks are not this platform's package.
 */
export function triedPlatform(cause: unknown, name: string): string | undefined {
  const tried = new RegExp(`${escapeRegExp(name)}[.-]([a-z0-9]+-[a-z0-9_]+(?:-[a-z0-9]+)?)(?=\\.node|'|/|:|$)`, 'm')
  for (const message of causeMessages(cause).reverse()) {
    const suffix = message.match(tried)?.[1]
    if (suffix && !suffix.startsWith('wasm32-')) return suffix
  }
  return undefined
}

/**
 * The platform package the loader looked for (read from its error, `cause`), its Rust target triple, and
 * whether a prebuilt addon is published for it.
 */
export function platformPackage(cause: unknown, options: PlatformPackageOptions = {}): PlatformPackage {
  const name = options.name ?? manifest().name
  const supportedTriples = options.targets ?? manifest().napi?.targets ?? []
  const table = options.table ?? napiTriples() ?? {}
  const platformArchABI = triedPlatform(cause, name)
  const entry = Object.values(table)
    .flatMap((arches) => Object.values(arches).flat())
    .find((e) => e.platformArchABI === platformArchABI)
  return {
    triple: entry?.triple,
    platformArchABI,
    packageName: platformArchABI === undefined ? undefined : `${name}-${platformArchABI}`,
    supported: entry !== undefined && supportedTriples.includes(entry.triple),
    supportedTriples,
  }
}

/** The error {@link addonLoadError} returns. */
export interface NativeAddonUnavailableError extends Error {
  /** Always `ERR_NATIVE_ADDON_UNAVAILABLE`. */
  code: typeof ExecutionErrorCode.NativeAddonUnavailable
  /** The platform's Rust target triple (undefined when the loader tried no package, or napi-rs knows none). */
  triple: string | undefined
  /** The platform package that carries (or would carry) the addon; undefined when the loader tried none. */
  packageName: string | undefined
  /** Whether a prebuilt addon is published for this platform. */
  supported: boolean
}

/** The first lines of `cause`'s messages, each once. */
function causeText(cause: unknown): string {
  const lines = new Set(causeMessages(cause).map((message) => message.split('\n')[0].trim()).filter(Boolean))
  return [...lines].join('; ') || 'no reason given'
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
 * saying what to do — nothing published for this platform: the supported triples; else the exact package to
 * install, or that it is installed but failed — and `cause`, the loader's error (`cause`), whose chain also
 * says which package the loader looked for.
 */
export function addonLoadError(
  cause: unknown,
  options: PlatformPackageOptions & { isInstalled?: (packageName: string) => boolean } = {},
): NativeAddonUnavailableError {
  const p = platformPackage(cause, options)
  const name = options.name ?? manifest().name
  const why = causeText(cause)
  let message: string
  if (p.packageName === undefined) {
    message = `${name}'s native addon could not be loaded (the loader looked for no platform package: an unsupported platform, or NAPI_RS_NATIVE_LIBRARY_PATH set); supported: ${p.supportedTriples.join(', ') || 'none'}. Loader: ${why}`
  } else if (!p.supported) {
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
