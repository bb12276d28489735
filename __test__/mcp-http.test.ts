// MCP over streamable HTTP, as clients use it: the SDK's own StreamableHTTPClientTransport against
// serveMcpOverHttp (python environment, on the host), and the CLI (`mcp --http`) as a child process.
import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { serveMcpOverHttp, type McpHttpServer } from '../src/mcp/http'
import { richResultAddon } from './helpers/rich-results'

const root = resolve(__dirname, '..')
const TOKEN = 'test-token-0123456789'

type TextContent = { type: 'text'; text: string }

async function connect(url: string, token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    ...(token !== undefined && { requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
  })
  const client = new Client({ name: 'http-test-client', version: '1.0.0' })
  await client.connect(transport)
  return client
}

/** A raw JSON-RPC POST, as a client without the SDK sends it. */
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  })
}

const initialize = (protocolVersion: string) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
})

/** The status of a POST with a `Host` header of our choosing (fetch does not let one set it). */
function statusWithHost(url: string, host: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, Host: host, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end(JSON.stringify(initialize('2025-11-25')))
  })
}

/** The JSON-RPC messages of an SSE (or JSON) response body. */
async function messagesOf(response: Response): Promise<Array<{ id?: number; result?: Record<string, unknown> }>> {
  const text = await response.text()
  if ((response.headers.get('content-type') ?? '').includes('application/json')) return [JSON.parse(text)]
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.length > 6)
    .map((line) => JSON.parse(line.slice(6)))
}

/** Whether a process exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (condition()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`gave up waiting for ${what}`)
}

/** Python that writes its pid to `file`, then sleeps `seconds`. */
function sleeper(file: string, seconds: number): string {
  return `import os, time\nopen(${JSON.stringify(file)}, 'w').write(str(os.getpid()))\ntime.sleep(${seconds})\nprint('woke')`
}

describe('MCP over HTTP: auth, limits and the protocol', () => {
  let server: McpHttpServer
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lci-mcp-http-'))
    server = await serveMcpOverHttp({ timeoutMs: 120_000 }, { port: 0, token: TOKEN, maxCallsPerClient: 32 })
  })
  afterAll(async () => {
    await server?.close(1000)
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers 401 without a token and with a wrong one, and runs nothing', async () => {
    await expect(connect(server.url)).rejects.toMatchObject({ code: 401 })
    await expect(connect(server.url, 'wrong-token')).rejects.toMatchObject({ code: 401 })
    const marker = join(dir, 'ran')
    const call = {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'execute_code', arguments: { code: `open(${JSON.stringify(marker)}, 'w').write('x')` } },
    }
    for (const headers of [{}, { Authorization: 'Bearer wrong-token' }, { Authorization: `Basic ${TOKEN}` }, { Authorization: `Bearer ${TOKEN}x` }]) {
      const response = await post(server.url, call, headers)
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/)
    }
    expect(existsSync(marker)).toBe(false)
    // The same call with the token runs.
    const response = await post(server.url, call, { Authorization: `Bearer ${TOKEN}`, 'mcp-protocol-version': '2025-11-25' })
    expect(response.status).toBe(200)
    await messagesOf(response)
    expect(readFileSync(marker, 'utf8')).toBe('x')
  })

  it('runs a call with the token: text, structuredContent, isError', async () => {
    const client = await connect(server.url, TOKEN)
    try {
      const { tools } = await client.listTools()
      expect(tools.map((tool) => tool.name)).toEqual(['execute_code'])
      const result = await client.callTool({ name: 'execute_code', arguments: { code: 'print("over http", 6 * 7)' } })
      expect(result.isError).toBe(false)
      expect((result.content as TextContent[])[0].text).toMatch(/^over http 42\n\[exit code 0 · \d+ ms\]$/)
      expect(result.structuredContent).toMatchObject({ output: 'over http 42\n', exitCode: 0, environment: 'python' })
      const failed = await client.callTool({ name: 'execute_code', arguments: { code: 'raise ValueError("nope")' } })
      expect(failed.isError).toBe(true)
      expect((failed.content as TextContent[])[0].text).toContain('ValueError: nope')
      await expect(client.ping()).resolves.toEqual({})
    } finally {
      await client.close()
    }
  })

  it('negotiates each protocol revision the SDK supports (2025-11-25, the newest, and 2025-06-18 among them)', async () => {
    expect(SUPPORTED_PROTOCOL_VERSIONS.slice(0, 2)).toEqual(['2025-11-25', '2025-06-18'])
    for (const version of SUPPORTED_PROTOCOL_VERSIONS) {
      const response = await post(server.url, initialize(version), { Authorization: `Bearer ${TOKEN}` })
      expect(response.status).toBe(200)
      const [message] = await messagesOf(response)
      expect(message.result).toMatchObject({ protocolVersion: version, capabilities: { tools: {} } })
    }
    // A revision the server does not know gets its newest.
    const [answer] = await messagesOf(await post(server.url, initialize('2024-01-01'), { Authorization: `Bearer ${TOKEN}` }))
    expect(answer.result).toMatchObject({ protocolVersion: SUPPORTED_PROTOCOL_VERSIONS[0] })
  })

  it('gives 20 clients at once each their own result', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => connect(server.url, TOKEN)))
    try {
      const results = await Promise.all(
        clients.map((client, n) =>
          client.callTool({ name: 'execute_code', arguments: { code: `import time\ntime.sleep(0.5)\nprint("client", ${n}, ${n} * ${n})` } }, undefined, {
            timeout: 300_000,
          }),
        ),
      )
      results.forEach((result, n) => {
        expect(result.isError).toBe(false)
        expect(result.structuredContent).toMatchObject({ output: `client ${n} ${n * n}\n` })
      })
    } finally {
      await Promise.all(clients.map((client) => client.close()))
    }
  })

  it('cancelling a call (notifications/cancelled) kills its program, and the next call is served', async () => {
    const client = await connect(server.url, TOKEN)
    try {
      const pidFile = join(dir, 'cancelled.pid')
      const abort = new AbortController()
      const call = client.callTool({ name: 'execute_code', arguments: { code: sleeper(pidFile, 600) } }, undefined, { signal: abort.signal })
      await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 'the program to start')
      const pid = Number(readFileSync(pidFile, 'utf8'))
      expect(alive(pid)).toBe(true)
      abort.abort('changed my mind')
      await expect(call).rejects.toThrow(/changed my mind/)
      await waitFor(() => !alive(pid), 'the cancelled program to be killed')
      await waitFor(() => server.callsInFlight === 0, 'the call to leave the server')
      const next = await client.callTool({ name: 'execute_code', arguments: { code: 'print("next")' } })
      expect(next.structuredContent).toMatchObject({ output: 'next\n' })
    } finally {
      await client.close()
    }
  })

  it('closing the request stream kills the program (a cancellation that reaches any replica)', async () => {
    const pidFile = join(dir, 'closed.pid')
    const abort = new AbortController()
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${TOKEN}`, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'execute_code', arguments: { code: sleeper(pidFile, 600) } } }),
      signal: abort.signal,
    })
    expect(response.status).toBe(200)
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 'the program to start')
    const pid = Number(readFileSync(pidFile, 'utf8'))
    abort.abort()
    await waitFor(() => !alive(pid), 'the program of the closed stream to be killed')
    await waitFor(() => server.callsInFlight === 0, 'the call to leave the server')
  })

  it('sends progress notifications while a long call runs: increasing, with the time spent', async () => {
    const client = await connect(server.url, TOKEN)
    try {
      const progress: Array<{ progress: number; message?: string }> = []
      const result = await client.callTool(
        { name: 'execute_code', arguments: { code: 'import time\ntime.sleep(3.5)\nprint("done")' } },
        undefined,
        { onprogress: (notification) => progress.push(notification) },
      )
      expect(result.structuredContent).toMatchObject({ output: 'done\n' })
      expect(progress.length).toBeGreaterThanOrEqual(2)
      progress.slice(1).forEach((notification, n) => expect(notification.progress).toBeGreaterThan(progress[n].progress))
      expect(progress[0].message).toMatch(/^running for \d+ s$/)
    } finally {
      await client.close()
    }
  })

  it('refuses a Host or Origin that is not the server (DNS rebinding), before the token is even looked at', async () => {
    const headers = { Authorization: `Bearer ${TOKEN}` }
    expect(await statusWithHost(server.url, 'evil.example.com', headers)).toBe(403)
    expect(await statusWithHost(server.url, `evil.example.com:${server.port}`, headers)).toBe(403)
    expect(await statusWithHost(server.url, `localhost:${server.port}`, headers)).toBe(200)
    expect((await post(server.url, initialize('2025-11-25'), { ...headers, Origin: 'http://evil.example.com' })).status).toBe(403)
    expect((await post(server.url, initialize('2025-11-25'), { ...headers, Origin: `http://localhost:${server.port}` })).status).toBe(200)
  })

  it('answers /healthz without a token, and 405 for GET and DELETE on /mcp', async () => {
    const health = await fetch(new URL('/healthz', server.url))
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(server.url, { method, headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'text/event-stream' } })
      expect(response.status).toBe(405)
    }
  })
})

describe('MCP over HTTP: limits', () => {
  it('answers 413 for a body over the cap and 429 past the calls in flight per client, and runs neither', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-mcp-limits-'))
    const server = await serveMcpOverHttp({ timeoutMs: 120_000 }, { port: 0, maxBodyBytes: 4096, maxCallsPerClient: 1 })
    const client = await connect(server.url)
    try {
      const big = await post(server.url, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'execute_code', arguments: { code: `print(1)#${'x'.repeat(5000)}` } } })
      expect(big.status).toBe(413)
      const pidFile = join(dir, 'first.pid')
      const first = client.callTool({ name: 'execute_code', arguments: { code: sleeper(pidFile, 2) } })
      await waitFor(() => existsSync(pidFile), 'the first call to start')
      const marker = join(dir, 'second')
      await expect(client.callTool({ name: 'execute_code', arguments: { code: `open(${JSON.stringify(marker)}, 'w')` } })).rejects.toMatchObject({ code: 429 })
      expect((await first).structuredContent).toMatchObject({ output: 'woke\n' })
      expect(existsSync(marker)).toBe(false)
      // The limit counts calls in flight: with the first done, the next is served.
      expect((await client.callTool({ name: 'execute_code', arguments: { code: 'print(2)' } })).isError).toBe(false)
    } finally {
      await client.close()
      await server.close(1000)
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses to bind beyond loopback without a token', async () => {
    await expect(serveMcpOverHttp({}, { host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_CONFIG' })
  })
})

describe('MCP over HTTP: persistent sessions by argument (hyperlight on a stand-in addon)', () => {
  it('opens a session per call without `session`, runs in the one named, refuses an unknown one, and ends it', async () => {
    const addon = richResultAddon()
    const server = await serveMcpOverHttp({ environment: 'hyperlight', persistent: true, loadNativeAddon: () => addon }, { port: 0, maxSessions: 2 })
    const client = await connect(server.url)
    try {
      const { tools } = await client.listTools()
      expect(tools.map((tool) => tool.name)).toEqual(['execute_code', 'reset_session'])
      expect(tools[0].inputSchema.properties).toHaveProperty('session')
      const first = await client.callTool({ name: 'execute_code', arguments: { code: 'print(1)' } })
      const id = (first.structuredContent as { session: string }).session
      expect(id).toMatch(/^[0-9a-f-]{36}$/)
      expect((first.content as TextContent[])[0].text).toContain(`[session ${id}]`)
      const again = await client.callTool({ name: 'execute_code', arguments: { code: 'print(2)', session: id } })
      expect(again.structuredContent).toMatchObject({ session: id })
      const second = await client.callTool({ name: 'execute_code', arguments: { code: 'print(3)' } })
      expect((second.structuredContent as { session: string }).session).not.toBe(id)
      const third = await client.callTool({ name: 'execute_code', arguments: { code: 'print(4)' } })
      expect(third.isError).toBe(true)
      expect((third.content as TextContent[])[0].text).toContain('ERR_TOO_MANY_SESSIONS')
      await client.callTool({ name: 'reset_session', arguments: { session: id } })
      const gone = await client.callTool({ name: 'execute_code', arguments: { code: 'print(5)', session: id } })
      expect(gone.isError).toBe(true)
      expect((gone.content as TextContent[])[0].text).toContain('ERR_UNKNOWN_SESSION')
    } finally {
      await client.close()
      await server.close(1000)
    }
  })
})

describe('mcp --http (the CLI as a child process)', () => {
  /** Starts `local-code-interpreter mcp --http --port 0 <args>`; resolves with its URL once listening. */
  async function start(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; stderr: () => string; exited: Promise<number | null> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'src/cli.ts'), 'mcp', '--http', '--port', '0', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        const match = /serving MCP at (\S+)/.exec(stderr)
        if (match) resolve(match[1])
      })
      void exited.then(() => reject(new Error(`exited before listening: ${stderr}`)))
    })
    return { child, url, stderr: () => stderr, exited }
  }

  it('on SIGTERM lets a call in flight finish, refuses new ones, then exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-mcp-sigterm-'))
    const tokenFile = join(dir, 'tokens')
    writeFileSync(tokenFile, `# the team's token\n${TOKEN}\n`)
    const { child, url, exited, stderr } = await start(['--token-file', tokenFile, '--shutdown-grace', '60s'])
    try {
      const client = await connect(url, TOKEN)
      const pidFile = join(dir, 'inflight.pid')
      const call = client.callTool({ name: 'execute_code', arguments: { code: sleeper(pidFile, 3) } })
      await waitFor(() => existsSync(pidFile), 'the call to start')
      child.kill('SIGTERM')
      await waitFor(() => stderr().includes('shutting down'), 'the server to start shutting down')
      const late = await post(url, initialize('2025-11-25'), { Authorization: `Bearer ${TOKEN}` }).then(
        (response) => response.status,
        () => 'refused',
      )
      expect([503, 'refused']).toContain(late)
      const result = await call
      expect(result.structuredContent).toMatchObject({ output: 'woke\n', exitCode: 0 })
      expect(await exited).toBe(0)
    } finally {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('on SIGTERM aborts a call still running when the grace period ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-mcp-grace-'))
    const { child, url, exited } = await start(['--shutdown-grace', '1s'], { LCI_MCP_TOKEN: TOKEN })
    try {
      const client = await connect(url, TOKEN)
      const pidFile = join(dir, 'long.pid')
      const call = client.callTool({ name: 'execute_code', arguments: { code: sleeper(pidFile, 600) } })
      call.catch(() => {})
      await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 'the call to start')
      const pid = Number(readFileSync(pidFile, 'utf8'))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      await waitFor(() => !alive(pid), 'the aborted program to be killed')
    } finally {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a non-loopback --host without a token (usage error, exit 2)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'src/cli.ts'), 'mcp', '--http', '--host', '0.0.0.0'], {
      cwd: root,
      env: { ...process.env, LCI_MCP_TOKEN: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise((resolve) => child.once('exit', resolve))
    expect(code).toBe(2)
    expect(stderr).toContain('is not loopback')
  })
})
