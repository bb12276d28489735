/**
 * Code mode: functions of the host that the code in a micro-VM calls as `tools.NAME(...)` — in JavaScript
 * `const w = await tools.getWeather({ city: 'Paris' })`, in Python `w = tools.getWeather(city='Paris')`. The
 * model writes one program that calls them, loops, filters and combines their results, instead of one model
 * turn per call.
 *
 * This module turns what users already have into the plain `(args) => Promise<result>` functions the native
 * addon's `runCode(..., { tools })` takes (for `CodeExecutionTool` and the package's `NanvixSandbox` alike): a function, a {@link ToolDefinition}, a Vercel AI SDK `tool()`, an
 * OpenAI Agents SDK function tool, a LangChain tool (MCP servers' tools come through `toolsFromMcpClient`).
 * Each call's arguments are checked against the tool's schema before it runs (`src/code-mode/tool-arguments.ts`), and the
 * schemas become the signatures the model reads (`src/code-mode/tool-signatures.ts`).
 */
import { randomUUID } from 'node:crypto'

import { InvalidConfigError } from '../errors.js'
import { RESERVED_TOOL_NAMES, TOOL_NAME_PATTERN, TOOL_NAME_RULE } from '../generated/core-facts.js'
import { acceptsNull, isPlainObject, isSchemaObject, requiredNames, rootObjectSchema, type JsonSchema } from './json-schema.js'
import { requireOptionalPeer } from '../optional-peer.js'
import { argumentSchemaOf, type ArgumentSchema } from './tool-arguments.js'
import type { SignatureSource } from './tool-signatures.js'

/**
 * What a tool gets besides its arguments when the code calls it: `signal` aborts when the run stops (its
 * time limit, or its caller's abort) while the tool is running, so the tool can give up its own work.
 */
export interface ToolCallContext {
  /** Aborts when the run stops while this call runs. */
  signal?: AbortSignal
}

/**
 * A plain function the code can call: it gets the one argument object and a {@link ToolCallContext}, and
 * may return a promise; no schema.
 */
export type ToolFunction = (args: any, context: ToolCallContext) => unknown

/**
 * A tool with a description and a schema: `execute` gets the argument object once it matches `inputSchema`
 * (as the schema parsed it: zod defaults and transforms applied; a JSON Schema only checks). This is also the
 * shape of a Vercel AI SDK `tool()`, whose `execute(input, options)` gets `{ toolCallId, messages: [],
 * abortSignal }` as its options (`abortSignal` aborts when the run stops while the tool runs).
 */
export interface ToolDefinition {
  /** What the tool does, for the model. */
  description?: string
  /** The argument object's schema: zod, a JSON Schema object, an AI SDK `jsonSchema()`/`zodSchema()`, a Standard Schema. */
  inputSchema?: unknown
  /** The result's schema, same kinds; only for the signature the model reads (results are not checked). */
  outputSchema?: unknown
  /** Runs the tool; may return a promise (an AI SDK tool's async iterable: its last value is the result). */
  execute(args: any, options?: any): unknown
}

/** A Vercel AI SDK `tool()` as code mode reads it (`execute` is optional there: a tool without one is refused). */
export interface AiSdkToolLike {
  type?: string
  description?: string
  inputSchema?: unknown
  outputSchema?: unknown
  /** `true` is refused (code mode cannot ask a person); a function is asked before each call. */
  needsApproval?: unknown
  execute?: (input: any, options: any) => unknown
}

/** An OpenAI Agents SDK function tool (the result of its `tool({...})`), as code mode reads it. */
export interface OpenAIAgentsFunctionToolLike {
  type: 'function'
  name: string
  description: string
  /** JSON Schema (strict mode's: optional arguments are required and nullable). */
  parameters: object
  strict?: boolean
  invoke(runContext: any, input: string, details?: any): Promise<unknown>
  /** Asked before each call; a call that needs approval is refused (code mode cannot ask a person). */
  needsApproval?: (runContext: any, input: any, callId?: string) => Promise<boolean>
}

/** A LangChain tool (`tool()` of `@langchain/core/tools`, `StructuredTool`, `DynamicTool`), as code mode reads it. */
export interface LangChainToolLike {
  name: string
  description: string
  /** zod (3 or 4) or JSON Schema. */
  schema: unknown
  invoke(input: any, config?: any): Promise<unknown>
}

/** Anything code mode takes as a tool. */
export type CodeModeTool = ToolFunction | ToolDefinition | AiSdkToolLike | OpenAIAgentsFunctionToolLike | LangChainToolLike

/**
 * The `tools` option: by the name the code calls each one (an identifier), or a list of tools that carry their
 * own names (OpenAI Agents SDK and LangChain tools).
 */
export type CodeModeTools = Readonly<Record<string, CodeModeTool>> | readonly (OpenAIAgentsFunctionToolLike | LangChainToolLike)[]

/** Which kind of tool an entry was made from. */
export type CodeModeToolSource = 'function' | 'definition' | 'openai-agents' | 'langchain'

/** A tool as the description shows it: its name, what it does and its schemas. */
export interface CodeModeToolInfo extends SignatureSource {
  /** What it was made from. */
  readonly source: CodeModeToolSource
}

/** A normalised tool: its description and the function the native addon calls. */
export interface CodeModeToolEntry extends CodeModeToolInfo {
  /** Checks the arguments against the schema, then runs the tool; rejects with the message the guest sees. */
  readonly call: (args: unknown, context?: ToolCallContext) => Promise<unknown>
}

/** The names a tool cannot have (Python's keywords and `then`), from the core. */
const RESERVED_NAMES: ReadonlySet<string> = new Set(RESERVED_TOOL_NAMES)

/**
 * Whether `name` can be a tool's name: an identifier both guests can write after `tools.` — ASCII letters,
 * digits and `_`, not starting with a digit or `__` (Python's special names); not a Python keyword, not `then`
 * (JavaScript would take `tools` for a promise). The core's rule (`Tools::valid_name`), from the generated facts.
 */
export function isToolName(name: string): boolean {
  return TOOL_NAME_PATTERN.test(name) && !RESERVED_NAMES.has(name)
}

/**
 * The tools of the `tools` option, normalised: each one's name, description, schemas and the function to
 * call. Throws {@link InvalidConfigError} for a name that is not an identifier ({@link isToolName}), a value
 * that is not a tool, a schema that is not one, an AI SDK tool without `execute` or with `needsApproval: true`.
 */
export function normalizeCodeModeTools(tools: unknown): CodeModeToolEntry[] {
  if (tools === null || typeof tools !== 'object') {
    throw new InvalidConfigError(`tools must be an object of tools by name, or a list of named tools, got ${tools === null ? 'null' : typeof tools}`)
  }
  const named: [string, unknown][] = Array.isArray(tools)
    ? tools.map((tool, index) => {
        const name = (tool as { name?: unknown } | null)?.name
        if (typeof name !== 'string' || (!isOpenAIAgentsTool(tool) && !isLangChainTool(tool))) {
          throw new InvalidConfigError(
            `tools[${index}]: a list of tools takes OpenAI Agents SDK and LangChain tools, which carry their names; give other tools in an object by name`,
          )
        }
        return [name, tool]
      })
    : Object.entries(tools)
  const seen = new Set<string>()
  return named.map(([name, tool]) => {
    if (!isToolName(name)) {
      throw new InvalidConfigError(
        `tools: ${JSON.stringify(name)} is not a valid tool name: the code calls it as tools.NAME in JavaScript and Python, so it must be ${TOOL_NAME_RULE}`,
      )
    }
    if (seen.has(name)) throw new InvalidConfigError(`tools: two tools are named ${name}`)
    seen.add(name)
    return normalizeTool(name, tool)
  })
}

/**
 * The functions the native addon's `tools` (of `runCode`'s options and of `SandboxConfig`) take, by name: each
 * normalised tool's `call`. The one conversion from what users give to what the addon calls, used by
 * `CodeExecutionTool` and by the package's `NanvixSandbox` alike.
 */
export function nativeToolFunctions(entries: readonly CodeModeToolEntry[]): Record<string, CodeModeToolEntry['call']> {
  return Object.fromEntries(entries.map((tool) => [tool.name, tool.call]))
}

function normalizeTool(name: string, tool: unknown): CodeModeToolEntry {
  if (typeof tool === 'function') {
    return { name, source: 'function', call: async (args, context) => (tool as ToolFunction)(args, context ?? {}) }
  }
  if (isOpenAIAgentsTool(tool)) return fromOpenAIAgentsTool(name, tool)
  if (isLangChainTool(tool)) return fromLangChainTool(name, tool)
  if (tool !== null && typeof tool === 'object' && typeof (tool as AiSdkToolLike).execute === 'function') {
    return fromDefinition(name, tool as AiSdkToolLike & ToolDefinition)
  }
  if (tool !== null && typeof tool === 'object' && ('inputSchema' in tool || 'type' in tool)) {
    throw new InvalidConfigError(
      `tools.${name} has no execute function: a tool the model provider runs (an AI SDK provider tool), or one whose calls the application handles, cannot be called from code`,
    )
  }
  throw new InvalidConfigError(
    `tools.${name} must be a function, { description?, inputSchema?, execute }, an AI SDK tool(), an OpenAI Agents SDK function tool or a LangChain tool`,
  )
}

/** A {@link ToolDefinition} or an AI SDK `tool()`: checked, asked for approval when it wants that, executed. */
function fromDefinition(name: string, tool: ToolDefinition & AiSdkToolLike): CodeModeToolEntry {
  if (tool.needsApproval === true) {
    throw new InvalidConfigError(
      `tools.${name} needs a person's approval for every call (needsApproval: true), which a call from code cannot ask for; give code mode a tool without it`,
    )
  }
  const input = schemaOf(name, 'inputSchema', tool.inputSchema)
  const output = tool.outputSchema === undefined ? undefined : schemaOf(name, 'outputSchema', tool.outputSchema)
  const needsApproval = typeof tool.needsApproval === 'function' ? (tool.needsApproval as (input: unknown, options: unknown) => unknown) : undefined
  return {
    name,
    source: 'definition',
    ...(typeof tool.description === 'string' && { description: tool.description }),
    ...(input.jsonSchema !== undefined && { inputJsonSchema: input.jsonSchema }),
    ...(output?.jsonSchema !== undefined && { outputJsonSchema: output.jsonSchema }),
    call: async (args, context) => {
      const { parsed } = await input.check(name, args)
      const options = { toolCallId: `code-mode-${randomUUID()}`, messages: [], ...(context?.signal && { abortSignal: context.signal }) }
      if (needsApproval && (await needsApproval.call(tool, parsed, options))) throw approvalRefused(name)
      return lastValue(await tool.execute(parsed, options))
    },
  }
}

/**
 * The message the OpenAI Agents SDK's default error function puts in place of a function tool's error
 * (`invoke` resolves with it rather than rejecting): code mode makes it an exception again.
 */
export const OPENAI_AGENTS_TOOL_ERROR = 'An error occurred while running the tool. Please try again.'

/**
 * An OpenAI Agents SDK function tool: checked against its `parameters` — in strict mode an argument that is
 * required but accepts `null` (the SDK's form of an optional one) may be left out, and is sent as `null` —
 * asked `needsApproval`, then `invoke`d with a new `RunContext` and the arguments as JSON.
 */
function fromOpenAIAgentsTool(name: string, tool: OpenAIAgentsFunctionToolLike): CodeModeToolEntry {
  const parameters = isSchemaObject(tool.parameters) ? tool.parameters : undefined
  const { schema, nullable } = tool.strict === false || parameters === undefined ? { schema: parameters, nullable: [] } : relaxStrictNullables(parameters)
  const input = schemaOf(name, 'parameters', schema)
  return {
    name,
    source: 'openai-agents',
    ...(typeof tool.description === 'string' && { description: tool.description }),
    ...(schema !== undefined && { inputJsonSchema: schema }),
    call: async (raw, context) => {
      const { args } = await input.check(name, raw)
      const filled = isPlainObject(args) ? { ...args } : args
      if (isPlainObject(filled)) for (const key of nullable) if (!Object.hasOwn(filled, key)) filled[key] = null
      const { RunContext } = requireOptionalPeer<typeof import('@openai/agents')>('@openai/agents', 'An OpenAI Agents SDK tool in code mode')
      const runContext = new RunContext()
      if (typeof tool.needsApproval === 'function' && (await tool.needsApproval(runContext, filled, `code-mode-${randomUUID()}`))) {
        throw approvalRefused(name)
      }
      const result = await tool.invoke(runContext, JSON.stringify(filled), context?.signal ? { signal: context.signal } : undefined)
      if (result === OPENAI_AGENTS_TOOL_ERROR) throw new Error(OPENAI_AGENTS_TOOL_ERROR)
      return result
    },
  }
}

/**
 * A strict-mode schema with its required-but-nullable arguments made optional (the Agents SDK makes a zod
 * `.optional()` required and nullable), and their names, to send as `null` when left out.
 */
export function relaxStrictNullables(schema: JsonSchema): { schema: JsonSchema; nullable: string[] } {
  const root = rootObjectSchema(schema)
  if (root !== schema || !isPlainObject(schema.properties)) return { schema, nullable: [] }
  const properties = schema.properties
  const required = requiredNames(schema)
  const nullable = required.filter((key) => Object.hasOwn(properties, key) && acceptsNull(properties[key], schema))
  if (nullable.length === 0) return { schema, nullable }
  return { schema: { ...schema, required: required.filter((key) => !nullable.includes(key)) }, nullable }
}

/** A LangChain tool: checked against its `schema`, then `invoke`d with the arguments (it parses them itself). */
function fromLangChainTool(name: string, tool: LangChainToolLike): CodeModeToolEntry {
  const input = schemaOf(name, 'schema', tool.schema, langChainJsonSchema)
  return {
    name,
    source: 'langchain',
    ...(typeof tool.description === 'string' && { description: tool.description }),
    ...(input.jsonSchema !== undefined && { inputJsonSchema: input.jsonSchema }),
    call: async (raw, context) => {
      const { args } = await input.check(name, raw)
      return tool.invoke(args, context?.signal ? { signal: context.signal } : undefined)
    },
  }
}

/** LangChain's own conversion to JSON Schema, for its zod 3 schemas (`DynamicTool`'s `{ input }`). */
function langChainJsonSchema(schema: unknown): unknown {
  const { toJsonSchema } = requireOptionalPeer<{ toJsonSchema: (schema: unknown) => unknown }>(
    '@langchain/core/utils/json_schema',
    'A LangChain tool in code mode',
  )
  return toJsonSchema(schema)
}

function schemaOf(name: string, key: string, schema: unknown, toJsonSchema?: (schema: unknown) => unknown): ArgumentSchema {
  return argumentSchemaOf(schema, { label: `tools.${name}.${key}`, ...(toJsonSchema && { toJsonSchema }) })
}

function approvalRefused(name: string): Error {
  return new Error(`tools.${name} needs a person's approval for these arguments, which a call from code cannot get; it did not run`)
}

/** The result of an AI SDK `execute` that streams (an async iterable): its last value; anything else as it is. */
async function lastValue(result: unknown): Promise<unknown> {
  if (result === null || typeof result !== 'object' || typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') return result
  let last: unknown
  for await (const value of result as AsyncIterable<unknown>) last = value
  return last
}

function isOpenAIAgentsTool(tool: unknown): tool is OpenAIAgentsFunctionToolLike {
  const candidate = tool as Partial<OpenAIAgentsFunctionToolLike> | null
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    candidate.type === 'function' &&
    typeof candidate.invoke === 'function' &&
    typeof candidate.name === 'string' &&
    candidate.parameters !== null &&
    typeof candidate.parameters === 'object'
  )
}

function isLangChainTool(tool: unknown): tool is LangChainToolLike {
  const candidate = tool as Partial<LangChainToolLike> | null
  return candidate !== null && typeof candidate === 'object' && typeof candidate.invoke === 'function' && typeof candidate.name === 'string' && 'schema' in candidate
}
