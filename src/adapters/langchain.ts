/**
 * The code-execution tool for LangChain.js (`@langchain/core`, an optional peer dependency).
 *
 * ```ts
 * import { codeExecutionTool } from 'local-code-interpreter/langchain'
 * const executeCode = codeExecutionTool({ environment: 'hyperlight' })
 * await executeCode.invoke({ code: 'print(6 * 7)' })            // '42\n[exit code 0 · 40 ms]'
 * ```
 *
 * The tool answers with `content_and_artifact`: the model reads text (output, then a status line), and a
 * `ToolMessage` carries the structured {@link ExecutionResult} as its `artifact`.
 *
 * Approval: LangChain tools have no approval flag of their own; approval is the agent's job. With
 * `approvalMode: 'always_require'` this tool says so in `metadata.needsApproval`, and the agent should
 * interrupt before calling it: with `createAgent` from `langchain`, add
 * `humanInTheLoopMiddleware({ interruptOn: { execute_code: true } })`; in a LangGraph graph, call
 * `interrupt()` before the tool node (or use `interruptBefore: ['tools']`). The tool itself never asks.
 */
import { tool } from '@langchain/core/tools'

import type { CodeExecutionInput } from '../input-schema.js'
import { formatExecutionResult, type ExecutionResult } from '../execution-result.js'
import { toCodeExecutionTool, type ToolSource } from './tool-source.js'

/** A LangChain structured tool from a {@link CodeExecutionTool} or its options. */
export function codeExecutionTool(source?: ToolSource) {
  const codeTool = toCodeExecutionTool(source)
  return tool(
    async (input: CodeExecutionInput, config?: { signal?: AbortSignal }): Promise<[string, ExecutionResult]> => {
      const result = await codeTool.execute(input, config?.signal ? { signal: config.signal } : {})
      return [formatExecutionResult(result), result]
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
