// The web-platform globals of the JavaScript guest: the WinterTC Minimum Common Web Platform API's
// everyday part, and Intl for English. guest/javascript/bundle.mjs bundles this file, with the npm
// packages it imports, into the warm-up (warmup.js imports it), so they are parsed and set up once,
// before the snapshot, and cost a run nothing.
//
//   TextEncoder, TextDecoder                    web/encoding.js: the Encoding Standard's decoders for UTF-8,
//                                               UTF-16LE/BE, windows-1252 (fatal, ignoreBOM, stream)
//   URL, URLSearchParams                        web/url.js: whatwg-url, the WHATWG URL Standard's reference
//                                               implementation (parse, canParse, searchParams), Node's errors
//   crypto (Crypto, SubtleCrypto)               getRandomValues, randomUUID from the kernel's generator;
//                                               subtle.digest SHA-1/256/384/512 (@noble/hashes)
//   Event, CustomEvent, EventTarget,            web/events.js
//   AbortController, AbortSignal (abort, timeout, any)
//   Blob, File                                  web/blob.js
//   Intl (NumberFormat, DateTimeFormat,         web/intl.js: en-US, and Number/BigInt/Date
//   PluralRules, Collator, RelativeTimeFormat,  toLocaleString, toLocaleDateString, toLocaleTimeString
//   ListFormat, getCanonicalLocales)            and String localeCompare through them
//   navigator (userAgent, language, hardwareConcurrency), reportError
// QuickJS's own: DOMException, atob, btoa, performance.now, queueMicrotask (performance.timeOrigin made a
// Unix time here).
// The warm-up's own: timers, console, process, structuredClone.
import './web/encoding.js';
import './web/url.js';
import './web/events.js';
import './web/blob.js';
import './web/crypto.js';
import './web/intl.js';
import { define, reportError } from './web/util.js';

// QuickJS's performance.timeOrigin is a reading of the monotonic clock, not a Unix time; the standard's is
// the Unix time at which performance.now() was 0. Worked out at a run's first look, never in the warm-up
// (a restored guest's monotonic clock resumes from the snapshot, its wall clock from the host's time).
// QuickJS's own property cannot be redefined, so `performance` becomes an object of the same make with
// QuickJS's now() and that timeOrigin.
let timeOrigin;
const quickjsPerformance = globalThis.performance;
const performance_ = Object.create(Object.getPrototypeOf(quickjsPerformance));
Object.defineProperties(performance_, {
  now: { value: quickjsPerformance.now, writable: true, enumerable: true, configurable: true },
  timeOrigin: { get: () => (timeOrigin ??= Date.now() - quickjsPerformance.now()), enumerable: true, configurable: true },
  toJSON: { value() { return { timeOrigin: this.timeOrigin }; }, writable: true, configurable: true },
  [Symbol.toStringTag]: { value: 'Performance', configurable: true },
});
Object.defineProperty(globalThis, 'performance', { value: performance_, writable: true, enumerable: true, configurable: true });
define(globalThis, 'reportError', function reportError_(error) { reportError(error); });
Object.defineProperty(globalThis.reportError, 'name', { value: 'reportError' });
if (typeof globalThis.navigator === 'undefined') {
  const navigator = {};
  for (const [k, v] of Object.entries({ userAgent: 'local-code-interpreter (QuickJS)', language: 'en-US', languages: ['en-US'], hardwareConcurrency: 1, onLine: false })) {
    Object.defineProperty(navigator, k, { get: () => v, enumerable: true, configurable: true });
  }
  Object.defineProperty(navigator, Symbol.toStringTag, { value: 'Navigator', configurable: true });
  define(globalThis, 'navigator', navigator);
}
