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
 *
 * A call whose request carries a `progressToken` gets `notifications/progress` while it runs (see
 * `progress.ts`); a cancelled request (`notifications/cancelled`, or over HTTP a closed request stream)
 * aborts the run. Over HTTP (`serveMcpOverHttp` in `http.ts`) persistent state is addressed by a `session`
 * argument instead (see `sessions.ts`).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv'
import { z } from 'zod'

import { CodeExecutionTool } from '../code-execution-tool.js'
import { errorResult, formatExecutionResult, LANGUAGES, ENVIRONMENTS, type ExecutionResult } from '../execution-result.js'
import { toCodeExecutionTool, type ToolSource } from '../adapters/tool-source.js'
import { reportProgress } from './progress.js'
import type { McpSessions } from './sessions.js'

/** The package version the server reports. */
const SERVER_VERSION: string = (require('../../package.json') as { version: string }).version

/**
 * One JSON Schema validator for every server made here: the SDK builds an Ajv instance per server otherwise,
 * and over HTTP a server is made per request (that was a tenth of a request's CPU time).
 */
let sharedValidator: AjvJsonSchemaValidator | undefined

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

/** What a tool handler gets from the SDK besides the arguments (the part used here). */
export interface ToolCallExtra {
  /** Fires when the client cancels the request or the connection closes. */
  signal?: AbortSignal
  /** The request's `_meta`, where a client puts its `progressToken`. */
  _meta?: { progressToken?: string | number }
  /** Sends a notification related to this request (on HTTP, on its response stream). */
  sendNotification?: (notification: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; message?: string } }) => Promise<void>
}

/**
 * Runs one `execute_code` call and answers it in MCP terms: aborts the run when `extra.signal` fires, and
 * when the request has a `progressToken`, sends `notifications/progress` while it runs.
 */
export async function runToolCall(codeTool: CodeExecutionTool, input: Parameters<CodeExecutionTool['execute']>[0], extra: ToolCallExtra) {
  const token = extra._meta?.progressToken
  const send = extra.sendNotification
  const progress =
    token === undefined || send === undefined
      ? undefined
      : reportProgress((value, message) => {
          // A stream closed meanwhile is the cancellation's business, not an error of the call.
          send({ method: 'notifications/progress', params: { progressToken: token, progress: value, message } }).catch(() => {})
        })
  try {
    const result = await codeTool.execute(input, {
      ...(extra.signal && { signal: extra.signal }),
      ...(progress && { onOutput: progress.onOutput }),
    })
    return toCallToolResult(result)
  } finally {
    progress?.stop()
  }
}

/** Options of {@link createMcpServer}. */
export interface McpServerOptions {
  /**
   * Persistent sessions addressed by a `session` argument (MCP over HTTP): `execute_code` takes an optional
   * `session`, runs in that session (a new one without it) and its result names the session
   * (`structuredContent.session`); `reset_session` takes the `session` to close.
   */
  sessions?: McpSessions
}

/** The description of the `session` argument. */
const SESSION_DESCRIPTION =
  'The session to run in, as returned by an earlier call (structuredContent.session); omit it to start a new session. ' +
  'Variables, functions and imports persist within a session.'

/** An MCP server (not yet connected) exposing a {@link CodeExecutionTool} made from the tool or options given. */
export function createMcpServer(source?: ToolSource, options: McpServerOptions = {}): { server: McpServer; tool: CodeExecutionTool } {
  const codeTool = toCodeExecutionTool(source)
  const { sessions } = options
  sharedValidator ??= new AjvJsonSchemaValidator()
  const server = new McpServer({ name: 'local-code-interpreter', version: SERVER_VERSION }, { jsonSchemaValidator: sharedValidator })
  const isolated = codeTool.environment === 'hyperlight'
  // The python environment has the host's network; a micro-VM only what `network.allow` lists.
  const reachesNetwork = !isolated || (codeTool.network?.allow.length ?? 0) > 0
  type Input = Parameters<CodeExecutionTool['execute']>[0] & { session?: string }
  server.registerTool(
    codeTool.name,
    {
      title: isolated ? 'Run code in a micro-VM' : 'Run Python',
      description: codeTool.description,
      inputSchema: sessions ? codeTool.inputSchema.extend({ session: z.string().optional().describe(SESSION_DESCRIPTION) }) : codeTool.inputSchema,
      outputSchema: sessions ? executionResultSchema.extend({ session: z.string().optional() }) : executionResultSchema,
      annotations: {
        readOnlyHint: false,
        destructiveHint: !isolated,
        idempotentHint: false,
        openWorldHint: reachesNetwork,
      },
    },
    async (input: Input, extra: ToolCallExtra) => {
      if (!sessions) return runToolCall(codeTool, input, extra)
      const { session, ...call } = input
      const opened = sessions.open(session)
      if ('error' in opened) {
        return toCallToolResult(errorResult(codeTool.environment, codeTool.languages[0], opened.error, opened.message))
      }
      const answer = await runToolCall(opened.tool, call, extra)
      answer.content[0] = { type: 'text', text: `${(answer.content[0] as { text: string }).text}\n[session ${opened.id}]` }
      return { ...answer, structuredContent: { ...answer.structuredContent, session: opened.id } }
    },
  )
  if (codeTool.persistent && sessions) {
    server.registerTool(
      'reset_session',
      {
        title: 'End an interpreter session',
        description: `Forget every variable, function and import kept in a session of ${codeTool.name}, in every language; the session ends.`,
        inputSchema: z.object({ session: z.string().describe('The session to end.') }),
        annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      },
      async ({ session }: { session: string }) => {
        const ended = await sessions.end(session)
        return { content: [{ type: 'text' as const, text: ended ? `Session ${session} ended.` : `No session ${session} was open.` }] }
      },
    )
  } else if (codeTool.persistent) {
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

