// The tools of one run (code mode), made on the JavaScript thread from the sandbox's `tools` and the
// run's own (`options.tools`, which win by name). The thread that drives the guest calls `call` with
// `{"name": ..., "args": {...}}` as JSON text and waits for the result's JSON text; `abort` is called
// when the run stops while a tool runs. Each tool gets its argument object and `{ signal }`, an
// AbortSignal that aborts then, so a tool can cancel its own work.
(sandboxTools, runTools) => {
  const tools = Object.assign(Object.create(null), sandboxTools ?? {}, runTools ?? {})
  for (const [name, tool] of Object.entries(tools)) {
    if (typeof tool !== 'function') throw new TypeError(`tools.${name} must be a function`)
  }
  const controller = new AbortController()
  return {
    names: Object.keys(tools),
    async call(callJson) {
      const { name, args } = JSON.parse(callJson)
      const result = await tools[name](args, { signal: controller.signal })
      if (result === undefined) return 'null'
      const text = JSON.stringify(result)
      if (text === undefined) throw new TypeError('the tool returned a value JSON cannot carry')
      return text
    },
    abort(reason) {
      controller.abort(new DOMException(reason, 'AbortError'))
    },
  }
}
