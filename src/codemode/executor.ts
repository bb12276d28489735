/**
 * `local-code-interpreter/codemode`: an `Executor` for Cloudflare's `@cloudflare/codemode` that runs the code a
 * model wrote in a Hyperlight micro-VM on this machine, instead of a Cloudflare Worker or a browser iframe.
 *
 * ```ts
 * import { MicroVmExecutor } from 'local-code-interpreter/codemode'
 *
 * const executor = new MicroVmExecutor({ timeoutMs: 30_000 })
 * const { result, error, logs } = await executor.execute(
 *   'async () => { const w = await codemode.getWeather({ city: "Paris" }); return w.celsius }',
 *   [{ name: 'codemode', fns: { getWeather: async ({ city }) => ({ city, celsius: 21 }) } }],
 * )
 * ```
 *
 * It is what codemode's `createCodeTool`, `codeMcpServer` and `openApiMcpServer` take as `executor`. The code
 * runs as JavaScript (QuickJS) in the micro-VM, with no network unless `network.allow` opens destinations, no
 * host files and no host environment; each provider is a global of the code (`codemode.*`, `github.*`, …)
 * whose functions run here, in this process (`src/codemode/channel.ts` says how).
 */
import { ExecutionErrorCode, InvalidConfigError, errorCodeOf, errorMessageOf } from '../errors.js'
import { networkOption, type NetworkOptions } from '../code-execution-tool.js'
import { lastLine } from '../environments/environment.js'
import { MAX_CODE_BYTES } from '../generated/core-facts.js'
import { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_TIMEOUT_MS, wholeNumber } from '../limits.js'
import { loadNativeAddon, type NativeAddonLoader, type NativeSandbox, type NativeSandboxConfig, type NativeWorkloadResult } from '../native/addon.js'
import {
  CHANNEL_TOOL,
  CodemodeChannel,
  guestProgram,
  linesOf,
  messageOf,
  type ChannelNamespace,
  type ChannelOutcome,
  type CodemodeFunction,
  type CodemodeToolCaller,
} from './channel.js'
import { RESERVED_WORDS, isIdentifier, normalizeCode, sanitizeToolName } from './code.js'

export type { CodemodeFunction, CodemodeToolCaller } from './channel.js'
export type { NetworkOptions } from '../code-execution-tool.js'

/**
 * A namespace of functions the code can call, as codemode resolves a tool provider (its `ResolvedProvider`):
 * the code calls `NAME.fn(...args)` and `fns.fn(...args)` runs here with those arguments.
 */
export interface CodemodeProvider {
  /** The global the code reaches the functions by (`codemode`, `github`, …): an identifier. */
  name: string
  /**
   * The functions, by name; the code calls each by its name made an identifier as codemode makes it
   * (`get-weather` as `codemode.get_weather`). Each gets the code's arguments (as JSON: binary data as
   * `Uint8Array`) and may return a promise; what it returns reaches the code as JSON, what it throws as an
   * `Error` with its message.
   */
  fns: Readonly<Record<string, CodemodeFunction>>
  /** JavaScript run in the sandbox before the code, where the namespaces are in scope (e.g. to add `codemode.step`). */
  prelude?: string
}

/** A connector passed to the sandbox (codemode's `ConnectorBinding`): the code's `NAME.method(args)` is `binding.callTool('method', args)`. */
export interface CodemodeConnector {
  /** The global the code reaches the connector by: an identifier, not a provider's name. */
  name: string
  /** What serves its calls (a codemode connector, or any object with `callTool`). */
  binding: CodemodeToolCaller
}

/** Per-execution options (codemode's `ExecuteOptions`, plus `signal`). */
export interface CodemodeExecuteOptions {
  /** Connectors the code reaches by name, besides the providers. */
  connectors?: readonly CodemodeConnector[]
  /** Aborting stops the execution and its micro-VM; the result then says it was aborted. */
  signal?: AbortSignal
}

/** What an execution produced (codemode's `ExecuteResult`). */
export interface CodemodeExecuteResult {
  /** The value the code's function returned (after JSON; `Uint8Array`/`ArrayBuffer` kept); undefined on error. */
  result: unknown
  /**
   * Why there is no result: the message of what the code threw (or a rejection it awaited), a syntax error,
   * `Execution timed out after N ms`, or why the sandbox could not run (with its `ERR_*` code in parentheses).
   */
  error?: string
  /**
   * What the code printed, one entry per line: `console.log` and the rest of the console as Node formats
   * them, `console.warn` and `console.error` lines marked `[warn]` and `[error]` as codemode's executors mark
   * them; at most `maxOutputBytes` (its beginning and end, with a marker line between).
   */
  logs: string[]
}

/** Options of {@link MicroVmExecutor}. Every one is optional. */
export interface MicroVmExecutorOptions {
  /**
   * Time limit of one execution in milliseconds, the time its functions take included (the micro-VM's first
   * boot is not). Default `DEFAULT_TIMEOUT_MS`.
   */
  timeoutMs?: number
  /** Guest memory in MiB. Default: the JavaScript image's (64). */
  memoryMb?: number
  /** Most bytes of output kept per execution for `logs` (its beginning and end). Default `DEFAULT_MAX_OUTPUT_BYTES`. */
  maxOutputBytes?: number
  /**
   * What the code may reach on the network, as `SandboxConfig.network` of the package: `{ allow: [...] }`.
   * Default: nothing. (The JavaScript guest has no `fetch` yet, so code reaches the network only through its
   * functions, which run on the host.)
   */
  network?: NetworkOptions
  /** How many executions may run at once, each in its own micro-VM; more wait their turn. Default: the CPUs. */
  maxConcurrency?: number
  /** Loads the native addon; for tests and embedders that load it themselves. */
  loadNativeAddon?: NativeAddonLoader
}

/**
 * Runs `@cloudflare/codemode`'s code in Hyperlight micro-VMs: an `Executor` (`execute(code, providersOrFns,
 * options?) → { result, error?, logs }`), for `createCodeTool({ tools, executor })`, `codeMcpServer({ server,
 * executor })` or direct use.
 *
 * Each execution starts from the JavaScript guest's clean snapshot (its first one boots the guest) and makes
 * each provider a global of the code; the code is normalised as codemode's executors normalise it (an async
 * arrow function as it is; a body returns its last expression). `execute` never rejects: every failure is an
 * `error` in the result. The constructor throws {@link InvalidConfigError} for an option out of range or a
 * malformed `network.allow` entry.
 */
export class MicroVmExecutor {
  /** Time limit of one execution, in milliseconds. */
  readonly timeoutMs: number
  /** Most bytes of output kept per execution. */
  readonly maxOutputBytes: number
  /** What the code may reach (a frozen copy of the option); undefined: nothing. */
  readonly network: Readonly<NetworkOptions> | undefined
  private readonly sandbox: NativeSandbox | undefined
  private readonly unavailable: string | undefined

  /** Creates the executor; the micro-VM boots at the first execution. */
  constructor(options: MicroVmExecutorOptions = {}) {
    this.timeoutMs = wholeNumber('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS)
    this.maxOutputBytes = wholeNumber('maxOutputBytes', options.maxOutputBytes, DEFAULT_MAX_OUTPUT_BYTES)
    const memoryMb = wholeNumber('memoryMb', options.memoryMb, undefined)
    const maxConcurrency = wholeNumber('maxConcurrency', options.maxConcurrency, undefined)
    this.network = networkOption(options.network)
    const config: NativeSandboxConfig = {
      timeoutMs: this.timeoutMs,
      maxOutputBytes: this.maxOutputBytes,
      ...(memoryMb !== undefined && { memoryMb }),
      ...(maxConcurrency !== undefined && { maxConcurrency }),
      ...(this.network !== undefined && {
        network: { allow: [...this.network.allow], ...(this.network.maxSockets !== undefined && { maxSockets: this.network.maxSockets }) },
      }),
    }
    let addon
    try {
      addon = (options.loadNativeAddon ?? loadNativeAddon)()
    } catch (error) {
      // Where the addon cannot load, executions say why (codemode's executors report, they do not throw).
      this.unavailable = `The micro-VM sandbox needs the native addon of local-code-interpreter, and it could not be loaded: ${errorMessageOf(error)} (${ExecutionErrorCode.NativeAddonUnavailable})`
      return
    }
    try {
      this.sandbox = new addon.NanvixSandbox(config)
    } catch (error) {
      // A malformed network.allow entry, a value the core refuses: the addon's ERR_INVALID_CONFIG.
      throw new InvalidConfigError(errorMessageOf(error))
    }
  }

  /**
   * Runs `code` with `providersOrFns` as its globals — codemode's providers (`[{ name, fns, prelude? }]`), or
   * functions alone, which the code reaches as `codemode.*` — and `options.connectors`. Resolves with the value
   * the code's function returned, or `error`, and the lines it printed; never rejects.
   */
  async execute(
    code: string,
    providersOrFns: readonly CodemodeProvider[] | Readonly<Record<string, CodemodeFunction>>,
    options?: CodemodeExecuteOptions,
  ): Promise<CodemodeExecuteResult> {
    try {
      if (typeof code !== 'string') return failure(`The code must be a string, got ${typeof code}`)
      const plan = planNamespaces(providersOrFns, options?.connectors ?? [])
      if (typeof plan === 'string') return failure(plan)
      if (this.sandbox === undefined) return failure(this.unavailable ?? 'The micro-VM sandbox is not available')
      const channel = new CodemodeChannel(plan.namespaces)
      const normalized = normalizeCode(code)
      const spec = { namespaces: [...plan.namespaces.keys()], prelude: plan.prelude }
      let program = guestProgram({ ...spec, code: normalized })
      // Code larger than a run carries (openApiMcpServer puts a whole OpenAPI spec in it) comes through the channel.
      if (Buffer.byteLength(program, 'utf8') > MAX_CODE_BYTES) program = guestProgram({ ...spec, codeDownload: channel.offer(normalized) })
      let workload: NativeWorkloadResult
      try {
        workload = await this.sandbox.runCode(program, 'javascript', {
          tools: { [CHANNEL_TOOL]: (payload: unknown) => channel.handle(payload) },
          ...(options?.signal !== undefined && { signal: options.signal }),
        })
      } catch (error) {
        if ((error as { name?: unknown } | null)?.name === 'AbortError') return failure('The execution was aborted and its micro-VM stopped')
        return failure(withCode(errorMessageOf(error), errorCodeOf(error)))
      }
      return this.resultOf(workload, channel.outcome)
    } catch (error) {
      return failure(`The execution failed: ${messageOf(error)}`)
    }
  }

  private resultOf(workload: NativeWorkloadResult, outcome: ChannelOutcome | undefined): CodemodeExecuteResult {
    const logs = linesOf(workload.output)
    if (outcome !== undefined) return 'error' in outcome ? { result: undefined, error: outcome.error, logs } : { result: outcome.result, logs }
    if (workload.errorCode) return { result: undefined, error: withCode(workload.error ?? 'The micro-VM could not run the code', workload.errorCode), logs }
    if (workload.timedOut) return { result: undefined, error: `Execution timed out after ${this.timeoutMs} ms`, logs }
    if (workload.exitCode !== 0) {
      const reason = workload.error ?? lastLine(workload.stderr)
      return { result: undefined, error: `The sandbox ended with exit code ${workload.exitCode}${reason ? `: ${reason}` : ''}`, logs }
    }
    return {
      result: undefined,
      error: 'The code ended without settling: its function awaited something that never happened, or it called process.exit()',
      logs,
    }
  }
}

/** Namespaces that would hide what the code needs (codemode's executors refuse the same). */
const RESERVED_NAMESPACES = new Set(['console', 'Promise', 'Error', 'setTimeout', 'globalThis', 'JSON'])

/** The namespaces of an execution by the names the code uses, and the providers' preludes; or why not. */
function planNamespaces(
  providersOrFns: unknown,
  connectors: readonly CodemodeConnector[],
): { namespaces: Map<string, ChannelNamespace>; prelude: string } | string {
  if (providersOrFns === null || typeof providersOrFns !== 'object') {
    return `The providers must be a list of { name, fns } or an object of functions, got ${providersOrFns === null ? 'null' : typeof providersOrFns}`
  }
  const providers: unknown[] = Array.isArray(providersOrFns) ? providersOrFns : [{ name: 'codemode', fns: providersOrFns }]
  if (!Array.isArray(connectors)) return 'options.connectors must be a list of { name, binding }'
  const namespaces = new Map<string, ChannelNamespace>()
  const preludes: string[] = []
  const checkName = (name: unknown, what: string): string | undefined => {
    if (typeof name !== 'string' || !isIdentifier(name)) return `${what} name ${JSON.stringify(name)} is not a valid JavaScript identifier`
    if (RESERVED_WORDS.has(name) || RESERVED_NAMESPACES.has(name)) return `${what} name "${name}" is reserved`
    if (namespaces.has(name)) return `Duplicate name "${name}"`
    return undefined
  }
  for (const provider of providers) {
    const { name, fns, prelude } = (provider ?? {}) as Partial<CodemodeProvider>
    const refused = checkName(name, 'Provider')
    if (refused) return refused
    if (fns === null || typeof fns !== 'object') return `Provider "${name}" has no fns object`
    if (prelude !== undefined && typeof prelude !== 'string') return `Provider "${name}": prelude must be a string`
    const functions = new Map<string, CodemodeFunction>()
    const sources = new Map<string, string>()
    for (const [tool, fn] of Object.entries(fns)) {
      if (typeof fn !== 'function') return `Tool "${tool}" of provider "${name}" is not a function`
      const safe = sanitizeToolName(tool)
      const earlier = sources.get(safe)
      if (earlier !== undefined) return `Tool names "${earlier}" and "${tool}" both sanitize to "${safe}" in provider "${name}"`
      sources.set(safe, tool)
      functions.set(safe, fn)
    }
    namespaces.set(name!, { kind: 'functions', functions })
    if (prelude) preludes.push(prelude)
  }
  for (const connector of connectors) {
    const { name, binding } = (connector ?? {}) as Partial<CodemodeConnector>
    const refused = checkName(name, 'Connector')
    if (refused) return refused
    if (typeof binding?.callTool !== 'function') return `Connector "${name}" has no binding with callTool`
    namespaces.set(name!, { kind: 'connector', binding })
  }
  return { namespaces, prelude: preludes.join('\n') }
}

function failure(error: string): CodemodeExecuteResult {
  return { result: undefined, error, logs: [] }
}

function withCode(message: string, code: string | undefined): string {
  return code?.startsWith('ERR_') ? `${message.trim()} (${code})` : message.trim()
}
