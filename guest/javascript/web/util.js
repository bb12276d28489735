// Helpers shared by the web-platform globals.

/** Puts `value` on `target` as Web IDL puts an interface on the global: writable, configurable, not enumerable. */
export const define = (target, name, value) =>
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });

/** Reports `error` as uncaught without interrupting the caller (as a browser's reportError does): it is
 *  thrown from a job of its own, so the run fails with it once the current work is done, as Node's does. */
export function reportError(error) {
  queueMicrotask(() => { throw error; });
}

/** The bytes of a BufferSource (an ArrayBuffer or a view of one), as a Uint8Array over the same memory. */
export function bytesOf(source, what) {
  if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && source instanceof SharedArrayBuffer)) {
    return new Uint8Array(source);
  }
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  throw new TypeError(`${what} is not of type '(ArrayBuffer or ArrayBufferView)'`);
}
