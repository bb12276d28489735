import type { ExecutionError, ExecutionErrorCode } from './errors.js'
import type { Language } from './generated/core-facts.js'

export { LANGUAGES, type Language } from './generated/core-facts.js'

/** Where code runs: a local `python3` subprocess (trusted code) or a Hyperlight micro-VM (untrusted code). */
export type EnvironmentName = 'python' | 'hyperlight'

/** Every environment name, in the order the docs list them. */
export const ENVIRONMENTS: readonly EnvironmentName[] = ['python', 'hyperlight']

/** The kinds of image a run shows: PNG (matplotlib figures, PIL images) or SVG (objects with `_repr_svg_`). */
export type ImageMimeType = 'image/png' | 'image/svg+xml'

/** One image a run showed, as a notebook shows it under a cell: a matplotlib figure, a PIL image given to `display()`. */
export interface ExecutionImage {
  /** The image's format. */
  mimeType: ImageMimeType
  /** The image's bytes, base64-encoded (as MCP, model APIs and data URLs carry them). */
  data: string
}

/** One call the program made of a code-mode tool (`tools.NAME(...)`), in the order made. */
export interface ExecutionToolCall {
  /** The tool's name. */
  name: string
  /** Whether it returned a result (not an error, a refusal of invalid arguments, or a stop at the time limit). */
  ok: boolean
  /** How long the program waited for it, in milliseconds. */
  durationMs: number
}

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
  /**
   * True when output was cut to the size limit (beginning and end kept, a marker in between), or when the
   * run showed more images than are kept.
   */
  truncated: boolean
  /** Wall-clock time of the call in milliseconds. */
  durationMs: number
  /** The environment that ran (or refused to run) the code. */
  environment: EnvironmentName
  /** The language the code was run as. */
  language: Language
  /**
   * The repr of the value of the program's last expression, as a notebook's `Out[]` (hyperlight, Python);
   * unset when there was none or it was `None`.
   */
  value?: string
  /**
   * The images the run showed, in the order shown (hyperlight, Python); unset when there were none, never
   * empty. A run that showed more than the sandbox keeps has `truncated` set.
   */
  images?: ExecutionImage[]
  /**
   * The calls the program made of the code-mode tools (hyperlight, the `tools` option), in order; unset when it
   * made none, never empty.
   */
  toolCalls?: ExecutionToolCall[]
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
 * The image formats model APIs take as image input: raster ones. SVG is not among them (model APIs reject
 * it), so the model adapters leave SVG images out of what the model reads and say so in the text; MCP sends
 * every image, since MCP clients may render SVG for their user.
 */
export const MODEL_IMAGE_MIME_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp']

/** Whether a model can be sent `image` as an image (a raster format, see {@link MODEL_IMAGE_MIME_TYPES}). */
export function isModelVisibleImage(image: ExecutionImage): boolean {
  return MODEL_IMAGE_MIME_TYPES.includes(image.mimeType)
}

/** What a model is sent of a result: the text, then the images it can see, in the order shown. */
export interface ModelContent {
  /** {@link formatExecutionResult}'s text, saying also how many images were left out and why. */
  text: string
  /** The images a model can see (raster), in the order shown; empty when there are none. */
  images: ExecutionImage[]
}

/**
 * What the model adapters (AI SDK, OpenAI Agents, LangChain) send a model for a result: the raster images
 * as image parts, and a text that counts them as attached and names the others, which stay in the
 * result's `images`: e.g. `[1 SVG image not shown; it is in the result's images]`.
 */
export function toModelContent(result: ExecutionResult): ModelContent {
  const images: ExecutionImage[] = []
  const withheld = new Map<string, number>()
  for (const image of result.images ?? []) {
    if (isModelVisibleImage(image)) {
      images.push(image)
    } else {
      const kind = image.mimeType === 'image/svg+xml' ? 'SVG' : image.mimeType
      withheld.set(kind, (withheld.get(kind) ?? 0) + 1)
    }
  }
  const notes = [...withheld].map(([kind, count]) =>
    count === 1 ? `[1 ${kind} image not shown; it is in the result's images]` : `[${count} ${kind} images not shown; they are in the result's images]`,
  )
  return { text: formatText(result, images.length, notes), images }
}

/**
 * The text a model reads for a result: the program's output, then the last expression's value as
 * `Out: <repr>`, then one status line in brackets, e.g. `[exit code 0 · 41 ms]`,
 * `[exit code 0 · 41 ms · 2 images attached]`, `[exit code 0 · 41 ms · 3 tool calls]` (`3 tool calls, 1 failed`)
 * or `[error ERR_TIMEOUT: …]`. The MCP server sends this text
 * and every image after it; the model adapters send {@link toModelContent}'s, which leaves out the images a
 * model cannot see (SVG).
 */
export function formatExecutionResult(result: ExecutionResult): string {
  return formatText(result, result.images?.length ?? 0, [])
}

/** The text of a result whose `attached` images are sent with it; `notes` (lines) go before the status line. */
function formatText(result: ExecutionResult, attached: number, notes: readonly string[]): string {
  const parts: string[] = []
  if (result.output.length > 0) {
    parts.push(result.output.endsWith('\n') ? result.output.slice(0, -1) : result.output)
  } else if (result.exitCode !== -1 && result.value === undefined) {
    parts.push('(no output)')
  }
  if (result.value !== undefined) parts.push(`Out: ${result.value}`)
  parts.push(...notes)
  const status = [`exit code ${result.exitCode}`, `${Math.round(result.durationMs)} ms`]
  if (result.truncated) status.push('output truncated')
  if (attached > 0) status.push(`${attached} ${attached === 1 ? 'image' : 'images'} attached`)
  const calls = result.toolCalls ?? []
  if (calls.length > 0) {
    const failed = calls.filter((call) => !call.ok).length
    status.push(`${calls.length} tool ${calls.length === 1 ? 'call' : 'calls'}${failed > 0 ? `, ${failed} failed` : ''}`)
  }
  if (result.error) {
    const line = `[error ${result.error.code}: ${result.error.message}]`
    parts.push(result.exitCode === -1 ? line : `${line}\n[${status.join(' · ')}]`)
  } else {
    parts.push(`[${status.join(' · ')}]`)
  }
  return parts.join('\n')
}
