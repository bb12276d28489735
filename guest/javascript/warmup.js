// Warm-up for the JavaScript guest (QuickJS, quickjs-ng), run once after
// the guest boots and before the snapshot every run restores, so all it
// defines is already there when user code starts.
//
// The driver runs code with an `import`/`export` line as an ES module and
// anything else as a script; either way it returns only once every job and
// timer the code started has run, as Node does when its event loop drains.
// This file is a module (for the imports below); it puts on globalThis what
// code written for Node or a browser expects to find there:
//   setTimeout, clearTimeout, setInterval, clearInterval, setImmediate,
//   clearImmediate   (QuickJS keeps timers in the module qjs:os)
//   console          log/info/debug/dir to stdout, error/warn/trace to
//                    stderr, objects printed as Node prints them ({ a: 1 },
//                    [ 1, 2 ], Map(1) {...}), printf-style %s %d %i %f %j
//                    %o %O, plus assert, table, time*, count*, group*
//   process          env, argv, exit(), stdout.write, stderr.write,
//                    nextTick, cwd(), platform, hrtime; process.exit(n)
//                    ends the guest with status n (the host restores it)
//   structuredClone (what cannot be cloned throws a DataCloneError
//                    DOMException, as the HTML standard says), global
// and, from web-platform.js (imported below; guest/build.sh bundles it, its web/ modules and their npm
// packages into the one warmup.js shipped beside the image): TextEncoder, TextDecoder, URL, URLSearchParams, crypto
// (getRandomValues, randomUUID, subtle.digest), Event, CustomEvent, EventTarget, AbortController,
// AbortSignal, Blob, File, Intl (en-US) with the toLocaleString family, navigator, reportError, and
// performance.timeOrigin as a Unix time.
// fetch, Headers, Request and Response (below) are the host's fetch (crates/sandbox/src/host/fetch.rs).
// queueMicrotask, atob/btoa, DOMException, performance.now and ES2023 are QuickJS's own.
import * as std from 'qjs:std';
import * as os from 'qjs:os';
import './web-platform.js';
import { blobBytes } from './web/blob.js';
import { HOST_FUNCTIONS, REPLY, UPLOAD_PIECE_CHARS } from './generated/facts.js';

const g = globalThis;
const define = (target, name, value) =>
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });

// ── Timers ────────────────────────────────────────────────────────────

// Node's Timeout, reduced: what code commonly does with one. The driver
// waits for every live timer, so unref() cannot let the run end early.
class Timeout {
  #callback; #delay; #repeat; #id = 0;
  constructor(callback, delay, args, repeat) {
    if (typeof callback !== 'function') {
      throw new TypeError('The "callback" argument must be of type function. Received ' + inspect(callback));
    }
    delay = Number(delay);
    this.#delay = delay >= 1 && delay <= 0x7fffffff ? Math.trunc(delay) : 1;
    this.#callback = args.length ? () => callback(...args) : callback;
    this.#repeat = repeat;
    this.#arm();
  }
  #arm() {
    const fire = this.#repeat ? this.#callback : () => { this.#id = 0; this.#callback(); };
    this.#id = (this.#repeat ? os.setInterval : os.setTimeout)(fire, this.#delay);
  }
  close() { if (this.#id) os.clearTimeout(this.#id); this.#id = 0; return this; }
  refresh() { this.close(); this.#arm(); return this; }
  ref() { return this; }
  unref() { return this; }
  hasRef() { return this.#id !== 0; }
  [Symbol.toPrimitive]() { return this.#id; }
}
const clear = (timer) => {
  if (timer instanceof Timeout) timer.close();
  else if (typeof timer === 'number') os.clearTimeout(timer);
};
define(g, 'setTimeout', function setTimeout(callback, delay, ...args) {
  return new Timeout(callback, delay, args, false);
});
define(g, 'setInterval', function setInterval(callback, delay, ...args) {
  return new Timeout(callback, delay, args, true);
});
define(g, 'setImmediate', function setImmediate(callback, ...args) {
  return new Timeout(callback, 0, args, false);
});
define(g, 'clearTimeout', function clearTimeout(timer) { clear(timer); });
define(g, 'clearInterval', function clearInterval(timer) { clear(timer); });
define(g, 'clearImmediate', function clearImmediate(timer) { clear(timer); });

// ── inspect: values as Node's console shows them ──────────────────────

const IDENT = /^[A-Za-z_$][\w$]*$/;
const quote = (s) => {
  const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes('`') ? '`' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).toUpperCase().padStart(2, '0');
    else out += ch;
  }
  return out + q;
};
const keyText = (k) => (typeof k === 'symbol' ? `[${k.toString()}]` : IDENT.test(k) ? k : quote(k));
const TypedArray = Object.getPrototypeOf(Uint8Array);
const typeName = (v) => {
  const proto = Object.getPrototypeOf(v);
  if (proto === null) return null;
  const ctor = proto.constructor;
  return typeof ctor === 'function' && ctor.name ? ctor.name : 'Object';
};
const fnText = (f) => {
  let src = '';
  try { src = Function.prototype.toString.call(f); } catch {}
  if (/^class\b/.test(src)) return `[class ${f.name || '(anonymous)'}]`;
  const kind = Object.getPrototypeOf(f)?.constructor?.name ?? 'Function';
  return `[${kind}${f.name ? ': ' + f.name : ' (anonymous)'}]`;
};

// Short primitive entries of a long array go in columns, numbers right-aligned.
function columns(entries, indent, alignRight) {
  const widest = Math.max(...entries.map((e) => e.length)) + 2;
  const cols = Math.min(16, Math.floor((80 - indent) / widest), Math.ceil(Math.sqrt(2.5 * entries.length)));
  if (cols <= 1) return entries;
  const lines = [];
  for (let i = 0; i < entries.length; i += cols) {
    const row = entries.slice(i, i + cols).map((e, j) => {
      const cell = i + j < entries.length - 1 ? e + ',' : e;
      return alignRight ? cell.padStart(widest - 1 - (cell === e ? 1 : 0)) : cell.padEnd(widest - 1);
    });
    lines.push(row.join(' ').trimEnd());
  }
  return lines;
}

function inspect(value, options = {}) {
  const maxDepth = options.depth === undefined ? 2 : options.depth === null ? Infinity : options.depth;
  const seen = [];

  const fmt = (v, level, indent) => {
    switch (typeof v) {
      case 'string': return quote(v);
      case 'number': return Object.is(v, -0) ? '-0' : String(v);
      case 'bigint': return `${v}n`;
      case 'symbol': return v.toString();
      case 'undefined': return 'undefined';
      case 'boolean': return String(v);
      case 'function': return fnText(v);
    }
    if (v === null) return 'null';
    if (seen.includes(v)) return '[Circular *1]';
    if (v instanceof Error) return errorText(v);
    if (v instanceof Date) return isNaN(v) ? 'Invalid Date' : v.toISOString();
    if (v instanceof RegExp) return String(v);
    if (v instanceof Promise) return 'Promise {}';
    if (v instanceof WeakMap || v instanceof WeakSet) return `${typeName(v)} { <items unknown> }`;
    if (v instanceof Number || v instanceof String || v instanceof Boolean) {
      return `[${typeName(v)}: ${fmt(v.valueOf(), level, indent)}]`;
    }
    const name = typeName(v);
    if (level > maxDepth) return Array.isArray(v) ? '[Array]' : `[${name ?? 'Object'}]`;

    seen.push(v);
    const inner = indent + 2;
    const entries = [];
    let open, close = '}', grouped = false;
    try {
      if (Array.isArray(v) || v instanceof TypedArray) {
        open = Array.isArray(v) ? (name === 'Array' ? '[' : `${name}(${v.length}) [`) : `${name}(${v.length}) [`;
        close = ']';
        let holes = 0;
        const shown = Math.min(v.length, 100);
        for (let i = 0; i < shown; i++) {
          if (!(i in v)) { holes++; continue; }
          if (holes) { entries.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`); holes = 0; }
          entries.push(fmt(v[i], level + 1, inner));
        }
        if (holes) entries.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
        if (v.length > shown) entries.push(`... ${v.length - shown} more item${v.length - shown > 1 ? 's' : ''}`);
        grouped = entries.length > 6 && entries.every((e) => e.length <= 16 && !e.includes('\n'));
        if (!Array.isArray(v)) return finish();
      } else if (v instanceof Map) {
        open = `${name}(${v.size}) {`;
        for (const [k, val] of v) entries.push(`${fmt(k, level + 1, inner)} => ${fmt(val, level + 1, inner)}`);
      } else if (v instanceof Set) {
        open = `${name}(${v.size}) {`;
        for (const k of v) entries.push(fmt(k, level + 1, inner));
      } else if (v instanceof URL) {
        // As Node shows a URL, field by field (they are getters on its prototype: the loop below finds none).
        open = 'URL {';
        for (const k of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash']) {
          // Node inspects the fields afresh: searchParams shows in full however deep the URL is.
          entries.push(`${k}: ${fmt(v[k], k === 'searchParams' ? 0 : level + 1, inner)}`);
        }
        return finish();
      } else if (v instanceof URLSearchParams) {
        // Node's own layout for it: one line while the entries fit in 80 columns, else one a line and ' }'.
        for (const [k, val] of v) entries.push(`${fmt(k, level + 1, inner)} => ${fmt(val, level + 1, inner)}`);
        if (!entries.length) return 'URLSearchParams {}';
        const pad = `\n${' '.repeat(indent + 2)}`;
        return entries.join(', ').length > 80 ? `URLSearchParams {${pad}${entries.join(`,${pad}`)} }` : `URLSearchParams { ${entries.join(', ')} }`;
      } else if (v instanceof ArrayBuffer) {
        open = 'ArrayBuffer {';
        entries.push(`byteLength: ${v.byteLength}`);
        return finish();
      } else {
        open = name === null ? '[Object: null prototype] {' : name === 'Object' ? '{' : `${name} {`;
      }
      const skipIndex = Array.isArray(v);
      for (const k of Reflect.ownKeys(v)) {
        const d = Object.getOwnPropertyDescriptor(v, k);
        if (!d || (!d.enumerable && typeof k !== 'symbol') || (typeof k === 'symbol' && !d.enumerable)) continue;
        if (skipIndex && (k === 'length' || (typeof k === 'string' && String(k >>> 0) === k))) continue;
        const shown = d.get ? (d.set ? '[Getter/Setter]' : '[Getter]') : d.set ? '[Setter]' : fmt(d.value, level + 1, inner);
        entries.push(`${keyText(k)}: ${shown}`);
      }
      return finish();
    } finally {
      seen.pop();
    }

    function finish() {
      if (entries.length === 0) return open.endsWith('[') ? open + ']' : open === '{' ? '{}' : open + '}';
      const flat = `${open} ${entries.join(', ')} ${close}`;
      if (flat.length + indent <= 80 && !flat.includes('\n')) return flat;
      const pad = ' '.repeat(inner);
      const lines = grouped ? columns(entries, inner, entries.every((e) => /^-?[\d.]/.test(e))) : entries.map((e, i) => e + (i < entries.length - 1 ? ',' : ''));
      return `${open}\n${lines.map((l) => pad + l).join('\n')}\n${' '.repeat(indent)}${close}`;
    }
  };

  return fmt(value, 0, options.indent ?? 0);
}

function errorText(e) {
  let head;
  try { head = String(e); } catch { head = 'Error'; }
  const stack = typeof e.stack === 'string' ? e.stack.trimEnd() : '';
  if (!stack) return `[${head}]`;
  return stack.startsWith(head) ? stack : `${head}\n${stack}`;
}

// util.format: printf-style placeholders in a first string argument.
function format(args) {
  let out = '';
  let rest = args;
  if (typeof args[0] === 'string') {
    const fmtString = args[0];
    let next = 1;
    // As Node's util.format: a lone string is printed as it is ('%%' stays two characters).
    out = args.length === 1 ? fmtString : fmtString.replace(/%[sdifjoOc%]/g, (spec) => {
      if (spec === '%%') return '%';
      if (next >= args.length) return spec;
      const a = args[next++];
      switch (spec) {
        case '%s':
          return typeof a === 'string' ? a : typeof a === 'bigint' ? `${a}n`
            : typeof a === 'object' && a !== null ? inspect(a, { depth: 1 }) : String(a === undefined ? 'undefined' : typeof a === 'symbol' ? a.toString() : a);
        case '%d': return typeof a === 'bigint' ? `${a}n` : typeof a === 'symbol' ? 'NaN' : String(Number(a));
        case '%i': return typeof a === 'bigint' ? `${a}n` : typeof a === 'symbol' ? 'NaN' : String(parseInt(a));
        case '%f': return typeof a === 'symbol' ? 'NaN' : String(parseFloat(a));
        case '%j': try { return JSON.stringify(a); } catch { return '[Circular]'; }
        case '%o': return inspect(a, { depth: 4 });
        case '%O': return inspect(a);
        case '%c': return '';
      }
      return spec;
    });
    rest = args.slice(next);
  } else if (args.length) {
    out = inspect(args[0]);
    rest = args.slice(1);
  }
  for (const a of rest) out += ' ' + (typeof a === 'string' ? a : inspect(a));
  return out;
}

// ── console ───────────────────────────────────────────────────────────

let groupIndent = '';
const emit = (file, text) => {
  if (groupIndent) text = text.split('\n').map((l) => groupIndent + l).join('\n');
  file.puts(text + '\n');
  file.flush();
};
const out = (...args) => emit(std.out, format(args));
const err = (...args) => emit(std.err, format(args));
const counts = new Map();
const timers = new Map();
const elapsed = (label) => {
  const ms = performance.now() - timers.get(label);
  return ms < 1000 ? `${ms.toFixed(3)}ms` : `${(ms / 1000).toFixed(3)}s`;
};
const label = (l) => (l === undefined ? 'default' : String(l));

function table(data, properties) {
  if (data === null || typeof data !== 'object') return out(data);
  const rows = [...(data instanceof Map ? data.entries() : Object.entries(data))];
  const keys = [];
  let hasValues = false;
  for (const [, row] of rows) {
    if (row !== null && typeof row === 'object') {
      for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k);
    } else hasValues = true;
  }
  const cols = ['(index)', ...(properties ?? keys), ...(hasValues ? ['Values'] : [])];
  const cell = (v) => (v === undefined ? '' : inspect(v, { depth: 0 }));
  const body = rows.map(([index, row]) => cols.map((c, i) => {
    if (i === 0) return String(index);
    if (c === 'Values' && hasValues && i === cols.length - 1) return row !== null && typeof row === 'object' ? '' : cell(row);
    return row !== null && typeof row === 'object' ? cell(row[c]) : '';
  }));
  const widths = cols.map((c, i) => Math.max(c.length, ...body.map((r) => r[i].length)) + 2);
  const center = (s, w) => { const left = Math.floor((w - s.length) / 2); return ' '.repeat(left) + s + ' '.repeat(w - s.length - left); };
  const line = (l, m, r) => l + widths.map((w) => '─'.repeat(w)).join(m) + r;
  const lines = [line('┌', '┬', '┐'), '│' + cols.map((c, i) => center(c, widths[i])).join('│') + '│', line('├', '┼', '┤')];
  for (const r of body) lines.push('│' + r.map((c, i) => center(c, widths[i])).join('│') + '│');
  lines.push(line('└', '┴', '┘'));
  emit(std.out, lines.join('\n'));
}

const consoleMethods = {
  log: out,
  info: out,
  debug: out,
  error: err,
  warn: err,
  dir: (value, options) => emit(std.out, inspect(value, options)),
  dirxml: out,
  table,
  trace: (...args) => {
    const stack = (new Error().stack ?? '').split('\n').slice(1).join('\n').trimEnd();
    emit(std.err, `Trace${args.length ? ': ' + format(args) : ''}${stack ? '\n' + stack : ''}`);
  },
  assert: (condition, ...args) => {
    if (!condition) emit(std.err, args.length ? 'Assertion failed: ' + format(args) : 'Assertion failed');
  },
  count: (l) => { l = label(l); const n = (counts.get(l) ?? 0) + 1; counts.set(l, n); out(`${l}: ${n}`); },
  countReset: (l) => { counts.delete(label(l)); },
  time: (l) => { timers.set(label(l), performance.now()); },
  timeLog: (l, ...args) => {
    l = label(l);
    if (!timers.has(l)) return err(`Warning: No such label '${l}' for console.timeLog()`);
    out(`${l}: ${elapsed(l)}`, ...args);
  },
  timeEnd: (l) => {
    l = label(l);
    if (!timers.has(l)) return err(`Warning: No such label '${l}' for console.timeEnd()`);
    out(`${l}: ${elapsed(l)}`);
    timers.delete(l);
  },
  group: (...args) => { if (args.length) out(...args); groupIndent += '  '; },
  groupCollapsed: (...args) => { if (args.length) out(...args); groupIndent += '  '; },
  groupEnd: () => { groupIndent = groupIndent.slice(2); },
};
for (const [name, fn] of Object.entries(consoleMethods)) define(g.console, name, fn);

// ── process (the parts scripts commonly touch) ────────────────────────

const env = new Proxy({}, {
  get: (_, k) => (typeof k === 'string' ? std.getenv(k) : undefined),
  set: (_, k, v) => { std.setenv(String(k), String(v)); return true; },
  has: (_, k) => typeof k === 'string' && std.getenv(k) !== undefined,
  deleteProperty: (_, k) => { std.unsetenv(String(k)); return true; },
  ownKeys: () => Object.keys(std.getenviron()),
  getOwnPropertyDescriptor: (_, k) => {
    const v = typeof k === 'string' ? std.getenv(k) : undefined;
    return v === undefined ? undefined : { value: v, writable: true, enumerable: true, configurable: true };
  },
});
const writer = (file) => ({
  write(chunk, encoding, callback) {
    if (typeof encoding === 'function') callback = encoding;
    if (ArrayBuffer.isView(chunk)) file.write(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else file.puts(String(chunk));
    file.flush();
    if (typeof callback === 'function') queueMicrotask(callback);
    return true;
  },
  isTTY: false,
});
const start = performance.now();
const hrtime = (previous) => {
  const ns = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  let s = Number(ns / 1000000000n), n = Number(ns % 1000000000n);
  if (previous) { s -= previous[0]; n -= previous[1]; if (n < 0) { s--; n += 1e9; } }
  return [s, n];
};
hrtime.bigint = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
define(g, 'process', {
  argv: ['qjs', '<exec>'],
  env,
  platform: 'linux',
  arch: 'x64',
  exitCode: undefined,
  exit(code) {
    std.out.flush();
    std.err.flush();
    std.exit(Number(code ?? this.exitCode ?? 0) & 0xff);
  },
  cwd: () => os.getcwd()[0],
  nextTick: (callback, ...args) => queueMicrotask(() => callback(...args)),
  hrtime,
  uptime: () => (performance.now() - start) / 1000,
  stdout: writer(std.out),
  stderr: writer(std.err),
});
define(g, 'global', g);

// ── structuredClone ───────────────────────────────────────────────────

define(g, 'structuredClone', function structuredClone(value) {
  const copies = new Map();
  const clone = (v) => {
    if (typeof v === 'function' || typeof v === 'symbol') {
      throw new DOMException(`${typeof v === 'symbol' ? v.toString() : Function.prototype.toString.call(v)} could not be cloned.`, 'DataCloneError');
    }
    if (v === null || typeof v !== 'object') return v;
    if (copies.has(v)) return copies.get(v);
    let c;
    if (v instanceof Date) c = new Date(v.getTime());
    else if (v instanceof RegExp) c = new RegExp(v.source, v.flags);
    else if (v instanceof ArrayBuffer) c = v.slice(0);
    else if (ArrayBuffer.isView(v)) c = new v.constructor(v);
    else if (v instanceof Error) {
      c = new (g[v.name] instanceof Function ? g[v.name] : Error)(v.message);
      // Not enumerable, as on the original: a clone's keys are the original's.
      if (v.stack !== undefined) Object.defineProperty(c, 'stack', { value: v.stack, writable: true, configurable: true });
    } else if (v instanceof Map) {
      c = new Map();
      copies.set(v, c);
      for (const [k, val] of v) c.set(clone(k), clone(val));
      return c;
    } else if (v instanceof Set) {
      c = new Set();
      copies.set(v, c);
      for (const k of v) c.add(clone(k));
      return c;
    } else if (v instanceof Boolean || v instanceof Number || v instanceof String) c = Object(v.valueOf());
    else if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet) {
      throw new DOMException(`#<${typeName(v)}> could not be cloned.`, 'DataCloneError');
    } else {
      c = Array.isArray(v) ? new Array(v.length) : {};
      copies.set(v, c);
      for (const k of Object.keys(v)) c[k] = clone(v[k]);
      return c;
    }
    copies.set(v, c);
    return c;
  };
  return clone(value);
});

// ── Host calls ────────────────────────────────────────────────────────

// The host functions of crates/sandbox/src/host/host_calls.rs. A reply is {"ok": value}, or, when longer
// than one host call carries, {"more": text} … {"last": text}: pieces of the value's JSON text, the
// rest fetched with lci.more. An argument longer than one call goes ahead in pieces (lci.upload) and
// the call is made without it. A refusal throws an Error saying why.
// UPLOAD_PIECE_CHARS: at most 3 bytes a character once sent, within one host call (generated/facts.js).
const unwrap = (reply) => {
  if (REPLY.WHOLE in reply) return reply[REPLY.WHOLE];
  let text = reply[REPLY.MORE];
  for (;;) {
    reply = host.call(HOST_FUNCTIONS.MORE);
    if (REPLY.LAST in reply) return JSON.parse(text + reply[REPLY.LAST]);
    text += reply[REPLY.MORE];
  }
};
const upload = (text) => {
  for (let at = 0; at < text.length; at += UPLOAD_PIECE_CHARS) host.call(HOST_FUNCTIONS.UPLOAD, text.slice(at, at + UPLOAD_PIECE_CHARS));
};

// ── Code mode ─────────────────────────────────────────────────────────

// The tools the run was given: `await tools.lookup({ id: 7 })` calls the host function lci.tool with the
// name and the one argument object (crates/sandbox/src/host/tools.rs); a refusal or a tool's failure rejects
// with an Error saying why. `then` is not a tool, so awaiting `tools` itself is harmless.
define(g, 'tools', new Proxy({}, {
  get(_, name) {
    if (typeof name !== 'string' || name === 'then') return undefined;
    return (args = {}) => new Promise((resolve) => {
      if (args === null || typeof args !== 'object' || Array.isArray(args)) {
        throw new TypeError(`tools.${name}() takes one object of arguments`);
      }
      const text = JSON.stringify(args);
      if (text.length <= UPLOAD_PIECE_CHARS) return resolve(unwrap(host.call(HOST_FUNCTIONS.TOOL, name, args)));
      upload(text);
      resolve(unwrap(host.call(HOST_FUNCTIONS.TOOL, name)));
    });
  },
}));

// ── fetch ─────────────────────────────────────────────────────────────

// fetch(url, init), Headers, Request and Response as the fetch standard has them, for what code sends
// and reads: the host makes the request (crates/sandbox/src/host/fetch.rs) under the sandbox's network
// allow list, follows redirects, and hands back the whole body, decoded. The guest waits while it
// does, so requests made together are made one after another. No streams: `body` is null, and
// text()/json()/arrayBuffer()/bytes()/blob() read the whole body.
const bytesToBase64 = (bytes) => {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};
const base64ToBytes = (text) => {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};
const headerName = (name) => {
  name = String(name);
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new TypeError(`Headers: invalid header name ${JSON.stringify(name)}`);
  return name.toLowerCase();
};
const headerValue = (value) => {
  value = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  if (/[\0\r\n]/.test(value)) throw new TypeError('Headers: invalid header value');
  return value;
};

class Headers {
  #list = []; // [lower-case name, value], in order
  constructor(init) {
    if (init == null) return;
    if (init instanceof Headers) init = init.entries();
    if (typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const [name, value, ...rest] = pair;
        if (rest.length || value === undefined) throw new TypeError('Headers: each pair must be [name, value]');
        this.append(name, value);
      }
    } else if (typeof init === 'object') {
      for (const name of Object.keys(init)) this.append(name, init[name]);
    } else throw new TypeError('Headers: init must be an object or pairs');
  }
  append(name, value) { this.#list.push([headerName(name), headerValue(value)]); }
  set(name, value) {
    name = headerName(name);
    value = headerValue(value);
    const at = this.#list.findIndex(([n]) => n === name);
    this.#list = this.#list.filter(([n], i) => n !== name || i === at);
    if (at < 0) this.#list.push([name, value]);
    else this.#list[this.#list.findIndex(([n]) => n === name)][1] = value;
  }
  get(name) {
    name = headerName(name);
    const values = this.#list.filter(([n]) => n === name).map(([, v]) => v);
    return values.length ? values.join(', ') : null;
  }
  getSetCookie() { return this.#list.filter(([n]) => n === 'set-cookie').map(([, v]) => v); }
  has(name) { name = headerName(name); return this.#list.some(([n]) => n === name); }
  delete(name) { name = headerName(name); this.#list = this.#list.filter(([n]) => n !== name); }
  *entries() {
    const names = [...new Set(this.#list.map(([n]) => n))].sort();
    for (const name of names) {
      if (name === 'set-cookie') for (const v of this.getSetCookie()) yield [name, v];
      else yield [name, this.get(name)];
    }
  }
  *keys() { for (const [k] of this.entries()) yield k; }
  *values() { for (const [, v] of this.entries()) yield v; }
  forEach(callback, thisArg) { for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this); }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return 'Headers'; }
}

// A body as bytes, and the content type it implies.
const bodyOf = (body) => {
  if (body == null) return [null, null];
  if (typeof body === 'string') return [new TextEncoder().encode(body), 'text/plain;charset=UTF-8'];
  if (body instanceof ArrayBuffer) return [new Uint8Array(body.slice(0)), null];
  if (ArrayBuffer.isView(body)) return [new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), null];
  if (typeof URLSearchParams === 'function' && body instanceof URLSearchParams) {
    return [new TextEncoder().encode(body.toString()), 'application/x-www-form-urlencoded;charset=UTF-8'];
  }
  if (body instanceof Blob) return [blobBytes(body), body.type || null];
  return [new TextEncoder().encode(String(body)), 'text/plain;charset=UTF-8'];
};

class Body {
  #bytes; #used = false;
  constructor(bytes) { this.#bytes = bytes; }
  get body() { return null; }
  get bodyUsed() { return this.#used; }
  #take() {
    if (this.#used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#used = true;
    return Promise.resolve(this.#bytes ?? new Uint8Array(0));
  }
  _lciPeek() { return this.#bytes; }
  arrayBuffer() { return this.#take().then((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); }
  bytes() { return this.#take().then((b) => new Uint8Array(b)); }
  text() { return this.#take().then((b) => new TextDecoder().decode(b)); }
  json() { return this.text().then((t) => JSON.parse(t)); }
  blob() {
    return this.#take().then((b) => new Blob([b], { type: this.headers.get('content-type') ?? '' }));
  }
  formData() { return Promise.reject(new TypeError('formData() is not supported in the sandbox')); }
}

class Request extends Body {
  #url; #method; #headers; #redirect; #signal;
  constructor(input, init = {}) {
    const from = input instanceof Request ? input : null;
    const [bytes, type] = init.body !== undefined ? bodyOf(init.body) : [from ? from._lciPeek() : null, null];
    super(bytes);
    this.#url = from ? from.url : String(input);
    this.#method = String(init.method ?? from?.method ?? 'GET');
    const upper = this.#method.toUpperCase();
    if (['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH'].includes(upper)) this.#method = upper;
    if ((this.#method === 'GET' || this.#method === 'HEAD') && bytes) throw new TypeError('Request with GET/HEAD method cannot have body.');
    this.#headers = new Headers(init.headers ?? from?.headers);
    if (type && !this.#headers.has('content-type')) this.#headers.set('content-type', type);
    this.#redirect = init.redirect ?? from?.redirect ?? 'follow';
    this.#signal = init.signal ?? from?.signal ?? null;
  }
  get url() { return this.#url; }
  get method() { return this.#method; }
  get headers() { return this.#headers; }
  get redirect() { return this.#redirect; }
  get signal() { return this.#signal; }
  clone() { return new Request(this); }
  get [Symbol.toStringTag]() { return 'Request'; }
}

class Response extends Body {
  #status; #statusText; #headers; #url; #redirected;
  constructor(body = null, init = {}) {
    const [bytes, type] = bodyOf(body);
    super(bytes);
    this.#status = init.status ?? 200;
    if (this.#status < 200 || this.#status > 599) throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive.`);
    this.#statusText = String(init.statusText ?? '');
    this.#headers = new Headers(init.headers);
    if (type && !this.#headers.has('content-type')) this.#headers.set('content-type', type);
    this.#url = init._lciUrl ?? '';
    this.#redirected = !!init._lciRedirected;
  }
  get status() { return this.#status; }
  get ok() { return this.#status >= 200 && this.#status <= 299; }
  get statusText() { return this.#statusText; }
  get headers() { return this.#headers; }
  get url() { return this.#url; }
  get redirected() { return this.#redirected; }
  get type() { return 'basic'; }
  clone() {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    return new Response(this._lciPeek(), { status: this.#status, statusText: this.#statusText, headers: this.#headers, _lciUrl: this.#url, _lciRedirected: this.#redirected });
  }
  static json(data, init = {}) {
    const headers = new Headers(init.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new Response(JSON.stringify(data), { ...init, headers });
  }
  static error() { return new Response(null, { status: 200 }); }
  static redirect(url, status = 302) { return new Response(null, { status, headers: { location: String(url) } }); }
  get [Symbol.toStringTag]() { return 'Response'; }
}

function fetch(input, init) {
  return new Promise((resolve, reject) => {
    const request = new Request(input, init);
    if (request.signal?.aborted) throw request.signal.reason ?? new Error('This operation was aborted');
    const body = request._lciPeek();
    const call = { url: request.url, method: request.method, headers: [...request.headers], redirect: request.redirect, body: null };
    if (body) {
      const encoded = bytesToBase64(body);
      if (encoded.length <= UPLOAD_PIECE_CHARS) call.body = encoded;
      else { upload(encoded); call.uploaded = true; }
    }
    let reply;
    try {
      reply = unwrap(host.call(HOST_FUNCTIONS.FETCH, call));
    } catch (e) {
      throw new TypeError(`fetch failed: ${e && e.message ? e.message : e}`);
    }
    const bytes = reply.body ? base64ToBytes(reply.body) : null;
    const nullBody = request.method === 'HEAD' || [101, 204, 205, 304].includes(reply.status);
    const response = new Response(nullBody ? null : bytes, {
      status: reply.status >= 200 && reply.status <= 599 ? reply.status : 200,
      statusText: reply.statusText,
      headers: reply.headers,
      _lciUrl: reply.url,
      _lciRedirected: reply.redirected,
    });
    if (reply.status < 200) Object.defineProperty(response, 'status', { value: reply.status });
    resolve(response);
  }).catch((e) => { throw e instanceof TypeError || e instanceof RangeError ? e : new TypeError(`fetch failed: ${e && e.message ? e.message : e}`); });
}
define(g, 'fetch', fetch);
define(g, 'Headers', Headers);
define(g, 'Request', Request);
define(g, 'Response', Response);
