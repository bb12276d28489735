/**
 * Persistent sessions addressed by id, for MCP over HTTP with `persistent`: a call without a `session`
 * argument opens a new one (its own {@link CodeExecutionTool}, so its own interpreter state per language) and
 * the result names its id; a call naming that id runs in it. Sessions live in the memory of the server that
 * opened them: with several replicas, route by the `session` argument (or the `Mcp-Session-Id` header the
 * client sends) so a session's calls reach the replica that holds it. A session idle for `idleMs` is closed.
 */
import { randomUUID } from 'node:crypto'

import type { CodeExecutionTool } from '../code-execution-tool.js'
import { ExecutionErrorCode } from '../errors.js'

/** Sessions open at once by default, per server. */
export const DEFAULT_MAX_SESSIONS = 16

/** How long a session may go unused before it is closed, by default: 15 minutes. */
export const DEFAULT_SESSION_IDLE_MS = 15 * 60_000

/** Options of {@link McpSessions}. */
export interface McpSessionsOptions {
  /** Makes the tool of a new session (a persistent {@link CodeExecutionTool}). */
  create: () => CodeExecutionTool
  /** Most sessions open at once; a call that would open one more is refused. Default {@link DEFAULT_MAX_SESSIONS}. */
  maxSessions?: number
  /** Idle time after which a session is closed, in milliseconds. Default {@link DEFAULT_SESSION_IDLE_MS}. */
  idleMs?: number
}

/** What {@link McpSessions.open} found: a session, or why there is none. */
export type OpenedSession =
  | { id: string; tool: CodeExecutionTool }
  | { error: typeof ExecutionErrorCode.UnknownSession | typeof ExecutionErrorCode.TooManySessions; message: string }

interface Entry {
  tool: CodeExecutionTool
  timer: NodeJS.Timeout
}

/** The open sessions of one server, by id. */
export class McpSessions {
  private readonly entries = new Map<string, Entry>()
  private readonly maxSessions: number
  private readonly idleMs: number
  private closed = false

  constructor(private readonly options: McpSessionsOptions) {
    this.maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS
    this.idleMs = options.idleMs ?? DEFAULT_SESSION_IDLE_MS
  }

  /** How many sessions are open. */
  get size(): number {
    return this.entries.size
  }

  /** The session `id` (its idle clock restarted), or a new one when `id` is undefined. */
  open(id: string | undefined): OpenedSession {
    if (id !== undefined) {
      const entry = this.entries.get(id)
      if (entry === undefined) {
        return {
          error: ExecutionErrorCode.UnknownSession,
          message: `No session ${JSON.stringify(id)} is open here: it expired after ${Math.round(this.idleMs / 1000)} s unused, was reset, or lives on another server. Call without \`session\` to start a new one.`,
        }
      }
      entry.timer.refresh()
      return { id, tool: entry.tool }
    }
    if (this.closed || this.entries.size >= this.maxSessions) {
      return {
        error: ExecutionErrorCode.TooManySessions,
        message: `${this.maxSessions} sessions are open, the most this server keeps; reuse one with \`session\`, or try again when one has expired.`,
      }
    }
    const newId = randomUUID()
    const tool = this.options.create()
    const timer = setTimeout(() => void this.end(newId), this.idleMs)
    timer.unref()
    this.entries.set(newId, { tool, timer })
    return { id: newId, tool }
  }

  /** Closes session `id` (its state is gone); false when no such session is open. */
  async end(id: string): Promise<boolean> {
    const entry = this.entries.get(id)
    if (entry === undefined) return false
    this.entries.delete(id)
    clearTimeout(entry.timer)
    await entry.tool.close()
    return true
  }

  /** Closes every session; later calls cannot open one. */
  async close(): Promise<void> {
    this.closed = true
    await Promise.all([...this.entries.keys()].map((id) => this.end(id)))
  }
}
