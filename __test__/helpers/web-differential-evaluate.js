// The evaluator of the web-platform differential test (__test__/microvm/web-platform-differential.test.ts):
// plain JavaScript that runs unchanged in the guest (QuickJS with the warm-up's globals) and in Node 24.
// The test appends `evaluate(API, CASES)`; it prints one line, `DIFF-RESULT <json>`, an array with one
// result per case (an object of the fields compared, or { threw: name } with what the error carried).
// Strings go out as they are: JSON.stringify escapes a lone surrogate on both sides alike.
function evaluate(api, cases) {
  const threw = (e) => ({ threw: e?.name ?? typeof e, code: e?.code, message: e?.message, isDOMException: typeof DOMException === 'function' && e instanceof DOMException });
  const attempt = (fn) => { try { return fn(); } catch (e) { return threw(e); } };
  const urlFields = (u) => ({
    href: u.href, origin: u.origin, protocol: u.protocol, username: u.username, password: u.password, host: u.host,
    hostname: u.hostname, port: u.port, pathname: u.pathname, search: u.search, hash: u.hash, params: String(u.searchParams),
  });
  const describe = (v, seen = new Map()) => {
    if (v === null || typeof v !== 'object') {
      return typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && Object.is(v, -0) ? '-0' : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
    }
    if (seen.has(v)) return { ref: seen.get(v) };
    seen.set(v, seen.size);
    const tag = Object.prototype.toString.call(v).slice(8, -1);
    if (v instanceof Date) return { tag, time: v.getTime() };
    if (v instanceof RegExp) return { tag, source: v.source, flags: v.flags, lastIndex: v.lastIndex };
    if (v instanceof ArrayBuffer) return { tag, bytes: Array.from(new Uint8Array(v)) };
    if (ArrayBuffer.isView(v)) return { tag, ctor: v.constructor.name, bytes: Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    if (v instanceof Error) return { tag, name: v.name, message: v.message, ctor: v.constructor.name, keys: Object.keys(v) };
    if (v instanceof Map) return { tag, entries: [...v].map(([k, x]) => [describe(k, seen), describe(x, seen)]) };
    if (v instanceof Set) return { tag, values: [...v].map((x) => describe(x, seen)) };
    if (v instanceof Boolean || v instanceof Number || v instanceof String) return { tag, value: describe(v.valueOf(), seen) };
    return { tag, array: Array.isArray(v), proto: Object.getPrototypeOf(v) === null ? null : Object.getPrototypeOf(v).constructor?.name, entries: Object.keys(v).map((k) => [k, describe(v[k], seen)]) };
  };
  // structuredClone's inputs are built from a small language, so the one description reaches both sides.
  const build = (d) => {
    if (d === null || typeof d !== 'object') return d;
    switch (d.t) {
      case 'num': return d.v === '-0' ? -0 : d.v === 'NaN' ? NaN : d.v === 'Infinity' ? Infinity : d.v;
      case 'undef': return undefined;
      case 'bigint': return BigInt(d.v);
      case 'fn': return [() => 1, function named(a) { return a; }, async () => {}, class K {}, Math.max][d.v];
      case 'sym': return Symbol(d.v);
      case 'date': return new Date(d.v);
      case 're': return new RegExp(d.source, d.flags);
      case 'u8': return new Uint8Array(d.v);
      case 'f64': return new Float64Array(d.v);
      case 'ab': return new Uint8Array(d.v).buffer;
      case 'map': return new Map(d.v.map(([k, v]) => [build(k), build(v)]));
      case 'set': return new Set(d.v.map(build));
      case 'err': return new globalThis[d.ctor](d.message);
      case 'weak': return [new WeakMap(), new WeakSet(), Promise.resolve(1)][d.v];
      case 'boxed': return Object(build(d.v));
      case 'arr': return d.v.map(build);
      case 'obj': { const o = {}; for (const [k, v] of d.v) o[k] = build(v); return o; }
      case 'cycle': { const o = { name: d.v }; o.self = o; o.list = [o, { back: o }]; return o; }
      default: throw new Error(`unknown value kind ${d.t}`);
    }
  };
  // The standard's application/x-www-form-urlencoded parser, over the UTF-8 bytes of the string, as a reference:
  // Node 24's URLSearchParams departs from it on some strings (see web-differential.ts, nodeDeviation).
  const formDecode = (input) => {
    const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
    const hex = (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
    const decode = (bytes) => {
      const out = [];
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i] === 0x2b ? 0x20 : bytes[i];
        if (bytes[i] === 0x25 && i + 2 < bytes.length && hex(bytes[i + 1]) && hex(bytes[i + 2])) {
          out.push(parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16));
          i += 2;
        } else out.push(b);
      }
      return utf8.decode(new Uint8Array(out));
    };
    const all = new TextEncoder().encode(input);
    const pairs = [];
    let start = 0;
    for (let i = 0; i <= all.length; i++) {
      if (i < all.length && all[i] !== 0x26) continue;
      const seq = all.subarray(start, i);
      start = i + 1;
      if (!seq.length) continue;
      const eq = seq.indexOf(0x3d);
      pairs.push(eq < 0 ? [decode(seq), ''] : [decode(seq.subarray(0, eq)), decode(seq.subarray(eq + 1))]);
    }
    return pairs;
  };
  const run = {
    url: ([input, base]) => attempt(() => urlFields(base === undefined ? new URL(input) : new URL(input, base))),
    urlsearchparams: ({ init, ops }) => attempt(() => {
      const p = new URLSearchParams(init);
      const initEntries = [...p];
      const reference = typeof init === 'string' ? formDecode(init.startsWith('?') ? init.slice(1) : init) : undefined;
      const steps = [];
      for (const [op, a, b] of ops) {
        if (op === 'append') p.append(a, b);
        else if (op === 'set') p.set(a, b);
        else if (op === 'delete') p.delete(a);
        else if (op === 'sort') p.sort();
        steps.push(p.toString());
      }
      const first = [...p.keys()][0];
      return { initEntries, reference, entries: [...p], string: p.toString(), size: p.size, get: first === undefined ? null : p.get(first), has: first === undefined ? null : p.has(first), steps };
    }),
    textdecoder: ({ encoding, bytes, fatal, ignoreBOM, splits }) => attempt(() => {
      const d = new TextDecoder(encoding, { fatal, ignoreBOM });
      const u8 = new Uint8Array(bytes);
      if (!splits.length) return { encoding: d.encoding, text: d.decode(u8) };
      // The standard's decoder gives the same text however the bytes are split: the one-shot decode is the
      // reference a streamed one must equal.
      const oneShot = attempt(() => new TextDecoder(encoding, { fatal, ignoreBOM }).decode(u8));
      const pieces = [];
      let at = 0;
      for (const s of splits) { pieces.push(d.decode(u8.subarray(at, s), { stream: true })); at = s; }
      pieces.push(d.decode(u8.subarray(at)));
      return { encoding: d.encoding, pieces, text: pieces.join(''), oneShot };
    }),
    structuredclone: (d) => attempt(() => describe(structuredClone(build(d)))),
    numberformat: ({ options, values }) => attempt(() => {
      const f = new Intl.NumberFormat('en-US', options);
      return { formatted: values.map((v) => attempt(() => f.format(build(v)))) };
    }),
    datetimeformat: ({ options, times }) => attempt(() => {
      const f = new Intl.DateTimeFormat('en-US', options);
      return { formatted: times.map((t) => attempt(() => f.format(t))) };
    }),
  }[api];
  console.log('DIFF-RESULT ' + JSON.stringify(cases.map((c) => run(c))));
}
