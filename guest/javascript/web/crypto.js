// crypto: getRandomValues and randomUUID from the guest kernel's generator (/dev/urandom: ChaCha20 keyed
// from the CPU's RDSEED/RDRAND, reseeded on every snapshot restore, so each run draws its own numbers),
// and crypto.subtle.digest (SHA-1, SHA-256, SHA-384, SHA-512, from @noble/hashes). Math.random is
// never used for any of them.
import * as os from 'qjs:os';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { bytesOf, define } from './util.js';

const MAX_BYTES = 65536;
const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  BigInt64Array, BigUint64Array];

// Fills `bytes` from the kernel's generator. The file is opened for each call, never kept: a descriptor
// (or a read-ahead buffer) carried in the snapshot is state every run would share.
function fill(bytes) {
  if (bytes.byteLength === 0) return;
  const fd = os.open('/dev/urandom', os.O_RDONLY);
  if (fd < 0) throw new DOMException('No source of random numbers: /dev/urandom cannot be opened', 'OperationError');
  try {
    for (let done = 0; done < bytes.byteLength;) {
      const n = os.read(fd, bytes.buffer, bytes.byteOffset + done, bytes.byteLength - done);
      if (n <= 0) throw new DOMException('Reading /dev/urandom failed', 'OperationError');
      done += n;
    }
  } finally {
    os.close(fd);
  }
}

let constructing = false;
const illegal = () => { if (!constructing) throw new TypeError('Illegal constructor'); };

const DIGESTS = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 };
const UNSUPPORTED = ['encrypt', 'decrypt', 'sign', 'verify', 'generateKey', 'deriveKey', 'deriveBits', 'importKey',
  'exportKey', 'wrapKey', 'unwrapKey'];

/** The Web Crypto API's SubtleCrypto: digest only (the other methods reject with NotSupportedError). */
export class SubtleCrypto {
  constructor() { illegal(); }
  digest(algorithm, data) {
    return new Promise((resolve) => {
      const name = String(typeof algorithm === 'object' && algorithm !== null ? algorithm.name : algorithm).toUpperCase();
      const hash = DIGESTS[name];
      if (!hash) throw new DOMException(`Unrecognized algorithm name: ${name}`, 'NotSupportedError');
      const out = hash(bytesOf(data, "Failed to execute 'digest' on 'SubtleCrypto': parameter 2"));
      resolve(out.buffer.byteLength === out.byteLength ? out.buffer : out.slice().buffer);
    });
  }
}
for (const method of UNSUPPORTED) {
  define(SubtleCrypto.prototype, method, {
    [method]() {
      return Promise.reject(new DOMException(`crypto.subtle.${method} is not available in this sandbox (only digest is)`, 'NotSupportedError'));
    },
  }[method]);
}
Object.defineProperty(SubtleCrypto.prototype, Symbol.toStringTag, { value: 'SubtleCrypto', configurable: true });

/** The Web Crypto API's Crypto: the global `crypto`. */
export class Crypto {
  #subtle;
  constructor() {
    illegal();
    constructing = true;
    try { this.#subtle = new SubtleCrypto(); } finally { constructing = false; }
  }
  get subtle() { return this.#subtle; }
  getRandomValues(array) {
    if (!INTEGER_ARRAYS.some((T) => array instanceof T)) {
      throw new DOMException("Failed to execute 'getRandomValues' on 'Crypto': The provided ArrayBufferView is not an integer array type", 'TypeMismatchError');
    }
    if (array.byteLength > MAX_BYTES) {
      throw new DOMException(`Failed to execute 'getRandomValues' on 'Crypto': The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (${MAX_BYTES}).`, 'QuotaExceededError');
    }
    fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  }
  randomUUID() {
    const b = new Uint8Array(16);
    fill(b);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // variant 10
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
Object.defineProperty(Crypto.prototype, Symbol.toStringTag, { value: 'Crypto', configurable: true });

constructing = true;
let crypto;
try { crypto = new Crypto(); } finally { constructing = false; }
define(globalThis, 'Crypto', Crypto);
define(globalThis, 'SubtleCrypto', SubtleCrypto);
Object.defineProperty(globalThis, 'crypto', { value: crypto, writable: true, configurable: true, enumerable: true });
