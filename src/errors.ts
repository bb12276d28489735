import { EXECUTION_ERROR_CODES, SANDBOX_ERROR_CODES, type SandboxErrorCode } from './generated/core-facts.js'

/** The sandbox's own codes (`WorkloadResult.errorCode`), by name: `{ ERR_NO_HYPERVISOR: 'ERR_NO_HYPERVISOR', … }`. */
const SANDBOX_CODES = Object.fromEntries(Object.keys(SANDBOX_ERROR_CODES).map((code) => [code, code])) as {
  readonly [K in SandboxErrorCode]: K
}

/**
 * Stable error codes that appear in `ExecutionResult.error.code`: every code of the micro-VM sandbox (passed
 * through unchanged; by the code itself and by name) and the tool's own (by name) — all generated from the Rust
 * core's one list (crates/sandbox/src/error.rs), with when each is given.
 *
 * A model (or a program) can branch on these; the accompanying message is for people and may change.
 */
export const ExecutionErrorCode = { ...SANDBOX_CODES, ...EXECUTION_ERROR_CODES } as const

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
