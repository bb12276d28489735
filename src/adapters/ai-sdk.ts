/**
 * The code-execution tool for the Vercel AI SDK (`ai`, an optional peer dependency).
 *
 * ```ts
 * import { generateText, stepCountIs } from 'ai'
 * import { codeExecutionTool } from 'local-code-interpreter/ai-sdk'
 * await generateText({ model, tools: { execute_code: codeExecutionTool() }, stopWhen: stepCountIs(5), prompt })
 * ```
 *
 * The tool's result is the structured {@link ExecutionResult} (for UIs and logs); the model reads it through
 * `toModelOutput`: text (output, the last expression's value, a status line) when the run showed no image a
 * model can see, else `content` with that text, then one `image-data` part per PNG image, in the order shown
 * (SVG images are not sent, model APIs reject them: the text says how many were left out; see
 * {@link toModelContent}).
 * `approvalMode: 'always_require'` becomes the SDK's `needsApproval: true`: the call comes back as a
 * `tool-approval-request` and runs only once a `tool-approval-response` approves it. The SDK's
 * `abortSignal` kills the program (python environment).
 */
import { tool, type Tool } from 'ai'

import type { CodeExecutionInput } from '../input-schema.js'
import { toModelContent, type ExecutionResult } from '../execution-result.js'
import { toCodeExecutionTool, type ToolSource } from './tool-source.js'

/** An AI SDK tool from a {@link CodeExecutionTool} or its options; use the tool's `name` as its key in `tools`. */
export function codeExecutionTool(source?: ToolSource): Tool<CodeExecutionInput, ExecutionResult> {
  const codeTool = toCodeExecutionTool(source)
  return tool<CodeExecutionInput, ExecutionResult>({
    description: codeTool.description,
    inputSchema: codeTool.inputSchema as unknown as Tool<CodeExecutionInput, ExecutionResult>['inputSchema'],
    needsApproval: codeTool.needsApproval,
    execute: (input, { abortSignal }) => codeTool.execute(input, abortSignal ? { signal: abortSignal } : {}),
    toModelOutput: ({ output }) => {
      const { text, images } = toModelContent(output)
      if (images.length === 0) return { type: 'text', value: text }
      const parts = images.map((image) => ({ type: 'image-data' as const, data: image.data, mediaType: image.mimeType }))
      return { type: 'content', value: [{ type: 'text', text }, ...parts] }
    },
  })
}
