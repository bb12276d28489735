/**
 * The native API as the package exports it: `NanvixSandbox`, `Session` and the addon's functions, each loading
 * the addon on first use (`./addon.ts`), so that importing the package never needs it.
 *
 * These are thin wrappers of the generated classes and functions (same constructor, methods, getters and
 * promises) that do two things more: they load the addon when first used, and they take code-mode tools in
 * every shape `CodeExecutionTool` takes (functions, `{ description, inputSchema, execute }`, AI SDK, OpenAI
 * Agents SDK and LangChain tools), normalised by the one normaliser of `../code-mode/tools.ts`.
 */
import type * as Generated from '../../index.js'
import { nativeToolFunctions, normalizeCodeModeTools, type CodeModeTools } from '../code-mode/tools.js'
import { loadNativeAddon, type NativeAddon } from './addon.js'

/**
 * What a run is given besides its code (the generated `RunOptions`), with `tools` in any shape
 * `CodeExecutionTool` takes: by name, functions, `{ description?, inputSchema?, execute }` objects (arguments
 * checked against the schema before `execute` runs), AI SDK `tool()`s, OpenAI Agents SDK function tools and
 * LangChain tools, or a list of tools that carry their names.
 */
export type RunOptions = Omit<Generated.RunOptions, 'tools'> & {
  /**
   * Code mode: the tools the code may call as `tools.NAME(...)` (see `CodeExecutionToolOptions.tools` for the
   * shapes). They are added to the sandbox's `SandboxConfig.tools` and win by name. A name that is not an
   * identifier or a value that is not a tool rejects the run with `ERR_INVALID_CONFIG`.
   */
  tools?: CodeModeTools
}

/** How a sandbox is set up (the generated `SandboxConfig`), with `tools` in any shape {@link RunOptions} takes. */
export type SandboxConfig = Omit<Generated.SandboxConfig, 'tools'> & {
  /**
   * Code mode: tools every run may call, as {@link RunOptions.tools}. A name that is not an identifier or a
   * value that is not a tool throws `ERR_INVALID_CONFIG` from the constructor.
   */
  tools?: CodeModeTools
}

/** The whole generated module, as far as this file calls it. */
type GeneratedModule = typeof Generated

/** The addon, loaded on first use; throws `ERR_NATIVE_ADDON_UNAVAILABLE` (the loader's error as `cause`). */
function addon(): NativeAddon & Partial<GeneratedModule> {
  return loadNativeAddon() as NativeAddon & Partial<GeneratedModule>
}

/** `options` with its tools as the functions the addon calls; anything that is not an options object as is. */
function nativeRunOptions(options: RunOptions | undefined): Generated.RunOptions | undefined {
  if (options === null || typeof options !== 'object' || options.tools === undefined) return options as Generated.RunOptions | undefined
  return { ...options, tools: nativeToolFunctions(normalizeCodeModeTools(options.tools)) }
}

/** Calls `run` with `options` made native; a normalising error rejects, as the addon's own argument errors do. */
function withNativeOptions<T>(options: RunOptions | undefined, run: (options: Generated.RunOptions | undefined) => Promise<T>): Promise<T> {
  let native: Generated.RunOptions | undefined
  try {
    native = nativeRunOptions(options)
  } catch (error) {
    return Promise.reject(error)
  }
  return run(native)
}

/** Keeps the addon's session out of reach of callers: only {@link NanvixSandbox.session} makes a {@link Session}. */
const CREATE_SESSION = Symbol('create session')

/**
 * Runs JavaScript, Python, C and C++ in Hyperlight micro-VMs: the generated `NanvixSandbox`, loaded on first
 * use, whose `tools` (in {@link SandboxConfig} and {@link RunOptions}) take every shape `CodeExecutionTool`
 * takes. Each language's guest boots once, on its first run, and is snapshotted; every run starts from that
 * snapshot. Constructing one loads the native addon: where it cannot load, the constructor throws an `Error`
 * with code `ERR_NATIVE_ADDON_UNAVAILABLE` that says why (the loader's error as its `cause`); a value out of
 * range throws `ERR_INVALID_CONFIG`. Nothing boots until the first run.
 */
export class NanvixSandbox {
  readonly #native: Generated.NanvixSandbox

  constructor(config?: SandboxConfig | null) {
    const { NanvixSandbox: Native } = addon()
    const tools = config?.tools
    const nativeConfig = tools === undefined || config == null ? config : { ...config, tools: nativeToolFunctions(normalizeCodeModeTools(tools)) }
    this.#native = new (Native as unknown as typeof Generated.NanvixSandbox)(nativeConfig as Generated.SandboxConfig | null | undefined)
  }

  /**
   * Runs the program in the file at `path` (`.js`/`.mjs`/`.cjs`, `.py`, or a static-PIE `.elf`); resolves for
   * every failure with `errorCode` set, as the generated `NanvixSandbox.run` does.
   */
  run(path: string, options?: RunOptions): Promise<Generated.WorkloadResult> {
    return withNativeOptions(options, (native) => this.#native.run(path, native))
  }

  /**
   * Runs `code` written in `language` (`javascript`, `python`, `c`, `cpp`, or an alias); resolves for every
   * failure with `errorCode` set, as the generated `NanvixSandbox.runCode` does; rejects with an `AbortError`
   * when `options.signal` aborts it, and with `ERR_INVALID_CONFIG` for `options.tools` that are not tools.
   */
  runCode(code: string, language: string, options?: RunOptions): Promise<Generated.WorkloadResult> {
    return withNativeOptions(options, (native) => this.#native.runCode(code, language, native))
  }

  /** A session of `language`: its runs share one micro-VM's state until `reset()` or `close()`. */
  session(language: string): Session {
    return new Session(CREATE_SESSION, this.#native.session(language))
  }

  /** How many runs may be in flight at once. */
  get maxConcurrency(): number {
    return this.#native.maxConcurrency
  }

  /** Drops this sandbox's warm guests (and with `{ disk: true }` the snapshot directory's entries). */
  clearCache(options?: Generated.ClearCacheOptions | null): Promise<boolean> {
    return this.#native.clearCache(options)
  }

  /** Warms `language`'s guest now, ahead of its first run. */
  warmUp(language: string): Promise<Generated.WarmUp> {
    return this.#native.warmUp(language)
  }

  /** The directory warm snapshots are saved to and loaded from; `null` when there is none. */
  get snapshotDirectory(): string | null {
    return this.#native.snapshotDirectory
  }

  /** The directory the run log is written to. */
  get logDirectory(): string {
    return this.#native.logDirectory
  }

  /** The directory runs stage files in. */
  get tmpDirectory(): string {
    return this.#native.tmpDirectory
  }
}

/**
 * Runs that share one micro-VM's state, like a notebook kernel (the generated `Session`), made by
 * {@link NanvixSandbox.session}; its `runCode` takes `tools` as {@link RunOptions} does.
 */
export class Session {
  readonly #native: Generated.Session

  /** Made by {@link NanvixSandbox.session} only. */
  constructor(key: typeof CREATE_SESSION, native: Generated.Session) {
    if (key !== CREATE_SESSION) throw new TypeError('a Session is made by NanvixSandbox.session(language)')
    this.#native = native
  }

  /** The session's language. */
  get language(): string {
    return this.#native.language
  }

  /** Runs `code` after whatever ran in this session before; resolves and rejects as `NanvixSandbox.runCode` does. */
  runCode(code: string, options?: RunOptions): Promise<Generated.WorkloadResult> {
    return withNativeOptions(options, (native) => this.#native.runCode(code, native))
  }

  /** Drops the session's state: the next run starts from the clean snapshot. */
  reset(): Promise<void> {
    return this.#native.reset()
  }

  /**
   * Where a server in the session's guest listening on `port` (one of `network.expose`) is reached from this
   * host: `http://127.0.0.1:NNNNN`, a loopback port the host picked. Answers while the serving run runs.
   * Throws `ERR_PORT_NOT_EXPOSED` for a port not exposed, `ERR_PORT_NOT_LISTENING` while nothing listens on it.
   */
  portEndpoint(port: number): string {
    return this.#native.portEndpoint(port)
  }

  /** Ends the session and gives its micro-VM back, clean. Resolves to whether it was open. */
  close(): Promise<boolean> {
    return this.#native.close()
  }
}

/** The addon's function `name`, or an error saying this build of the addon has none. */
function addonFunction<K extends 'probeHypervisor' | 'defaultSnapshotDirectory' | 'defaultPythonImage' | 'clearSnapshotCache'>(name: K): GeneratedModule[K] {
  const fn = addon()[name]
  if (typeof fn !== 'function') throw new Error(`the native addon loaded but does not export ${name}`)
  return fn as GeneratedModule[K]
}

/**
 * Finds out whether this machine can run micro-VMs by booting the smallest installed guest image and running a
 * program in it (the generated `probeHypervisor`). Rejects with `ERR_NATIVE_ADDON_UNAVAILABLE` where the
 * addon cannot load.
 */
export async function probeHypervisor(): Promise<Generated.HypervisorProbe> {
  return addonFunction('probeHypervisor')()
}

/**
 * Empties a snapshot directory (`directory`, else the default one) and resolves to what it removed (the
 * generated `clearSnapshotCache`). Rejects with `ERR_NATIVE_ADDON_UNAVAILABLE` where the addon cannot load.
 */
export async function clearSnapshotCache(directory?: string | null): Promise<Generated.ClearedSnapshots> {
  return addonFunction('clearSnapshotCache')(directory)
}

/**
 * The image Python runs on when `pythonImage` is not given (the generated `defaultPythonImage`). Throws
 * `ERR_NATIVE_ADDON_UNAVAILABLE` where the addon cannot load.
 */
export function defaultPythonImage(): 'standard' | 'data' | null {
  return addonFunction('defaultPythonImage')()
}

/**
 * The snapshot directory a sandbox uses when `snapshotDirectory` is not given (the generated
 * `defaultSnapshotDirectory`). Throws `ERR_NATIVE_ADDON_UNAVAILABLE` where the addon cannot load.
 */
export function defaultSnapshotDirectory(): string | null {
  return addonFunction('defaultSnapshotDirectory')()
}
