// TextEncoder (UTF-8) and TextDecoder (UTF-8, UTF-16LE/BE, windows-1252) as the WHATWG Encoding Standard
// defines them. The decoders are the standard's own, step for step, because the standard fixes exactly how
// many U+FFFD an invalid sequence becomes (UTF-8: one per maximal subpart, [0xC3, 0xF0, 0xED, 0xA9] is four),
// and every browser and Node give that count; a decoder that merely "replaces bad bytes" disagrees with them.
// Node's full ICU has the other legacy encodings (iso-8859-2, windows-1251, Shift_JIS...): here they throw a
// RangeError. web-platform.js imports this module first: whatwg-url makes a TextEncoder and a TextDecoder as it
// loads.
import { define } from './util.js';

// The labels of the encodings the decoder has (Encoding Standard §4.2, "Names and labels"), to their names.
const ENCODINGS = new Map([
  ...['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8'].map((l) => [l, 'utf-8']),
  ...['csunicode', 'iso-10646-ucs-2', 'ucs-2', 'unicode', 'unicodefeff', 'utf-16', 'utf-16le'].map((l) => [l, 'utf-16le']),
  ...['unicodefffe', 'utf-16be'].map((l) => [l, 'utf-16be']),
  ...['ansi_x3.4-1968', 'ascii', 'cp1252', 'cp819', 'csisolatin1', 'ibm819', 'iso-8859-1', 'iso-ir-100', 'iso8859-1', 'iso88591',
    'iso_8859-1', 'iso_8859-1:1987', 'l1', 'latin1', 'us-ascii', 'windows-1252', 'x-cp1252'].map((l) => [l, 'windows-1252']),
]);
// windows-1252's 0x80-0x9F (the rest of its bytes are the code points of the same number).
const WINDOWS_1252 = [0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178];
// The standard trims ASCII whitespace only (String.prototype.trim would also take U+00A0 and others).
const trimAscii = (s) => s.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');

// Node's errors carry a `code`; code that checks it gets the same one here.
const typeError = (message, code) => Object.assign(new TypeError(message), { code });

/** The bytes of a BufferSource, or Node's TypeError for anything else. */
function bytesOf(input) {
  if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && input instanceof SharedArrayBuffer)) {
    return new Uint8Array(input);
  }
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw typeError('The "input" argument must be an instance of SharedArrayBuffer, ArrayBuffer or ArrayBufferView.', 'ERR_INVALID_ARG_TYPE');
}

/** The encoder: UTF-16 code units to UTF-8 bytes, a lone surrogate as U+FFFD (a USVString's conversion). */
class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(input = '') {
    const s = String(input);
    const out = new Uint8Array(s.length * 3);
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) { out[n++] = c; continue; }
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x800) { out[n++] = 0xc0 | (c >> 6); out[n++] = 0x80 | (c & 63); }
      else if (c < 0x10000) { out[n++] = 0xe0 | (c >> 12); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63); }
      else { out[n++] = 0xf0 | (c >> 18); out[n++] = 0x80 | ((c >> 12) & 63); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63); }
    }
    return out.slice(0, n);
  }
  /** Writes whole characters only: `read` counts the UTF-16 code units of the characters that fitted. */
  encodeInto(input, dest) {
    if (!(dest instanceof Uint8Array)) throw typeError('The "dest" argument must be an instance of Uint8Array.', 'ERR_INVALID_ARG_TYPE');
    const s = String(input);
    let read = 0, written = 0;
    while (read < s.length) {
      let c = s.charCodeAt(read), units = 1;
      if (c >= 0xd800 && c <= 0xdbff && read + 1 < s.length) {
        const d = s.charCodeAt(read + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); units = 2; }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (written + size > dest.length) break;
      if (size === 1) dest[written] = c;
      else if (size === 2) { dest[written] = 0xc0 | (c >> 6); dest[written + 1] = 0x80 | (c & 63); }
      else if (size === 3) { dest[written] = 0xe0 | (c >> 12); dest[written + 1] = 0x80 | ((c >> 6) & 63); dest[written + 2] = 0x80 | (c & 63); }
      else { dest[written] = 0xf0 | (c >> 18); dest[written + 1] = 0x80 | ((c >> 12) & 63); dest[written + 2] = 0x80 | ((c >> 6) & 63); dest[written + 3] = 0x80 | (c & 63); }
      written += size;
      read += units;
    }
    return { read, written };
  }
}
Object.defineProperty(TextEncoder.prototype, Symbol.toStringTag, { value: 'TextEncoder', configurable: true });

/** The decoder: the Encoding Standard's decoders for UTF-8, UTF-16LE/BE and windows-1252 (what the labels
 *  latin1, ascii and iso-8859-1 mean there), with `fatal`, `ignoreBOM` and `{ stream: true }`. */
class TextDecoder {
  #encoding; #fatal; #ignoreBOM;
  // The decoder's state, kept between calls with { stream: true }: UTF-8's "code point/bytes seen/bytes
  // needed/lower/upper boundary", UTF-16's "lead byte/lead surrogate".
  #codePoint = 0; #bytesSeen = 0; #bytesNeeded = 0; #lower = 0x80; #upper = 0xbf;
  #leadByte = -1; #leadSurrogate = -1;
  #bomSeen = false; #streaming = false;
  constructor(label = 'utf-8', options = {}) {
    const encoding = ENCODINGS.get(trimAscii(String(label)).toLowerCase());
    if (!encoding) {
      throw Object.assign(new RangeError(`The "${label}" encoding is not supported`), { code: 'ERR_ENCODING_NOT_SUPPORTED' });
    }
    this.#encoding = encoding;
    this.#fatal = !!options?.fatal;
    this.#ignoreBOM = !!options?.ignoreBOM;
  }
  get encoding() { return this.#encoding; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input = new Uint8Array(0), options = {}) {
    const bytes = bytesOf(input);
    if (!this.#streaming) { this.#reset(); this.#bomSeen = false; }
    this.#streaming = !!options?.stream;
    const units = [];
    let out = '';
    const flush = () => { out += String.fromCharCode.apply(null, units); units.length = 0; };
    // UTF-8 and UTF-16 drop a leading U+FEFF unless ignoreBOM (the standard's "BOM seen" flag).
    const bomAware = this.#encoding !== 'windows-1252';
    const emit = (cp) => {
      if (bomAware && !this.#bomSeen && !this.#ignoreBOM) {
        this.#bomSeen = true;
        if (cp === 0xfeff) return;
      }
      this.#bomSeen = true;
      if (cp < 0x10000) units.push(cp);
      else units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      if (units.length >= 8192) flush();
    };
    const error = () => {
      if (this.#fatal) {
        this.#reset();
        this.#streaming = false;
        throw typeError(`The encoded data was not valid for encoding ${this.#encoding}`, 'ERR_ENCODING_INVALID_ENCODED_DATA');
      }
      emit(0xfffd);
    };
    if (this.#encoding === 'utf-8') this.#utf8(bytes, emit, error);
    else if (this.#encoding === 'windows-1252') for (const b of bytes) emit(b >= 0x80 && b < 0xa0 ? WINDOWS_1252[b - 0x80] : b);
    else this.#utf16(bytes, emit, error, this.#encoding === 'utf-16be');
    flush();
    return out;
  }
  #utf8(bytes, emit, error) {
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (this.#bytesNeeded === 0) {
        if (byte <= 0x7f) emit(byte);
        else if (byte >= 0xc2 && byte <= 0xdf) { this.#bytesNeeded = 1; this.#codePoint = byte & 0x1f; }
        else if (byte >= 0xe0 && byte <= 0xef) {
          if (byte === 0xe0) this.#lower = 0xa0;
          if (byte === 0xed) this.#upper = 0x9f;
          this.#bytesNeeded = 2; this.#codePoint = byte & 0xf;
        } else if (byte >= 0xf0 && byte <= 0xf4) {
          if (byte === 0xf0) this.#lower = 0x90;
          if (byte === 0xf4) this.#upper = 0x8f;
          this.#bytesNeeded = 3; this.#codePoint = byte & 0x7;
        } else error();
        continue;
      }
      if (byte < this.#lower || byte > this.#upper) {
        // The sequence so far is one error; this byte starts afresh (the standard "prepends" it).
        this.#reset();
        i--;
        error();
        continue;
      }
      this.#lower = 0x80; this.#upper = 0xbf;
      this.#codePoint = (this.#codePoint << 6) | (byte & 0x3f);
      if (++this.#bytesSeen === this.#bytesNeeded) {
        const cp = this.#codePoint;
        this.#reset();
        emit(cp);
      }
    }
    // End of the stream: an unfinished sequence is one more error, unless more bytes are to come.
    if (!this.#streaming && this.#bytesNeeded !== 0) { this.#reset(); error(); }
  }
  #utf16(bytes, emit, error, bigEndian) {
    const unit = (cu) => {
      if (cu >= 0xd800 && cu <= 0xdbff) this.#leadSurrogate = cu;
      else if (cu >= 0xdc00 && cu <= 0xdfff) error();
      else emit(cu);
    };
    for (const byte of bytes) {
      if (this.#leadByte < 0) { this.#leadByte = byte; continue; }
      const cu = bigEndian ? (this.#leadByte << 8) + byte : (byte << 8) + this.#leadByte;
      this.#leadByte = -1;
      if (this.#leadSurrogate >= 0) {
        const lead = this.#leadSurrogate;
        this.#leadSurrogate = -1;
        if (cu >= 0xdc00 && cu <= 0xdfff) { emit(0x10000 + ((lead - 0xd800) << 10) + (cu - 0xdc00)); continue; }
        // The lone lead surrogate is an error; the code unit's two bytes are read again (the standard prepends
        // them), which comes to taking the code unit afresh.
        error();
      }
      unit(cu);
    }
    if (!this.#streaming && (this.#leadByte >= 0 || this.#leadSurrogate >= 0)) { this.#reset(); error(); }
  }
  #reset() {
    this.#codePoint = 0; this.#bytesSeen = 0; this.#bytesNeeded = 0; this.#lower = 0x80; this.#upper = 0xbf;
    this.#leadByte = -1; this.#leadSurrogate = -1;
  }
}
Object.defineProperty(TextDecoder.prototype, Symbol.toStringTag, { value: 'TextDecoder', configurable: true });

define(globalThis, 'TextEncoder', TextEncoder);
define(globalThis, 'TextDecoder', TextDecoder);
