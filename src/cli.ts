#!/usr/bin/env node
/**
 * The command line: `local-code-interpreter run <file>` runs a program and exits with its exit code;
 * `local-code-interpreter mcp` serves the tool to MCP clients over stdio, or with `--http` over streamable
 * HTTP. `--help` lists every flag.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { parseArgs } from 'node:util'

import { CodeExecutionTool, type CodeExecutionToolOptions } from './code-execution-tool.js'
import type { OutputChunk } from './environments/environment.js'
import { loadNativeAddon, type NativeAddonLoader } from './native/addon.js'
import { InvalidConfigError } from './errors.js'
import { ENVIRONMENTS, LANGUAGES, type EnvironmentName, type ExecutionImage, type ImageMimeType, type Language } from './execution-result.js'
import { DEFAULT_SNAPSHOT_DIRECTORY, PYTHON_IMAGES, SOURCE_EXTENSIONS, type PythonImage } from './generated/core-facts.js'
import { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_TIMEOUT_MS } from './limits.js'
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CALLS_PER_CLIENT, DEFAULT_SHUTDOWN_GRACE_MS, isLoopbackHost, serveMcpOverHttp } from './mcp/http.js'
import { serveMcpOverStdio } from './mcp/server.js'

/** The exit status for bad arguments. */
export const USAGE_EXIT_CODE = 2

/** The exit status when the program could not run (bad input, no interpreter, no hypervisor…). */
export const SETUP_FAILURE_EXIT_CODE = 1

/** The exit status when the program ran past its time limit (as `timeout(1)` does). */
export const TIMEOUT_EXIT_CODE = 124

/** Where `run` saves the images a program showed, under the current directory, unless `--output-dir` says. */
export const DEFAULT_OUTPUT_DIR = 'lci-output'

/** The file extension of each kind of image `run` saves. */
const IMAGE_EXTENSIONS: Record<ImageMimeType, string> = { 'image/png': 'png', 'image/svg+xml': 'svg' }

/** The help text. */
export const USAGE = `Usage:
  local-code-interpreter run <file> [options]   run a program, print its output, exit with its exit code
  local-code-interpreter mcp [options]          serve the execute_code tool over stdio (MCP)
  local-code-interpreter mcp --http [options]   serve it over streamable HTTP at /mcp (and /healthz)
  local-code-interpreter cache clear [--snapshot-dir <dir>]
                                                empty the snapshot directory (hyperlight), saying what it removed
  local-code-interpreter --help | --version

Options:
  -e, --environment <name>     python (default): local python3 subprocess, for trusted code;
                               hyperlight: Hyperlight micro-VM, for untrusted code
  -t, --timeout <duration>     time limit per run: milliseconds, or with a unit (500ms, 10s, 2m);
                               default ${DEFAULT_TIMEOUT_MS / 1000}s
  -l, --language <language>    run: the file's language (${LANGUAGES.join(', ')});
                               default from the extension (.py, .js/.mjs, .c, .cpp/.cc/.cxx)
      --max-output-bytes <n>   output kept per run, beginning and end; default ${DEFAULT_MAX_OUTPUT_BYTES}
      --stdin <file>           run: what the program reads on its stdin (- for this command's own
                               stdin); without it the program's stdin is empty
      --output-dir <dir>       run: where the images the program showed (hyperlight, Python: matplotlib
                               figures, display()) are saved as image-1.png, image-2.svg, …, replacing
                               files of those names; default ./${DEFAULT_OUTPUT_DIR}, made only when needed
      --persistent             mcp, hyperlight: keep state between calls (one session per language)
      --python-image <image>   hyperlight: the image Python runs on: ${PYTHON_IMAGES.join(' or ')} (data:
                               numpy, pandas, matplotlib…); default data when installed, else standard
      --allow-net <entry>      hyperlight: a destination the program may reach (repeat for more): a host
                               name, *.domain (its subdomains), an IP address or CIDR range, each
                               optionally with :port ([v6]:port); default: no network at all
      --python <command>       python: the interpreter to use; default python3
      --tmp-directory <dir>    where temporary files go
      --log-directory <dir>    hyperlight: where the sandbox writes its logs
      --snapshot-dir <dir>     hyperlight: where warm snapshots are saved, so a new process's first run
                               loads one instead of booting; default:
                               ${DEFAULT_SNAPSHOT_DIRECTORY.replaceAll(', else ', ',\n                               else ')}
      --no-snapshot-cache      hyperlight: save and load no snapshots (every process boots)
      --approval <mode>        mcp: never_require (default) or always_require, shown to the client
      --warm-up <languages>    mcp: get these languages ready as the server starts (comma-separated, e.g.
                               python,javascript), so the first call is a warm one: hyperlight boots
                               each guest or loads its snapshot; reported on stderr
      --http                   mcp: serve over streamable HTTP instead of stdio, stateless
      --host <address>         http: the address to bind; default ${DEFAULT_HTTP_HOST} (loopback); any
                               other needs a token
      --port <port>            http: the port; default ${DEFAULT_HTTP_PORT}; 0 picks a free one
      --token-file <file>      http: bearer tokens, one per line (# comments); each request must carry
                               one (Authorization: Bearer <token>). Or one token in LCI_MCP_TOKEN
      --max-calls-per-client <n>  http: tool calls in flight per client (429 past it); default
                               ${DEFAULT_MAX_CALLS_PER_CLIENT}. A client is its token when several are
                               configured, else its remote address
      --max-body-bytes <n>     http: largest request body (413 past it); default ${DEFAULT_MAX_BODY_BYTES}
      --shutdown-grace <duration>  http: on SIGTERM, how long calls in flight may take to finish
                               before they are aborted; default ${DEFAULT_SHUTDOWN_GRACE_MS / 1000}s
  -h, --help                   show this help
  -v, --version                show the version

Exit status of run: the program's exit code; ${TIMEOUT_EXIT_CODE} when it timed out; ${SETUP_FAILURE_EXIT_CODE} when it could not run;
${USAGE_EXIT_CODE} for bad arguments. run prints the program's stdout on stdout and its stderr on stderr as the
program writes them, then (hyperlight, Python) the value of its last expression, as the Python REPL does; its
own messages go to stderr, among them the path of each image saved.
`


/** A bad command line; the message says what is wrong. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Parses a duration: `1500` (milliseconds), `1500ms`, `10s`, `2m`; `flag` names it in errors. */
export function parseDuration(text: string, flag = '--timeout'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim())
  if (!match) throw new UsageError(`${flag}: expected a duration such as 5000, 500ms, 10s or 2m, got "${text}"`)
  const value = Number(match[1]) * (match[2] === 's' ? 1000 : match[2] === 'm' ? 60_000 : 1)
  const ms = Math.round(value)
  if (ms <= 0) throw new UsageError(`${flag} must be more than 0`)
  return ms
}

/** `mcp --http`: where and how to serve. */
export interface HttpCommandOptions {
  host: string
  port: number
  /** --token-file, read when serving. */
  tokenFile?: string
  maxCallsPerClient?: number
  maxBodyBytes?: number
  shutdownGraceMs: number
}

function positiveInteger(flag: string, text: string, min = 1): number {
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag}: expected ${min === 0 ? 'a whole number' : 'a positive integer'}, got "${text}"`)
  }
  return value
}

/** The parsed command line. */
export interface CliCommand {
  /** What to do. */
  command: 'run' | 'mcp' | 'cache-clear' | 'help' | 'version'
  /** The file to run (`run`). */
  file?: string
  /** The language given with --language. */
  language?: Language
  /** Options for the tool. */
  toolOptions: CodeExecutionToolOptions
  /** `run --stdin`: the file whose text the program reads on its stdin, or `-` for this command's own. */
  stdin?: string
  /** `run --output-dir`: where the program's images are saved (default {@link DEFAULT_OUTPUT_DIR}). */
  outputDir?: string
  /** `mcp --http`: serve over HTTP with these settings (absent: stdio). */
  http?: HttpCommandOptions
  /** `mcp --warm-up`: the languages to get ready as the server starts, before the first call. */
  warmUp?: string[]
  /** `cache clear --snapshot-dir`: the snapshot directory to empty (default: the default one). */
  snapshotDir?: string
}

/** Parses arguments (without `node` and the script); throws {@link UsageError} for bad ones. */
export function parseCommandLine(args: string[]): CliCommand {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        environment: { type: 'string', short: 'e' },
        timeout: { type: 'string', short: 't' },
        language: { type: 'string', short: 'l' },
        'max-output-bytes': { type: 'string' },
        stdin: { type: 'string' },
        'output-dir': { type: 'string' },
        persistent: { type: 'boolean' },
        'python-image': { type: 'string' },
        'allow-net': { type: 'string', multiple: true },
        python: { type: 'string' },
        'tmp-directory': { type: 'string' },
        'log-directory': { type: 'string' },
        'snapshot-dir': { type: 'string' },
        'no-snapshot-cache': { type: 'boolean' },
        approval: { type: 'string' },
        http: { type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string' },
        'token-file': { type: 'string' },
        'max-calls-per-client': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'shutdown-grace': { type: 'string' },
        'warm-up': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) return { command: 'help', toolOptions: {} }
  if (values.version) return { command: 'version', toolOptions: {} }
  const [command, ...rest] = positionals
  if (command === undefined) throw new UsageError('missing command: run, mcp or cache')
  if (command === 'cache') return parseCacheCommand(rest, values)
  if (command !== 'run' && command !== 'mcp') throw new UsageError(`unknown command "${command}": expected run, mcp or cache`)

  const toolOptions: CodeExecutionToolOptions = {}
  if (values.environment !== undefined) {
    if (!ENVIRONMENTS.includes(values.environment as EnvironmentName)) {
      throw new UsageError(`--environment: expected ${ENVIRONMENTS.join(' or ')}, got "${values.environment}"`)
    }
    toolOptions.environment = values.environment as EnvironmentName
  }
  if (values.timeout !== undefined) toolOptions.timeoutMs = parseDuration(values.timeout)
  if (values['max-output-bytes'] !== undefined) {
    const bytes = Number(values['max-output-bytes'])
    if (!Number.isInteger(bytes) || bytes <= 0) {
      throw new UsageError(`--max-output-bytes: expected a positive integer, got "${values['max-output-bytes']}"`)
    }
    toolOptions.maxOutputBytes = bytes
  }
  if (values.http && command !== 'mcp') throw new UsageError('--http applies to mcp only')
  if (values['warm-up'] !== undefined && command !== 'mcp') throw new UsageError('--warm-up applies to mcp only (run warms what it runs)')
  if (values.persistent) {
    if (command !== 'mcp') throw new UsageError('--persistent applies to mcp only')
    if (toolOptions.environment !== 'hyperlight') throw new UsageError('--persistent needs --environment hyperlight')
    toolOptions.persistent = true
  }
  if (values['python-image'] !== undefined) {
    if (!PYTHON_IMAGES.includes(values['python-image'] as PythonImage)) {
      throw new UsageError(`--python-image: expected ${PYTHON_IMAGES.join(' or ')}, got "${values['python-image']}"`)
    }
    if (toolOptions.environment !== 'hyperlight') throw new UsageError('--python-image needs --environment hyperlight')
    toolOptions.pythonImage = values['python-image'] as PythonImage
  }
  if (values['allow-net'] !== undefined) {
    if (toolOptions.environment !== 'hyperlight') throw new UsageError('--allow-net needs --environment hyperlight')
    // Each entry's form is checked by the sandbox when it is made (a malformed one: ERR_INVALID_CONFIG naming it).
    toolOptions.network = { allow: values['allow-net'] }
  }
  if (values['snapshot-dir'] !== undefined || values['no-snapshot-cache']) {
    const flag = values['no-snapshot-cache'] ? '--no-snapshot-cache' : '--snapshot-dir'
    if (toolOptions.environment !== 'hyperlight') throw new UsageError(`${flag} needs --environment hyperlight`)
    if (values['snapshot-dir'] !== undefined && values['no-snapshot-cache']) {
      throw new UsageError('--snapshot-dir and --no-snapshot-cache cannot both be given')
    }
    if (values['snapshot-dir'] === '') throw new UsageError('--snapshot-dir: expected a directory')
    toolOptions.snapshotDirectory = values['no-snapshot-cache'] ? false : values['snapshot-dir']
  }
  if (values.python !== undefined) toolOptions.pythonPath = values.python
  if (values['tmp-directory'] !== undefined) toolOptions.tmpDirectory = values['tmp-directory']
  if (values['log-directory'] !== undefined) toolOptions.logDirectory = values['log-directory']
  if (values.approval !== undefined) {
    if (values.approval !== 'never_require' && values.approval !== 'always_require') {
      throw new UsageError(`--approval: expected never_require or always_require, got "${values.approval}"`)
    }
    toolOptions.approvalMode = values.approval
  }

  if (command === 'mcp') {
    if (rest.length > 0) throw new UsageError(`mcp takes no arguments, got "${rest.join(' ')}"`)
    if (values.language !== undefined) throw new UsageError('--language applies to run only')
    if (values.stdin !== undefined) throw new UsageError('--stdin applies to run only')
    if (values['output-dir'] !== undefined) throw new UsageError('--output-dir applies to run only')
    const warmUp = values['warm-up']?.split(',').map((l) => l.trim()).filter((l) => l !== '')
    if (warmUp !== undefined && warmUp.length === 0) throw new UsageError('--warm-up: expected languages, such as python or python,javascript')
    const served: CliCommand = { command: 'mcp', toolOptions, ...(warmUp && { warmUp }) }
    const httpFlags = ['host', 'port', 'token-file', 'max-calls-per-client', 'max-body-bytes', 'shutdown-grace'] as const
    if (!values.http) {
      const stray = httpFlags.find((flag) => values[flag] !== undefined)
      if (stray !== undefined) throw new UsageError(`--${stray} applies to mcp --http only`)
      return served
    }
    const host = values.host ?? DEFAULT_HTTP_HOST
    if (!isLoopbackHost(host) && values['token-file'] === undefined && !process.env.LCI_MCP_TOKEN) {
      throw new UsageError(`--host ${host} is not loopback: give a token (--token-file or LCI_MCP_TOKEN) that every request must carry`)
    }
    const port = values.port === undefined ? DEFAULT_HTTP_PORT : positiveInteger('--port', values.port, 0)
    if (port > 65535) throw new UsageError(`--port: expected 0 to 65535, got "${values.port}"`)
    const http: HttpCommandOptions = {
      host,
      port,
      shutdownGraceMs: values['shutdown-grace'] === undefined ? DEFAULT_SHUTDOWN_GRACE_MS : parseDuration(values['shutdown-grace'], '--shutdown-grace'),
      ...(values['token-file'] !== undefined && { tokenFile: values['token-file'] }),
      ...(values['max-calls-per-client'] !== undefined && { maxCallsPerClient: positiveInteger('--max-calls-per-client', values['max-calls-per-client']) }),
      ...(values['max-body-bytes'] !== undefined && { maxBodyBytes: positiveInteger('--max-body-bytes', values['max-body-bytes']) }),
    }
    return { ...served, http }
  }
  if (rest.length !== 1) throw new UsageError(rest.length === 0 ? 'run: missing <file>' : 'run: expected one <file>')
  const file = rest[0]
  let language: Language | undefined
  if (values.language !== undefined) {
    if (!LANGUAGES.includes(values.language as Language)) {
      throw new UsageError(`--language: expected one of ${LANGUAGES.join(', ')}, got "${values.language}"`)
    }
    language = values.language as Language
  } else {
    const extension = extname(file).slice(1).toLowerCase()
    language = Object.hasOwn(SOURCE_EXTENSIONS, extension) ? SOURCE_EXTENSIONS[extension] : undefined
    if (language === undefined) throw new UsageError(`run: cannot tell the language of "${file}"; pass --language`)
  }
  return {
    command,
    file,
    language,
    toolOptions,
    ...(values.stdin !== undefined && { stdin: values.stdin }),
    ...(values['output-dir'] !== undefined && { outputDir: values['output-dir'] }),
  }
}

/** `cache clear [--snapshot-dir <dir>]`: every other flag is refused. */
function parseCacheCommand(rest: string[], values: Record<string, unknown>): CliCommand {
  if (rest.length !== 1 || rest[0] !== 'clear') throw new UsageError(`cache: expected "cache clear", got "cache ${rest.join(' ')}"`)
  const other = Object.keys(values).find((name) => name !== 'snapshot-dir')
  if (other !== undefined) throw new UsageError(`--${other} does not apply to cache clear`)
  const dir = values['snapshot-dir'] as string | undefined
  if (dir === '') throw new UsageError('--snapshot-dir: expected a directory')
  return { command: 'cache-clear', toolOptions: {}, ...(dir !== undefined && { snapshotDir: dir }) }
}

/** Bytes as a person reads them: `512 B`, `3.1 MiB`. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/**
 * `cache clear`: empties the snapshot directory (`command.snapshotDir`, else the default one) and prints each
 * entry removed with its size, then the total; resolves with 0, or {@link SETUP_FAILURE_EXIT_CODE} when the
 * addon cannot load or the directory cannot be emptied (said on stderr).
 */
export async function clearSnapshotCache(command: CliCommand, loadAddon: NativeAddonLoader = loadNativeAddon): Promise<number> {
  try {
    const clear = loadAddon().clearSnapshotCache
    if (clear === undefined) throw new Error('the native addon cannot clear the snapshot cache')
    const { directory, removed } = await clear(command.snapshotDir)
    for (const entry of removed) process.stdout.write(`removed ${entry.name} (${formatBytes(entry.bytes)})\n`)
    const total = removed.reduce((sum, entry) => sum + entry.bytes, 0)
    process.stdout.write(
      removed.length === 0 ? `nothing to remove in ${directory}\n` : `${removed.length} removed from ${directory}, ${formatBytes(total)} freed\n`,
    )
    return 0
  } catch (error) {
    process.stderr.write(`local-code-interpreter: cache clear: ${(error as Error).message}\n`)
    return SETUP_FAILURE_EXIT_CODE
  }
}

/** Everything a stream gives until it ends, as UTF-8 text. */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Runs `command` (a parsed `run`): prints the program's stdout on stdout and its stderr on stderr as it writes
 * them (`onOutput`), then the value of its last expression on a line of its own (as the Python REPL does) when
 * there is one, saves its images (announcing each path on stderr) and resolves with the exit status
 * {@link USAGE} documents. Output that could not be streamed (python: what a child process wrote) is printed
 * at the end, after a note, from the result's transcript.
 */
export async function runFile(command: CliCommand): Promise<number> {
  let code: string
  try {
    code = await readFile(command.file!, 'utf8')
  } catch (error) {
    process.stderr.write(`local-code-interpreter: cannot read ${command.file}: ${(error as Error).message}\n`)
    return SETUP_FAILURE_EXIT_CODE
  }
  let stdin: string | undefined
  if (command.stdin !== undefined) {
    try {
      // `-` reads this command's own stdin, only when asked to: a program never reads it otherwise.
      stdin = command.stdin === '-' ? await readAll(process.stdin) : await readFile(command.stdin, 'utf8')
    } catch (error) {
      process.stderr.write(`local-code-interpreter: cannot read --stdin ${command.stdin}: ${(error as Error).message}\n`)
      return SETUP_FAILURE_EXIT_CODE
    }
  }
  let tool: CodeExecutionTool
  try {
    tool = new CodeExecutionTool(command.toolOptions)
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error
    process.stderr.write(`local-code-interpreter: ${error.message}\n`)
    return USAGE_EXIT_CODE
  }
  try {
    let streamed = 0
    let lastStdout = ''
    const onOutput = (chunk: OutputChunk) => {
      streamed += chunk.text.length
      if (chunk.stream === 'stdout') lastStdout = chunk.text
      ;(chunk.stream === 'stdout' ? process.stdout : process.stderr).write(chunk.text)
    }
    const result = await tool.execute({ code, language: command.language, stdin }, { onOutput })
    if (!result.truncated && streamed < result.output.length) {
      if (streamed > 0) {
        process.stderr.write('local-code-interpreter: part of the output did not go through the streams followed as written (a child process\'s, say); the whole transcript follows\n')
      }
      await write(process.stdout, result.output)
      lastStdout = result.output
    }
    if (result.value !== undefined) {
      // On its own line, even after output that did not end one.
      const newline = lastStdout.length > 0 && !lastStdout.endsWith('\n') ? '\n' : ''
      await write(process.stdout, `${newline}${result.value}\n`)
    }
    await write(process.stdout, '')
    if (result.images) await saveImages(result.images, command.outputDir ?? DEFAULT_OUTPUT_DIR)
    if (result.truncated) process.stderr.write('local-code-interpreter: output was truncated\n')
    if (result.timedOut) {
      process.stderr.write(`local-code-interpreter: ${result.error?.message ?? 'timed out'}\n`)
      return TIMEOUT_EXIT_CODE
    }
    if (result.exitCode === -1) {
      process.stderr.write(`local-code-interpreter: ${result.error?.code}: ${result.error?.message}\n`)
      return SETUP_FAILURE_EXIT_CODE
    }
    return result.exitCode
  } finally {
    await tool.close()
  }
}

/**
 * Saves images as `image-1.png`, `image-2.svg`, … in `directory` (made if missing), in the order shown, and
 * names each on stderr. A directory that cannot be written is reported there too; the run's status stands.
 */
async function saveImages(images: readonly ExecutionImage[], directory: string): Promise<void> {
  try {
    await mkdir(directory, { recursive: true })
    for (const [index, image] of images.entries()) {
      const path = join(directory, `image-${index + 1}.${IMAGE_EXTENSIONS[image.mimeType]}`)
      await writeFile(path, Buffer.from(image.data, 'base64'))
      process.stderr.write(`local-code-interpreter: saved ${path}\n`)
    }
  } catch (error) {
    process.stderr.write(`local-code-interpreter: cannot save images to ${directory}: ${(error as Error).message}\n`)
  }
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()))
}

/**
 * `mcp --warm-up`: gets `languages` ready while the server already answers (a call that comes meanwhile waits for
 * the same warm-up), and says on stderr how each went.
 */
async function warmUpInBackground(tool: CodeExecutionTool, languages: string[]): Promise<void> {
  for (const result of await tool.warmUp(languages)) {
    const how = result.ok ? `ready (${result.warmedFrom ?? 'warm already'}) in ${Math.round(result.durationMs)} ms` : `not ready: ${result.error?.code} ${result.error?.message}`
    process.stderr.write(`local-code-interpreter: warm-up of ${result.language}: ${how}\n`)
  }
}

/** The tokens of a token file: one per line, blank lines and `#` comments skipped. */
export function parseTokenFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
}

/**
 * `mcp --http`: serves until SIGTERM or SIGINT, then stops accepting, lets calls in flight finish within the
 * grace period, aborts the rest and exits 0. Resolves with 0 once listening (the URL is announced on stderr).
 */
async function serveHttp(toolOptions: CodeExecutionToolOptions, http: HttpCommandOptions, warmUp?: string[]): Promise<number> {
  const tokens: string[] = []
  if (http.tokenFile !== undefined) {
    try {
      tokens.push(...parseTokenFile(await readFile(http.tokenFile, 'utf8')))
    } catch (error) {
      process.stderr.write(`local-code-interpreter: cannot read --token-file ${http.tokenFile}: ${(error as Error).message}\n`)
      return USAGE_EXIT_CODE
    }
    if (tokens.length === 0) {
      process.stderr.write(`local-code-interpreter: --token-file ${http.tokenFile} has no token\n`)
      return USAGE_EXIT_CODE
    }
  }
  if (process.env.LCI_MCP_TOKEN) tokens.push(process.env.LCI_MCP_TOKEN)
  let served
  try {
    served = await serveMcpOverHttp(toolOptions, {
      host: http.host,
      port: http.port,
      ...(tokens.length > 0 && { token: tokens }),
      ...(http.maxCallsPerClient !== undefined && { maxCallsPerClient: http.maxCallsPerClient }),
      ...(http.maxBodyBytes !== undefined && { maxBodyBytes: http.maxBodyBytes }),
    })
  } catch (error) {
    if (!(error instanceof InvalidConfigError) && (error as NodeJS.ErrnoException)?.code !== 'EADDRINUSE') throw error
    process.stderr.write(`local-code-interpreter: ${(error as Error).message}\n`)
    return error instanceof InvalidConfigError ? USAGE_EXIT_CODE : SETUP_FAILURE_EXIT_CODE
  }
  const server = served
  process.stderr.write(`local-code-interpreter: serving MCP at ${server.url}${tokens.length > 0 ? ' (bearer token required)' : ''}\n`)
  if (warmUp) void warmUpInBackground(server.tool, warmUp)
  const stop = (signal: string) => {
    process.stderr.write(
      `local-code-interpreter: ${signal}: shutting down; ${server.callsInFlight} call(s) in flight get up to ${http.shutdownGraceMs} ms\n`,
    )
    server.close(http.shutdownGraceMs).then(
      () => process.exit(0),
      () => process.exit(SETUP_FAILURE_EXIT_CODE),
    )
  }
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
  return 0
}

/** Runs the command line; resolves with the exit status (`mcp` keeps serving and resolves with 0 once connected). */
export async function main(args: string[]): Promise<number> {
  let command: CliCommand
  try {
    command = parseCommandLine(args)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`local-code-interpreter: ${error.message}\nRun 'local-code-interpreter --help' for usage.\n`)
    return USAGE_EXIT_CODE
  }
  switch (command.command) {
    case 'help':
      process.stdout.write(USAGE)
      return 0
    case 'version':
      process.stdout.write(`${(require('../package.json') as { version: string }).version}\n`)
      return 0
    case 'mcp': {
      if (command.http) return serveHttp(command.toolOptions, command.http, command.warmUp)
      const { tool } = await serveMcpOverStdio(command.toolOptions)
      if (command.warmUp) void warmUpInBackground(tool, command.warmUp)
      return 0
    }
    case 'run':
      return runFile(command)
    case 'cache-clear':
      return clearSnapshotCache(command)
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => {
      // mcp keeps the process alive through stdin until the client disconnects.
      process.exitCode = status
    },
    (error: unknown) => {
      process.stderr.write(`local-code-interpreter: ${(error as Error)?.stack ?? String(error)}\n`)
      process.exitCode = SETUP_FAILURE_EXIT_CODE
    },
  )
}
