import { CodeExecutionTool, type CodeExecutionToolOptions } from '../code-execution-tool.js'

/** What an adapter accepts: a ready {@link CodeExecutionTool}, or the options to create one. */
export type ToolSource = CodeExecutionTool | CodeExecutionToolOptions

/** The {@link CodeExecutionTool} behind an adapter: the one given, or a new one from options. */
export function toCodeExecutionTool(source: ToolSource = {}): CodeExecutionTool {
  return source instanceof CodeExecutionTool ? source : new CodeExecutionTool(source)
}
