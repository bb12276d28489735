import type { EnvironmentName, ExecutionResult, Language } from '../execution-result.js'

/** Per-call options an environment honours. */
export interface RunOptions {
  /** Aborts the call: the program is killed and the result says `ERR_ABORTED` (where the environment can). */
  signal?: AbortSignal
  /** What the program reads on its standard input, then end of file (none: end of file at once). */
  stdin?: string
}

/** What the tool needs from an environment: run validated code, reset state, release resources. */
export interface ExecutionEnvironment {
  /** The environment's name, as users choose it. */
  readonly name: EnvironmentName
  /** The languages it runs; the first is the default. */
  readonly languages: readonly Language[]
  /** Runs code already validated by the tool. Resolves with a result for every outcome; never rejects. */
  run(code: string, language: Language, options?: RunOptions): Promise<ExecutionResult>
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
