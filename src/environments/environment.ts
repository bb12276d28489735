import type { ExecutionError } from '../errors.js'
import type { EnvironmentName, ExecutionResult, Language } from '../execution-result.js'

/** Per-call options an environment honours. */
export interface RunOptions {
  /** Aborts the call: the program is killed and the result says `ERR_ABORTED` (where the environment can). */
  signal?: AbortSignal
  /** What the program reads on its standard input, then end of file (none: end of file at once). */
  stdin?: string
  /** Called with the program's output as it is written (see {@link OutputChunk}); a callback that throws is reported once and the run goes on. */
  onOutput?: (chunk: OutputChunk) => void
}

/**
 * Output a program wrote, handed to `onOutput` as it is written: each stream's chunks in the order written,
 * whole characters, all of it (the result's `output` is still capped), every chunk before the call resolves.
 * Across the two streams the order is as exact as the environment can know (see docs/api.md,
 * "Streaming output").
 */
export interface OutputChunk {
  /** The stream the program wrote it to. */
  stream: 'stdout' | 'stderr'
  /** What it wrote. */
  text: string
}

/**
 * `onOutput` made safe to call from a run: a throw is caught, reported once (as a process warning), and
 * later chunks still reach it.
 */
export function guardedOutput(onOutput: (chunk: OutputChunk) => void): (chunk: OutputChunk) => void {
  let reported = false
  return (chunk) => {
    try {
      onOutput(chunk)
    } catch (error) {
      if (reported) return
      reported = true
      process.emitWarning(`onOutput threw (the run goes on; later throws are not reported): ${error instanceof Error ? error.message : String(error)}`, 'LocalCodeInterpreterWarning')
    }
  }
}

/** What warming one language did ({@link CodeExecutionTool.warmUp}). */
export interface WarmUpResult {
  /** The language: its name (`python`, `javascript`, `c`, `cpp`), or the name given when it is not one the tool runs. */
  language: Language | (string & {})
  /** Whether it is ready: the next call starts warm. */
  ok: boolean
  /**
   * hyperlight: `boot` when the guest was booted and warmed up, `disk` when its snapshot was loaded from the snapshot
   * directory; unset when it was warm already (or for the python environment).
   */
  warmedFrom?: 'boot' | 'disk'
  /** How long it took, in milliseconds. */
  durationMs: number
  /** Why it is not ready (the code and message a call would report). */
  error?: ExecutionError
}

/** What the tool needs from an environment: run validated code, reset state, release resources. */
export interface ExecutionEnvironment {
  /** The environment's name, as users choose it. */
  readonly name: EnvironmentName
  /** The languages it runs; the first is the default. */
  readonly languages: readonly Language[]
  /** Runs code already validated by the tool. Resolves with a result for every outcome; never rejects. */
  run(code: string, language: Language, options?: RunOptions): Promise<ExecutionResult>
  /** Gets `languages` ready so that the next call of each starts warm. Resolves for every outcome; never rejects. */
  warmUp(languages: readonly Language[]): Promise<WarmUpResult[]>
  /** Forgets state kept between calls (a no-op where every call is fresh). */
  reset(): Promise<void>
  /** Releases what the environment holds (sessions, sandboxes); later calls get `ERR_TOOL_CLOSED`. */
  close(): Promise<void>
}

/** The last non-empty line of a text, e.g. `ZeroDivisionError: division by zero` from a traceback. */
export function lastLine(text: string): string | undefined {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0)
  const line = lines[lines.length - 1]
  if (line === undefined) return undefined
  return line.length > 300 ? `${line.slice(0, 300)}…` : line
}
