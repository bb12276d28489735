// The MCP server as MCP clients use it: spawned over stdio by the SDK's own Client.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CodeExecutionTool } from '../src/code-execution-tool'
import { createMcpServer } from '../src/mcp/server'
import { CIRCLE_SVG, RED_PNG, RICH_CODE, richResultTool } from './helpers/rich-results'

const root = resolve(__dirname, '..')

/** Starts `local-code-interpreter mcp <args>` from the TypeScript sources (node --import tsx). */
async function connect(args: string[]): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', resolve(root, 'src/cli.ts'), 'mcp', ...args],
    cwd: root,
    stderr: 'pipe',
  })
  let stderr = ''
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const client = new Client({ name: 'test-client', version: '1.0.0' })
  await client.connect(transport)
  return { client, stderr: () => stderr }
}

type TextContent = { type: 'text'; text: string }
type ImageContent = { type: 'image'; data: string; mimeType: string }

describe('MCP server over stdio', () => {
  let client: Client
  let stderr: () => string

  beforeAll(async () => {
    ;({ client, stderr } = await connect(['--timeout', '3s']))
  })
  afterAll(async () => {
    await client?.close()
  })

  it('lists execute_code with its description, input schema and annotations', async () => {
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name)).toEqual(['execute_code'])
    const [tool] = tools
    expect(tool.description).toContain('Run Python 3 code')
    expect(tool.description).toContain('3 s per call')
    expect(tool.inputSchema).toMatchObject({ type: 'object', properties: { code: { type: 'string' } }, required: ['code'] })
    expect(tool.outputSchema).toMatchObject({ type: 'object' })
    expect(tool.annotations).toMatchObject({ readOnlyHint: false, openWorldHint: true })
  })

  it('runs code: text content for the model, structuredContent for programs', async () => {
    const result = await client.callTool({ name: 'execute_code', arguments: { code: 'print("from mcp", 2 ** 10)' } })
    expect(result.isError).toBe(false)
    const [content] = result.content as TextContent[]
    expect(content.type).toBe('text')
    expect(content.text).toMatch(/^from mcp 1024\n\[exit code 0 · \d+ ms\]$/)
    expect(result.structuredContent).toMatchObject({ output: 'from mcp 1024\n', exitCode: 0, environment: 'python' })
  })

  it('marks failures with isError and keeps serving', async () => {
    const failed = await client.callTool({ name: 'execute_code', arguments: { code: 'import time\ntime.sleep(30)' } })
    expect(failed.isError).toBe(true)
    expect((failed.content as TextContent[])[0].text).toContain('ERR_TIMEOUT')
    expect(failed.structuredContent).toMatchObject({ timedOut: true })
    const empty = await client.callTool({ name: 'execute_code', arguments: { code: '' } })
    expect(empty.isError).toBe(true)
    expect((empty.content as TextContent[])[0].text).toContain('ERR_EMPTY_CODE')
    const next = await client.callTool({ name: 'execute_code', arguments: { code: 'print("still here")' } })
    expect(next.isError).toBe(false)
  })

  it('aborts a call the client cancels (notifications/cancelled): the program is killed, the next call served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-mcp-stdio-cancel-'))
    // A time limit far past the test's waits, so only the cancellation can kill the program.
    const { client } = await connect(['--timeout', '10m'])
    try {
      const pidFile = join(dir, 'pid')
      const abort = new AbortController()
      const code = `import os, time\nopen(${JSON.stringify(pidFile)}, 'w').write(str(os.getpid()))\ntime.sleep(600)`
      const call = client.callTool({ name: 'execute_code', arguments: { code } }, undefined, { signal: abort.signal, timeout: 600_000 })
      let pid = 0
      for (let i = 0; i < 600 && pid === 0; i++) {
        if (existsSync(pidFile)) pid = Number(readFileSync(pidFile, 'utf8')) || 0
        if (pid === 0) await new Promise((r) => setTimeout(r, 100))
      }
      expect(pid).toBeGreaterThan(0)
      abort.abort('stop')
      await expect(call).rejects.toThrow(/stop/)
      const alive = () => {
        try {
          process.kill(pid, 0)
          return true
        } catch {
          return false
        }
      }
      for (let i = 0; i < 300 && alive(); i++) await new Promise((r) => setTimeout(r, 100))
      expect(alive()).toBe(false)
      const next = await client.callTool({ name: 'execute_code', arguments: { code: 'print("after cancel")' } })
      expect(next.structuredContent).toMatchObject({ output: 'after cancel\n' })
    } finally {
      await client.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('sends progress notifications while a call runs when the request has a progressToken', async () => {
    const progress: Array<{ progress: number; message?: string }> = []
    // --timeout 3s: a 2.5 s run leaves room for two heartbeats.
    const result = await client.callTool(
      { name: 'execute_code', arguments: { code: 'import time\ntime.sleep(2.5)\nprint("slept")' } },
      undefined,
      { onprogress: (notification) => progress.push(notification) },
    )
    expect(result.structuredContent).toMatchObject({ output: 'slept\n' })
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress[1].progress).toBeGreaterThan(progress[0].progress)
    expect(progress[0].message).toMatch(/^running for \d+ s$/)
    // Without a progressToken, none.
    const quiet: unknown[] = []
    client.fallbackNotificationHandler = async (notification) => void quiet.push(notification)
    await client.callTool({ name: 'execute_code', arguments: { code: 'import time\ntime.sleep(1.5)' } })
    client.fallbackNotificationHandler = undefined
    expect(quiet).toEqual([])
  })

  it('keeps program output off the protocol stream (stdout carries only protocol messages)', async () => {
    // A program printing JSON-looking lines must come back as content, not corrupt the stream.
    const result = await client.callTool({
      name: 'execute_code',
      arguments: { code: 'print(\'{"jsonrpc": "2.0", "id": 999, "result": {}}\')' },
    })
    expect((result.content as TextContent[])[0].text).toContain('"id": 999')
    expect(stderr()).not.toMatch(/Error/)
  })

  it('serves the hyperlight environment with a language field, and reports what blocks it as a tool error', async () => {
    const { client: isolated } = await connect(['--environment', 'hyperlight', '--timeout', '120s'])
    try {
      const { tools } = await isolated.listTools()
      expect(tools[0].inputSchema.properties).toHaveProperty('language')
      expect(tools[0].annotations).toMatchObject({ openWorldHint: false, destructiveHint: false })
      const result = await isolated.callTool({ name: 'execute_code', arguments: { code: 'console.log(6 * 7)', language: 'javascript' } })
      // On a host without a usable micro-VM this is an error result naming the cause; with one, the output.
      const text = (result.content as TextContent[])[0].text
      if (result.isError) expect(text).toMatch(/^\[error ERR_[A-Z_]+: /)
      else expect(text).toMatch(/^42\n/)
    } finally {
      await isolated.close()
    }
  })

  it('takes --allow-net (repeatable): the description names the destinations, and the tool is marked open-world', async () => {
    const args = ['--environment', 'hyperlight', '--python-image', 'standard', '--allow-net', 'api.example.com', '--allow-net', '10.0.0.0/8']
    const { client: isolated } = await connect(args)
    try {
      const { tools } = await isolated.listTools()
      expect(tools[0].description).toContain('Network: only these destinations are reachable: api.example.com, 10.0.0.0/8;')
      expect(tools[0].annotations).toMatchObject({ openWorldHint: true, destructiveHint: false })
    } finally {
      await isolated.close()
    }
  })

  it('takes --python-image, and describes the Python of that image', async () => {
    for (const [image, says] of [['data', /numpy, pandas/], ['standard', /standard library only/]] as const) {
      const { client: isolated } = await connect(['--environment', 'hyperlight', '--python-image', image])
      try {
        const { tools } = await isolated.listTools()
        expect(tools[0].description).toMatch(says)
      } finally {
        await isolated.close()
      }
    }
  })
})

describe('MCP server: rich results (the SDK client in process, the tool on a stand-in addon)', () => {
  let client: Client

  beforeAll(async () => {
    const { server } = createMcpServer(richResultTool())
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    client = new Client({ name: 'test-client', version: '1.0.0' })
    // The client checks structuredContent against the tool's outputSchema.
    await client.connect(clientSide)
  })
  afterAll(async () => {
    await client?.close()
  })

  it('answers with the text, then one image item per image in the order shown; the structured result keeps the value', async () => {
    const result = await client.callTool({ name: 'execute_code', arguments: { code: RICH_CODE } })
    expect(result.isError).toBe(false)
    const [text, ...images] = result.content as [TextContent, ...ImageContent[]]
    expect(text.type).toBe('text')
    expect(text.text).toMatch(/^plotted\nOut: 42\n\[exit code 0 · \d+ ms · 2 images attached\]$/)
    expect(images).toEqual([
      { type: 'image', mimeType: 'image/png', data: RED_PNG.toString('base64') },
      { type: 'image', mimeType: 'image/svg+xml', data: CIRCLE_SVG.toString('base64') },
    ])
    expect(result.structuredContent).toMatchObject({ output: 'plotted\n', value: '42', exitCode: 0 })
    expect(result.structuredContent).not.toHaveProperty('images')
    const { tools } = await client.listTools()
    expect(tools[0].outputSchema?.properties).toHaveProperty('value')
    expect(tools[0].outputSchema?.properties).not.toHaveProperty('images')
  })

  it('answers a run without images with the text alone', async () => {
    const result = await client.callTool({ name: 'execute_code', arguments: { code: 'print(1)' } })
    expect(result.content).toEqual([{ type: 'text', text: expect.stringMatching(/^ran print\(1\)\n\[exit code 0 · \d+ ms\]$/) }])
    expect(result.structuredContent).not.toHaveProperty('value')
  })
})

describe('MCP server: the network option', () => {
  async function listed(source: Parameters<typeof createMcpServer>[0]) {
    const { server } = createMcpServer(source)
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    const client = new Client({ name: 'test-client', version: '1.0.0' })
    await client.connect(clientSide)
    try {
      return (await client.listTools()).tools[0]
    } finally {
      await client.close()
    }
  }

  it('takes network among its options: open-world only when something is reachable, and the description says what', async () => {
    const open = await listed({ environment: 'hyperlight', pythonImage: 'standard', network: { allow: ['*.example.org:443'] } })
    expect(open.annotations).toMatchObject({ openWorldHint: true })
    expect(open.description).toContain('only these destinations are reachable: *.example.org:443;')
    for (const network of [undefined, { allow: [] }]) {
      const closed = await listed(new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', network }))
      expect(closed.annotations).toMatchObject({ openWorldHint: false })
      expect(closed.description).toMatch(/no network/)
    }
    expect(() => createMcpServer({ network: { allow: ['api.example.com'] } })).toThrow(/network applies to the hyperlight environment only/)
  })
})
