import type { Agent, AgentOptions } from '@openai/agents'

import { CodeExecutionTool, type CodeExecutionToolOptions } from './code-execution-tool.js'
import type { CodeModeTools } from './code-mode/tools.js'
import { InvalidConfigError } from './errors.js'
import { openAIAgentsToolOptions } from './adapters/openai-agents-tool-options.js'
import { requireOptionalPeer } from './optional-peer.js'

/**
 * Options of {@link createInterpreterAgent}: the tool's options, the agent's options, or a ready tool. `tools`
 * is the agent's (more tools the model calls directly); the code tool's `tools` option is `codeModeTools`.
 */
export type InterpreterAgentOptions = Omit<CodeExecutionToolOptions, 'name' | 'tools'> &
  Partial<AgentOptions> & {
    /** Use this tool instead of creating one from the tool options. */
    tool?: CodeExecutionTool
    /** The code tool's name as the model sees it. Default `execute_code`. */
    toolName?: string
    /**
     * Code mode (hyperlight): host functions the code calls as `tools.NAME(...)` — the code tool's `tools`
     * option (named apart from the agent's own `tools`).
     */
    codeModeTools?: CodeModeTools
  }

const TOOL_OPTION_KEYS = [
  'environment',
  'approvalMode',
  'timeoutMs',
  'maxOutputBytes',
  'maxCodeBytes',
  'tmpDirectory',
  'logDirectory',
  'persistent',
  'memoryMb',
  'pythonImage',
  'network',
  'pythonPath',
  'env',
  'loadNativeAddon',
] as const satisfies readonly (keyof CodeExecutionToolOptions)[]

/** The instructions of the interpreter agent for a tool: when to run code, and what the tool can do. */
export function interpreterAgentInstructions(codeTool: CodeExecutionTool): string {
  const where =
    codeTool.environment === 'python'
      ? `The \`${codeTool.name}\` tool runs Python 3 on the user's machine; every call is a fresh process, so each program must be complete.`
      : `The \`${codeTool.name}\` tool runs JavaScript, Python, C or C++ in an isolated micro-VM; choose with the \`language\` field (python when omitted). ${
          codeTool.persistent
            ? 'Variables and functions persist between calls in the same language, as in a notebook.'
            : 'Every call starts from a clean state, so each program must be complete.'
        }`
  const see =
    codeTool.environment === 'python'
      ? 'Print every value you need to see.'
      : `Print the values you need to see; in python the value of a final expression comes back too${
          codeTool.pythonImage === 'data' ? ', and matplotlib charts come back as images' : ''
        }.`
  const codeMode =
    codeTool.codeModeTools.length > 0
      ? `Your programs can call host functions through \`tools\` (${codeTool.codeModeTools.map((tool) => tool.name).join(', ')}; signatures in the tool's description): \`await tools.NAME({...})\` in JavaScript, \`tools.NAME(key=value)\` in Python. When a task needs several of their results, get and combine them in one program rather than one call at a time.`
      : undefined
  return [
    'You are a code interpreter. When a question needs calculation, data processing or a precise check, write a short program, run it with the tool, and answer from what it returns.',
    where,
    see,
    ...(codeMode ? [codeMode] : []),
    'If a run fails, read the error, fix the code and run it again. Never claim a result the tool did not return.',
  ].join(' ')
}

/**
 * An OpenAI Agents SDK `Agent` that answers by running code, like the seed's `create_interpreter_agent`:
 * `createInterpreterAgent({ environment: 'hyperlight' })`. Tool options (environment, limits, approval) and
 * agent options (model, name, instructions, more tools…) go in one object; `codeModeTools` are the functions
 * the code can call (the tool's `tools` option). Needs the optional peer dependency `@openai/agents`.
 */
export function createInterpreterAgent(options: InterpreterAgentOptions = {}): Agent {
  const agents = requireOptionalPeer<typeof import('@openai/agents')>('@openai/agents', 'createInterpreterAgent')
  const toolOptions: CodeExecutionToolOptions = {}
  const agentOptions: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    if (key === 'tool' || key === 'toolName') continue
    if (key === 'codeModeTools') {
      if (value !== undefined) toolOptions.tools = value as CodeModeTools
      continue
    }
    if ((TOOL_OPTION_KEYS as readonly string[]).includes(key)) (toolOptions as Record<string, unknown>)[key] = value
    else agentOptions[key] = value
  }
  if (options.tools !== undefined && !Array.isArray(options.tools)) {
    // A record of tools is code mode's form; the agent's own tools are a list.
    throw new InvalidConfigError('createInterpreterAgent: tools is the agent\'s list of tools; give the functions the code calls (code mode) as codeModeTools')
  }
  const codeTool = options.tool ?? new CodeExecutionTool({ ...toolOptions, name: options.toolName })
  const extraTools = options.tools ?? []
  return new agents.Agent({
    ...(agentOptions as Partial<AgentOptions>),
    name: options.name ?? 'Code Interpreter',
    instructions: options.instructions ?? interpreterAgentInstructions(codeTool),
    tools: [agents.tool(openAIAgentsToolOptions(codeTool) as Parameters<typeof agents.tool>[0]), ...extraTools],
  })
}
