import type { ToolOutputImage, ToolOutputText } from '@openai/agents'
import { z } from 'zod'

import type { CodeExecutionTool } from '../code-execution-tool.js'
import { toModelContent, type ExecutionResult, type Language } from '../execution-result.js'
import { HYPERLIGHT_LANGUAGES, LANGUAGE_DESCRIPTION, STDIN_DESCRIPTION } from '../input-schema.js'

/** The options `tool()` of the OpenAI Agents SDK takes for a code-execution tool (framework-free). */
export interface OpenAIAgentsToolOptions {
  /** The tool's name. */
  name: string
  /** The tool's description. */
  description: string
  /** The parameters: `code`, plus a required-but-nullable `language` for hyperlight (strict mode's way of optional). */
  parameters: z.ZodObject<z.ZodRawShape>
  /** Strict mode: the model must follow the schema. */
  strict: true
  /** Whether a person must approve each call; the run stops with an interruption until they do. */
  needsApproval: boolean
  /** Runs the code; resolves with what the model reads ({@link toOpenAIAgentsToolOutput}). */
  execute: (input: unknown, context?: unknown, details?: { signal?: AbortSignal }) => Promise<OpenAIAgentsToolOutput>
}

/** A function tool's output as the OpenAI Agents SDK takes it: text, or a list of its text and image outputs. */
export type OpenAIAgentsToolOutput = string | (ToolOutputText | ToolOutputImage)[]

/**
 * What the model reads of a result: the text (output, the last expression's value, a status line) when the
 * run showed no image a model can see, else that text as the first item of a list followed by one image per
 * PNG image shown, in order (the SDK sends them as `input_text` and `input_image` data URLs). SVG images are
 * not sent (model APIs reject them): the text says how many were left out ({@link toModelContent}).
 */
export function toOpenAIAgentsToolOutput(result: ExecutionResult): OpenAIAgentsToolOutput {
  const { text, images } = toModelContent(result)
  if (images.length === 0) return text
  const outputs = images.map((image): ToolOutputImage => ({ type: 'image', image: { data: image.data, mediaType: image.mimeType } }))
  return [{ type: 'text', text }, ...outputs]
}

/**
 * Builds the `tool()` options for the OpenAI Agents SDK. Strict mode needs every field required, so the
 * hyperlight `language` is `nullable` (null means the default, python) rather than optional.
 */
export function openAIAgentsToolOptions(codeTool: CodeExecutionTool): OpenAIAgentsToolOptions {
  const code = codeTool.inputSchema.shape.code
  const stdin = z.string().nullable().describe(STDIN_DESCRIPTION)
  const parameters: z.ZodObject<z.ZodRawShape> =
    codeTool.environment === 'hyperlight'
      ? z.object({ code, language: z.enum(HYPERLIGHT_LANGUAGES).nullable().describe(LANGUAGE_DESCRIPTION), stdin })
      : z.object({ code, stdin })
  return {
    name: codeTool.name,
    description: codeTool.description,
    parameters,
    strict: true,
    needsApproval: codeTool.needsApproval,
    execute: async (input, _context, details) => {
      // The SDK has parsed the input against `parameters`; execute() checks it again and reports problems.
      const { code, language, stdin } = (input ?? {}) as { code: string; language?: Language | null; stdin?: string | null }
      const result = await codeTool.execute({ code, language, stdin }, details?.signal ? { signal: details.signal } : {})
      return toOpenAIAgentsToolOutput(result)
    },
  }
}
