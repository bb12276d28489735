// The shapes the addon's embedded JavaScript (tools.js, fetch.js) trades with Rust, for tsc only: the
// addon carries the .js files' text (include_str!), never this file.

/** A tool as a sandbox or a run gives it: its argument object and `{ signal }`, aborted when the run stops. */
export type Tool = (args: unknown, context: { signal: AbortSignal }) => unknown

/** What tools.js makes of a run's tools, for js_tools.rs. */
export interface GatheredTools {
  /** The tools' names, checked in Rust against the core's rule. */
  names: string[]
  /** Runs `{"name", "args"}` (JSON text) and resolves to the result's JSON text. */
  call(callJson: string): Promise<string>
  /** Aborts every tool still running, with `reason`. */
  abort(reason: string): void
}

/** tools.js: the sandbox's tools and the run's, gathered. */
export type GatherTools = (sandboxTools: Record<string, Tool> | null | undefined, runTools: Record<string, Tool> | null | undefined) => GatheredTools

/** The request fetch.js is given as JSON text: `Outgoing::to_json` in crates/sandbox/src/host/fetch.rs. */
export interface Outgoing {
  method: string
  protocol: 'http:' | 'https:'
  host: string
  port: number
  path: string
  /** The only addresses it may connect to, as the core checked them. */
  addresses: string[]
  headers: [string, string][]
  /** base64 */
  body: string
  timeoutMs: number
  maxBytes: number
}

/** fetch.js: one HTTP exchange, resolving to `{ status, statusText, headers, body }` as JSON text (`Incoming::from_json`). */
export type Exchange = (requestJson: string) => Promise<string>
