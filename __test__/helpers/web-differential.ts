// Inputs of the web-platform differential test (__test__/microvm/web-platform-differential.test.ts), generated
// from each API's grammar with a seeded generator: the same seed gives the same cases on every machine, so a
// disagreement found once is found again. Each case is plain JSON, evaluated by web-differential-evaluate.js
// in the guest and in Node 24 alike.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The APIs the differential test compares, as web-differential-evaluate.js names them. */
export type Api = 'url' | 'urlsearchparams' | 'textdecoder' | 'structuredclone' | 'numberformat' | 'datetimeformat'

/** A seeded pseudo-random generator (mulberry32): a number in [0, 1) per call. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rng = () => number
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
const maybe = (r: Rng, p: number, s: string) => (r() < p ? s : '')

// ── URL ──────────────────────────────────────────────────────────────────────────────────────────────
const SCHEMES = ['http', 'https', 'HTTP', 'hTtPs', 'ws', 'wss', 'ftp', 'file', 'FILE', 'blob', 'data', 'mailto', 'javascript', 'about', 'sc', 'a+b-c.d', 'x1']
const AFTER_SCHEME = ['://', '://', '://', ':/', ':', ':\\\\', ':///', ':\\/', ':////', ': //']
const USERINFO = ['', '', '', 'user@', 'user:pass@', 'u%40x:p@', '@', ':@', 'us er@', 'a:b:c@', 'ü:ö@', 'a@b@', '%zz@']
const HOSTS = [
  'example.com', 'EXAMPLE.COM', 'example.com.', 'xn--nxasmq6b.com', 'ñ.example', 'bücher.de', 'faß.de', 'ＥＸＡＭＰＬＥ.com', '①.com',
  'localhost', 'a_b', 'a..b', 'exa mple', 'ex%41mple.com', '%zz', 'xn--', 'xn--a', 'ab\u00adc', 'a<b', 'a^b', 'a|b',
  '127.0.0.1', '0177.0.0.1', '0x7f.1', '0x7F.0.0.1', '2130706433', '1.2.3', '256.0.0.1', '1.2.3.4.5', '4294967295', '4294967296',
  '0x', '09.1', '1.2.3.08', '0.0.0.0', '1.1.1.1.', '[::1]', '[1:0::]', '[::ffff:192.168.0.1]', '[1:2:3:4:5:6:7:8]', '[::127.0.0.1]',
  '[0:0::0:1]', '[FE80::1]', '[fe80::1%25eth0]', '[1::2::3]', '[::1.2.3]', '[1:2:3:4:5:6:7:8:9]', '[::]', '[', '[::1', '',
]
const PORTS = ['', '', '', ':80', ':443', ':21', ':8080', ':0', ':65535', ':65536', ':abc', ':', ':08', ':1e3', ':+1']
const PATH_SEGMENTS = ['a', 'b', '.', '..', '%2e', '%2E', '.%2e', '%2e.', '', 'ü', 'a b', 'a%20b', 'C:', 'c|', 'x?y', '{}', '^`', '%zz', '\u0000', "'", '"', '<>', 'é%C3%A9']
const QUERIES = ['', '', '?', '?a=b', '?a b', '?é', "?'x'", '?%zz', '?a=1&b=2', '?`{}', '?#', '?\ud83d\ude00']
const FRAGMENTS = ['', '', '#', '#f', '#f g', '#é', '#`', '#<>', '#%zz', '#a#b']
const BASES = [
  'http://example.com/a/b?q#f', 'https://user:pw@h.example:8443/x/y/', 'file:///C:/dir/', 'file://host/a/b', 'file:///',
  'about:blank', 'mailto:a@b.c', 'data:text/plain,x', 'sc://h/a/b', 'sc:/a/b', 'sc:opaque', 'https://[::1]:8080/x/', 'ws://h/',
  'blob:https://a.example/uuid', 'http://h/a/../b/./c', 'javascript:alert(1)',
]
const RELATIVE = [
  '', '.', '..', './x', '../x', '/x', '//h/x', '?q', '#f', 'x/../y', '\\x', '///.//x?q=a b#f', 'C:/x', 'C|/x', '../../..', 'file:x',
  'http:x', 'http:/x', 'sc:x', '\\\\server\\share', '/..//x', './/x', '//', '///', 'x?y#z', ' /x ', '\t/x\n', '%2e%2e/x', 'a:', 'a',
]

function path(r: Rng): string {
  let p = ''
  const n = Math.floor(r() * 4)
  for (let i = 0; i < n; i++) p += pick(r, ['/', '/', '/', '\\', '//']) + pick(r, PATH_SEGMENTS)
  return p
}
// Tabs and newlines anywhere are removed by the parser, and leading and trailing C0 controls and spaces trimmed.
function noise(r: Rng, s: string): string {
  if (r() < 0.1) { const at = Math.floor(r() * (s.length + 1)); s = s.slice(0, at) + pick(r, ['\t', '\n', '\r']) + s.slice(at) }
  if (r() < 0.05) s = pick(r, [' ', '\u0000', '\u001f ']) + s + pick(r, [' ', '\u0001'])
  return s
}
function absoluteUrl(r: Rng): string {
  const scheme = pick(r, SCHEMES)
  return noise(r, scheme + pick(r, AFTER_SCHEME) + pick(r, USERINFO) + pick(r, HOSTS) + pick(r, PORTS) + path(r) + pick(r, QUERIES) + pick(r, FRAGMENTS))
}

/** `n` URL cases: [input] (absolute), or [input, base] with a relative or absolute input. */
export function urlCases(seed: number, n: number): [string, string?][] {
  const r = random(seed)
  const out: [string, string?][] = []
  for (let i = 0; i < n; i++) {
    const k = r()
    if (k < 0.45) out.push([absoluteUrl(r)])
    else if (k < 0.85) out.push([noise(r, pick(r, RELATIVE) + path(r) + pick(r, QUERIES) + pick(r, FRAGMENTS)), r() < 0.8 ? pick(r, BASES) : absoluteUrl(r)])
    else out.push([absoluteUrl(r), pick(r, BASES)])
  }
  return out
}

// ── URLSearchParams ───────────────────────────────────────────────────────────────────────────────────
const QS_PIECES = ['a', 'b', 'key', '=', '=', '&', '&', '+', '%', '%2', '%20', '%2B', '%zz', '%C3%A9', '%E2%82', 'é', '\ud800', '\udc00', '\ud83d\ude00', ' ', '?', '#', ';', '*', '~', '%26', '%3D', '\n']
const qs = (r: Rng, max: number) => Array.from({ length: Math.floor(r() * max) }, () => pick(r, QS_PIECES)).join('')

/** `n` URLSearchParams cases: an init (string, sequence of pairs or record) and operations after it. */
export function searchParamsCases(seed: number, n: number) {
  const r = random(seed)
  return Array.from({ length: n }, () => {
    const k = r()
    const init = k < 0.6 ? maybe(r, 0.2, '?') + qs(r, 12)
      : k < 0.8 ? Array.from({ length: Math.floor(r() * 4) }, () => [qs(r, 3), qs(r, 3)])
        : Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [qs(r, 3), qs(r, 3)]))
    const ops = Array.from({ length: Math.floor(r() * 4) }, () => [pick(r, ['append', 'set', 'delete', 'sort']), qs(r, 3), qs(r, 4)])
    return { init, ops }
  })
}

// ── TextDecoder ───────────────────────────────────────────────────────────────────────────────────────
// Every class of UTF-8 byte sequence the Encoding Standard's decoder tells apart: valid ones of each length,
// lone and extra continuation bytes, truncations, overlong forms, surrogates, past U+10FFFF, never-valid bytes.
const BYTE_PIECES: number[][] = [
  [0x41], [0x00], [0x7f], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbb, 0xbf], [0xef, 0xbf, 0xbd],
  [0x80], [0xbf], [0x80, 0x80], [0xc3], [0xe2, 0x82], [0xe2], [0xf0, 0x9f, 0x98], [0xf0, 0x9f], [0xf0],
  [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf], [0xf0, 0x80, 0x80, 0x80], [0xf0, 0x8f, 0xbf, 0xbf],
  [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xed, 0x9f, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf],
  [0xf5], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe], [0xff], [0xc2, 0x41], [0xe0, 0xa0, 0x41], [0xf0, 0x90, 0x41],
]

// UTF-16 code units (little-endian; swapped for big-endian): ASCII, BMP, a surrogate pair, lone lead and trail
// surrogates, a BOM, a lone byte (an odd length).
const UTF16_PIECES: number[][] = [
  [0x41, 0x00], [0xe9, 0x00], [0xac, 0x20], [0x3d, 0xd8, 0x00, 0xde], [0x3d, 0xd8], [0x00, 0xdc], [0xff, 0xdb, 0xff, 0xdf],
  [0xff, 0xfe], [0xfd, 0xff], [0x00], [0x00, 0xd8, 0x41, 0x00],
]
// Labels: mostly UTF-8; UTF-16 both ways; windows-1252 under the names code uses for it.
const ENCODING_LABELS = ['utf-8', 'utf-8', 'utf-8', 'utf-8', 'utf-8', 'utf8', 'utf-16le', 'utf-16', 'utf-16be', 'latin1', 'ascii', 'windows-1252', 'iso-8859-1']

/** `n` TextDecoder cases: a label, bytes, the fatal and ignoreBOM options, and where a streaming decode splits them. */
export function textDecoderCases(seed: number, n: number) {
  const r = random(seed)
  return Array.from({ length: n }, () => {
    const encoding = pick(r, ENCODING_LABELS)
    if (/16/.test(encoding)) {
      const be = encoding === 'utf-16be'
      const bytes = ([] as number[]).concat(...Array.from({ length: 1 + Math.floor(r() * 6) }, () => {
        const piece = pick(r, UTF16_PIECES)
        return be ? piece.flatMap((_, i) => (i % 2 ? [] : piece.length > i + 1 ? [piece[i + 1], piece[i]] : [piece[i]])) : piece
      }))
      const splits = r() < 0.4 ? [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => Math.floor(r() * (bytes.length + 1))))].sort((a, b) => a - b) : []
      return { encoding, bytes, fatal: r() < 0.25, ignoreBOM: r() < 0.25, splits }
    }
    if (!/utf/.test(encoding)) {
      const bytes = Array.from({ length: 1 + Math.floor(r() * 12) }, () => (r() < 0.5 ? 0x80 + Math.floor(r() * 32) : Math.floor(r() * 256)))
      return { encoding, bytes, fatal: r() < 0.25, ignoreBOM: r() < 0.25, splits: r() < 0.3 ? [Math.floor(r() * (bytes.length + 1))] : [] }
    }
    const bytes = (r() < 0.15 ? [0xef, 0xbb, 0xbf] : []).concat(...Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(r, BYTE_PIECES)))
    const splits = r() < 0.4 ? [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => Math.floor(r() * (bytes.length + 1))))].sort((a, b) => a - b) : []
    return { encoding, bytes, fatal: r() < 0.25, ignoreBOM: r() < 0.25, splits }
  })
}

// ── structuredClone ───────────────────────────────────────────────────────────────────────────────────
type Desc = unknown
function cloneValue(r: Rng, depth: number): Desc {
  const leaves: (() => Desc)[] = [
    () => pick(r, [0, 1.5, -7, 'text', '', true, false, null, 'é\ud83d\ude00']),
    () => ({ t: 'num', v: pick(r, ['-0', 'NaN', 'Infinity']) }),
    () => ({ t: 'undef' }),
    () => ({ t: 'bigint', v: pick(r, ['0', '-12', '123456789012345678901234567890']) }),
    () => ({ t: 'date', v: pick(r, [0, 1e12, -1e10, 8.64e15]) }),
    () => ({ t: 're', source: pick(r, ['a+b', '^x$', '[\\d]+']), flags: pick(r, ['', 'g', 'gimsuy', 'd']) }),
    () => ({ t: 'u8', v: [1, 2, 255] }),
    () => ({ t: 'f64', v: [0.5, -1] }),
    () => ({ t: 'ab', v: [9, 8, 7] }),
    () => ({ t: 'err', ctor: pick(r, ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'EvalError', 'URIError', 'ReferenceError']), message: pick(r, ['', 'broke']) }),
    () => ({ t: 'boxed', v: pick(r, [1, 'x', true]) }),
    () => ({ t: 'cycle', v: 'loop' }),
  ]
  // What cannot be cloned, rarely, so most values clone and a few throw.
  const uncloneable: (() => Desc)[] = [
    () => ({ t: 'fn', v: Math.floor(r() * 4) }),
    () => ({ t: 'sym', v: pick(r, ['', 'tag']) }),
    () => ({ t: 'weak', v: Math.floor(r() * 3) }),
  ]
  if (r() < 0.04) return pick(r, uncloneable)()
  if (depth <= 0 || r() < 0.4) return pick(r, leaves)()
  const n = Math.floor(r() * 4)
  const kids = () => Array.from({ length: n }, () => cloneValue(r, depth - 1))
  const kind = pick(r, ['arr', 'obj', 'map', 'set'])
  if (kind === 'arr') return { t: 'arr', v: kids() }
  if (kind === 'set') return { t: 'set', v: kids() }
  if (kind === 'map') return { t: 'map', v: kids().map((v, i) => [pick(r, ['k', 1, { t: 'date', v: i }]), v]) }
  return { t: 'obj', v: kids().map((v, i) => [pick(r, ['a', 'b', '0', 'x y', '__proto__x']) + i, v]) }
}

/** `n` structuredClone cases, as descriptions web-differential-evaluate.js builds values from. */
export function structuredCloneCases(seed: number, n: number): Desc[] {
  const r = random(seed)
  return Array.from({ length: n }, () => cloneValue(r, 3))
}

// ── Intl.NumberFormat, Intl.DateTimeFormat (en-US) ────────────────────────────────────────────────────
const NUMBERS: Desc[] = [0, 1, -1, 0.5, 1.005, 2.5, -2.5, 12.345, 999.995, 1234.5678, 123456789.123, 0.000123, 1e21, -0.0001,
  { t: 'num', v: '-0' }, { t: 'num', v: 'NaN' }, { t: 'num', v: 'Infinity' }, { t: 'bigint', v: '12345678901234567890' }]

/** `n` NumberFormat cases: an option set and the numbers it formats. */
export function numberFormatCases(seed: number, n: number) {
  const r = random(seed)
  return Array.from({ length: n }, () => {
    const o: Record<string, unknown> = {}
    const style = pick(r, ['decimal', 'decimal', 'percent', 'currency', 'currency', 'unit'])
    if (style !== 'decimal' || r() < 0.3) o.style = style
    if (style === 'currency') {
      o.currency = pick(r, ['USD', 'EUR', 'JPY', 'INR', 'GBP', 'CHF', 'KWD'])
      if (r() < 0.5) o.currencyDisplay = pick(r, ['symbol', 'narrowSymbol', 'code', 'name'])
      if (r() < 0.3) o.currencySign = pick(r, ['standard', 'accounting'])
    }
    if (style === 'unit') {
      o.unit = pick(r, ['kilometer', 'kilometer-per-hour', 'byte', 'megabyte', 'celsius', 'liter', 'percent', 'second', 'mile-per-gallon'])
      if (r() < 0.6) o.unitDisplay = pick(r, ['short', 'narrow', 'long'])
    }
    if (r() < 0.4) o.notation = pick(r, ['standard', 'scientific', 'engineering', 'compact'])
    if (o.notation === 'compact' && r() < 0.5) o.compactDisplay = pick(r, ['short', 'long'])
    if (r() < 0.3) o.signDisplay = pick(r, ['auto', 'never', 'always', 'exceptZero', 'negative'])
    if (r() < 0.2) o.useGrouping = pick(r, [false, true, 'min2', 'always', 'auto'])
    const digits = r()
    if (digits < 0.2) { o.minimumFractionDigits = Math.floor(r() * 4); if (r() < 0.5) o.maximumFractionDigits = (o.minimumFractionDigits as number) + Math.floor(r() * 3) }
    else if (digits < 0.35) o.maximumSignificantDigits = 1 + Math.floor(r() * 5)
    else if (digits < 0.42) o.maximumFractionDigits = Math.floor(r() * 4)
    if (r() < 0.2) o.roundingMode = pick(r, ['ceil', 'floor', 'expand', 'trunc', 'halfCeil', 'halfFloor', 'halfExpand', 'halfTrunc', 'halfEven'])
    if (r() < 0.1) o.minimumIntegerDigits = 1 + Math.floor(r() * 4)
    return { options: o, values: NUMBERS }
  })
}

/** 70 IANA time zones, with and without daylight saving time, of every offset. */
export const TIME_ZONES = [
  'UTC', 'Etc/UTC', 'GMT', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles',
  'America/Anchorage', 'Pacific/Honolulu', 'America/Toronto', 'America/Vancouver', 'America/Mexico_City', 'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires', 'America/Bogota', 'America/Lima', 'America/Santiago', 'America/Caracas', 'America/Halifax',
  'America/St_Johns', 'Atlantic/Azores', 'Atlantic/Reykjavik', 'Europe/London', 'Europe/Dublin', 'Europe/Lisbon', 'Europe/Paris',
  'Europe/Berlin', 'Europe/Madrid', 'Europe/Rome', 'Europe/Amsterdam', 'Europe/Brussels', 'Europe/Zurich', 'Europe/Stockholm',
  'Europe/Oslo', 'Europe/Warsaw', 'Europe/Prague', 'Europe/Vienna', 'Europe/Athens', 'Europe/Helsinki', 'Europe/Kyiv',
  'Europe/Istanbul', 'Europe/Moscow', 'Africa/Cairo', 'Africa/Johannesburg', 'Africa/Lagos', 'Africa/Nairobi', 'Asia/Dubai',
  'Asia/Tehran', 'Asia/Karachi', 'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Dhaka', 'Asia/Bangkok', 'Asia/Jakarta', 'Asia/Singapore',
  'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Manila', 'Asia/Seoul', 'Asia/Tokyo', 'Australia/Perth', 'Australia/Adelaide',
  'Australia/Sydney', 'Australia/Brisbane', 'Pacific/Auckland', 'Pacific/Fiji', 'Pacific/Chatham', 'Pacific/Kiritimati',
]
// Instants across a year, both sides of DST changes, a leap day, the epoch, far past and future.
const TIMES = [0, 951782400000, 1709208000000, 1710054000000, 1710086400000, 1719835200123, 1730596500000, 1735689599999, 1742342400000, 1767225600000, -2208988800000, 4102444800000]

/** `n` DateTimeFormat cases: an option set over the fields, styles, hour cycles and time zones, and the instants it formats. */
export function dateTimeFormatCases(seed: number, n: number) {
  const r = random(seed)
  return Array.from({ length: n }, () => {
    const o: Record<string, unknown> = { timeZone: pick(r, TIME_ZONES) }
    if (r() < 0.25) {
      if (r() < 0.7) o.dateStyle = pick(r, ['full', 'long', 'medium', 'short'])
      if (!o.dateStyle || r() < 0.6) o.timeStyle = pick(r, ['full', 'long', 'medium', 'short'])
    } else {
      const fields: [string, string[]][] = [
        ['weekday', ['long', 'short', 'narrow']], ['era', ['long', 'short', 'narrow']], ['year', ['numeric', '2-digit']],
        ['month', ['numeric', '2-digit', 'long', 'short', 'narrow']], ['day', ['numeric', '2-digit']], ['hour', ['numeric', '2-digit']],
        ['minute', ['numeric', '2-digit']], ['second', ['numeric', '2-digit']], ['fractionalSecondDigits', ['1', '2', '3']],
        ['timeZoneName', ['short', 'long', 'shortOffset', 'longOffset', 'shortGeneric', 'longGeneric']], ['dayPeriod', ['narrow', 'short', 'long']],
      ]
      for (const [name, values] of fields) if (r() < (name === 'era' || name === 'dayPeriod' || name === 'fractionalSecondDigits' ? 0.1 : 0.35)) o[name] = name === 'fractionalSecondDigits' ? Number(pick(r, values)) : pick(r, values)
    }
    if (r() < 0.25) { if (r() < 0.5) o.hour12 = r() < 0.5; else o.hourCycle = pick(r, ['h11', 'h12', 'h23', 'h24']) }
    return { options: o, times: TIMES }
  })
}

/** The evaluator's source: run as it is by the guest and by Node 24, with `evaluate(api, cases)` appended. */
export const EVALUATOR = readFileSync(join(__dirname, 'web-differential-evaluate.js'), 'utf8')

/** The code that evaluates `cases` of `api` and prints the `DIFF-RESULT` line. */
export const program = (api: Api, cases: unknown[]) => `${EVALUATOR}\nevaluate(${JSON.stringify(api)}, ${JSON.stringify(cases)});\n`

/** A case where the guest and Node 24 differ. */
export interface Difference { index: number; input: unknown; guest: unknown; node: unknown }
/** How the guest's results compare with Node 24's. */
export interface Comparison { cases: number; agree: number; nodeDeviations: number; differ: Difference[] }

type Result = Record<string, unknown> | undefined
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * Whether a difference is Node 24 departing from the standard while the guest follows it: true then, false when
 * the guest is wrong as well, undefined when the case is not one of the two kinds checked this way. Each kind is
 * proved from Node's own answers, never assumed:
 * - URLSearchParams from a string: Node's parse differs from the standard's urlencoded parser (`reference`,
 *   worked out from Node's own TextEncoder/TextDecoder) on strings that mix non-ASCII characters with percent
 *   signs that do not decode; the guest must give the reference.
 * - TextDecoder with { stream: true }: Node's streamed text differs from its own one-shot decode of the same
 *   bytes (it drops a U+FEFF that follows a chunk boundary); the standard's decoder does not depend on the split.
 */
export function nodeDeviation(api: Api, guest: Result, node: Result): boolean | undefined {
  if (!guest || !node) return undefined
  if (api === 'urlsearchparams' && node.reference !== undefined && !same(node.initEntries, node.reference)) {
    return same(guest.initEntries, node.reference) && same(guest.reference, node.reference)
  }
  if (api === 'textdecoder' && node.oneShot !== undefined && !same(node.text, node.oneShot)) {
    return same(guest.text, node.oneShot) && same(guest.oneShot, node.oneShot)
  }
  return undefined
}

/** Compares the guest's results with Node 24's, case by case and field by field. */
export function compare(api: Api, cases: unknown[], guest: Result[], node: Result[]): Comparison {
  const differ: Difference[] = []
  let agree = 0
  let nodeDeviations = 0
  for (let i = 0; i < cases.length; i++) {
    if (same(guest[i], node[i])) agree++
    else if (nodeDeviation(api, guest[i], node[i])) nodeDeviations++
    else differ.push({ index: i, input: cases[i], guest: guest[i], node: node[i] })
  }
  return { cases: cases.length, agree, nodeDeviations, differ }
}

/** The generator of each API's cases. */
export const GENERATORS: Record<Api, (seed: number, n: number) => unknown[]> = {
  url: urlCases,
  urlsearchparams: searchParamsCases,
  textdecoder: textDecoderCases,
  structuredclone: structuredCloneCases,
  numberformat: numberFormatCases,
  datetimeformat: dateTimeFormatCases,
}
