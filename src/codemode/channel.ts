/**
 * How `MicroVmExecutor` (`src/codemode/executor.ts`) runs codemode's code in the JavaScript guest: the program it runs
 * ({@link guestProgram}) and the host's end of the one code-mode tool that program calls
 * ({@link CodemodeChannel}).
 *
 * The program takes the guest's `tools` (code mode's way to the host, `guest/javascript/warmup.js`) for itself
 * and removes the global, gives the code one namespace object per provider (`codemode`, `github`, …) whose
 * functions reach the host through that tool, calls the code's function, and sends the value it returns, or
 * the message of what it threw, to the host through the same tool — never through the output, which the code
 * and the data it handles write freely. Then it ends the guest, as a codemode execution ends when its function
 * settles (timers and calls left behind die with it).
 *
 * Arguments, results and the final value of any size cross in one call of the tool each: the guest's `tools`
 * and the core's host calls (crates/sandbox/src/host/host_calls.rs: `lci.upload`, `lci.more`) carry what does not
 * fit one host call in pieces, so this channel has no chunking of its own. Only the code itself, when it would
 * make the program larger than a run carries, is fetched through the channel (`take`). Values cross as JSON;
 * `Uint8Array`s and `ArrayBuffer`s (a Node `Buffer` too) cross as base64 and arrive as what they were.
 *
 * The code could reach this tool too, through the guest's `host.call`; all it could do there is what it does
 * anyway: call its functions, and say what its result is (the first outcome sent counts).
 */

/** The name of the run's one code-mode tool. */
export const CHANNEL_TOOL = 'lci_codemode'

/** The key that marks binary data encoded as base64 in a value crossing between guest and host. */
export const BINARY_TAG = '__lci_binary_v1__'

/** What the guest program needs to know: the code, the namespaces' names, and the code to run before it. */
export interface GuestProgramSpec {
  /** The code: a function expression (`normalizeCode` made it one). */
  code?: string
  /** Instead of `code`: the download ({@link CodemodeChannel.offer}) the program takes the code from. */
  codeDownload?: number
  /** The namespaces the code sees, as the parameters of the function its code is compiled in. */
  namespaces: readonly string[]
  /** JavaScript run before the code, in the same scope (codemode providers' `prelude`s). */
  prelude: string
}

/**
 * The guest's side, a script: the spec's values reach it as JSON, so nothing in the code or a name can change
 * what it does; the code is compiled with `Function`, so a syntax error is an outcome like any exception and the
 * program's own variables are out of the code's reach.
 */
const GUEST_RUNTIME = String.raw`(function (spec) {
  'use strict';
  var channel = globalThis.tools;
  delete globalThis.tools;
  var proc = globalThis.process, exit = proc.exit, con = globalThis.console, report = con.error;
  var stringify = JSON.stringify, parse = JSON.parse, hasOwn = Object.prototype.hasOwnProperty;
  var slice = Array.prototype.slice, fromCharCode = String.fromCharCode, isView = ArrayBuffer.isView;
  var toB64 = globalThis.btoa, fromB64 = globalThis.atob, Func = Function;
  var TOOL = spec.tool, TAG = spec.tag;
  function base64(bytes) {
    var s = '';
    for (var i = 0; i < bytes.length; i += 0x8000) s += fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return toB64(s);
  }
  function tagged(kind, bytes) { var o = {}; o[TAG] = kind; o.data = base64(bytes); return o; }
  function encode(value) {
    return stringify(value, function (key, v) {
      var raw = this[key];
      if (raw instanceof ArrayBuffer) return tagged('ArrayBuffer', new Uint8Array(raw));
      if (isView(raw)) return tagged('Uint8Array', new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      return v;
    });
  }
  function decode(text) {
    return parse(text, function (key, v) {
      if (v === null || typeof v !== 'object' || !hasOwn.call(v, TAG) || typeof v.data !== 'string') return v;
      var s = fromB64(v.data), bytes = new Uint8Array(s.length);
      for (var i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
      return v[TAG] === 'ArrayBuffer' ? bytes.buffer : bytes;
    });
  }
  function messageOf(e) {
    try {
      if (e !== null && typeof e === 'object' && typeof e.message === 'string' && e.message !== '') return e.message;
      return String(e);
    } catch (_) {
      return 'an exception that cannot be shown';
    }
  }

  // One call of the tool; the guest's tools and the core's host calls carry a long payload or reply in pieces.
  function send(payload) { return channel[TOOL](payload); }

  function namespace(ns) {
    return new Proxy({}, {
      get: function (target, name) {
        if (hasOwn.call(target, name)) return target[name];
        // Not a thenable: awaiting a namespace gives the namespace, not a call of a tool named "then".
        if (typeof name !== 'string' || name === 'then') return undefined;
        return async function () {
          var reply = await send({ op: 'call', ns: ns, name: name, text: encode(slice.call(arguments)) });
          if (hasOwn.call(reply, 'error')) throw new Error(reply.error);
          return reply.text === undefined ? undefined : decode(reply.text);
        };
      },
    });
  }

  // codemode's executors mark these in their logs.
  ['warn', 'error'].forEach(function (level) {
    var write = con[level], mark = '[' + level + ']';
    con[level] = function () {
      var args = slice.call(arguments);
      if (typeof args[0] === 'string') args[0] = mark + ' ' + args[0];
      else args.unshift(mark);
      return write.apply(con, args);
    };
  });

  async function end(outcome) {
    try {
      var fields;
      if (hasOwn.call(outcome, 'error')) {
        fields = { text: messageOf(outcome.error), error: true };
      } else {
        try {
          fields = outcome.value === undefined ? {} : { text: encode(outcome.value) };
        } catch (e) {
          fields = { text: 'The code returned a value that cannot be sent back as JSON: ' + messageOf(e), error: true };
        }
      }
      fields.op = 'end';
      await send(fields);
    } catch (e) {
      report.call(con, 'codemode: the outcome could not reach the host: ' + messageOf(e));
      exit.call(proc, 1);
    }
    exit.call(proc, 0);
  }

  // The code comes in the spec, or, when it would make the program larger than a run carries, as a download.
  async function main() {
    var code = hasOwn.call(spec, 'code') ? spec.code : (await send({ op: 'take', id: spec.codeDownload })).text;
    var compile = Func.apply(null, spec.namespaces.concat([spec.prelude + '\nreturn (\n' + code + '\n);']));
    var fn = compile.apply(undefined, spec.namespaces.map(namespace));
    if (typeof fn !== 'function') throw new TypeError('The code is not a function: write an async arrow function, async () => { ... }');
    return { fn: fn };
  }
  main().then(
    function (compiled) {
      new Promise(function (resolve) { resolve(compiled.fn()); }).then(
        function (value) { return end({ value: value }); },
        function (error) { return end({ error: error }); }
      );
    },
    function (error) { return end({ error: error }); }
  );
})`

/** The script the guest runs for one execution. */
export function guestProgram(spec: GuestProgramSpec): string {
  const data = { tool: CHANNEL_TOOL, tag: BINARY_TAG, ...spec }
  return `${GUEST_RUNTIME}(${JSON.stringify(data)});\n`
}

/** A function the code can call: it gets the code's arguments as they were passed, and may return a promise. */
export type CodemodeFunction = (...args: any[]) => unknown

/** A connector's binding: the code's `NAME.method(args)` is `callTool('method', args)`. */
export interface CodemodeToolCaller {
  /** Runs one tool of the connector with the first argument the code passed. */
  callTool(method: string, args: unknown): unknown
}

/** What a namespace of the code is served by: functions by the name the code calls them, or a connector. */
export type ChannelNamespace =
  | { readonly kind: 'functions'; readonly functions: ReadonlyMap<string, CodemodeFunction> }
  | { readonly kind: 'connector'; readonly binding: CodemodeToolCaller }

/** How an execution ended, as the code's program reported it. */
export type ChannelOutcome = { readonly result: unknown } | { readonly error: string }

/** The key by which codemode's connectors answer with a control value instead of a result. */
const CONNECTOR_CONTROL_KEY = '__codemode_control__'
/** The message codemode's runtime looks for when a connector call must pause the execution. */
const PAUSE_SENTINEL = '__CODEMODE_PAUSE__'

/**
 * The host's end of one execution's tool: serves the code's calls of its namespaces, hands the program its code
 * when it is a download, and keeps the outcome the program reports. A payload it cannot read is refused with an
 * error (the guest program never sends one).
 */
export class CodemodeChannel {
  /** The code's result or the message of what it threw, once the program has sent it. */
  outcome: ChannelOutcome | undefined
  private readonly downloads = new Map<number, string>()
  private downloadIds = 0

  /** A channel serving `namespaces`, by the names the code uses. */
  constructor(private readonly namespaces: ReadonlyMap<string, ChannelNamespace>) {}

  /** Handles one call of the tool from the guest; resolves with the reply it gets. */
  async handle(payload: unknown): Promise<unknown> {
    if (payload === null || typeof payload !== 'object') throw new TypeError('a codemode channel call takes an object')
    const call = payload as Record<string, unknown>
    switch (call.op) {
      case 'take': {
        const id = integer(call.id)
        const download = this.downloads.get(id)
        if (download === undefined) throw new Error(`nothing is left to take for ${id}`)
        this.downloads.delete(id)
        return { text: download }
      }
      case 'call':
        return this.call(text(call.ns), text(call.name), this.carried(call))
      case 'end': {
        if (this.outcome !== undefined) throw new Error('the outcome was sent already')
        const carried = this.carried(call)
        if (call.error === true) this.outcome = { error: carried ?? '' }
        else this.outcome = { result: carried === undefined ? undefined : decodeValue(carried) }
        return {}
      }
      default:
        throw new TypeError(`unknown codemode channel operation ${JSON.stringify(call.op)}`)
    }
  }

  /** Makes `text` a download the guest takes once (`take`); returns its id. */
  offer(text: string): number {
    const id = ++this.downloadIds
    this.downloads.set(id, text)
    return id
  }

  /** Runs `ns.name(...args)` and replies with its result's JSON text (`{ text }`, none for undefined), or `{ error }`. */
  private async call(ns: string, name: string, argsText: string | undefined): Promise<Record<string, unknown>> {
    const namespace = this.namespaces.get(ns)
    if (namespace === undefined) return { error: `Namespace "${ns}" not found` }
    let value: unknown
    try {
      const decoded = argsText === undefined ? [] : decodeValue(argsText)
      const args = Array.isArray(decoded) ? decoded : [decoded]
      if (namespace.kind === 'functions') {
        const fn = namespace.functions.get(name)
        if (fn === undefined) return { error: notFound(ns, name, [...namespace.functions.keys()]) }
        value = await fn(...args)
      } else {
        value = controlled(await namespace.binding.callTool(name, args[0]))
      }
    } catch (error) {
      return { error: messageOf(error) }
    }
    let encoded: string | undefined
    try {
      encoded = encodeValue(value)
    } catch (error) {
      return { error: `${ns}.${name} returned a value that cannot be sent to the code as JSON: ${messageOf(error)}` }
    }
    return encoded === undefined ? {} : { text: encoded }
  }

  /** The text a call carries (`text`); undefined when it has none. */
  private carried(call: Record<string, unknown>): string | undefined {
    return call.text === undefined ? undefined : text(call.text)
  }
}

/**
 * `value` as the JSON text that crosses to the guest, binary data as base64 (a `Buffer` too, which JSON would
 * otherwise turn into `{ type, data }`); undefined for `undefined` (and what JSON leaves out, a function).
 * Throws what `JSON.stringify` throws (a cycle, a `BigInt`).
 */
export function encodeValue(value: unknown): string | undefined {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, converted: unknown) {
    const raw = this[key]
    if (raw instanceof ArrayBuffer) return { [BINARY_TAG]: 'ArrayBuffer', data: Buffer.from(raw).toString('base64') }
    if (ArrayBuffer.isView(raw)) {
      return { [BINARY_TAG]: 'Uint8Array', data: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') }
    }
    return converted
  })
}

/** A JSON text from the guest as a value, its base64-encoded binary data back as `Uint8Array`/`ArrayBuffer`. */
export function decodeValue(json: string): unknown {
  return JSON.parse(json, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, BINARY_TAG)) return value
    const { [BINARY_TAG]: kind, data } = value as Record<string, unknown>
    if (typeof data !== 'string') return value
    const bytes = new Uint8Array(Buffer.from(data, 'base64'))
    return kind === 'ArrayBuffer' ? bytes.buffer : bytes
  })
}

/** The lines of an output, without the newline after the last one. */
export function linesOf(output: string): string[] {
  if (output === '') return []
  const lines = output.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** A connector's answer: a control value of codemode's connectors becomes an exception in the code. */
function controlled(answer: unknown): unknown {
  if (answer === null || typeof answer !== 'object') return answer
  const control = (answer as Record<string, unknown>)[CONNECTOR_CONTROL_KEY]
  if (control === 'pause') throw new Error(PAUSE_SENTINEL)
  if (control === 'error') throw new Error(String((answer as { message?: unknown }).message))
  return answer
}

function notFound(ns: string, name: string, known: string[]): string {
  const listed = known.length === 0 ? 'it has none' : `it has ${known.slice(0, 40).join(', ')}${known.length > 40 ? ', …' : ''}`
  return `Tool "${name}" not found in ${ns} (${listed})`
}

/** The message of anything thrown, as codemode's executors report it: an error's message, else the value as text. */
export function messageOf(error: unknown): string {
  try {
    if (error !== null && typeof error === 'object' && typeof (error as Error).message === 'string' && (error as Error).message !== '') {
      return (error as Error).message
    }
    return String(error)
  } catch {
    return 'an exception that cannot be shown'
  }
}

function integer(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError('a codemode channel id must be an integer')
  return value
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError('a codemode channel field must be a string')
  return value
}
