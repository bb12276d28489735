/**
 * The code-execution tool as an MCP server (`@modelcontextprotocol/sdk`), for any MCP client: Claude
 * Desktop, VS Code, Cursor, or the SDK's own `Client`. `npx local-code-interpreter mcp` serves it over stdio.
 *
 * Tool `execute_code` answers with text content (output, the last expression's value, then a status line),
 * one image content item per image the run showed (SVG too, which clients may render; the model adapters send
 * PNG only) and `structuredContent` (the {@link ExecutionResult} without the images' bytes, which the image
 * items carry), with `isError` when the call did not succeed.
 * In persistent mode a second tool, `reset_session`, forgets the sessions' state. Code mode comes with the
 * options: `createMcpServer({ environment: 'hyperlight', tools })` lets the code call `tools` (its description
 * lists them), and the structured result lists the calls made (`toolCalls`). MCP has no approval step
 * of its own: clients ask their user as their settings say, guided by the tool's annotations.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { z } from 'zod'

import { CodeExecutionTool } from './code-execution-tool.js'
import { formatExecutionResult, LANGUAGES, ENVIRONMENTS, type ExecutionResult } from './execution-result.js'
import { toCodeExecutionTool, type ToolSource } from './adapters/tool-source.js'

/** The package version the server reports. */
const SERVER_VERSION: string = (require('../package.json') as { version: string }).version

/** The zod schema of the MCP tool's `outputSchema`: an {@link ExecutionResult} without `images`. */
export const executionResultSchema = z.object({
  output: z.string(),
  stderr: z.string(),
  exitCode: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  timedOut: z.boolean(),
  truncated: z.boolean(),
  durationMs: z.number(),
  environment: z.enum(ENVIRONMENTS as [string, ...string[]]),
  language: z.enum(LANGUAGES as [string, ...string[]]),
  value: z.string().optional(),
  toolCalls: z.array(z.object({ name: z.string(), ok: z.boolean(), durationMs: z.number() })).optional(),
})

/**
 * A tool call's answer in MCP terms: the text for the model, then an image item per image in the order
 * shown; the structured result without the images (their bytes would be sent twice); and `isError`.
 */
export function toCallToolResult(result: ExecutionResult) {
  const { images = [], ...structured } = result
  return {
    content: [
      { type: 'text' as const, text: formatExecutionResult(result) },
      ...images.map((image) => ({ type: 'image' as const, data: image.data, mimeType: image.mimeType })),
    ],
    structuredContent: structured as Record<string, unknown>,
    isError: result.error !== undefined,
  }
}

/** An MCP server (not yet connected) exposing a {@link CodeExecutionTool} made from the tool or options given. */
export function createMcpServer(source?: ToolSource): { server: McpServer; tool: CodeExecutionTool } {
  const codeTool = toCodeExecutionTool(source)
  const server = new McpServer({ name: 'local-code-interpreter', version: SERVER_VERSION })
  const isolated = codeTool.environment === 'hyperlight'
  // The python environment has the host's network; a micro-VM only what `network.allow` lists.
  const reachesNetwork = !isolated || (codeTool.network?.allow.length ?? 0) > 0
  server.registerTool(
    codeTool.name,
    {
      title: isolated ? 'Run code in a micro-VM' : 'Run Python',
      description: codeTool.description,
      inputSchema: codeTool.inputSchema,
      outputSchema: executionResultSchema,
      annotations: {
        readOnlyHint: false,
        destructiveHint: !isolated,
        idempotentHint: false,
        openWorldHint: reachesNetwork,
      },
    },
    async (input: { code: string; language?: string }, extra: { signal?: AbortSignal }) => {
      const result = await codeTool.execute(input as Parameters<CodeExecutionTool['execute']>[0], { signal: extra.signal })
      return toCallToolResult(result)
    },
  )
  if (codeTool.persistent) {
    server.registerTool(
      'reset_session',
      {
        title: 'Reset the interpreter sessions',
        description: `Forget every variable, function and import kept by ${codeTool.name} in every language.`,
        annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      },
      async () => {
        await codeTool.reset()
        return { content: [{ type: 'text' as const, text: 'The sessions were reset.' }] }
      },
    )
  }
  return { server, tool: codeTool }
}

/**
 * Serves the tool over stdio until the client disconnects; resolves once connected. Only protocol messages
 * reach stdout: `console.log` and friends are sent to stderr while serving.
 */
export async function serveMcpOverStdio(source?: ToolSource): Promise<{ server: McpServer; tool: CodeExecutionTool }> {
  for (const method of ['log', 'info', 'debug'] as const) {
    console[method] = (...args: unknown[]) => console.error(...args)
  }
  const served = createMcpServer(source)
  const transport = new StdioServerTransport()
  transport.onclose = () => {
    void served.tool.close()
  }
  await served.server.connect(transport)
  return served
}
