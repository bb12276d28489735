// MCP over streamable HTTP with the hyperlight environment: the SDK's real client against serveMcpOverHttp,
// each call in a real micro-VM. Needs a hypervisor that runs Hyperlight guests (the test runner runs this file
// in the emulated-KVM VM); nothing here asserts speed.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CodeExecutionTool } from '../../src/code-execution-tool'
import type { ExecutionResult } from '../../src/execution-result'
import { serveMcpOverHttp, type McpHttpServer } from '../../src/mcp/http'

const TOKEN = 'microvm-token'

describe('MCP over HTTP, hyperlight environment', () => {
  let server: McpHttpServer
  let client: Client
  const results: Array<Promise<ExecutionResult>> = []

  beforeAll(async () => {
    // Past any wait here: only the cancellation can end the endless call.
    const tool = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', timeoutMs: 1_800_000 })
    // Every result the tool resolves with, to see how a cancelled run ended.
    const execute = tool.execute.bind(tool)
    tool.execute = (input, options) => {
      const result = execute(input, options)
      results.push(result)
      return result
    }
    server = await serveMcpOverHttp(tool, { port: 0, token: TOKEN })
    client = new Client({ name: 'microvm-http-client', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }))
  })
  afterAll(async () => {
    await client?.close()
    await server?.close(1000)
  })

  it('runs a call in a micro-VM', async () => {
    const result = await client.callTool({ name: 'execute_code', arguments: { code: 'console.log(6 * 7)', language: 'javascript' } }, undefined, { timeout: 1_200_000 })
    expect(result.isError, JSON.stringify(result.content)).toBe(false)
    expect(result.structuredContent).toMatchObject({ output: '42\n', environment: 'hyperlight', language: 'javascript' })
  })

  it('cancelling a call stops its micro-VM run (ERR_ABORTED), and the next call is served', async () => {
    const abort = new AbortController()
    let progressed!: () => void
    const running = new Promise<void>((resolve) => (progressed = resolve))
    const before = results.length
    const call = client.callTool({ name: 'execute_code', arguments: { code: 'for (;;) {}', language: 'javascript' } }, undefined, {
      signal: abort.signal,
      timeout: 1_200_000,
      onprogress: () => progressed(),
    })
    call.catch(() => {})
    await running
    abort.abort('cancelled by the test')
    await expect(call).rejects.toThrow(/cancelled by the test/)
    const cancelled = await results[before]
    expect(cancelled.error?.code).toBe('ERR_ABORTED')
    await expect.poll(() => server.callsInFlight, { timeout: 120_000 }).toBe(0)
    const next = await client.callTool({ name: 'execute_code', arguments: { code: 'console.log("next")', language: 'javascript' } }, undefined, { timeout: 1_200_000 })
    expect(next.structuredContent).toMatchObject({ output: 'next\n' })
  })
})

describe('MCP over HTTP, hyperlight, persistent sessions by argument', () => {
  it('keeps state within a session, not across sessions, and forgets it when the session ends', async () => {
    const server = await serveMcpOverHttp({ environment: 'hyperlight', persistent: true, pythonImage: 'standard', timeoutMs: 600_000 }, { port: 0 })
    const client = new Client({ name: 'microvm-sessions', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)))
    const call = (code: string, session?: string) =>
      client.callTool({ name: 'execute_code', arguments: { code, language: 'javascript', ...(session !== undefined && { session }) } }, undefined, { timeout: 1_200_000 })
    try {
      const first = await call('globalThis.kept = 41; console.log("set")')
      expect(first.isError, JSON.stringify(first.content)).toBe(false)
      const a = (first.structuredContent as { session: string }).session
      const other = await call('console.log(typeof globalThis.kept)')
      expect(other.structuredContent).toMatchObject({ output: 'undefined\n' })
      expect((other.structuredContent as { session: string }).session).not.toBe(a)
      const again = await call('console.log(globalThis.kept + 1)', a)
      expect(again.structuredContent).toMatchObject({ output: '42\n', session: a })
      await client.callTool({ name: 'reset_session', arguments: { session: a } })
      const gone = await call('console.log(1)', a)
      expect(gone.isError).toBe(true)
      expect(JSON.stringify(gone.content)).toContain('ERR_UNKNOWN_SESSION')
    } finally {
      await client.close()
      await server.close(1000)
    }
  })
})
