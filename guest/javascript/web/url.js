// URL and URLSearchParams from whatwg-url, the WHATWG URL Standard's reference implementation (the one jsdom
// ships): it follows today's standard where the parser we had before (core-js) did not, for file: paths
// after dot segments and for the USVString conversion of lone surrogates (U+FFFD, as every browser and Node
// do). __test__/microvm/web-platform-differential.test.ts compares it with Node 24 on generated inputs.
//
// What Node adds on top is kept: its error for a URL that does not parse (TypeError "Invalid URL", code
// ERR_INVALID_URL, with the input and base), which code written for Node checks.
import { URL, URLSearchParams } from 'whatwg-url';
// whatwg-url's webidl2js wrapper reads `implementation` off this module on every construction, so a subclass
// put there is what `new URL()` runs.
import URLImplModule from 'whatwg-url/lib/URL-impl.js';
import { define } from './util.js';

const invalidUrl = (input, base) => {
  const e = new TypeError('Invalid URL');
  e.code = 'ERR_INVALID_URL';
  e.input = input;
  if (base !== undefined) e.base = base;
  return e;
};
const Impl = URLImplModule.implementation;
URLImplModule.implementation = class URLImpl extends Impl {
  constructor(globalObject, args, privateData) {
    try {
      super(globalObject, args, privateData);
    } catch (e) {
      // The wrapper has already made the arguments USVStrings: these are what Node's error carries.
      if (e instanceof TypeError) throw invalidUrl(args[0], args[1]);
      throw e;
    }
  }
  get href() { return super.href; }
  set href(value) {
    try {
      super.href = value;
    } catch (e) {
      if (e instanceof TypeError) throw invalidUrl(value);
      throw e;
    }
  }
};

define(globalThis, 'URL', URL);
define(globalThis, 'URLSearchParams', URLSearchParams);
