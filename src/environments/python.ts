import { spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { constants as osConstants, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

import { ExecutionErrorCode, errorMessageOf } from '../errors.js'
import { errorResult, type ExecutionResult, type Language } from '../execution-result.js'
import { HeadTailBuffer } from '../limits.js'
import { guardedOutput, lastLine, type ExecutionEnvironment, type OutputChunk, type RunOptions, type WarmUpResult } from './environment.js'
import { InterpreterResolutionError, resolvePythonExecutable } from './interpreter-resolution.js'
import { PYTHON_PRELUDE } from './python-prelude.js'
import { PYTHON_SUPERVISOR } from './python-supervisor.js'

/**
 * The only variables a program inherits from the parent process: enough to find programs, the user's
 * home and locale, nothing that usually holds a secret. Everything else (API keys, tokens, cloud
 * credentials) stays out. Add more with `PythonEnvironmentOptions.env`.
 */
export const INHERITED_ENVIRONMENT_VARIABLES: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_NUMERIC',
  'LC_TIME',
  'LC_COLLATE',
  'LC_MONETARY',
  'LC_MESSAGES',
  'TZ',
]

/** How long to wait for the output pipes to close after the supervisor exited (an unkillable process may hold them). */
const PIPE_DRAIN_GRACE_MS = 500

/** How long the supervisor gets to kill everything once told to stop, before Node kills it (the program with it). */
const SUPERVISOR_GRACE_MS = 2000

/** Options of the python environment; the tool fills in its defaults. */
export interface PythonEnvironmentOptions {
  /** The Python command or path; resolved once to the real executable. Default `python3`. */
  pythonPath?: string
  /** Where each call's private working directory is created. Default: the OS temporary directory. */
  tmpDirectory?: string
  /** Time limit per call, in milliseconds. */
  timeoutMs: number
  /** Most bytes of output kept per call (beginning and end). */
  maxOutputBytes: number
  /** Extra variables for the program, on top of the allow-listed ones (these win). */
  env?: Record<string, string>
}

/**
 * Runs Python in a local subprocess, for trusted code: a fresh interpreter per call, with a stripped
 * environment, a private temporary working directory removed afterwards, the call's stdin (else an empty one), a time limit that kills
 * the program and every process it started (even those in a new session), and output capped with beginning
 * and end kept. Processes the program leaves running in the background are killed when it exits. A small
 * supervisor process does the killing (see PYTHON_SUPERVISOR).
 */
export class PythonEnvironment implements ExecutionEnvironment {
  /** Always `python`. */
  readonly name = 'python' as const
  /** Only Python. */
  readonly languages: readonly Language[] = ['python']
  private readonly pythonPath: string
  private readonly tmpDirectory: string
  private readonly timeoutMs: number
  private readonly maxOutputBytes: number
  private readonly extraEnv: Record<string, string>
  private closed = false

  /** Creates the environment; nothing is spawned until the first call. */
  constructor(options: PythonEnvironmentOptions) {
    this.pythonPath = options.pythonPath ?? 'python3'
    this.tmpDirectory = options.tmpDirectory ?? tmpdir()
    this.timeoutMs = options.timeoutMs
    this.maxOutputBytes = options.maxOutputBytes
    this.extraEnv = options.env ?? {}
  }

  /** Runs `code` as a Python script in a new interpreter process. */
  async run(code: string, _language: Language = 'python', options: RunOptions = {}): Promise<ExecutionResult> {
    const started = performance.now()
    const elapsed = () => performance.now() - started
    if (this.closed) {
      return errorResult('python', 'python', ExecutionErrorCode.ToolClosed, 'This tool was closed; create a new one.')
    }
    let executable: string
    try {
      executable = await resolvePythonExecutable(this.pythonPath)
    } catch (error) {
      return this.resolutionFailure(error, elapsed())
    }
    if (options.signal?.aborted) {
      return errorResult('python', 'python', ExecutionErrorCode.Aborted, 'The call was aborted before it started.', elapsed())
    }

    let privateDirectory: string
    try {
      privateDirectory = await mkdtemp(join(this.tmpDirectory, 'lci-python-'))
    } catch (error) {
      return errorResult(
        'python',
        'python',
        ExecutionErrorCode.SpawnFailed,
        `Could not create a temporary directory in ${this.tmpDirectory}: ${errorMessageOf(error)}`,
        elapsed(),
      )
    }
    try {
      const script = join(privateDirectory, 'main.py')
      const workDirectory = join(privateDirectory, 'work')
      // The program's stdin, if any, from a file beside its script (outside its working directory).
      const stdinFile = options.stdin === undefined ? '' : join(privateDirectory, 'stdin')
      await Promise.all([
        writeFile(script, code, 'utf8'),
        mkdir(workDirectory),
        stdinFile && writeFile(stdinFile, options.stdin ?? '', 'utf8'),
      ])
      return await this.spawnScript(executable, script, stdinFile, workDirectory, started, options.signal, options.onOutput)
    } catch (error) {
      return errorResult('python', 'python', ExecutionErrorCode.Internal, errorMessageOf(error), elapsed())
    } finally {
      await rm(privateDirectory, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined)
    }
  }

  /** Nothing to reset: every call starts a new interpreter. */
  /** Resolves the interpreter behind `pythonPath` (once per process), so the next call does not wait for it. */
  async warmUp(languages: readonly Language[]): Promise<WarmUpResult[]> {
    const results: WarmUpResult[] = []
    for (const language of languages) {
      const started = performance.now()
      const result = this.closed
        ? errorResult('python', 'python', ExecutionErrorCode.ToolClosed, 'This tool was closed; create a new one.')
        : await resolvePythonExecutable(this.pythonPath).then(
            () => undefined,
            (error) => this.resolutionFailure(error, 0),
          )
      const durationMs = performance.now() - started
      results.push({ language, ok: result === undefined, durationMs, ...(result?.error && { error: result.error }) })
    }
    return results
  }

  async reset(): Promise<void> {}

  /** Refuses later calls. Calls already running finish. */
  async close(): Promise<void> {
    this.closed = true
  }

  /** The environment variables a program sees. */
  programEnvironment(workDirectory: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {}
    for (const name of INHERITED_ENVIRONMENT_VARIABLES) {
      const value = process.env[name]
      if (value !== undefined) env[name] = value
    }
    env.PATH ??= '/usr/local/bin:/usr/bin:/bin'
    Object.assign(env, {
      PYTHONUNBUFFERED: '1',
      PYTHONUTF8: '1',
      PYTHONIOENCODING: 'utf-8',
      PYTHONDONTWRITEBYTECODE: '1',
      TMPDIR: workDirectory,
      TEMP: workDirectory,
      TMP: workDirectory,
    })
    return Object.assign(env, this.extraEnv)
  }

  /** The result of a call whose interpreter could not be resolved. */
  private resolutionFailure(error: unknown, durationMs: number): ExecutionResult {
    const notFound = error instanceof InterpreterResolutionError && error.code === 'ENOENT'
    return errorResult(
      'python',
      'python',
      notFound ? ExecutionErrorCode.InterpreterNotFound : ExecutionErrorCode.SpawnFailed,
      notFound ? `${errorMessageOf(error)}. Install Python 3 or set the tool's pythonPath option.` : errorMessageOf(error),
      durationMs,
    )
  }

  private spawnScript(
    executable: string,
    script: string,
    stdinFile: string,
    workDirectory: string,
    started: number,
    signal: AbortSignal | undefined,
    onOutput: ((chunk: OutputChunk) => void) | undefined,
  ): Promise<ExecutionResult> {
    return new Promise((resolve) => {
      const transcript = new HeadTailBuffer(this.maxOutputBytes)
      const stderr = new HeadTailBuffer(this.maxOutputBytes)
      let timedOut = false
      let aborted = false
      let exitCode: number | undefined
      let exitSignal: NodeJS.Signals | null = null
      let spawnError: Error | undefined
      let settled = false
      let drainTimer: NodeJS.Timeout | undefined
      let killTimer: NodeJS.Timeout | undefined

      // The supervisor runs the program and, when it ends or stdin closes, kills everything the program started.
      // detached: it leads a new session, out of reach of signals meant for Node's process group.
      const program = [executable, '-u', '-c', PYTHON_PRELUDE, script]
      const child = spawn(executable, ['-I', '-S', '-c', PYTHON_SUPERVISOR, stdinFile, ...program], {
        cwd: workDirectory,
        env: this.programEnvironment(workDirectory),
        // fd 3: the copy of what sys.stdout writes (see PYTHON_PRELUDE), read for onOutput.
        stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
        detached: true,
        windowsHide: true,
      })

      const finishSoon = () => {
        clearTimeout(drainTimer)
        drainTimer = setTimeout(finish, PIPE_DRAIN_GRACE_MS)
      }
      // Closing the supervisor's stdin tells it to kill everything and exit (it also notices if Node dies). A
      // supervisor that cannot act (stopped, starved) is killed after a grace, the program with it, and the
      // call resolves even if no exit is ever reported.
      const stop = () => {
        child.stdin.destroy()
        killTimer ??= setTimeout(() => {
          child.kill('SIGKILL')
          exitSignal ??= 'SIGKILL'
          finishSoon()
        }, SUPERVISOR_GRACE_MS)
      }
      const onAbort = () => {
        aborted = true
        stop()
      }
      const timer = setTimeout(() => {
        timedOut = true
        stop()
      }, this.timeoutMs)
      signal?.addEventListener('abort', onAbort, { once: true })

      // fd 1 and fd 2 of the program share the stdout pipe (see PYTHON_PRELUDE): it is the transcript, in
      // the order written. The stderr pipe carries a copy of what Python wrote to sys.stderr.
      child.stdout.on('data', (chunk: Buffer) => transcript.push(chunk))
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
      // As written: what sys.stdout and sys.stderr wrote, each from its own pipe, decoded between characters.
      const stdoutOnly = child.stdio[3] as Readable
      const streams = [streamTo('stdout', stdoutOnly, onOutput), streamTo('stderr', child.stderr, onOutput)]

      const finish = () => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        clearTimeout(drainTimer)
        clearTimeout(killTimer)
        signal?.removeEventListener('abort', onAbort)
        child.stdin.destroy()
        child.stdout.destroy()
        child.stderr.destroy()
        stdoutOnly.destroy()
        for (const end of streams) end()
        const durationMs = performance.now() - started
        if (spawnError) {
          const notFound = (spawnError as NodeJS.ErrnoException).code === 'ENOENT'
          resolve(
            errorResult(
              'python',
              'python',
              notFound ? ExecutionErrorCode.InterpreterNotFound : ExecutionErrorCode.SpawnFailed,
              `Could not start ${executable}: ${spawnError.message}`,
              durationMs,
            ),
          )
          return
        }
        const code = exitCode ?? (exitSignal ? 128 + (osConstants.signals[exitSignal] ?? 0) : -1)
        const stderrText = stderr.text()
        const result: ExecutionResult = {
          output: transcript.text(),
          stderr: stderrText,
          exitCode: code,
          timedOut,
          truncated: transcript.truncated || stderr.truncated,
          durationMs,
          environment: 'python',
          language: 'python',
        }
        if (timedOut) {
          result.error = {
            code: ExecutionErrorCode.Timeout,
            message: `Execution timed out after ${this.timeoutMs} ms; the program and every process it started were killed. Output up to that point is shown.`,
          }
        } else if (aborted) {
          result.error = {
            code: ExecutionErrorCode.Aborted,
            message: 'The call was aborted; the program and every process it started were killed.',
          }
        } else if (code !== 0) {
          const detail = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${code}`
          const reason = lastLine(stderrText)
          result.error = {
            code: ExecutionErrorCode.ExitStatus,
            message: reason ? `The program ${detail}: ${reason}` : `The program ${detail}.`,
          }
        }
        resolve(result)
      }

      child.on('error', (error) => {
        spawnError = error
        finish()
      })
      // The supervisor exits as the program did (same code, or killed by the same signal), after the cleanup:
      // nothing is left to time out or abort, only the pipes to drain.
      child.on('exit', (code, signalName) => {
        exitCode = code ?? undefined
        exitSignal = signalName
        clearTimeout(timer)
        clearTimeout(killTimer)
        signal?.removeEventListener('abort', onAbort)
        finishSoon()
      })
      child.on('close', finish)
    })
  }
}

/**
 * Hands what `stream` carries to `onOutput` (guarded) as `name`, decoded between characters; returns what
 * flushes a character left cut short at the end. Without `onOutput` the pipe is still read, so it never fills.
 */
function streamTo(name: OutputChunk['stream'], stream: Readable, onOutput: ((chunk: OutputChunk) => void) | undefined): () => void {
  if (!onOutput) {
    stream.resume()
    return () => undefined
  }
  const send = guardedOutput(onOutput)
  const decoder = new StringDecoder('utf8')
  const emit = (text: string) => {
    if (text.length > 0) send({ stream: name, text })
  }
  stream.on('data', (chunk: Buffer) => emit(decoder.write(chunk)))
  return () => emit(decoder.end())
}
