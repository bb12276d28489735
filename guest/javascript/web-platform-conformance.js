// The JavaScript guest's web-platform conformance list: one case per global (in the style of the
// web-platform-tests, WPT), each checking that it exists and behaves, plus the Node-style globals the
// warm-up has always given. __test__/microvm/javascript-web-platform.test.ts runs this file in the guest
// as a run's code; it prints one line, `WPT-RESULT {"cases":N,"failed":[{"name","error"}]}`. It also runs
// in a host build of the same QuickJS with the bundled warm-up loaded first (see bundle.mjs).
(async () => {
  const cases = [];
  const test = (name, fn) => cases.push({ name, fn });

  const fmt = (v) => { try { return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? `${v}n` : String(v); } catch { return '?'; } };
  function assert_equals(actual, expected, what = '') {
    if (!Object.is(actual, expected)) throw new Error(`${what ? what + ': ' : ''}expected ${fmt(expected)}, got ${fmt(actual)}`);
  }
  function assert_true(cond, what) { if (!cond) throw new Error(`assertion failed: ${what}`); }
  function assert_array_equals(actual, expected, what = '') {
    assert_equals(JSON.stringify(actual), JSON.stringify(expected), what);
  }
  function assert_throws(name, fn, what = '') {
    try { fn(); } catch (e) {
      if (e?.name !== name) throw new Error(`${what ? what + ': ' : ''}expected ${name}, got ${e?.name}: ${e?.message}`);
      return e;
    }
    throw new Error(`${what ? what + ': ' : ''}expected ${name} to be thrown, nothing was`);
  }
  async function promise_rejects(name, promise, what = '') {
    try { await promise; } catch (e) {
      if (e?.name !== name) throw new Error(`${what ? what + ': ' : ''}expected a rejection with ${name}, got ${e?.name}: ${e?.message}`);
      return e;
    }
    throw new Error(`${what ? what + ': ' : ''}expected a rejection with ${name}, it resolved`);
  }
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // ── URL, URLSearchParams ─────────────────────────────────────────────

  test('URL: parses every component', () => {
    const u = new URL('https://user:pw@Example.COM:8080/a/b.html?x=1&y=two#frag');
    assert_equals(u.protocol, 'https:'); assert_equals(u.username, 'user'); assert_equals(u.password, 'pw');
    assert_equals(u.hostname, 'example.com'); assert_equals(u.port, '8080'); assert_equals(u.host, 'example.com:8080');
    assert_equals(u.pathname, '/a/b.html'); assert_equals(u.search, '?x=1&y=two'); assert_equals(u.hash, '#frag');
    assert_equals(u.origin, 'https://example.com:8080');
    assert_equals(u.href, 'https://user:pw@example.com:8080/a/b.html?x=1&y=two#frag');
    assert_equals(String(u), u.href); assert_equals(u.toJSON(), u.href); assert_equals(JSON.stringify({ u }), `{"u":"${u.href}"}`);
    assert_equals(new URL('http://example.com:80/').port, '', 'default port dropped');
  });
  test('URL: resolves relative references against a base', () => {
    const base = 'https://example.com/a/d/e?q#h';
    assert_equals(new URL('../b/c?x=1#f', base).href, 'https://example.com/a/b/c?x=1#f');
    assert_equals(new URL('/root', base).href, 'https://example.com/root');
    assert_equals(new URL('//other.org/p', base).href, 'https://other.org/p');
    assert_equals(new URL('?y=2', base).href, 'https://example.com/a/d/e?y=2');
    assert_equals(new URL('#top', base).href, 'https://example.com/a/d/e?q#top');
    assert_equals(new URL('./x/./y/../z', 'http://h/p/').href, 'http://h/p/x/z');
    assert_equals(new URL('mailto:a@b.c', base).href, 'mailto:a@b.c');
  });
  test('URL: searchParams is live both ways', () => {
    const u = new URL('https://example.com/?a=1');
    u.searchParams.append('b', 'x y&z');
    assert_equals(u.search, '?a=1&b=x+y%26z');
    u.search = '?c=3';
    assert_equals(u.searchParams.get('c'), '3'); assert_equals(u.searchParams.has('a'), false);
    u.searchParams.delete('c');
    assert_equals(u.href, 'https://example.com/');
  });
  test('URL: percent-encodes and converts international host names', () => {
    assert_equals(new URL('http://ñ.example/ü path?q=ü').href, 'http://xn--ida.example/%C3%BC%20path?q=%C3%BC');
    assert_equals(new URL('HTTP://EXAMPLE.com/%7Efoo').href, 'http://example.com/%7Efoo');
  });
  test('URL: rejects invalid input with a TypeError; canParse and parse', () => {
    assert_throws('TypeError', () => new URL('not a url'));
    assert_throws('TypeError', () => new URL('/relative'));
    assert_throws('TypeError', () => new URL('http://exa mple.com'));
    assert_equals(URL.canParse('https://x.org'), true); assert_equals(URL.canParse('nope'), false);
    assert_equals(URL.canParse('/p', 'https://x.org'), true);
    assert_equals(URL.parse('nope'), null); assert_equals(URL.parse('/p', 'https://x.org').href, 'https://x.org/p');
  });
  test('URLSearchParams: constructs, reads and writes', () => {
    assert_equals(new URLSearchParams('?a=1&b=2&a=3').getAll('a').join(), '1,3');
    assert_equals(new URLSearchParams({ x: '1', y: 'two' }).toString(), 'x=1&y=two');
    assert_equals(new URLSearchParams([['k', 'v'], ['k', 'w']]).toString(), 'k=v&k=w');
    const p = new URLSearchParams('a=1&b=2&a=3');
    assert_equals(p.get('a'), '1'); assert_equals(p.get('zz'), null); assert_equals(p.size, 3);
    p.set('a', '9'); assert_equals(p.toString(), 'a=9&b=2');
    p.delete('b'); assert_equals(p.has('b'), false);
    assert_array_equals([...new URLSearchParams('x=1&y=2')], [['x', '1'], ['y', '2']]);
    assert_array_equals([...new URLSearchParams('x=1&y=2').keys()], ['x', 'y']);
  });
  test('URL: file: paths after dot segments, lone surrogates as U+FFFD (whatwg-url, as Node 24)', () => {
    assert_equals(new URL('///.//x?q=a b#f', 'file:///C:/dir/').href, 'file:////x?q=a%20b#f');
    assert_equals(new URL('file:////a/./b').href, 'file:////a/b');
    assert_equals(new URL('file://0177.0.0.1/.//x').href, 'file://127.0.0.1//x');
    assert_equals(new URLSearchParams('a=\ud800').get('a'), '\ufffd');
    assert_equals(new URLSearchParams([['\udc00', 'x']]).toString(), '%EF%BF%BD=x');
    const e = assert_throws('TypeError', () => new URL('nope'));
    assert_equals(e.code, 'ERR_INVALID_URL'); assert_equals(e.message, 'Invalid URL'); assert_equals(e.input, 'nope');
  });
  test('URLSearchParams: sorts stably by name', () => {
    const p = new URLSearchParams('c=3&a=1&b=2&a=0');
    p.sort();
    assert_equals(p.toString(), 'a=1&a=0&b=2&c=3');
  });
  test('URLSearchParams: encodes and decodes as application/x-www-form-urlencoded', () => {
    assert_equals(new URLSearchParams({ q: 'a b&c=d/é~*' }).toString(), 'q=a+b%26c%3Dd%2F%C3%A9%7E*');
    assert_equals(new URLSearchParams('q=a+b%26c%3D%C3%A9').get('q'), 'a b&c=é');
    assert_equals(new URLSearchParams('q=%zz').get('q'), '%zz');
  });

  // ── crypto ───────────────────────────────────────────────────────────

  test('crypto.getRandomValues: fills integer arrays in place, differently each call', () => {
    const a = new Uint8Array(64), b = new Uint8Array(64);
    assert_equals(crypto.getRandomValues(a), a, 'returns its argument');
    crypto.getRandomValues(b);
    assert_true(a.some((x) => x !== 0), 'not all zero');
    assert_true(hex(a.buffer) !== hex(b.buffer), 'two calls differ');
    const w = crypto.getRandomValues(new Uint32Array(16));
    assert_true(w.some((x) => x > 0xffffff), '32-bit values');
    crypto.getRandomValues(new BigUint64Array(2));
    crypto.getRandomValues(new Uint8Array(65536));
    assert_true(crypto instanceof Crypto, 'crypto instanceof Crypto');
  });
  test('crypto.getRandomValues: over 65,536 bytes is a QuotaExceededError, floats a TypeMismatchError', () => {
    const e = assert_throws('QuotaExceededError', () => crypto.getRandomValues(new Uint8Array(65537)));
    assert_true(e instanceof DOMException, 'a DOMException');
    assert_throws('QuotaExceededError', () => crypto.getRandomValues(new Uint32Array(16385)));
    assert_throws('TypeMismatchError', () => crypto.getRandomValues(new Float64Array(4)));
  });
  test('crypto.randomUUID: RFC 4122 version 4, unique', () => {
    const seen = new Set();
    for (let i = 0; i < 500; i++) {
      const id = crypto.randomUUID();
      assert_true(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id), `v4 format: ${id}`);
      seen.add(id);
    }
    assert_equals(seen.size, 500, 'distinct');
  });
  test('crypto.subtle.digest: SHA-1, SHA-256, SHA-384, SHA-512 test vectors', async () => {
    const abc = new TextEncoder().encode('abc');
    assert_equals(hex(await crypto.subtle.digest('SHA-256', abc)), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert_equals(hex(await crypto.subtle.digest({ name: 'sha-1' }, abc)), 'a9993e364706816aba3e25717850c26c9cd0d89d');
    assert_equals(hex(await crypto.subtle.digest('SHA-384', abc.buffer)), 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7');
    assert_equals(hex(await crypto.subtle.digest('SHA-512', abc)), 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
    assert_equals(hex(await crypto.subtle.digest('SHA-256', new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert_true((await crypto.subtle.digest('SHA-256', abc)) instanceof ArrayBuffer, 'an ArrayBuffer');
    await promise_rejects('NotSupportedError', crypto.subtle.digest('MD5', abc));
    assert_true(crypto.subtle instanceof SubtleCrypto, 'crypto.subtle instanceof SubtleCrypto');
  });

  // ── Events and aborting ──────────────────────────────────────────────

  test('EventTarget: dispatches to listeners in order, with target and currentTarget', () => {
    const t = new EventTarget(), seen = [];
    const l1 = function (e) { seen.push(['l1', e.type, e.target === t, e.currentTarget === t, this === t, e.eventPhase]); };
    t.addEventListener('ping', l1);
    t.addEventListener('ping', l1); // a duplicate is ignored
    t.addEventListener('ping', { handleEvent(e) { seen.push(['obj', e.type]); } });
    const e = new Event('ping');
    assert_equals(t.dispatchEvent(e), true);
    assert_array_equals(seen, [['l1', 'ping', true, true, true, 2], ['obj', 'ping']]);
    assert_equals(e.eventPhase, 0, 'phase after dispatch'); assert_equals(e.currentTarget, null);
    t.removeEventListener('ping', l1);
    seen.length = 0; t.dispatchEvent(new Event('ping'));
    assert_array_equals(seen, [['obj', 'ping']]);
  });
  test('EventTarget: once, signal, preventDefault, stopImmediatePropagation', () => {
    const t = new EventTarget(), seen = [];
    t.addEventListener('x', () => seen.push('once'), { once: true });
    const ac = new AbortController();
    t.addEventListener('x', () => seen.push('until-abort'), { signal: ac.signal });
    t.dispatchEvent(new Event('x')); ac.abort(); t.dispatchEvent(new Event('x'));
    assert_array_equals(seen, ['once', 'until-abort']);
    const u = new EventTarget();
    u.addEventListener('c', (e) => { e.preventDefault(); e.stopImmediatePropagation(); });
    u.addEventListener('c', () => seen.push('never'));
    assert_equals(u.dispatchEvent(new Event('c', { cancelable: true })), false, 'canceled');
    assert_equals(u.dispatchEvent(new Event('c')), true, 'not cancelable');
    const p = new EventTarget();
    p.addEventListener('c', (e) => e.preventDefault(), { passive: true });
    assert_equals(p.dispatchEvent(new Event('c', { cancelable: true })), true, 'passive cannot cancel');
    assert_equals(seen.includes('never'), false);
    assert_throws('TypeError', () => t.dispatchEvent({ type: 'x' }));
  });
  test('Event and CustomEvent: properties', () => {
    const e = new Event('go', { bubbles: true, cancelable: true });
    assert_equals(e.type, 'go'); assert_equals(e.bubbles, true); assert_equals(e.cancelable, true);
    assert_equals(e.defaultPrevented, false); assert_equals(e.isTrusted, false); assert_equals(typeof e.timeStamp, 'number');
    e.preventDefault(); assert_equals(e.defaultPrevented, true);
    const c = new CustomEvent('data', { detail: { n: 1 } });
    assert_equals(c.detail.n, 1); assert_true(c instanceof Event, 'CustomEvent is an Event');
    assert_throws('TypeError', () => new Event());
    assert_equals(Object.prototype.toString.call(e), '[object Event]');
  });
  test('AbortController: aborts its signal once, with an AbortError or the reason given', () => {
    const ac = new AbortController(), s = ac.signal, seen = [];
    assert_equals(s.aborted, false); assert_equals(s.reason, undefined);
    s.addEventListener('abort', (e) => seen.push(['listener', e.type]));
    s.onabort = () => seen.push(['onabort']);
    ac.abort(); ac.abort();
    assert_equals(s.aborted, true);
    assert_true(s.reason instanceof DOMException && s.reason.name === 'AbortError', 'reason is an AbortError DOMException');
    assert_array_equals(seen, [['listener', 'abort'], ['onabort']]);
    assert_throws('AbortError', () => s.throwIfAborted());
    const ac2 = new AbortController(); ac2.abort('why');
    assert_equals(ac2.signal.reason, 'why');
    assert_throws('TypeError', () => new AbortSignal());
  });
  test('AbortSignal.abort, AbortSignal.any', () => {
    const s = AbortSignal.abort();
    assert_equals(s.aborted, true); assert_equals(s.reason.name, 'AbortError');
    assert_equals(AbortSignal.abort(42).reason, 42);
    const a = new AbortController(), b = new AbortController();
    const any = AbortSignal.any([a.signal, b.signal]);
    let fired = 0; any.addEventListener('abort', () => fired++);
    b.abort('second'); a.abort('first');
    assert_equals(any.aborted, true); assert_equals(any.reason, 'second'); assert_equals(fired, 1);
    assert_equals(AbortSignal.any([AbortSignal.abort('x')]).reason, 'x');
  });
  test('AbortSignal.timeout: aborts with a TimeoutError after the delay', async () => {
    const s = AbortSignal.timeout(20);
    assert_equals(s.aborted, false);
    const event = await new Promise((resolve) => s.addEventListener('abort', resolve));
    assert_equals(event.type, 'abort'); assert_equals(s.aborted, true);
    assert_true(s.reason instanceof DOMException && s.reason.name === 'TimeoutError', 'reason is a TimeoutError');
    const unwatched = AbortSignal.timeout(10);
    await sleep(30);
    assert_equals(unwatched.aborted, true, 'aborted when looked at after its time, with no listener');
  });
  test('DOMException: names, codes, instanceof Error', () => {
    const e = new DOMException('gone', 'NotFoundError');
    assert_equals(e.name, 'NotFoundError'); assert_equals(e.message, 'gone'); assert_equals(e.code, 8);
    assert_equals(new DOMException('x', 'AbortError').code, 20); assert_equals(new DOMException('q', 'QuotaExceededError').code, 22);
    assert_true(e instanceof Error, 'instanceof Error');
  });

  // ── Blob, File ───────────────────────────────────────────────────────

  test('Blob: size, type, text, arrayBuffer, bytes', async () => {
    const b = new Blob(['héllo ', new Uint8Array([0x77, 0x6f]), new Blob(['rld'])], { type: 'Text/Plain' });
    assert_equals(b.size, 12); assert_equals(b.type, 'text/plain');
    assert_equals(await b.text(), 'héllo world');
    const buf = await b.arrayBuffer();
    assert_true(buf instanceof ArrayBuffer, 'an ArrayBuffer'); assert_equals(buf.byteLength, 12);
    assert_equals((await b.bytes())[0], 0x68);
    assert_equals(new Blob().size, 0);
    assert_equals(Object.prototype.toString.call(b), '[object Blob]');
  });
  test('Blob: slice, negative indices, content type', async () => {
    const b = new Blob(['0123456789']);
    assert_equals(await b.slice(2, 5).text(), '234');
    assert_equals(await b.slice(-3).text(), '789');
    assert_equals(await b.slice(5, 2).text(), '');
    const s = b.slice(0, 1, 'application/json');
    assert_equals(s.type, 'application/json'); assert_equals(s.size, 1);
  });
  test('File: a Blob with a name and lastModified', async () => {
    const f = new File(['abc'], 'a.txt', { type: 'text/plain', lastModified: 1700000000000 });
    assert_true(f instanceof Blob, 'instanceof Blob');
    assert_equals(f.name, 'a.txt'); assert_equals(f.lastModified, 1700000000000); assert_equals(await f.text(), 'abc');
  });

  // ── Encoding, cloning, base64 ────────────────────────────────────────

  test('TextEncoder and TextDecoder: UTF-8 round trip', () => {
    const bytes = new TextEncoder().encode('héllo €😀');
    assert_equals(hex(bytes), '68c3a96c6c6f20e282acf09f9880');
    assert_equals(new TextDecoder().decode(bytes), 'héllo €😀');
    assert_equals(new TextDecoder().decode(new Uint8Array([0xff])), '\ufffd');
    assert_throws('TypeError', () => new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])));
    assert_equals(new TextEncoder().encoding, 'utf-8');
  });
  test('TextDecoder: the Encoding Standard UTF-8 decoder (maximal subparts, BOM, fatal, stream)', () => {
    // One U+FFFD per maximal subpart of an invalid sequence: C3 | F0 | ED | A9 is four.
    assert_equals(new TextDecoder().decode(new Uint8Array([195, 240, 237, 169])), '\ufffd'.repeat(4));
    assert_equals(new TextDecoder().decode(new Uint8Array([0xe2, 0x82, 0x41, 0xf0, 0x9f, 0x98])), '\ufffdA\ufffd');
    assert_equals(new TextDecoder().decode(new Uint8Array([0xed, 0xa0, 0x80])), '\ufffd'.repeat(3), 'a surrogate');
    assert_equals(new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), 'A', 'the BOM dropped');
    assert_equals(new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), '\ufeffA');
    const d = new TextDecoder();
    assert_equals(d.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + d.decode(new Uint8Array([0xac])), '€', 'streamed');
    const e = assert_throws('TypeError', () => new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xc3, 0x28])));
    assert_equals(e.code, 'ERR_ENCODING_INVALID_ENCODED_DATA');
    assert_equals(new TextDecoder(' UTF8 ').encoding, 'utf-8'); assert_throws('RangeError', () => new TextDecoder('no-such-encoding'));
    assert_equals(new TextDecoder('utf-16le').decode(new Uint8Array([0xff, 0xfe, 0x3d, 0xd8, 0x00, 0xde, 0x00, 0xdc])), '😀\ufffd', 'UTF-16LE');
    assert_equals(new TextDecoder('latin1').encoding, 'windows-1252');
    assert_equals(new TextDecoder('latin1').decode(new Uint8Array([0x80, 0xe9, 0x9f])), '€éŸ', 'windows-1252');
    const into = new TextEncoder().encodeInto('a😀b', new Uint8Array(3));
    assert_equals(`${into.read},${into.written}`, '1,1', 'encodeInto writes whole characters');
  });
  test('structuredClone: deep copies with cycles, Map, Set, Date; refuses functions', () => {
    const o = { n: 1, d: new Date(0), m: new Map([['k', { v: 2 }]]), s: new Set([1]), arr: [1, { x: 2 }], u8: new Uint8Array([1, 2]) };
    o.self = o;
    const c = structuredClone(o);
    assert_true(c !== o && c.self === c, 'cycle kept');
    assert_equals(c.d.getTime(), 0); assert_equals(c.m.get('k').v, 2); assert_true(c.m.get('k') !== o.m.get('k'), 'deep');
    assert_equals(c.s.has(1), true); assert_equals(c.arr[1].x, 2); assert_equals(c.u8[1], 2);
    const e = assert_throws('DataCloneError', () => structuredClone(() => 1), 'a function cannot be cloned');
    assert_true(e instanceof DOMException, 'a DOMException'); assert_equals(e.code, 25); assert_equals(e.message, '() => 1 could not be cloned.');
    assert_throws('DataCloneError', () => structuredClone({ s: Symbol('x') }), 'nor a symbol');
    assert_throws('DataCloneError', () => structuredClone(new WeakMap()), 'nor a WeakMap');
  });
  test('atob and btoa', () => {
    assert_equals(btoa('hello'), 'aGVsbG8='); assert_equals(atob('aGVsbG8='), 'hello');
    assert_equals(atob(btoa('\u00ff\u0000')), '\u00ff\u0000');
    assert_throws('InvalidCharacterError', () => btoa('€'));
    assert_throws('InvalidCharacterError', () => atob('*'));
  });

  // ── Time and scheduling ──────────────────────────────────────────────

  test('performance.now: monotonic milliseconds; timeOrigin', async () => {
    const a = performance.now();
    await sleep(5);
    const b = performance.now();
    assert_true(b > a, 'advances'); assert_true(b - a >= 4, 'in milliseconds');
    assert_true(Math.abs(performance.timeOrigin + performance.now() - Date.now()) < 1000, 'timeOrigin + now() is the Unix time');
    assert_equals(performance.timeOrigin, performance.timeOrigin, 'timeOrigin stays put');
  });
  test('queueMicrotask: after the current task, before timers, in order', async () => {
    const order = [];
    setTimeout(() => order.push('timeout'), 0);
    queueMicrotask(() => order.push('micro1'));
    Promise.resolve().then(() => order.push('promise'));
    queueMicrotask(() => order.push('micro2'));
    order.push('sync');
    await sleep(10);
    assert_array_equals(order, ['sync', 'micro1', 'promise', 'micro2', 'timeout']);
  });
  test('timers: setTimeout with arguments, clearTimeout, setInterval, order by delay', async () => {
    const order = [];
    setTimeout((a, b) => order.push(a + b), 20, 'b', 'c');
    setTimeout(() => order.push('a'), 1);
    clearTimeout(setTimeout(() => order.push('never'), 5));
    let n = 0;
    await new Promise((resolve) => { const i = setInterval(() => { if (++n === 3) { clearInterval(i); resolve(); } }, 2); });
    await sleep(40);
    assert_array_equals(order, ['a', 'bc']); assert_equals(n, 3);
    const t = setTimeout(() => {}, 1);
    assert_equals(typeof t.ref, 'function', 'a Node-style Timeout');
    clearTimeout(t);
  });

  // ── Intl (en-US) ─────────────────────────────────────────────────────

  test('Number#toLocaleString: en-US grouping and decimals', () => {
    assert_equals((1234567.891).toLocaleString('en-US'), '1,234,567.891');
    assert_equals((1234567.891).toLocaleString(), '1,234,567.891');
    assert_equals((0.5).toLocaleString('en-US', { style: 'percent' }), '50%');
    assert_equals((1234.5).toLocaleString(undefined, { minimumFractionDigits: 2 }), '1,234.50');
    assert_equals((1.005).toLocaleString('en-US', { maximumFractionDigits: 2 }), '1.01');
    assert_equals((123456789n).toLocaleString('en-US'), '123,456,789');
    assert_equals((-0).toLocaleString(), '-0'); assert_equals(NaN.toLocaleString(), 'NaN');
  });
  test('Intl.NumberFormat v3: scientific and engineering currency, plural names', () => {
    const f = (o, v) => new Intl.NumberFormat('en-US', o).format(v);
    assert_equals(f({ style: 'currency', currency: 'EUR', notation: 'scientific' }, 0), '€0E0');
    assert_equals(f({ style: 'currency', currency: 'INR', currencyDisplay: 'name', notation: 'scientific' }, 123456789), '1.235E8 Indian rupees');
    assert_equals(f({ style: 'currency', currency: 'USD', notation: 'engineering' }, 12345), '$12.345E3');
    assert_equals(f({ style: 'currency', currency: 'USD', currencyDisplay: 'name', maximumFractionDigits: 0 }, -1), '-1 US dollar');
    assert_equals(f({ style: 'currency', currency: 'CHF' }, NaN), 'CHFNaN');
    assert_equals(f({ style: 'currency', currency: 'USD', notation: 'compact', compactDisplay: 'long' }, 1234), '$1.2K');
  });
  test('Intl.NumberFormat: currency, percent, compact, unit, formatToParts', () => {
    assert_equals(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(1234.5), '$1,234.50');
    assert_equals(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(-0.5), '-$0.50');
    assert_equals(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(9.99), '€9.99');
    assert_equals(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'JPY' }).format(1234.5), '¥1,235');
    assert_equals(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', currencySign: 'accounting' }).format(-5), '($5.00)');
    assert_equals(new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(0.2567), '25.7%');
    assert_equals(new Intl.NumberFormat('en-US', { notation: 'compact' }).format(1234), '1.2K');
    assert_equals(new Intl.NumberFormat('en-US', { notation: 'compact', compactDisplay: 'long' }).format(2500000), '2.5 million');
    assert_equals(new Intl.NumberFormat('en-US', { style: 'unit', unit: 'kilometer-per-hour' }).format(50), '50 km/h');
    assert_equals(new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 }).format(123456), '123,000');
    assert_array_equals(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).formatToParts(-1234.5).map((p) => p.type),
      ['minusSign', 'currency', 'integer', 'group', 'integer', 'decimal', 'fraction']);
    const r = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).resolvedOptions();
    assert_equals(r.locale, 'en-US'); assert_equals(r.minimumFractionDigits, 2);
    assert_throws('TypeError', () => new Intl.NumberFormat('en-US', { style: 'currency' }));
    assert_throws('RangeError', () => new Intl.NumberFormat('en-US', { style: 'bogus' }));
  });
  test('Intl.DateTimeFormat: en-US in UTC, styles, components, formatToParts', () => {
    const d = new Date(Date.UTC(2024, 0, 15, 13, 5, 9));
    const f = (o) => new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', ...o }).format(d);
    assert_equals(f({}), '1/15/2024');
    assert_equals(f({ dateStyle: 'full' }), 'Monday, January 15, 2024');
    assert_equals(f({ dateStyle: 'medium', timeStyle: 'short' }), 'Jan 15, 2024, 1:05 PM');
    assert_equals(f({ dateStyle: 'long', timeStyle: 'long' }), 'January 15, 2024 at 1:05:09 PM UTC');
    assert_equals(f({ year: 'numeric', month: 'long' }), 'January 2024');
    assert_equals(f({ weekday: 'short', month: 'short', day: 'numeric' }), 'Mon, Jan 15');
    assert_equals(f({ hour: '2-digit', minute: '2-digit', hour12: false }), '13:05');
    assert_equals(f({ year: '2-digit', month: '2-digit', day: '2-digit' }), '01/15/24');
    assert_equals(new Intl.DateTimeFormat('en-US', { timeZone: '+05:30', timeStyle: 'short' }).format(d), '6:35 PM');
    assert_array_equals(new Intl.DateTimeFormat('en-US', { timeZone: 'UTC' }).formatToParts(d).map((p) => p.type),
      ['month', 'literal', 'day', 'literal', 'year']);
    assert_equals(new Intl.DateTimeFormat('en-US', { timeZone: 'UTC' }).resolvedOptions().timeZone, 'UTC');
    assert_throws('RangeError', () => new Intl.DateTimeFormat('en-US', { timeZone: 'Mars/Olympus' }));
    assert_throws('RangeError', () => new Intl.DateTimeFormat('en-US').format(new Date(NaN)));
  });
  test('Intl.DateTimeFormat: named time zones, daylight saving time included', () => {
    const at = (iso, timeZone, o = {}) => new Date(iso).toLocaleString('en-US', { timeZone, ...o });
    assert_equals(at('2025-01-15T12:00:00Z', 'America/New_York', { timeZoneName: 'short' }), '1/15/2025, 7:00:00 AM EST');
    assert_equals(at('2025-07-15T12:00:00Z', 'America/New_York', { timeZoneName: 'short' }), '7/15/2025, 8:00:00 AM EDT');
    assert_equals(at('2025-03-09T06:59:59Z', 'America/Los_Angeles', { timeStyle: 'long' }), '10:59:59 PM PST', 'before the spring change');
    assert_equals(at('2025-03-09T10:00:00Z', 'America/Los_Angeles', { timeStyle: 'long' }), '3:00:00 AM PDT', 'after it');
    assert_equals(at('2025-03-30T00:59:59Z', 'Europe/Berlin', { timeStyle: 'short' }), '1:59 AM');
    assert_equals(at('2025-03-30T01:00:00Z', 'Europe/Berlin', { timeStyle: 'short' }), '3:00 AM');
    assert_equals(at('2025-01-15T12:00:00Z', 'Asia/Kolkata', { hour: 'numeric', minute: 'numeric', timeZoneName: 'long' }), '5:30 PM India Standard Time');
    assert_equals(at('2025-01-15T12:00:00Z', 'Asia/Tokyo', { dateStyle: 'full', timeStyle: 'full' }), 'Wednesday, January 15, 2025 at 9:00:00 PM Japan Standard Time');
    assert_equals(at('2025-01-15T12:00:00Z', 'Australia/Sydney', { timeZoneName: 'shortOffset', hour: 'numeric' }), '11 PM GMT+11');
    assert_equals(new Intl.DateTimeFormat('en-US', { timeZone: 'asia/tokyo' }).resolvedOptions().timeZone, 'Asia/Tokyo');
    assert_equals(at('2025-01-15T12:00:00Z', 'asia/calcutta', { timeStyle: 'short' }), '5:30 PM', 'an alias');
  });
  test('Date#toLocaleDateString, toLocaleTimeString, toLocaleString (en-US)', () => {
    const d = new Date(Date.UTC(2024, 6, 4, 0, 30, 0));
    assert_equals(d.toLocaleDateString('en-US', { timeZone: 'UTC' }), '7/4/2024');
    assert_equals(d.toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }), 'July 4, 2024');
    assert_equals(d.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }), 'Thursday');
    assert_equals(d.toLocaleTimeString('en-US', { timeZone: 'UTC' }), '12:30:00 AM');
    assert_equals(d.toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }), '12:30 AM');
    assert_equals(d.toLocaleString('en-US', { timeZone: 'UTC' }), '7/4/2024, 12:30:00 AM');
    assert_equals(d.toLocaleString(), '7/4/2024, 12:30:00 AM', 'the guest\'s own zone is UTC');
    assert_equals(new Date(NaN).toLocaleString(), 'Invalid Date');
  });
  test('Intl.PluralRules, RelativeTimeFormat, ListFormat (en)', () => {
    const p = new Intl.PluralRules('en-US');
    assert_equals(p.select(1), 'one'); assert_equals(p.select(2), 'other'); assert_equals(p.select(0), 'other');
    const o = new Intl.PluralRules('en-US', { type: 'ordinal' });
    assert_equals([1, 2, 3, 4, 11, 22, 103, 113].map((n) => o.select(n)).join(), 'one,two,few,other,other,two,few,other');
    const r = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
    assert_equals(r.format(-1, 'day'), 'yesterday'); assert_equals(r.format(3, 'week'), 'in 3 weeks');
    assert_equals(new Intl.RelativeTimeFormat('en').format(-2, 'hours'), '2 hours ago');
    assert_equals(new Intl.ListFormat('en', { type: 'conjunction' }).format(['a', 'b', 'c']), 'a, b, and c');
    assert_equals(new Intl.ListFormat('en', { type: 'disjunction' }).format(['a', 'b']), 'a or b');
  });
  test('Intl.Collator and String#localeCompare: English order, numeric option', () => {
    assert_equals(['b', 'a', 'B', 'á', 'A'].sort((x, y) => x.localeCompare(y)).join(''), 'aAábB');
    assert_equals(['item10', 'item9', 'Item1'].sort(new Intl.Collator('en', { numeric: true, sensitivity: 'base' }).compare).join(), 'Item1,item9,item10');
    assert_equals('a'.localeCompare('A', 'en', { sensitivity: 'base' }), 0);
    assert_equals('résumé'.localeCompare('resume', 'en', { sensitivity: 'accent' }), 1);
    assert_equals(Intl.getCanonicalLocales('EN-us')[0], 'en-US');
  });

  // ── navigator, reportError, and what the warm-up always gave ────────

  test('navigator and reportError exist', () => {
    assert_equals(typeof navigator.userAgent, 'string');
    assert_equals(typeof reportError, 'function');
  });
  test('Node-style globals: global, process, console', () => {
    assert_equals(global, globalThis);
    assert_equals(process.platform, 'linux'); assert_equals(typeof process.env, 'object'); assert_equals(typeof process.hrtime.bigint(), 'bigint');
    for (const m of ['log', 'error', 'warn', 'info', 'debug', 'table', 'time', 'timeEnd', 'group', 'assert']) assert_equals(typeof console[m], 'function', `console.${m}`);
  });
  test('ES2023 built-ins', () => {
    assert_equals([3, 1, 2].toSorted().join(), '1,2,3'); assert_equals([1, 2, 3].findLast((x) => x < 3), 2);
    assert_equals(typeof Object.groupBy, 'function'); assert_equals([1, [2, [3]]].flat(Infinity).join(), '1,2,3');
  });
  test('the web globals are there, as non-enumerable properties of globalThis', () => {
    for (const name of ['URL', 'URLSearchParams', 'crypto', 'Crypto', 'SubtleCrypto', 'AbortController', 'AbortSignal', 'Event',
      'EventTarget', 'CustomEvent', 'Blob', 'File', 'TextEncoder', 'TextDecoder', 'structuredClone', 'atob', 'btoa', 'performance',
      'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'DOMException', 'Intl', 'navigator', 'reportError']) {
      assert_true(name in globalThis, `${name} is a global`);
    }
    assert_equals(Object.keys(globalThis).filter((k) => k.startsWith('__core')).length, 0, 'no helper globals show');
  });

  const failed = [];
  for (const { name, fn } of cases) {
    let timer;
    try {
      await Promise.race([fn(), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out after 5 s')), 5000); })]);
    } catch (e) {
      failed.push({ name, error: String(e?.message ?? e) });
    } finally {
      clearTimeout(timer);
    }
  }
  console.log('WPT-RESULT ' + JSON.stringify({ cases: cases.length, failed }));
})();
