/**
 * The code-execution tool for the OpenAI Agents SDK (`@openai/agents`, an optional peer dependency).
 *
 * ```ts
 * import { Agent, run } from '@openai/agents'
 * import { codeExecutionTool } from 'local-code-interpreter/openai-agents'
 * const agent = new Agent({ name: 'Analyst', tools: [codeExecutionTool({ environment: 'hyperlight' })] })
 * ```
 *
 * `approvalMode: 'always_require'` becomes the SDK's `needsApproval: true`: the run stops with an
 * interruption (`result.interruptions`) until the call is approved or rejected on the run state.
 */
import { tool, type FunctionTool } from '@openai/agents'

import { openAIAgentsToolOptions } from './openai-agents-tool-options.js'
import { toCodeExecutionTool, type ToolSource } from './tool-source.js'

export { createInterpreterAgent, interpreterAgentInstructions } from '../agent.js'
export type { InterpreterAgentOptions } from '../agent.js'

/**
 * A function tool for an OpenAI Agents SDK `Agent`, from a {@link CodeExecutionTool} or its options. The
 * model reads the program's output, the last expression's value and a status line (exit code, error,
 * duration), then the PNG images the run showed as image outputs (SVG ones are named in the text, not sent).
 */
export function codeExecutionTool(source?: ToolSource): FunctionTool {
  const options = openAIAgentsToolOptions(toCodeExecutionTool(source))
  return tool(options as Parameters<typeof tool>[0]) as unknown as FunctionTool
}
