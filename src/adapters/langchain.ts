/**
 * The code-execution tool for LangChain.js (`@langchain/core`, an optional peer dependency).
 *
 * ```ts
 * import { codeExecutionTool } from 'local-code-interpreter/langchain'
 * const executeCode = codeExecutionTool({ environment: 'hyperlight' })
 * await executeCode.invoke({ code: 'print(6 * 7)' })            // '42\n[exit code 0 · 40 ms]'
 * ```
 *
 * The tool answers with `content_and_artifact`: the model reads text (output, the last expression's value,
 * a status line) or, when the run showed images a model can see, standard content blocks: that text, then one
 * `image` block (`{ type: 'image', mimeType, data }`, base64) per PNG image in the order shown (SVG images are
 * not sent, model APIs reject them: the text says how many were left out); a `ToolMessage` carries the
 * structured {@link ExecutionResult}, every image included, as its `artifact`.
 *
 * Approval: LangChain tools have no approval flag of their own; approval is the agent's job. With
 * `approvalMode: 'always_require'` this tool says so in `metadata.needsApproval`, and the agent should
 * interrupt before calling it: with `createAgent` from `langchain`, add
 * `humanInTheLoopMiddleware({ interruptOn: { execute_code: true } })`; in a LangGraph graph, call
 * `interrupt()` before the tool node (or use `interruptBefore: ['tools']`). The tool itself never asks.
 */
import type { ContentBlock } from '@langchain/core/messages'
import { tool } from '@langchain/core/tools'

import type { CodeExecutionInput } from '../input-schema.js'
import { toModelContent, type ExecutionResult } from '../execution-result.js'
import { toCodeExecutionTool, type ToolSource } from './tool-source.js'

/** What the model reads of a call: the text, or the text and the images as standard content blocks. */
type LangChainToolContent = string | (ContentBlock.Text | ContentBlock.Multimodal.Image)[]

/** The content of a result's `ToolMessage`: plain text without images a model can see, else text then image blocks, in order. */
function toLangChainToolContent(result: ExecutionResult): LangChainToolContent {
  const { text, images } = toModelContent(result)
  if (images.length === 0) return text
  const blocks = images.map((image): ContentBlock.Multimodal.Image => ({ type: 'image', mimeType: image.mimeType, data: image.data }))
  return [{ type: 'text', text }, ...blocks]
}

/** A LangChain structured tool from a {@link CodeExecutionTool} or its options. */
export function codeExecutionTool(source?: ToolSource) {
  const codeTool = toCodeExecutionTool(source)
  return tool(
    async (input: CodeExecutionInput, config?: { signal?: AbortSignal }): Promise<[LangChainToolContent, ExecutionResult]> => {
      const result = await codeTool.execute(input, config?.signal ? { signal: config.signal } : {})
      return [toLangChainToolContent(result), result]
    },
    {
      name: codeTool.name,
      description: codeTool.description,
      schema: codeTool.inputSchema,
      responseFormat: 'content_and_artifact',
      metadata: { needsApproval: codeTool.needsApproval, environment: codeTool.environment },
    },
  )
}
