import { performance } from 'node:perf_hooks'

import { nativeToolFunctions, normalizeCodeModeTools, type CodeModeToolInfo, type CodeModeTools } from './code-mode/tools.js'
import { HyperlightEnvironment } from './environments/hyperlight.js'
import type { ExecutionEnvironment, OutputChunk, RunOptions, WarmUpResult } from './environments/environment.js'
import { PythonEnvironment } from './environments/python.js'
import { ExecutionErrorCode, InvalidConfigError, errorMessageOf } from './errors.js'
import { ENVIRONMENTS, errorResult, type EnvironmentName, type ExecutionResult, type Language } from './execution-result.js'
import {
  inputJsonSchemaFor,
  inputSchemaFor,
  type CodeExecutionInput,
  type HyperlightInputSchema,
  type PythonInputSchema,
} from './input-schema.js'
import { LANGUAGE_ALIASES, PYTHON_IMAGES, type PythonImage } from './generated/core-facts.js'
import { DEFAULT_MAX_CODE_BYTES, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_TIMEOUT_MS, wholeNumber } from './limits.js'
import type { NativeAddonLoader } from './native/addon.js'
import { describeTool } from './tool-description.js'

/** Whether a person must approve each call before it runs; adapters map it to their framework's mechanism. */
export type ApprovalMode = 'never_require' | 'always_require'

/** What the micro-VM guests may reach on the network (hyperlight): the `network` option of {@link CodeExecutionTool}. */
export interface NetworkOptions {
  /**
   * The destinations allowed, each a host name (`api.example.com`), a name's subdomains (`*.example.com`),
   * an IP address or a CIDR range, optionally with `:port` (`[v6]:port` for IPv6). A name not covered is
   * never resolved; every address not covered is refused, and loopback and cloud-metadata addresses are
   * refused whatever the list says. Broad entries (`0.0.0.0/0`, `::/0`, `*.example.com`) mean the public
   * internet: private addresses and this host's own are reached only through entries that name them.
   */
  allow: readonly string[]
  /** How many host sockets one guest may hold at once (EMFILE past it); unset: `DEFAULT_MAX_SOCKETS`. */
  maxSockets?: number
}

/** Options of {@link CodeExecutionTool}. Every one is optional. */
export interface CodeExecutionToolOptions {
  /** `python` (default): a local subprocess, trusted code. `hyperlight`: a micro-VM, untrusted code. */
  environment?: EnvironmentName
  /** The tool's name as models see it. Default `execute_code`. */
  name?: string
  /** Whether each call needs a person's approval first. Default `never_require`. */
  approvalMode?: ApprovalMode
  /** Time limit per call, in milliseconds. Default `DEFAULT_TIMEOUT_MS`. */
  timeoutMs?: number
  /** Most bytes of output kept per call (beginning and end, with a marker between). Default `DEFAULT_MAX_OUTPUT_BYTES`. */
  maxOutputBytes?: number
  /** Largest code accepted, in bytes (UTF-8). Default `MAX_CODE_BYTES`, what one micro-VM run carries. */
  maxCodeBytes?: number
  /** Where temporary files go (python: each call's private directory; hyperlight: the sandbox's). */
  tmpDirectory?: string
  /** Where the micro-VM sandbox writes logs (hyperlight). */
  logDirectory?: string
  /** Keep state between calls, one session per language, as notebook interpreters do (hyperlight only). */
  persistent?: boolean
  /** Guest memory in MiB (hyperlight). */
  memoryMb?: number
  /**
   * Where each language's warm snapshot is saved, so a new process's first call loads it instead of booting
   * (hyperlight): a directory, or `false` for nowhere. Default: `DEFAULT_SNAPSHOT_DIRECTORY` (src/generated/core-facts.ts).
   */
  snapshotDirectory?: string | false
  /**
   * Which image runs Python (hyperlight): `data` (numpy, pandas, scipy, scikit-learn, matplotlib…, package
   * `local-code-interpreter-guest-python-data`) or `standard` (the standard library only). Default: `data`
   * when its package is installed, else `standard`. A chosen image that is not installed makes Python calls
   * fail with `ERR_GUEST_IMAGE_MISSING`. The description tells the model what the image has.
   */
  pythonImage?: PythonImage
  /**
   * What the guests may reach on the network (hyperlight): `{ allow: ['api.example.com', '*.example.org:443',
   * '10.0.0.0/8'] }`. Default: nothing, every socket is refused. The entries' form is checked by the sandbox
   * when the first call makes it: a malformed entry makes calls fail with `ERR_INVALID_CONFIG` naming it. The
   * description names the allowed destinations to the model. Not for the python environment, which has the
   * host's network and cannot be limited.
   */
  network?: NetworkOptions
  /**
   * Code mode (hyperlight): host functions the code can call as `tools.NAME(...)` — in JavaScript
   * `await tools.getWeather({ city: 'Paris' })`, in Python `tools.getWeather(city='Paris')` — by name (an
   * identifier), or a list of tools that carry their names. Each is a function, a
   * `{ description?, inputSchema?, execute }` (zod or JSON Schema), a Vercel AI SDK `tool()`, an OpenAI Agents
   * SDK function tool or a LangChain tool; an MCP server's tools come from `toolsFromMcpClient(client)`. A
   * call's arguments are checked against the schema before the tool runs (the code gets an exception naming the
   * wrong argument), results cross as JSON, and the description lists each tool's signature in both languages.
   * A name that is not an identifier, or anything that is not a tool, is an {@link InvalidConfigError}. Not for
   * the python environment (a plain subprocess, with no way to call them).
   */
  tools?: CodeModeTools
  /** The Python command or path (python). Default `python3`, resolved once to the real executable. */
  pythonPath?: string
  /** Extra environment variables for programs (python); nothing else is inherited beyond a short allow-list. */
  env?: Record<string, string>
  /** Loads the native addon (hyperlight); for tests and embedders that load it themselves. */
  loadNativeAddon?: NativeAddonLoader
}

/** Per-call options of {@link CodeExecutionTool.execute}. */
export interface ExecuteOptions {
  /** Aborting kills the program: the python subprocess's process group, or the run in its micro-VM. */
  signal?: AbortSignal
  /**
   * Called with the program's output as it is written, `{ stream: 'stdout' | 'stderr', text }`: each stream's
   * chunks in the order written, whole characters, all of it whatever `maxOutputBytes` keeps for the result,
   * and every chunk before `execute` resolves. A callback that throws is reported once (a process warning) and
   * the run goes on. python: what `sys.stdout` and `sys.stderr` write, exact (writes that bypass them, such as
   * a child process's output, are in the result only). hyperlight: delivered whenever the program waits (the
   * guest is not preempted: output written while computing comes when it next waits or ends); stderr exact;
   * stdout exact except in a step where a program wrote the same characters to both streams (see docs/api.md,
   * "Streaming output").
   */
  onOutput?: (chunk: OutputChunk) => void
}

/**
 * A code-execution tool for AI agents: the model sends `{ code, language? }`, the tool runs it and resolves
 * with an {@link ExecutionResult}. Every failure (invalid input, a crash, a timeout, a micro-VM that cannot
 * start) is a result the model can read; `execute` never rejects. The framework adapters
 * (`local-code-interpreter/openai-agents`, `/ai-sdk`, `/langchain`, `/mcp`) wrap one of these.
 */
export class CodeExecutionTool {
  /** The tool's name as models see it. */
  readonly name: string
  /** The environment that runs the code. */
  readonly environment: EnvironmentName
  /** The input schema as zod: `{ code }`, plus `language` for hyperlight. */
  readonly inputSchema: PythonInputSchema | HyperlightInputSchema
  /** The same input schema as JSON Schema. */
  readonly inputJsonSchema: Record<string, unknown>
  /** Whether each call needs approval. */
  readonly approvalMode: ApprovalMode
  /** The languages this tool runs; the first is the default. */
  readonly languages: readonly Language[]
  /** Time limit per call, in milliseconds. */
  readonly timeoutMs: number
  /** Most bytes of output kept per call. */
  readonly maxOutputBytes: number
  /** Largest code accepted, in bytes. */
  readonly maxCodeBytes: number
  /** Whether calls share state (hyperlight sessions). */
  readonly persistent: boolean
  /** What the guests may reach (hyperlight), a frozen copy of the `network` option; undefined when not given (no network). */
  readonly network: Readonly<NetworkOptions> | undefined
  /** The code-mode tools the code can call (the `tools` option, normalised): names, descriptions, schemas; empty without. */
  readonly codeModeTools: readonly CodeModeToolInfo[]
  private readonly runner: ExecutionEnvironment
  private readonly hyperlight: HyperlightEnvironment | undefined
  private resolved: { pythonImage: PythonImage | undefined; description: string } | undefined

  /** Creates the tool; throws {@link InvalidConfigError} (code `ERR_INVALID_CONFIG`) for invalid options. */
  constructor(options: CodeExecutionToolOptions = {}) {
    const environment = options.environment ?? 'python'
    if (!ENVIRONMENTS.includes(environment)) {
      throw new InvalidConfigError(`environment must be one of ${ENVIRONMENTS.join(', ')}, got ${String(environment)}`)
    }
    const approvalMode = options.approvalMode ?? 'never_require'
    if (approvalMode !== 'never_require' && approvalMode !== 'always_require') {
      throw new InvalidConfigError(`approvalMode must be never_require or always_require, got ${String(approvalMode)}`)
    }
    if (options.persistent && environment !== 'hyperlight') {
      throw new InvalidConfigError('persistent sessions exist in the hyperlight environment only')
    }
    if (options.pythonImage !== undefined) {
      if (!PYTHON_IMAGES.includes(options.pythonImage)) {
        throw new InvalidConfigError(`pythonImage must be one of ${PYTHON_IMAGES.join(', ')}, got ${String(options.pythonImage)}`)
      }
      if (environment !== 'hyperlight') {
        throw new InvalidConfigError('pythonImage applies to the hyperlight environment only (the python environment runs pythonPath)')
      }
    }
    const network = networkOption(options.network)
    if (network !== undefined && environment !== 'hyperlight') {
      throw new InvalidConfigError(
        'network applies to the hyperlight environment only (the python environment has the host\'s network and cannot limit it)',
      )
    }
    if (options.tools !== undefined && environment !== 'hyperlight') {
      throw new InvalidConfigError(
        'tools (code mode) apply to the hyperlight environment only (the python environment runs a plain python3 subprocess, which has no way to call them)',
      )
    }
    const codeModeTools = options.tools === undefined ? [] : normalizeCodeModeTools(options.tools)
    this.environment = environment
    this.approvalMode = approvalMode
    this.name = options.name ?? 'execute_code'
    // The ranges are the micro-VM sandbox's own (CONFIG_RANGES), so a value accepted here is never refused by a run.
    this.timeoutMs = wholeNumber('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS)
    this.maxOutputBytes = wholeNumber('maxOutputBytes', options.maxOutputBytes, DEFAULT_MAX_OUTPUT_BYTES)
    this.maxCodeBytes = wholeNumber('maxCodeBytes', options.maxCodeBytes, DEFAULT_MAX_CODE_BYTES)
    if (options.memoryMb !== undefined) wholeNumber('memoryMb', options.memoryMb, undefined)
    if (options.snapshotDirectory !== undefined) {
      if (options.snapshotDirectory !== false && (typeof options.snapshotDirectory !== 'string' || options.snapshotDirectory === '')) {
        throw new InvalidConfigError(`snapshotDirectory must be a directory or false, got ${String(options.snapshotDirectory)}`)
      }
      if (environment !== 'hyperlight') throw new InvalidConfigError('snapshotDirectory applies to the hyperlight environment only')
    }
    this.persistent = options.persistent ?? false
    this.network = network
    this.codeModeTools = Object.freeze(codeModeTools.map(({ call: _call, ...info }) => Object.freeze(info)))
    this.hyperlight =
      environment === 'hyperlight'
        ? new HyperlightEnvironment({
            logDirectory: options.logDirectory,
            tmpDirectory: options.tmpDirectory,
            timeoutMs: this.timeoutMs,
            maxOutputBytes: this.maxOutputBytes,
            memoryMb: options.memoryMb,
            pythonImage: options.pythonImage,
            ...(options.snapshotDirectory !== undefined && { snapshotDirectory: options.snapshotDirectory }),
            network,
            persistent: this.persistent,
            loadAddon: options.loadNativeAddon,
            ...(codeModeTools.length > 0 && { tools: nativeToolFunctions(codeModeTools) }),
          })
        : undefined
    this.runner =
      this.hyperlight ??
      new PythonEnvironment({
        pythonPath: options.pythonPath,
        tmpDirectory: options.tmpDirectory,
        timeoutMs: this.timeoutMs,
        maxOutputBytes: this.maxOutputBytes,
        env: options.env,
      })
    this.languages = this.runner.languages
    this.inputSchema = inputSchemaFor(environment)
    this.inputJsonSchema = inputJsonSchemaFor(environment)
  }

  /**
   * What the model reads: languages (for hyperlight Python, what its image has), isolation, state and limits,
   * and the code-mode tools' signatures.
   * Made when first read: without `pythonImage`, a hyperlight tool then loads the native addon to learn
   * which image Python runs on (an addon that cannot load is described as the standard image).
   */
  get description(): string {
    return this.resolve().description
  }

  /**
   * The image Python runs on (hyperlight): `pythonImage` when given, else the native addon's default;
   * undefined in the python environment, or when no Python image is installed or the addon cannot load.
   */
  get pythonImage(): PythonImage | undefined {
    return this.resolve().pythonImage
  }

  private resolve(): { pythonImage: PythonImage | undefined; description: string } {
    if (this.resolved) return this.resolved
    const pythonImage = this.hyperlight?.pythonImage()
    const description = describeTool({
      environment: this.environment,
      timeoutMs: this.timeoutMs,
      maxOutputBytes: this.maxOutputBytes,
      persistent: this.persistent,
      ...(pythonImage !== undefined && { pythonImage }),
      ...(this.network !== undefined && { networkAllow: this.network.allow }),
      ...(this.codeModeTools.length > 0 && { tools: this.codeModeTools }),
    })
    this.resolved = { pythonImage, description }
    return this.resolved
  }

  /** True when `approvalMode` is `always_require`. */
  get needsApproval(): boolean {
    return this.approvalMode === 'always_require'
  }

  /**
   * Runs `code` and resolves with what happened. Never rejects: invalid input (`ERR_INVALID_INPUT`,
   * `ERR_EMPTY_CODE`, `ERR_CODE_TOO_LARGE`, `ERR_UNKNOWN_LANGUAGE`) and every failure come back as a result
   * with `error` set.
   */
  async execute(input: CodeExecutionInput, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    const started = performance.now()
    const defaultLanguage = this.languages[0]
    try {
      if (input === null || typeof input !== 'object' || typeof input.code !== 'string') {
        return errorResult(this.environment, defaultLanguage, ExecutionErrorCode.InvalidInput, 'The input must be an object with a string `code`.')
      }
      const language = this.resolveLanguage(input.language)
      if (language === undefined) {
        return errorResult(
          this.environment,
          defaultLanguage,
          ExecutionErrorCode.UnknownLanguage,
          `The ${this.environment} environment does not run "${String(input.language)}"; it runs ${this.languages.join(', ')}.`,
        )
      }
      if (input.code.trim().length === 0) {
        return errorResult(this.environment, language, ExecutionErrorCode.EmptyCode, 'The code is empty: send the program to run.')
      }
      const size = Buffer.byteLength(input.code, 'utf8')
      if (size > this.maxCodeBytes) {
        return errorResult(
          this.environment,
          language,
          ExecutionErrorCode.CodeTooLarge,
          `The code is ${size} bytes; the limit is ${this.maxCodeBytes} bytes. Send a shorter program.`,
        )
      }
      if (input.stdin !== undefined && input.stdin !== null && typeof input.stdin !== 'string') {
        return errorResult(this.environment, language, ExecutionErrorCode.InvalidInput, 'The `stdin` must be a string.')
      }
      const runOptions: RunOptions = {
        ...(options.signal && { signal: options.signal }),
        ...(options.onOutput && { onOutput: options.onOutput }),
        ...(typeof input.stdin === 'string' && { stdin: input.stdin }),
      }
      return await this.runner.run(input.code, language, runOptions)
    } catch (error) {
      return errorResult(this.environment, defaultLanguage, ExecutionErrorCode.Internal, errorMessageOf(error), performance.now() - started)
    }
  }

  /**
   * Gets languages ready ahead of the first call, so that it starts warm: hyperlight boots each language's guest
   * (or loads its snapshot from the snapshot directory, as a new process's first call would), python finds the
   * interpreter. Call it as a server starts or an agent makes its tools, without awaiting it: a call that comes
   * meanwhile waits for the same warm-up instead of starting another. `languages` (names or aliases): default the
   * default language. Resolves with one result per language, failures included (`ERR_UNKNOWN_LANGUAGE`, or what a
   * call would report: `ERR_NO_HYPERVISOR`…); never rejects.
   */
  async warmUp(languages?: readonly string[]): Promise<WarmUpResult[]> {
    const asked = languages === undefined || languages.length === 0 ? [this.languages[0]] : languages
    const results: WarmUpResult[] = []
    for (const name of asked) {
      const language = this.resolveLanguage(name)
      if (language === undefined) {
        const message = `Unknown language ${JSON.stringify(name)}; this tool runs ${this.languages.join(', ')}.`
        results.push({ language: name, ok: false, durationMs: 0, error: { code: ExecutionErrorCode.UnknownLanguage, message } })
        continue
      }
      results.push(...(await this.runner.warmUp([language])))
    }
    return results
  }

  /** Forgets state kept between calls (hyperlight sessions); a no-op where every call is fresh. */
  reset(): Promise<void> {
    return this.runner.reset()
  }

  /** Releases sessions and sandboxes; later calls resolve with `ERR_TOOL_CLOSED`. */
  close(): Promise<void> {
    return this.runner.close()
  }

  private resolveLanguage(language: unknown): Language | undefined {
    if (language === undefined || language === null || language === '') return this.languages[0]
    if (typeof language !== 'string') return undefined
    const name = language.trim().toLowerCase()
    const resolved = Object.hasOwn(LANGUAGE_ALIASES, name) ? LANGUAGE_ALIASES[name] : undefined
    return resolved !== undefined && this.languages.includes(resolved) ? resolved : undefined
  }
}

/**
 * The `network` option checked for shape (an object whose `allow` is an array of strings, and `maxSockets` a
 * whole number in range when given), as a frozen copy; the entries' form is the sandbox's to check (the Rust
 * core's `network.allow` rules), when it is made.
 */
export function networkOption(network: unknown): Readonly<NetworkOptions> | undefined {
  if (network === undefined) return undefined
  if (network === null || typeof network !== 'object' || Array.isArray(network)) {
    throw new InvalidConfigError(`network must be an object { allow: string[] }, got ${kindOf(network)}`)
  }
  const allow: unknown = (network as { allow?: unknown }).allow
  if (!Array.isArray(allow)) throw new InvalidConfigError(`network.allow must be an array of strings, got ${kindOf(allow)}`)
  const entries: unknown[] = Array.from(allow)
  const bad = entries.findIndex((entry) => typeof entry !== 'string')
  if (bad !== -1) throw new InvalidConfigError(`network.allow[${bad}] must be a string, got ${kindOf(entries[bad])}`)
  const maxSockets: unknown = (network as { maxSockets?: unknown }).maxSockets
  if (maxSockets === undefined) return Object.freeze({ allow: Object.freeze(entries as string[]) })
  return Object.freeze({
    allow: Object.freeze(entries as string[]),
    maxSockets: wholeNumber('network.maxSockets', maxSockets as number, 0),
  })
}

/** What a value is, for messages: `null`, `an array`, or its `typeof`. */
function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
}
