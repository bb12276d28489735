/**
 * The MCP server over streamable HTTP (`npx local-code-interpreter mcp --http`): the SDK's
 * `StreamableHTTPServerTransport` on `node:http`, at `/mcp`, with `/healthz` for probes.
 *
 * - Stateless: every POST gets a server and transport of its own, so any replica answers any request. The
 *   initialize response carries an `Mcp-Session-Id` (a random id the server keeps nothing for) only so
 *   `notifications/cancelled` can find the call it names; any id, or none, is accepted. GET (a standalone
 *   event stream) and DELETE are 405.
 * - Auth: with a token configured (required off loopback), every request needs `Authorization: Bearer
 *   <token>`, compared in constant time (SHA-256 digests, `timingSafeEqual`); otherwise 401 and nothing runs.
 * - DNS rebinding: a `Host` header that is not the bound address, a loopback name (loopback binding) or one of
 *   `allowedHosts` gets 403, as does an `Origin` whose host is not one of those.
 * - Limits: a body over `maxBodyBytes` gets 413; a client with `maxCallsPerClient` `tools/call` requests in
 *   flight gets 429 for more. A client is the token it presented when several are configured, else the remote
 *   address of the connection (behind a proxy: the proxy's).
 * - Cancellation: `notifications/cancelled`, or the client closing the request's stream, aborts the run.
 * - Shutdown: `close(graceMs)` stops accepting (503), lets calls in flight finish within the grace period,
 *   then aborts the rest.
 * - Persistent (`persistent: true` in the options): the tool takes a `session` argument, see `sessions.ts`.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { isIP } from 'node:net'

import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'

import { CodeExecutionTool, type CodeExecutionToolOptions } from '../code-execution-tool.js'
import { InvalidConfigError } from '../errors.js'
import { createMcpServer } from './server.js'
import { McpSessions } from './sessions.js'
import { toCodeExecutionTool, type ToolSource } from '../adapters/tool-source.js'

/** The address bound by default: loopback only. */
export const DEFAULT_HTTP_HOST = '127.0.0.1'

/** The port bound by default. */
export const DEFAULT_HTTP_PORT = 8787

/** The path of the MCP endpoint. */
export const MCP_PATH = '/mcp'

/** The path of the health endpoint (GET: 200 while serving, 503 while shutting down). */
export const HEALTH_PATH = '/healthz'

/** Largest request body accepted by default, in bytes (4 MiB: a 1 MiB program escaped in JSON fits). */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024

/** `tools/call` requests one client may have in flight by default. */
export const DEFAULT_MAX_CALLS_PER_CLIENT = 8

/** How long shutdown waits for calls in flight by default, in milliseconds. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000

/** Options of {@link serveMcpOverHttp}. */
export interface McpHttpOptions {
  /** The address to bind. Default {@link DEFAULT_HTTP_HOST}; any other than loopback needs `token`. */
  host?: string
  /** The port to bind; 0 picks a free one (see {@link McpHttpServer.port}). Default {@link DEFAULT_HTTP_PORT}. */
  port?: number
  /** The bearer token(s) every request must carry; several give each client its own (and its own call limit). */
  token?: string | readonly string[]
  /** Host names (without port) clients may use besides the bound address and, on loopback, the loopback names. */
  allowedHosts?: readonly string[]
  /** Largest request body, in bytes (413 past it). Default {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBodyBytes?: number
  /** `tools/call` requests in flight per client (429 past it). Default {@link DEFAULT_MAX_CALLS_PER_CLIENT}. */
  maxCallsPerClient?: number
  /** Persistent sessions (need tool options with `persistent: true`): most open at once. */
  maxSessions?: number
  /** Persistent sessions: idle time before one is closed, in milliseconds. */
  sessionIdleMs?: number
  /** Called with each request's MCP server before it connects, to add tools, resources or prompts of your own. */
  configure?: (server: McpServer) => void
}

/** A running HTTP server, from {@link serveMcpOverHttp}. */
export interface McpHttpServer {
  /** The bound address. */
  readonly host: string
  /** The bound port (the one picked when `port` was 0). */
  readonly port: number
  /** The MCP endpoint's URL. */
  readonly url: string
  /** The tool the calls run on (in persistent mode: the one describing the sessions' tools). */
  readonly tool: CodeExecutionTool
  /** Tool calls running now. */
  readonly callsInFlight: number
  /**
   * Shuts down: stops accepting requests (503 on connections already open), waits up to `graceMs` (default
   * {@link DEFAULT_SHUTDOWN_GRACE_MS}) for calls in flight, aborts those still running, then closes the tool.
   */
  close(graceMs?: number): Promise<void>
}

/** True for an address only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (bare === 'localhost' || bare === '::1') return true
  return isIP(bare) === 4 && bare.startsWith('127.')
}

/** One request being answered. */
interface Exchange {
  client: string
  calls: number
  abort: () => void
  done: Promise<void>
}

/**
 * Serves the tool over streamable HTTP; resolves once listening. `source` is a tool or its options; with
 * `persistent: true` it must be options (each session gets a tool made from them). Throws
 * {@link InvalidConfigError} for invalid options (a non-loopback `host` without `token` among them).
 */
export async function serveMcpOverHttp(source: ToolSource = {}, options: McpHttpOptions = {}): Promise<McpHttpServer> {
  const host = options.host ?? DEFAULT_HTTP_HOST
  const tokens = options.token === undefined ? [] : typeof options.token === 'string' ? [options.token] : [...options.token]
  if (tokens.some((token) => typeof token !== 'string' || token.length === 0)) throw new InvalidConfigError('token must be a non-empty string')
  if (!isLoopbackHost(host) && tokens.length === 0) {
    throw new InvalidConfigError(`binding ${host}, which is not loopback, needs a token: every request must then carry it`)
  }
  const maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES)
  const maxCallsPerClient = positive('maxCallsPerClient', options.maxCallsPerClient, DEFAULT_MAX_CALLS_PER_CLIENT)
  const port = options.port ?? DEFAULT_HTTP_PORT
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidConfigError(`port must be 0 to 65535, got ${String(port)}`)

  const persistent = !(source instanceof CodeExecutionTool) && (source as CodeExecutionToolOptions).persistent === true
  if (source instanceof CodeExecutionTool && source.persistent) {
    throw new InvalidConfigError('persistent over HTTP needs tool options, not a tool: each session gets a tool of its own')
  }
  const tool = toCodeExecutionTool(source)
  const sessions = persistent
    ? new McpSessions({
        create: () => new CodeExecutionTool(source as CodeExecutionToolOptions),
        ...(options.maxSessions !== undefined && { maxSessions: options.maxSessions }),
        ...(options.sessionIdleMs !== undefined && { idleMs: options.sessionIdleMs }),
      })
    : undefined

  const digests = tokens.map(digest)
  const clientOf = (req: IncomingMessage, tokenIndex: number): string =>
    tokens.length > 1 ? `token:${tokenIndex}` : `address:${req.socket.remoteAddress ?? 'unknown'}`
  const exchanges = new Set<Exchange>()
  const callsByClient = new Map<string, number>()
  // In-flight calls by `<connection>\0<request id>`, for notifications/cancelled.
  const cancellable = new Map<string, Exchange[]>()
  let draining = false
  let boundPort = port

  const allowedNames = new Set<string>([bare(host), ...(options.allowedHosts ?? []).map((name) => bare(name))])
  if (isLoopbackHost(host)) for (const name of ['localhost', '127.0.0.1', '::1']) allowedNames.add(name)
  const wildcard = host === '0.0.0.0' || host === '::'
  const hostAllowed = (value: string | undefined): boolean => {
    if (value === undefined) return false
    const name = hostName(value)
    if (name === undefined) return false
    // Bound to every address with no names given: the token is the protection, any Host is taken.
    if (wildcard && options.allowedHosts === undefined) return true
    return allowedNames.has(name)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      return reply(res, draining ? 503 : 200, { status: draining ? 'shutting down' : 'ok' })
    }
    if (path !== MCP_PATH) return reply(res, 404, { error: `not found: the MCP endpoint is ${MCP_PATH}` })
    const origin = req.headers.origin
    if (!hostAllowed(req.headers.host) || (origin !== undefined && !hostAllowed(originHost(origin)))) {
      return rpcError(res, 403, 'Forbidden: Host or Origin not allowed (DNS rebinding protection)')
    }
    const tokenIndex = digests.length === 0 ? 0 : matchToken(digests, req.headers.authorization)
    if (tokenIndex === -1) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="local-code-interpreter"')
      return rpcError(res, 401, 'Unauthorized: send Authorization: Bearer <token>')
    }
    if (draining) {
      res.setHeader('Connection', 'close')
      return rpcError(res, 503, 'The server is shutting down')
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      return rpcError(res, 405, 'Method not allowed: this server is stateless, POST each message')
    }
    const body = await readBody(req, maxBodyBytes)
    if (body === undefined) {
      res.setHeader('Connection', 'close')
      return rpcError(res, 413, `Request body over ${maxBodyBytes} bytes`)
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      return rpcError(res, 400, 'Parse error: the body is not JSON', -32700)
    }
    const messages = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{ method?: unknown; id?: unknown; params?: { requestId?: unknown } }>
    const client = clientOf(req, tokenIndex)
    const sessionHeader = req.headers['mcp-session-id']
    const connection = typeof sessionHeader === 'string' ? `session:${sessionHeader}` : client
    for (const message of messages) {
      if (message?.method === 'notifications/cancelled') {
        const matches = cancellable.get(`${connection}\0${String(message.params?.requestId)}`)
        // Two calls with that id from one connection: which one is meant cannot be told, so neither is aborted.
        if (matches?.length === 1) matches[0].abort()
      }
    }
    const calls = messages.filter((message) => message?.method === 'tools/call')
    const inFlight = callsByClient.get(client) ?? 0
    if (calls.length > 0 && inFlight + calls.length > maxCallsPerClient) {
      res.setHeader('Retry-After', '1')
      return rpcError(res, 429, `Too many calls in flight: at most ${maxCallsPerClient} per client`)
    }
    if (messages.some((message) => message?.method === 'initialize')) res.setHeader('Mcp-Session-Id', randomUUID())

    const { server } = createMcpServer(tool, { ...(sessions && { sessions }) })
    options.configure?.(server)
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
    let finish!: () => void
    const exchange: Exchange = {
      client,
      calls: calls.length,
      // Closing the server aborts its handlers' signals (the runs) and ends the response stream.
      abort: () => void server.close().catch(() => {}),
      done: new Promise<void>((resolve) => (finish = resolve)),
    }
    const keys = calls.map((call) => `${connection}\0${String(call.id)}`)
    exchanges.add(exchange)
    if (calls.length > 0) callsByClient.set(client, inFlight + calls.length)
    for (const key of keys) cancellable.set(key, [...(cancellable.get(key) ?? []), exchange])
    res.on('close', () => {
      exchanges.delete(exchange)
      if (calls.length > 0) {
        const left = (callsByClient.get(client) ?? calls.length) - calls.length
        if (left > 0) callsByClient.set(client, left)
        else callsByClient.delete(client)
      }
      for (const key of keys) {
        const rest = (cancellable.get(key) ?? []).filter((other) => other !== exchange)
        if (rest.length > 0) cancellable.set(key, rest)
        else cancellable.delete(key)
      }
      // The client closed the stream (or the answer is sent): either way the runs of this request end.
      void transport.close().catch(() => {})
      void server.close().catch(() => {})
      finish()
    })
    await server.connect(transport)
    await transport.handleRequest(req, res, parsed)
  }

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) rpcError(res, 500, `Internal error: ${(error as Error)?.message ?? String(error)}`, -32603)
      else res.destroy()
    })
  })
  // Idle keep-alive connections stay open past the usual load-balancer idle time (60 s): a server closing one
  // just as a client reuses it makes that client's request fail with ECONNRESET (seen with 32 clients).
  http.keepAliveTimeout = 65_000
  http.headersTimeout = 66_000
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(port, host, () => {
      http.off('error', reject)
      const address = http.address()
      if (address !== null && typeof address === 'object') boundPort = address.port
      resolve()
    })
  })

  let closing: Promise<void> | undefined
  const urlHost = isIP(host) === 6 ? `[${host}]` : host
  return {
    host,
    get port() {
      return boundPort
    },
    get url() {
      return `http://${urlHost}:${boundPort}${MCP_PATH}`
    },
    tool,
    get callsInFlight() {
      let count = 0
      for (const exchange of exchanges) count += exchange.calls
      return count
    },
    close(graceMs = DEFAULT_SHUTDOWN_GRACE_MS) {
      closing ??= (async () => {
        draining = true
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()))
        http.closeIdleConnections()
        const finished = Promise.all([...exchanges].map((exchange) => exchange.done)).then(() => true)
        let timer: NodeJS.Timeout | undefined
        const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))
        const allDone = await Promise.race([finished, expired])
        clearTimeout(timer)
        if (!allDone) for (const exchange of exchanges) exchange.abort()
        await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 5000).unref())])
        http.closeAllConnections()
        await stopped
        await sessions?.close()
        await tool.close()
      })()
      return closing
    },
  }
}

/** The SHA-256 digest of a token: equal lengths for `timingSafeEqual`, whatever the token's length. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}

/** The index of the token an `Authorization: Bearer` header carries, or -1; every token is compared. */
function matchToken(digests: readonly Buffer[], header: string | undefined): number {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  const presented = digest(match?.[1] ?? '')
  let found = -1
  for (const [index, expected] of digests.entries()) {
    if (timingSafeEqual(presented, expected) && match !== null && found === -1) found = index
  }
  return found
}

/** A `Host` header's name, lower case, without port or brackets. */
function hostName(value: string): string | undefined {
  try {
    return bare(new URL(`http://${value}`).hostname)
  } catch {
    return undefined
  }
}

/** An `Origin` header's host (with port); undefined for `null` or one that is not a URL. */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host || undefined
  } catch {
    return undefined
  }
}

/** A host name without IPv6 brackets, lower case. */
function bare(name: string): string {
  return name.replace(/^\[|\]$/g, '').toLowerCase()
}

/** The body, or undefined once it passes `max` bytes (declared or read). */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > max) {
    req.resume()
    return undefined
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > max) {
      req.resume()
      return undefined
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body))
}

/** An HTTP error with a JSON-RPC error body, as the SDK's transport answers. */
function rpcError(res: ServerResponse, status: number, message: string, code = -32000): void {
  reply(res, status, { jsonrpc: '2.0', error: { code, message }, id: null })
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1) throw new InvalidConfigError(`${name} must be a positive integer, got ${String(value)}`)
  return value
}
