/**
 * An MCP server's tools for code mode: `toolsFromMcpClient(client)` lists the tools of a connected MCP client
 * (`Client` of `@modelcontextprotocol/sdk`) and makes each a {@link ToolDefinition} that calls it, so the code
 * in the micro-VM can call them as `tools.NAME(...)`:
 *
 * ```ts
 * const tool = new CodeExecutionTool({ environment: 'hyperlight', tools: await toolsFromMcpClient(client) })
 * ```
 */
import { InvalidConfigError } from '../errors.js'
import { isToolName, type ToolDefinition } from '../code-mode/tools.js'
import { isPlainObject } from '../code-mode/json-schema.js'

/** A tool as an MCP server lists it. */
export interface McpToolListing {
  name: string
  description?: string
  inputSchema?: object
  outputSchema?: object
}

/** The part of an MCP client (`Client` of `@modelcontextprotocol/sdk`) that {@link toolsFromMcpClient} uses. */
export interface McpClientLike {
  listTools(params?: { cursor?: string }): Promise<{ tools: McpToolListing[]; nextCursor?: string }>
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>
}

/** Options of {@link toolsFromMcpClient}. */
export interface McpToolsOptions {
  /** Which of the server's tools to take, by their MCP names. Default: all. */
  include?: readonly string[]
}

/**
 * The tools of a connected MCP client, by the names the code calls them (ready for the `tools` option):
 * `client.listTools()` (every page), then for each a {@link ToolDefinition} with the server's description and
 * schemas whose `execute` calls `client.callTool({ name, arguments })` and resolves with the call's
 * `structuredContent`, or else the text of its content (its text items joined by new lines; the content list
 * itself when there is no text). A result with `isError` rejects with its text, an exception in the guest.
 *
 * An MCP name that is not an identifier is made one: each other character becomes `_` (`get-weather` →
 * `get_weather`), a leading digit gets a `_` before it and a Python keyword one after it (`class` → `class_`),
 * leading underscores become one. Two tools that end up
 * with one name are an {@link InvalidConfigError}.
 */
export async function toolsFromMcpClient(client: McpClientLike, options: McpToolsOptions = {}): Promise<Record<string, ToolDefinition>> {
  const listed: McpToolListing[] = []
  let cursor: string | undefined
  do {
    const page = await client.listTools(cursor === undefined ? undefined : { cursor })
    listed.push(...page.tools)
    cursor = page.nextCursor
  } while (cursor !== undefined && cursor !== '')
  const include = options.include === undefined ? undefined : new Set(options.include)
  const tools: Record<string, ToolDefinition> = {}
  const origins = new Map<string, string>()
  for (const listing of listed) {
    if (include && !include.has(listing.name)) continue
    const name = toToolName(listing.name)
    const earlier = origins.get(name)
    if (earlier !== undefined) {
      throw new InvalidConfigError(`the MCP tools ${JSON.stringify(earlier)} and ${JSON.stringify(listing.name)} would both be tools.${name}`)
    }
    origins.set(name, listing.name)
    tools[name] = {
      ...(listing.description !== undefined && { description: listing.description }),
      ...(listing.inputSchema !== undefined && { inputSchema: listing.inputSchema }),
      ...(listing.outputSchema !== undefined && { outputSchema: listing.outputSchema }),
      execute: async (args: unknown) =>
        resultOfMcpCall(await client.callTool({ name: listing.name, arguments: isPlainObject(args) ? args : {} })),
    }
  }
  return tools
}

/** An MCP tool name as a code-mode name (see {@link toolsFromMcpClient}). */
export function toToolName(mcpName: string): string {
  let name = mcpName.replace(/[^A-Za-z0-9_]/g, '_')
  if (name === '' || /^[0-9]/.test(name)) name = `_${name}`
  if (name.startsWith('__')) name = name.replace(/^_+/, '_')
  if (!isToolName(name)) name = `${name}_`
  return name
}

/** What a call resolves with: `structuredContent`, else the text of the content; an error result throws. */
export function resultOfMcpCall(result: unknown): unknown {
  const { content, structuredContent, isError, toolResult } = (isPlainObject(result) ? result : {}) as {
    content?: unknown
    structuredContent?: unknown
    isError?: unknown
    toolResult?: unknown
  }
  const items = Array.isArray(content) ? content : []
  const texts = items
    .filter((item): item is { type: 'text'; text: string } => isPlainObject(item) && item.type === 'text' && typeof item.text === 'string')
    .map((item) => item.text)
  if (isError === true) throw new Error(texts.join('\n') || 'the MCP tool reported an error')
  if (structuredContent !== undefined) return structuredContent
  if (toolResult !== undefined) return toolResult
  return texts.length > 0 || items.length === 0 ? texts.join('\n') : items
}
