// @ts-check
// The tools of one run (code mode), made on the JavaScript thread from the sandbox's `tools` and the
// run's own (`options.tools`, which win by name). The thread that drives the guest calls `call` with
// `{"name": ..., "args": {...}}` as JSON text and waits for the result's JSON text; `abort` is called
// when the run stops while a tool runs. Each tool gets its argument object and `{ signal }`, an
// AbortSignal that aborts then, so a tool can cancel its own work.
/** @type {import('./contracts').GatherTools} */
((sandboxTools, runTools) => {
  /** @type {Record<string, import('./contracts').Tool>} */
  const tools = Object.assign(Object.create(null), sandboxTools ?? {}, runTools ?? {})
  for (const [name, tool] of Object.entries(tools)) {
    if (typeof tool !== 'function') throw new TypeError(`tools.${name} must be a function`)
  }
  const controller = new AbortController()
  /** @param {string} callJson */
  const run = async (callJson) => {
    /** @type {{ name: string, args: unknown }} */
    const { name, args } = JSON.parse(callJson)
    const result = await tools[name](args, { signal: controller.signal })
    if (result === undefined) return 'null'
    const text = JSON.stringify(result)
    if (text === undefined) throw new TypeError('the tool returned a value JSON cannot carry')
    return text
  }
  // Each call's promise stays reachable here until it settles or the run stops. A tool whose promise can
  // never settle (nothing holds its resolvers) is otherwise garbage, and V8 collects it with the callbacks
  // the waiting thread is answered by: under Node 24 the call then failed with "oneshot canceled" instead of
  // waiting, as a tool that never answers must, until the run's time limit.
  /** @type {Set<Promise<string>>} */
  const pending = new Set()
  return {
    names: Object.keys(tools),
    call(callJson) {
      const answer = run(callJson)
      pending.add(answer)
      const settled = () => pending.delete(answer)
      answer.then(settled, settled)
      return answer
    },
    abort(reason) {
      pending.clear()
      controller.abort(new DOMException(reason, 'AbortError'))
    },
  }
})
