// TextEncoder and TextDecoder (UTF-8) as the WHATWG Encoding Standard defines them. The decoder is the
// standard's own UTF-8 decoder, step for step, because the standard fixes exactly how many U+FFFD an invalid
// sequence becomes (one per maximal subpart: [0xC3, 0xF0, 0xED, 0xA9] is four), and every browser and Node
// give that count; a decoder that merely "replaces bad bytes" disagrees with them on some inputs.
// web-platform.js imports this module first: whatwg-url (URL) makes a TextEncoder and a TextDecoder as it loads.
import { define } from './util.js';

// The labels of UTF-8 (Encoding Standard §4.2, "Names and labels").
const UTF8_LABELS = new Set(['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8']);
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

/** The decoder: the Encoding Standard's UTF-8 decoder, with `fatal`, `ignoreBOM` and `{ stream: true }`. */
class TextDecoder {
  #fatal; #ignoreBOM;
  // The UTF-8 decoder's state (the standard's "UTF-8 code point/bytes seen/bytes needed/lower/upper boundary"),
  // kept between calls with { stream: true }.
  #codePoint = 0; #bytesSeen = 0; #bytesNeeded = 0; #lower = 0x80; #upper = 0xbf;
  #bomSeen = false; #streaming = false;
  constructor(label = 'utf-8', options = {}) {
    const name = trimAscii(String(label)).toLowerCase();
    if (!UTF8_LABELS.has(name)) {
      throw Object.assign(new RangeError(`The "${label}" encoding is not supported`), { code: 'ERR_ENCODING_NOT_SUPPORTED' });
    }
    this.#fatal = !!options?.fatal;
    this.#ignoreBOM = !!options?.ignoreBOM;
  }
  get encoding() { return 'utf-8'; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input = new Uint8Array(0), options = {}) {
    const bytes = bytesOf(input);
    if (!this.#streaming) { this.#reset(); this.#bomSeen = false; }
    this.#streaming = !!options?.stream;
    const units = [];
    let out = '';
    const flush = () => { out += String.fromCharCode.apply(null, units); units.length = 0; };
    const emit = (cp) => {
      if (!this.#bomSeen && !this.#ignoreBOM) {
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
        throw typeError('The encoded data was not valid for encoding utf-8', 'ERR_ENCODING_INVALID_ENCODED_DATA');
      }
      emit(0xfffd);
    };
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
    flush();
    return out;
  }
  #reset() { this.#codePoint = 0; this.#bytesSeen = 0; this.#bytesNeeded = 0; this.#lower = 0x80; this.#upper = 0xbf; }
}
Object.defineProperty(TextDecoder.prototype, Symbol.toStringTag, { value: 'TextDecoder', configurable: true });

define(globalThis, 'TextEncoder', TextEncoder);
define(globalThis, 'TextDecoder', TextDecoder);
