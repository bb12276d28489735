import { SANDBOX_ERROR_CODES, type SandboxErrorCode } from './generated/core-facts.js'

/** The sandbox's own codes (`WorkloadResult.errorCode`), by name: `{ ERR_NO_HYPERVISOR: 'ERR_NO_HYPERVISOR', … }`. */
const SANDBOX_CODES = Object.fromEntries(Object.keys(SANDBOX_ERROR_CODES).map((code) => [code, code])) as {
  readonly [K in SandboxErrorCode]: K
}

/**
 * Stable error codes that appear in `ExecutionResult.error.code`: the tool's own, and every code of the
 * micro-VM sandbox (generated from the Rust core, passed through unchanged).
 *
 * A model (or a program) can branch on these; the accompanying message is for people and may change.
 */
export const ExecutionErrorCode = {
  ...SANDBOX_CODES,
  /** The input was not an object with a string `code`. */
  InvalidInput: 'ERR_INVALID_INPUT',
  /** `code` was empty or only whitespace. */
  EmptyCode: 'ERR_EMPTY_CODE',
  /** The program ran and exited with a non-zero status (an uncaught exception, `sys.exit(3)`, a signal…). */
  ExitStatus: 'ERR_EXIT_STATUS',
  /** The program ran past the time limit and was killed. */
  Timeout: 'ERR_TIMEOUT',
  /** The caller aborted the call (an `AbortSignal` fired) and the program was killed. */
  Aborted: 'ERR_ABORTED',
  /** The micro-VM reported a failure without an exit status. */
  WorkloadFailed: 'ERR_WORKLOAD_FAILED',
  /** The Python interpreter could not be found (python environment). */
  InterpreterNotFound: 'ERR_INTERPRETER_NOT_FOUND',
  /** The interpreter process could not be started for another reason. */
  SpawnFailed: 'ERR_SPAWN_FAILED',
  /** The native addon (needed by the hyperlight environment) could not be loaded. */
  NativeAddonUnavailable: 'ERR_NATIVE_ADDON_UNAVAILABLE',
  /** The tool was closed with `close()`. */
  ToolClosed: 'ERR_TOOL_CLOSED',
  /** Anything unexpected; the message says what. */
  Internal: 'ERR_INTERNAL',
  /** The configuration was rejected (tool options or the native addon's `SandboxConfig`). */
  InvalidConfig: 'ERR_INVALID_CONFIG',
  /** `language` is not one this environment runs. */
  UnknownLanguage: 'ERR_UNKNOWN_LANGUAGE',
  /** `code` was larger than the tool's `maxCodeBytes`. */
  CodeTooLarge: 'ERR_CODE_TOO_LARGE',
  /** MCP over HTTP, persistent: the `session` named is not open on this server (expired, closed, or another replica's). */
  UnknownSession: 'ERR_UNKNOWN_SESSION',
  /** MCP over HTTP, persistent: as many sessions are open as the server allows; a new one cannot start. */
  TooManySessions: 'ERR_TOO_MANY_SESSIONS',
} as const

/** One of the stable error codes (see {@link ExecutionErrorCode}). */
export type ExecutionErrorCode = (typeof ExecutionErrorCode)[keyof typeof ExecutionErrorCode]

/** Why a call did not succeed: a stable `code` to branch on and a `message` written for the model. */
export interface ExecutionError {
  /** Stable machine-readable code, e.g. `ERR_TIMEOUT`. */
  code: ExecutionErrorCode
  /** What happened and, where it helps, what to do about it. */
  message: string
}

/** Thrown by constructors (never by `execute`) when options are invalid; `code` is `ERR_INVALID_CONFIG`. */
export class InvalidConfigError extends Error {
  /** Always `ERR_INVALID_CONFIG`. */
  readonly code = ExecutionErrorCode.InvalidConfig

  constructor(message: string) {
    super(message)
    this.name = 'InvalidConfigError'
  }
}

/** The `code` property of an error thrown by Node or the native addon, if it is an `ERR_*`/errno string. */
export function errorCodeOf(error: unknown): string | undefined {
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code
    if (typeof code === 'string' && code.length > 0) return code
  }
  return undefined
}

/** The message of anything thrown, as text. */
export function errorMessageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
