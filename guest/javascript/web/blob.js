// Blob and File, held in memory as one Uint8Array. Strings are stored as UTF-8 (the global TextEncoder,
// which the warm-up defines); `stream()` needs a ReadableStream global, which the guest does not have yet.
import { bytesOf, define } from './util.js';

const bytesByBlob = new WeakMap();

function partBytes(part) {
  if (part instanceof Blob) return bytesByBlob.get(part);
  if (part instanceof ArrayBuffer || ArrayBuffer.isView(part)) return bytesOf(part, 'part');
  return new TextEncoder().encode(String(part));
}
const normalizeType = (type) => {
  const t = type === undefined ? '' : String(type);
  return /[^\u0020-\u007e]/.test(t) ? '' : t.toLowerCase();
};

/** Immutable raw data with a MIME type. */
/** A copy of `blob`'s bytes, at once (fetch sends a Blob body without awaiting it). */
export const blobBytes = (blob) => bytesByBlob.get(blob).slice();

export class Blob {
  #type;
  constructor(parts = [], options = {}) {
    if (parts === null || typeof parts !== 'object' || typeof parts[Symbol.iterator] !== 'function') {
      throw new TypeError("Failed to construct 'Blob': The provided value cannot be converted to a sequence.");
    }
    const chunks = Array.from(parts, partBytes);
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of chunks) { all.set(c, at); at += c.byteLength; }
    bytesByBlob.set(this, all);
    this.#type = normalizeType(options?.type);
  }
  get size() { return bytesByBlob.get(this).byteLength; }
  get type() { return this.#type; }
  slice(start = 0, end = this.size, type = '') {
    const size = this.size;
    const clamp = (i) => (i < 0 ? Math.max(size + i, 0) : Math.min(i, size));
    const from = clamp(Math.trunc(Number(start)) || 0), to = clamp(end === undefined ? size : Math.trunc(Number(end)) || 0);
    const blob = new Blob([], { type });
    bytesByBlob.set(blob, bytesByBlob.get(this).slice(from, Math.max(from, to)));
    return blob;
  }
  async arrayBuffer() { return bytesByBlob.get(this).slice().buffer; }
  async bytes() { return bytesByBlob.get(this).slice(); }
  async text() { return new TextDecoder().decode(bytesByBlob.get(this)); }
  stream() {
    if (typeof ReadableStream !== 'function') throw new TypeError('Blob.stream() needs ReadableStream, which this sandbox does not have');
    const bytes = bytesByBlob.get(this).slice();
    return new ReadableStream({ start(c) { if (bytes.byteLength) c.enqueue(bytes); c.close(); } });
  }
}
Object.defineProperty(Blob.prototype, Symbol.toStringTag, { value: 'Blob', configurable: true });

/** A Blob with a name and a modification time. */
export class File extends Blob {
  #name; #lastModified;
  constructor(parts, name, options = {}) {
    if (arguments.length < 2) throw new TypeError(`Failed to construct 'File': 2 arguments required, but only ${arguments.length} present.`);
    super(parts, options);
    this.#name = String(name);
    this.#lastModified = options?.lastModified === undefined ? Date.now() : Math.trunc(Number(options.lastModified)) || 0;
  }
  get name() { return this.#name; }
  get lastModified() { return this.#lastModified; }
}
Object.defineProperty(File.prototype, Symbol.toStringTag, { value: 'File', configurable: true });

define(globalThis, 'Blob', Blob);
define(globalThis, 'File', File);
