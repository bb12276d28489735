/**
 * The `local-code-interpreter/mcp` entry point: the code-execution tool as an MCP server, over stdio
 * (`server.ts`) and over streamable HTTP (`http.ts`).
 *
 * This module only gathers the two. The HTTP transport builds on the server (one `createMcpServer` per
 * client session), so the server must not import the transport back: re-exporting it from `server.ts`
 * made the two import each other.
 */
export { createMcpServer, executionResultSchema, runToolCall, serveMcpOverStdio, toCallToolResult } from './server.js'
export type { McpServerOptions, ToolCallExtra } from './server.js'
export { serveMcpOverHttp } from './http.js'
export type { McpHttpOptions, McpHttpServer } from './http.js'
