import type { ExecutionError, ExecutionErrorCode } from './errors.js'
import type { Language } from './generated/core-facts.js'

export { LANGUAGES, type Language } from './generated/core-facts.js'

/** Where code runs: a local `python3` subprocess (trusted code) or a Hyperlight micro-VM (untrusted code). */
export type EnvironmentName = 'python' | 'hyperlight'

/** Every environment name, in the order the docs list them. */
export const ENVIRONMENTS: readonly EnvironmentName[] = ['python', 'hyperlight']

/**
 * What one call of the tool produced. Every outcome, including invalid input, a missing interpreter, a
 * timeout or a micro-VM that cannot start, is one of these: `execute` never rejects.
 */
export interface ExecutionResult {
  /** Everything the program wrote to stdout and stderr, in the order written (as a terminal shows it). */
  output: string
  /** What the program wrote to stderr alone. */
  stderr: string
  /** The program's exit status; 128+N when killed by signal N; -1 when the program never ran. */
  exitCode: number
  /** Set when the call did not succeed: a stable code and a message written for the model. */
  error?: ExecutionError
  /** True when the program ran past the time limit and was killed. */
  timedOut: boolean
  /** True when output was cut to the size limit (beginning and end kept, a marker in between). */
  truncated: boolean
  /** Wall-clock time of the call in milliseconds. */
  durationMs: number
  /** The environment that ran (or refused to run) the code. */
  environment: EnvironmentName
  /** The language the code was run as. */
  language: Language
}

/** Builds the result of a call that never ran a program (invalid input, setup failure). */
export function errorResult(
  environment: EnvironmentName,
  language: Language,
  code: ExecutionErrorCode,
  message: string,
  durationMs = 0,
): ExecutionResult {
  return {
    output: '',
    stderr: '',
    exitCode: -1,
    error: { code, message },
    timedOut: false,
    truncated: false,
    durationMs,
    environment,
    language,
  }
}

/**
 * The text a model reads for a result: the program's output, then one status line in brackets, e.g.
 * `[exit code 0 · 41 ms]` or `[error ERR_TIMEOUT: …]`. Adapters whose framework takes text use this.
 */
export function formatExecutionResult(result: ExecutionResult): string {
  const parts: string[] = []
  if (result.output.length > 0) {
    parts.push(result.output.endsWith('\n') ? result.output.slice(0, -1) : result.output)
  } else if (result.exitCode !== -1) {
    parts.push('(no output)')
  }
  const status = [`exit code ${result.exitCode}`, `${Math.round(result.durationMs)} ms`]
  if (result.truncated) status.push('output truncated')
  if (result.error) {
    const line = `[error ${result.error.code}: ${result.error.message}]`
    parts.push(result.exitCode === -1 ? line : `${line}\n[${status.join(' · ')}]`)
  } else {
    parts.push(`[${status.join(' · ')}]`)
  }
  return parts.join('\n')
}
