// `@cloudflare/codemode` in Node: its main entry and `/ai` import `cloudflare:workers` (the Workers runtime's
// module, for its connector and runtime classes) when loaded, which Node cannot resolve
// (cloudflare/agents#2142). A loader hook gives Node an empty stand-in for that one module, so the parts that run
// anywhere — createCodeTool, runCode, normalizeCode, sanitizeToolName — load; the classes it stands in for
// (WorkerEntrypoint, DurableObject, RpcTarget) are only base classes of what the tests never use.
// `@cloudflare/codemode/mcp` and `/browser` load without it.
import { register } from 'node:module'

const STAND_IN = 'export class WorkerEntrypoint {}\nexport class DurableObject {}\nexport class RpcTarget {}\n'
const HOOKS = `export async function resolve(specifier, context, next) {
  if (specifier === 'cloudflare:workers') return { url: 'data:text/javascript,' + encodeURIComponent(${JSON.stringify(STAND_IN)}), shortCircuit: true }
  return next(specifier, context)
}`

let registered = false

/** Lets `import('@cloudflare/codemode')` and `import('@cloudflare/codemode/ai')` load in this process. */
export function allowCodemodeImports(): void {
  if (registered) return
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`)
  registered = true
}
