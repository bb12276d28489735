// The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.16, which needs Node >= 22: run
// under the cached official build from scripts/node-lines.mjs) against our HTTP server, python environment.
//
// Scenarios that call a fixture tool by name (test_error_handling, test_tool_with_progress) get it through
// serveMcpOverHttp's `configure` hook: each runs a real program through runToolCall, the same path as
// execute_code (an uncaught exception → an isError result; a program that runs 3.5 s → the progress heartbeat).
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { serveMcpOverHttp, type McpHttpServer } from '../src/mcp/http'
import { runToolCall, type ToolCallExtra } from '../src/mcp/server'

const root = resolve(__dirname, '..')
const SUITE = join(root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js')

/** The server scenarios that apply to a code tool, all expected to pass (no FAILURE check). */
export const APPLICABLE_SCENARIOS = [
  'server-initialize',
  'ping',
  'tools-list',
  'tools-call-error',
  'tools-call-with-progress',
  'dns-rebinding-protection',
  'server-sse-multiple-streams',
] as const

interface Check {
  id: string
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED'
  errorMessage?: string
}

describe('MCP conformance suite (server scenarios over HTTP)', () => {
  let server: McpHttpServer
  let node: string
  let out: string

  beforeAll(async () => {
    const { nodeBinary } = (await import(pathToFileURL(join(root, 'scripts/node-lines.mjs')).href)) as { nodeBinary: (major: number) => Promise<string> }
    node = await nodeBinary(22)
    out = mkdtempSync(join(tmpdir(), 'lci-conformance-'))
    server = await serveMcpOverHttp(
      { timeoutMs: 60_000 },
      {
        host: '127.0.0.1',
        port: 0,
        configure: (mcp) => {
          const tool = server.tool
          mcp.registerTool('test_error_handling', { description: 'Runs a Python program that raises.' }, (extra: ToolCallExtra) =>
            runToolCall(tool, { code: 'raise RuntimeError("This tool intentionally returns an error for testing")' }, extra),
          )
          mcp.registerTool('test_tool_with_progress', { description: 'Runs a Python program for 3.5 s.' }, (extra: ToolCallExtra) =>
            runToolCall(tool, { code: 'import time\ntime.sleep(3.5)\nprint("done")' }, extra),
          )
        },
      },
    )
  })
  afterAll(async () => {
    await server?.close(1000)
    if (out) rmSync(out, { recursive: true, force: true })
  })

  async function run(scenario: string): Promise<Check[]> {
    const dir = join(out, scenario)
    // localhost, not 127.0.0.1: the DNS-rebinding scenario sends the URL's host as the valid Host.
    const url = `http://localhost:${server.port}/mcp`
    await promisify(execFile)(node, [SUITE, 'server', '--url', url, '--scenario', scenario, '-o', dir], { cwd: out }).catch((error: { stdout?: string }) => {
      // A failed check exits 1; the checks say which.
      if (error.stdout === undefined) throw error
    })
    const [runDir] = readdirSync(dir)
    return JSON.parse(readFileSync(join(dir, runDir, 'checks.json'), 'utf8')) as Check[]
  }

  it.each(APPLICABLE_SCENARIOS)('%s passes', async (scenario) => {
    const checks = await run(scenario)
    const failed = checks.filter((check) => check.status === 'FAILURE').map((check) => `${check.id}: ${check.errorMessage}`)
    expect(failed).toEqual([])
    expect(checks.some((check) => check.status === 'SUCCESS')).toBe(true)
  })
})
