import { execFile } from 'node:child_process'

import { ExecutionErrorCode } from '../errors.js'

/** Why an interpreter could not be resolved: `ENOENT` when it does not exist, otherwise the failure text. */
export class InterpreterResolutionError extends Error {
  /** `ENOENT` when the command was not found; `ERR_SPAWN_FAILED` otherwise. */
  readonly code: 'ENOENT' | typeof ExecutionErrorCode.SpawnFailed

  constructor(code: 'ENOENT' | typeof ExecutionErrorCode.SpawnFailed, message: string) {
    super(message)
    this.name = 'InterpreterResolutionError'
    this.code = code
  }
}

const resolved = new Map<string, Promise<string>>()

/**
 * The real executable behind a Python command (`python3`, a pyenv shim, a venv's `bin/python`), found once
 * per command and cached for the life of the process. A pyenv shim is a bash script that costs several
 * interpreter start-ups; spawning `sys.executable` directly costs one. Failures are not cached, so
 * installing Python later is noticed.
 */
export function resolvePythonExecutable(command: string): Promise<string> {
  let pending = resolved.get(command)
  if (!pending) {
    pending = askForExecutable(command)
    resolved.set(command, pending)
    pending.catch(() => resolved.delete(command))
  }
  return pending
}

function askForExecutable(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // The parent's environment is used here on purpose: this runs our own one-liner (never user code), and
    // shims such as pyenv's need PYENV_ROOT, PYENV_VERSION and HOME to find the interpreter.
    execFile(
      command,
      ['-c', 'import sys; print(sys.executable)'],
      { timeout: 30_000, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code
          // 127 is what a shim or shell answers for "command not found" (pyenv without that version, say).
          if (code === 'ENOENT' || (code as unknown) === 127) {
            reject(new InterpreterResolutionError('ENOENT', `Python interpreter "${command}" was not found on PATH`))
          } else {
            const detail = (stderr || error.message).trim().split('\n').slice(-3).join('\n')
            reject(new InterpreterResolutionError(ExecutionErrorCode.SpawnFailed, `"${command}" could not start: ${detail}`))
          }
          return
        }
        const executable = stdout.trim()
        resolve(executable.length > 0 ? executable : command)
      },
    )
  })
}
