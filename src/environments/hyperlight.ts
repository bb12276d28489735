import { performance } from 'node:perf_hooks'

import { ExecutionErrorCode, errorCodeOf, errorMessageOf } from '../errors.js'
import {
  errorResult,
  type ExecutionImage,
  type ExecutionResult,
  type ExecutionToolCall,
  type ImageMimeType,
  type Language,
} from '../execution-result.js'
import type { PythonImage } from '../generated/core-facts.js'
import { HYPERLIGHT_LANGUAGES } from '../input-schema.js'
import {
  loadNativeAddon,
  type NativeAddon,
  type NativeAddonLoader,
  type NativeSandbox,
  type NativeSandboxConfig,
  type NativeSession,
  type NativeRunOptions,
  type NativeWorkloadImage,
  type NativeWorkloadResult,
  type NativeWorkloadToolCall,
} from '../native/addon.js'
import { guardedOutput, lastLine, type ExecutionEnvironment, type RunOptions, type WarmUpResult } from './environment.js'

/** Options of the hyperlight environment; the tool fills in its defaults. */
export interface HyperlightEnvironmentOptions {
  /** Where the sandbox writes its logs. */
  logDirectory?: string
  /** Where the sandbox keeps temporary files. */
  tmpDirectory?: string
  /** Time limit per call, in milliseconds. */
  timeoutMs: number
  /** Most bytes of output kept per call. */
  maxOutputBytes: number
  /** Guest memory in MiB (the addon's default per language when unset). */
  memoryMb?: number
  /** Which image runs Python (validated by the tool); unset: the addon's default (`defaultPythonImage()`). */
  pythonImage?: PythonImage
  /** What the guests may reach (shape validated by the tool, entries by the sandbox when made); unset: nothing. */
  network?: { readonly allow: readonly string[]; readonly maxSockets?: number }
  /** Keep state between calls: one session per language, as notebook interpreters do. */
  persistent?: boolean
  /** Where warm snapshots are saved for later processes (`false`: nowhere); unset: the addon's default. */
  snapshotDirectory?: string | false
  /** Loads the native addon; replaceable for tests and embedders. Default: the package's napi loader. */
  loadAddon?: NativeAddonLoader
  /**
   * Code mode: the functions the code calls as `tools.NAME(...)`, by name (normalised by the tool: each checks
   * its arguments, then runs). Given to every run, in a session too; unset or empty: none.
   */
  tools?: Readonly<Record<string, (args: any) => Promise<unknown>>>
}

/** Advice for the model, appended to the addon's message for setup problems that retrying will not fix. */
const SETUP_ADVICE: Partial<Record<string, string>> = {
  [ExecutionErrorCode.NoHypervisor]:
    'Retrying will not help: this machine cannot run micro-VMs (the hyperlight environment needs Linux with KVM); tell the user.',
  [ExecutionErrorCode.HypervisorUnusable]: 'Retrying will not help: this machine cannot run micro-VMs; tell the user.',
  [ExecutionErrorCode.GuestImageMissing]:
    'Retrying will not help: the guest image for this language is not installed; use another language or tell the user.',
  [ExecutionErrorCode.NotSupported]: 'This language is not available in this version; use python or javascript.',
  [ExecutionErrorCode.NativeAddonUnavailable]: 'Retrying will not help; tell the user.',
  // A sandbox setting the core refused (a malformed network.allow entry, a directory it cannot create…).
  [ExecutionErrorCode.InvalidConfig]: 'Retrying will not help: the tool is configured wrongly; tell the user.',
}

interface OpenSession {
  session: Promise<NativeSession>
  /** The tail of the chain of calls: calls to one session take turns. */
  queue: Promise<unknown>
}

/**
 * Runs code in Hyperlight micro-VMs through the native addon (`NanvixSandbox`): JavaScript, Python, C and C++,
 * isolated by hardware virtualization. The addon is loaded on the first call; every failure to load it, to
 * create the sandbox or to start a guest becomes an error result the model can read.
 */
export class HyperlightEnvironment implements ExecutionEnvironment {
  /** Always `hyperlight`. */
  readonly name = 'hyperlight' as const
  /** Every language of the core, the default (Python) first. */
  readonly languages: readonly Language[] = HYPERLIGHT_LANGUAGES
  /** Whether calls share state through sessions. */
  readonly persistent: boolean
  private readonly config: NativeSandboxConfig
  private readonly timeoutMs: number
  private readonly loadAddon: NativeAddonLoader
  private readonly tools: Readonly<Record<string, (args: any) => Promise<unknown>>> | undefined
  private addon: NativeAddon | undefined
  private sandbox: NativeSandbox | undefined
  private readonly sessions = new Map<Language, OpenSession>()
  private closed = false

  /** Creates the environment; the addon is not loaded until the first call. */
  constructor(options: HyperlightEnvironmentOptions) {
    this.persistent = options.persistent ?? false
    this.timeoutMs = options.timeoutMs
    this.loadAddon = options.loadAddon ?? loadNativeAddon
    this.tools = options.tools !== undefined && Object.keys(options.tools).length > 0 ? options.tools : undefined
    this.config = {
      timeoutMs: options.timeoutMs,
      maxOutputBytes: options.maxOutputBytes,
      ...(options.logDirectory !== undefined && { logDirectory: options.logDirectory }),
      ...(options.tmpDirectory !== undefined && { tmpDirectory: options.tmpDirectory }),
      ...(options.memoryMb !== undefined && { memoryMb: options.memoryMb }),
      ...(options.pythonImage !== undefined && { pythonImage: options.pythonImage }),
      ...(options.network !== undefined && {
        network: { allow: [...options.network.allow], ...(options.network.maxSockets !== undefined && { maxSockets: options.network.maxSockets }) },
      }),
      ...(options.snapshotDirectory !== undefined && { snapshotDirectory: options.snapshotDirectory }),
    }
  }

  /**
   * The image Python runs on: the one configured, else the addon's default (loading the addon); undefined
   * when neither image is installed, the addon cannot load or cannot say.
   */
  pythonImage(): PythonImage | undefined {
    if (this.config.pythonImage !== undefined) return this.config.pythonImage
    try {
      return this.getAddon().defaultPythonImage?.() ?? undefined
    } catch {
      // Runs will report why the addon cannot load; until then the image is unknown.
      return undefined
    }
  }

  /**
   * Runs code in a micro-VM. An abort signal stops the run (the addon interrupts its micro-VM; in a
   * persistent session the state is then gone).
   */
  async run(code: string, language: Language, options: RunOptions = {}): Promise<ExecutionResult> {
    const started = performance.now()
    const elapsed = () => performance.now() - started
    if (this.closed) {
      return errorResult('hyperlight', language, ExecutionErrorCode.ToolClosed, 'This tool was closed; create a new one.')
    }
    if (options.signal?.aborted) {
      return errorResult('hyperlight', language, ExecutionErrorCode.Aborted, 'The call was aborted before it started.')
    }
    let sandbox: NativeSandbox
    try {
      sandbox = this.getSandbox()
    } catch (error) {
      return this.setupErrorResult(error, language, elapsed())
    }
    const onOutput = options.onOutput && guardedOutput(options.onOutput)
    const runOptions: NativeRunOptions = {
      signal: options.signal,
      ...(onOutput && {
        onStdout: (text: string) => onOutput({ stream: 'stdout', text }),
        onStderr: (text: string) => onOutput({ stream: 'stderr', text }),
      }),
      ...(options.stdin !== undefined && { stdin: options.stdin }),
      ...(this.tools !== undefined && { tools: this.tools }),
    }
    if (!this.persistent) {
      try {
        return this.toResult(await sandbox.runCode(code, language, runOptions), language, elapsed())
      } catch (error) {
        return abortedResult(error, language, elapsed()) ?? this.setupErrorResult(error, language, elapsed())
      }
    }
    return this.runInSession(sandbox, code, language, started, runOptions)
  }

  /**
   * Warms each language's guest now (from the snapshot directory, or by booting), one after another, so its next
   * call starts warm; a failure is that language's result, with the code and message a call would report.
   */
  async warmUp(languages: readonly Language[]): Promise<WarmUpResult[]> {
    const results: WarmUpResult[] = []
    for (const language of languages) {
      const started = performance.now()
      if (this.closed) {
        results.push({ language, ok: false, durationMs: 0, error: { code: ExecutionErrorCode.ToolClosed, message: 'This tool was closed; create a new one.' } })
        continue
      }
      try {
        const sandbox = this.getSandbox()
        if (sandbox.warmUp === undefined) {
          results.push({ language, ok: true, durationMs: performance.now() - started })
          continue
        }
        const warm = await sandbox.warmUp(language)
        results.push({ language, ok: true, durationMs: warm.durationMs, ...(warm.warmedFrom && { warmedFrom: warm.warmedFrom }) })
      } catch (error) {
        const durationMs = performance.now() - started
        const { error: reported } = this.setupErrorResult(error, language, durationMs)
        results.push({ language, ok: false, durationMs, ...(reported && { error: reported }) })
      }
    }
    return results
  }

  /** Returns every open session to a clean state (variables, imports and functions are forgotten). */
  async reset(): Promise<void> {
    const open = [...this.sessions.entries()]
    await Promise.all(
      open.map(async ([language, entry]) => {
        const done = entry.queue.then(async () => (await entry.session).reset())
        entry.queue = done.catch(() => undefined)
        try {
          await done
        } catch {
          // A session that cannot reset is dropped; the next call opens a new one.
          this.dropSession(language, entry)
        }
      }),
    )
  }

  /** Closes every session and refuses later calls. */
  async close(): Promise<void> {
    this.closed = true
    const open = [...this.sessions.entries()]
    await Promise.all(open.map(([language, entry]) => this.dropSession(language, entry)))
  }

  private getSandbox(): NativeSandbox {
    if (this.sandbox) return this.sandbox
    this.sandbox = new (this.getAddon().NanvixSandbox)(this.config)
    return this.sandbox
  }

  /** The addon, loaded once; a failure (with code `ERR_NATIVE_ADDON_UNAVAILABLE`) is not kept: the next call tries again. */
  private getAddon(): NativeAddon {
    if (this.addon) return this.addon
    try {
      this.addon = this.loadAddon()
    } catch (error) {
      throw Object.assign(
        new Error(
          `The hyperlight environment needs the native addon of local-code-interpreter (a prebuilt .node for linux-x64-gnu), and it could not be loaded: ${errorMessageOf(error)}`,
        ),
        { code: ExecutionErrorCode.NativeAddonUnavailable },
      )
    }
    return this.addon
  }

  private async runInSession(
    sandbox: NativeSandbox,
    code: string,
    language: Language,
    started: number,
    runOptions: NativeRunOptions,
  ): Promise<ExecutionResult> {
    let entry = this.sessions.get(language)
    if (!entry) {
      const session = Promise.resolve().then(() => sandbox.session(language))
      entry = { session, queue: session }
      this.sessions.set(language, entry)
    }
    const current = entry
    const call = current.queue.then(
      () => this.runOnce(current, code, language, started, runOptions),
      () => this.runOnce(current, code, language, started, runOptions),
    )
    current.queue = call.catch(() => undefined)
    return call
  }

  private async runOnce(
    entry: OpenSession,
    code: string,
    language: Language,
    started: number,
    runOptions: NativeRunOptions,
  ): Promise<ExecutionResult> {
    const elapsed = () => performance.now() - started
    let session: NativeSession
    try {
      session = await entry.session
    } catch (error) {
      this.sessions.delete(language)
      return this.setupErrorResult(error, language, elapsed())
    }
    let workload: NativeWorkloadResult
    try {
      workload = await session.runCode(code, runOptions)
    } catch (error) {
      // An aborted run was stopped and its session restored, clean, by the addon.
      return abortedResult(error, language, elapsed(), ' The session was reset: earlier state is gone.') ?? this.setupErrorResult(error, language, elapsed())
    }
    if (workload.errorCode && workload.errorCode !== ExecutionErrorCode.InvalidPath) {
      // The session's guest could not serve the run: the next call starts a new session.
      await this.dropSession(language, entry)
      const result = this.toResult(workload, language, elapsed())
      result.error!.message += ' The session was discarded: the next call starts a new one, and earlier state is gone.'
      return result
    }
    return this.toResult(workload, language, elapsed())
  }

  private async dropSession(language: Language, entry: OpenSession): Promise<void> {
    if (this.sessions.get(language) === entry) this.sessions.delete(language)
    try {
      await (await entry.session).close()
    } catch {
      // Already unusable; nothing more to release.
    }
  }

  private toResult(workload: NativeWorkloadResult, language: Language, durationMs: number): ExecutionResult {
    if (workload.errorCode) return this.setupResult(workload.errorCode, workload.error ?? workload.errorCode, language, durationMs)
    // The addon keeps at most maxOutputBytes of each stream, beginning and end.
    const exitCode = workload.exitCode
    const stateNote = workload.sessionReset ? ' The session was reset: variables, imports and functions defined earlier are gone.' : ''
    const result: ExecutionResult = {
      output: workload.output,
      stderr: workload.stderr,
      exitCode,
      timedOut: workload.timedOut,
      truncated: workload.truncated,
      durationMs,
      environment: 'hyperlight',
      language,
    }
    // The Python guest's rich results: the last expression's repr and the images shown (base64 here).
    if (workload.value != null) result.value = workload.value
    if (workload.images.length > 0) result.images = toExecutionImages(workload.images)
    // Code mode: the calls of `tools`, when there were any (an addon without code mode reports none).
    const toolCalls = workload.toolCalls ?? []
    if (toolCalls.length > 0) result.toolCalls = toolCalls.map(toExecutionToolCall)
    const nativeError = workload.error ?? undefined
    if (result.timedOut) {
      result.error = {
        code: ExecutionErrorCode.Timeout,
        message: `Execution timed out after ${this.timeoutMs} ms and the guest was stopped. Output up to that point is shown.${stateNote}`,
      }
    } else if (!workload.success) {
      if (exitCode !== 0) {
        const reason = nativeError ?? lastLine(result.stderr) ?? lastLine(result.output)
        result.error = {
          code: ExecutionErrorCode.ExitStatus,
          message: (reason ? `The program exited with code ${exitCode}: ${reason}` : `The program exited with code ${exitCode}.`) + stateNote,
        }
      } else {
        result.error = {
          code: ExecutionErrorCode.WorkloadFailed,
          message: nativeError ?? 'The micro-VM reported a failure without a reason.',
        }
      }
    }
    return result
  }

  /** The result of a call whose program never ran: thrown (`error`), or reported by the addon. */
  private setupErrorResult(error: unknown, language: Language, durationMs: number): ExecutionResult {
    return this.setupResult(errorCodeOf(error), errorMessageOf(error), language, durationMs)
  }

  private setupResult(nativeCode: string | undefined, text: string, language: Language, durationMs: number): ExecutionResult {
    const code = nativeCode?.startsWith('ERR_') ? (nativeCode as ExecutionErrorCode) : ExecutionErrorCode.Internal
    const advice = SETUP_ADVICE[code]
    const message = text.trim()
    // Complete when it ends with . ! or ?, maybe inside a closing bracket or quote; else a full stop goes after it.
    const sentence = /[.!?]["')\]]*$/.test(message) ? message : `${message}.`
    return errorResult('hyperlight', language, code, advice ? `${sentence} ${advice}` : message, durationMs)
  }
}

/** The images of a run as results carry them: in the order shown, their bytes base64-encoded. */
function toExecutionImages(images: readonly NativeWorkloadImage[]): ExecutionImage[] {
  // The guest shows PNG or SVG only (crates/sandbox/src/lang/rich.rs).
  return images.map((image) => ({ mimeType: image.mimeType as ImageMimeType, data: image.data.toString('base64') }))
}

/** One tool call as results carry it. */
function toExecutionToolCall(call: NativeWorkloadToolCall): ExecutionToolCall {
  return { name: call.name, ok: call.ok, durationMs: call.durationMs }
}

/** The result of a run its AbortSignal stopped (the addon rejects it with an `AbortError`), else undefined. */
function abortedResult(error: unknown, language: Language, durationMs: number, note = ''): ExecutionResult | undefined {
  if ((error as { name?: unknown } | null)?.name !== 'AbortError') return undefined
  return errorResult('hyperlight', language, ExecutionErrorCode.Aborted, `The call was aborted and the program stopped.${note}`, durationMs)
}
