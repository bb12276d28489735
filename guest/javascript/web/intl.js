// Intl for English (en-US), which QuickJS lacks: NumberFormat, DateTimeFormat, PluralRules, Collator,
// RelativeTimeFormat, ListFormat, getCanonicalLocales, and the toLocaleString family on Number, BigInt
// and Date (and localeCompare on String) routed through them. Written here rather than taken from
// @formatjs's polyfills, which with English data alone bundle to 850 kB (the JavaScript guest parses its
// warm-up at every boot); this is a small fraction of that, and formats as Node's ICU does for en-US.
//
// Every locale resolves to en-US (resolvedOptions().locale says so), as a runtime built without other
// locales' data does. Time zones: UTC (the guest's own), Etc/GMT±N, offsets such as "+05:30", and the
// named zones in ZONES below with today's rules; other names throw a RangeError saying so.
import { define } from './util.js';

const LOCALE = 'en-US';
const NBSP = '\u00a0';

// ── Options and locales ───────────────────────────────────────────────

function toObject(options) {
  if (options === undefined) return Object.create(null);
  if (options === null) throw new TypeError('Cannot convert undefined or null to object');
  return Object(options);
}
function getOption(options, name, allowed, fallback) {
  let v = options[name];
  if (v === undefined) return fallback;
  if (allowed === 'boolean') return Boolean(v);
  v = String(v);
  if (allowed && !allowed.includes(v)) throw new RangeError(`Value ${v} out of range for Intl options property ${name}`);
  return v;
}
function getNumberOption(options, name, min, max, fallback) {
  let v = options[name];
  if (v === undefined) return fallback;
  v = Number(v);
  if (!(v >= min && v <= max)) throw new RangeError(`${name} value is out of range.`);
  return Math.floor(v);
}

const TAG = /^[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|\d{3}))?(-([a-z\d]{5,8}|\d[a-z\d]{3}))*(-[a-wyz\d](-[a-z\d]{2,8})+)*(-x(-[a-z\d]{1,8})+)?$/i;
function canonicalTag(tag) {
  if (typeof tag !== 'string' && (typeof tag !== 'object' || tag === null)) throw new TypeError('Language ID should be string or object.');
  const s = String(tag);
  if (!TAG.test(s)) throw new RangeError(`Incorrect locale information provided`);
  return s.split('-').map((part, i) => (i === 0 ? part.toLowerCase() : part.length === 2 ? part.toUpperCase()
    : part.length === 4 && /^[a-z]+$/i.test(part) ? part[0].toUpperCase() + part.slice(1).toLowerCase() : part.toLowerCase())).join('-');
}
function canonicalLocales(locales) {
  if (locales === undefined) return [];
  const list = typeof locales === 'string' ? [locales] : Array.from(Object(locales));
  const out = [];
  for (const l of list) { const c = canonicalTag(l); if (!out.includes(c)) out.push(c); }
  return out;
}
const isEnglish = (tag) => tag === 'en' || tag.startsWith('en-');
const resolveLocale = (locales) => { canonicalLocales(locales); return LOCALE; };
const supportedLocalesOf = (locales) => canonicalLocales(locales).filter(isEnglish);

// ── Exact decimals ────────────────────────────────────────────────────
// A finite number is formatted from its shortest round-trip digits (as ICU does): value = 0.DIGITS × 10^exp.

function decimalOf(x) {
  if (typeof x === 'bigint') {
    const s = (x < 0n ? -x : x).toString();
    return trimDecimal({ neg: x < 0n, digits: s, exp: s.length });
  }
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x)));
  const int = m[1], frac = m[2] ?? '';
  return trimDecimal({ neg: x < 0 || Object.is(x, -0), digits: int + frac, exp: int.length + Number(m[3] ?? 0) });
}
// A decimal string ("1234.5678", "-1e21"), as Intl.NumberFormat#format takes one exactly.
function decimalOfString(s) {
  const m = /^\s*([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?\s*$/.exec(s);
  if (!m) return null;
  const int = m[2] ?? '', frac = m[3] ?? m[4] ?? '';
  return trimDecimal({ neg: m[1] === '-', digits: int + frac, exp: int.length + Number(m[5] ?? 0) });
}
function trimDecimal(d) {
  const lead = d.digits.match(/^0*/)[0].length;
  let digits = d.digits.slice(lead).replace(/0+$/, '');
  return digits ? { neg: d.neg, digits, exp: d.exp - lead } : { neg: d.neg, digits: '', exp: 0 };
}
const isZero = (d) => d.digits === '';

// Rounds to keep the digits at 10^magnitude and above (magnitude -2: hundredths), as `mode` says.
function roundAt(d, magnitude, mode) {
  const keep = d.exp - magnitude; // how many of the digits stay
  if (keep >= d.digits.length) return d;
  const kept = keep > 0 ? d.digits.slice(0, keep) : '';
  const dropped = keep >= 0 ? d.digits.slice(keep) : '0'.repeat(-keep) + d.digits;
  const first = Number(dropped[0]), rest = /[1-9]/.test(dropped.slice(1));
  const half = first > 5 || (first === 5 && rest) ? 1 : first === 5 ? 0 : -1; // against exactly one half
  const nonzero = first > 0 || rest;
  const odd = Number(kept.at(-1) ?? 0) % 2 === 1;
  const away = {
    ceil: nonzero && !d.neg, floor: nonzero && d.neg, expand: nonzero, trunc: false,
    halfCeil: half > 0 || (half === 0 && !d.neg), halfFloor: half > 0 || (half === 0 && d.neg),
    halfExpand: half >= 0, halfTrunc: half > 0, halfEven: half > 0 || (half === 0 && odd),
  }[mode];
  const digits = (BigInt(kept || '0') + (away ? 1n : 0n)).toString();
  return trimDecimal({ neg: d.neg, digits, exp: magnitude + digits.length });
}

// Plain digits of d as integer and fraction strings.
function plainParts(d) {
  if (isZero(d)) return { int: '0', frac: '' };
  const { digits, exp } = d;
  if (exp <= 0) return { int: '0', frac: '0'.repeat(-exp) + digits };
  if (exp >= digits.length) return { int: digits + '0'.repeat(exp - digits.length), frac: '' };
  return { int: digits.slice(0, exp), frac: digits.slice(exp) };
}

// ── Intl.NumberFormat ─────────────────────────────────────────────────

const CURRENCY = {
  // code: [symbol, narrow symbol, singular name, plural name]
  USD: ['$', '$', 'US dollar', 'US dollars'], EUR: ['€', '€', 'euro', 'euros'], GBP: ['£', '£', 'British pound', 'British pounds'],
  JPY: ['¥', '¥', 'Japanese yen', 'Japanese yen'], CNY: ['CN¥', '¥', 'Chinese yuan', 'Chinese yuan'],
  INR: ['₹', '₹', 'Indian rupee', 'Indian rupees'], CAD: ['CA$', '$', 'Canadian dollar', 'Canadian dollars'],
  AUD: ['A$', '$', 'Australian dollar', 'Australian dollars'], CHF: ['CHF', 'CHF', 'Swiss franc', 'Swiss francs'],
  KRW: ['₩', '₩', 'South Korean won', 'South Korean won'], MXN: ['MX$', '$', 'Mexican peso', 'Mexican pesos'],
  BRL: ['R$', 'R$', 'Brazilian real', 'Brazilian reals'], HKD: ['HK$', '$', 'Hong Kong dollar', 'Hong Kong dollars'],
  NZD: ['NZ$', '$', 'New Zealand dollar', 'New Zealand dollars'], SEK: ['SEK', 'kr', 'Swedish krona', 'Swedish kronor'],
  NOK: ['NOK', 'kr', 'Norwegian krone', 'Norwegian kroner'], DKK: ['DKK', 'kr', 'Danish krone', 'Danish kroner'],
  PLN: ['PLN', 'zł', 'Polish zloty', 'Polish zlotys'], RUB: ['RUB', '₽', 'Russian ruble', 'Russian rubles'],
  TRY: ['TRY', '₺', 'Turkish lira', 'Turkish Lira'], ILS: ['₪', '₪', 'Israeli new shekel', 'Israeli new shekels'],
  SGD: ['SGD', '$', 'Singapore dollar', 'Singapore dollars'], ZAR: ['ZAR', 'R', 'South African rand', 'South African rand'],
  TWD: ['NT$', '$', 'New Taiwan dollar', 'New Taiwan dollars'], THB: ['THB', '฿', 'Thai baht', 'Thai baht'],
  VND: ['₫', '₫', 'Vietnamese dong', 'Vietnamese dong'], PHP: ['₱', '₱', 'Philippine peso', 'Philippine pesos'],
  KWD: ['KWD', 'KWD', 'Kuwaiti dinar', 'Kuwaiti dinars'], BHD: ['BHD', 'BHD', 'Bahraini dinar', 'Bahraini dinars'],
  OMR: ['OMR', 'OMR', 'Omani rial', 'Omani rials'], JOD: ['JOD', 'JOD', 'Jordanian dinar', 'Jordanian dinars'],
  BTC: ['BTC', 'BTC', 'BTC', 'BTC'],
};
const CURRENCY_DIGITS = { BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0, BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3 };

// unit: [short, narrow, long singular, long plural]; '#' is the number.
const UNITS = {
  acre: ['# ac', '#ac', '# acre', '# acres'], bit: ['# bit', '#bit', '# bit', '# bits'], byte: ['# byte', '#B', '# byte', '# bytes'],
  celsius: ['#°C', '#°C', '# degree Celsius', '# degrees Celsius'], centimeter: ['# cm', '#cm', '# centimeter', '# centimeters'],
  day: ['# day', '#d', '# day', '# days'], degree: ['# deg', '#°', '# degree', '# degrees'],
  fahrenheit: ['#°F', '#°', '# degree Fahrenheit', '# degrees Fahrenheit'], 'fluid-ounce': ['# fl oz', '#fl oz', '# fluid ounce', '# fluid ounces'],
  foot: ['# ft', '#′', '# foot', '# feet'], gallon: ['# gal', '#gal', '# gallon', '# gallons'],
  gigabit: ['# Gb', '#Gb', '# gigabit', '# gigabits'], gigabyte: ['# GB', '#GB', '# gigabyte', '# gigabytes'],
  gram: ['# g', '#g', '# gram', '# grams'], hectare: ['# ha', '#ha', '# hectare', '# hectares'], hour: ['# hr', '#h', '# hour', '# hours'],
  inch: ['# in', '#″', '# inch', '# inches'], kilobit: ['# kb', '#kb', '# kilobit', '# kilobits'], kilobyte: ['# kB', '#kB', '# kilobyte', '# kilobytes'],
  kilogram: ['# kg', '#kg', '# kilogram', '# kilograms'], kilometer: ['# km', '#km', '# kilometer', '# kilometers'],
  liter: ['# L', '#L', '# liter', '# liters'], megabit: ['# Mb', '#Mb', '# megabit', '# megabits'], megabyte: ['# MB', '#MB', '# megabyte', '# megabytes'],
  meter: ['# m', '#m', '# meter', '# meters'], microsecond: ['# μs', '#μs', '# microsecond', '# microseconds'],
  mile: ['# mi', '#mi', '# mile', '# miles'], 'mile-scandinavian': ['# smi', '#smi', '# mile-scandinavian', '# miles-scandinavian'],
  milliliter: ['# mL', '#mL', '# milliliter', '# milliliters'], millimeter: ['# mm', '#mm', '# millimeter', '# millimeters'],
  millisecond: ['# ms', '#ms', '# millisecond', '# milliseconds'], minute: ['# min', '#m', '# minute', '# minutes'],
  month: ['# mth', '#m', '# month', '# months'], nanosecond: ['# ns', '#ns', '# nanosecond', '# nanoseconds'],
  ounce: ['# oz', '#oz', '# ounce', '# ounces'], percent: ['#%', '#%', '# percent', '# percent'],
  petabyte: ['# PB', '#PB', '# petabyte', '# petabytes'], pound: ['# lb', '#lb', '# pound', '# pounds'],
  second: ['# sec', '#s', '# second', '# seconds'], stone: ['# st', '#st', '# stone', '# stones'],
  terabit: ['# Tb', '#Tb', '# terabit', '# terabits'], terabyte: ['# TB', '#TB', '# terabyte', '# terabytes'],
  week: ['# wk', '#w', '# week', '# weeks'], yard: ['# yd', '#yd', '# yard', '# yards'], year: ['# yr', '#y', '# year', '# years'],
};
const PER = { short: '/', narrow: '/', long: ' per ' };
// Compound units with a name of their own.
const SPEED = {
  'kilometer-per-hour': ['# km/h', '#km/h', '# kilometer per hour', '# kilometers per hour'],
  'mile-per-hour': ['# mph', '#mph', '# mile per hour', '# miles per hour'],
  'mile-per-gallon': ['# mpg', '#mpg', '# mile per gallon', '# miles per gallon'],
  'meter-per-second': ['# m/s', '#m/s', '# meter per second', '# meters per second'],
};

const compactUnits = [[3, 'K', ' thousand'], [6, 'M', ' million'], [9, 'B', ' billion'], [12, 'T', ' trillion']];
const ROUNDING_MODES = ['ceil', 'floor', 'expand', 'trunc', 'halfCeil', 'halfFloor', 'halfExpand', 'halfTrunc', 'halfEven'];

/** Formats numbers as en-US does. */
export class NumberFormat {
  #o;
  constructor(locales, options) {
    const o = toObject(options);
    const r = { locale: resolveLocale(locales), numberingSystem: 'latn' };
    r.style = getOption(o, 'style', ['decimal', 'percent', 'currency', 'unit'], 'decimal');
    let currency = o.currency;
    if (currency !== undefined) {
      currency = String(currency);
      if (!/^[a-z]{3}$/i.test(currency)) throw new RangeError(`Invalid currency code : ${currency}`);
    }
    const currencyDisplay = getOption(o, 'currencyDisplay', ['code', 'symbol', 'narrowSymbol', 'name'], 'symbol');
    const currencySign = getOption(o, 'currencySign', ['standard', 'accounting'], 'standard');
    let unit = o.unit;
    if (unit !== undefined) {
      unit = String(unit);
      const [a, b, extra] = unit.split('-per-');
      if (!SPEED[unit] && (extra !== undefined || !UNITS[a] || (b !== undefined && !UNITS[b]))) throw new RangeError(`Invalid unit argument for Intl.NumberFormat() '${unit}'`);
    }
    const unitDisplay = getOption(o, 'unitDisplay', ['short', 'narrow', 'long'], 'short');
    if (r.style === 'currency') {
      if (currency === undefined) throw new TypeError('Currency code is required with currency style.');
      r.currency = currency.toUpperCase();
      r.currencyDisplay = currencyDisplay;
      r.currencySign = currencySign;
    }
    if (r.style === 'unit') {
      if (unit === undefined) throw new TypeError('Unit is required with unit style.');
      r.unit = unit;
      r.unitDisplay = unitDisplay;
    }
    r.minimumIntegerDigits = getNumberOption(o, 'minimumIntegerDigits', 1, 21, 1);
    const notation = getOption(o, 'notation', ['standard', 'scientific', 'engineering', 'compact'], 'standard');
    const cDigits = r.style === 'currency' ? CURRENCY_DIGITS[r.currency] ?? 2 : 0;
    // The defaults (ECMA-402's SetNumberFormatDigitOptions, Intl.NumberFormat v3): a currency's own digits in
    // standard notation only (scientific $1.235E8, not $1.23E8), else none to three (percent: none); compact
    // notation without digit options rounds its own way (below).
    const mnfdDefault = r.style === 'currency' && notation === 'standard' ? cDigits : 0;
    const mxfdDefault = r.style === 'currency' && notation === 'standard' ? cDigits : r.style === 'percent' ? 0 : 3;
    const mnsd = o.minimumSignificantDigits, mxsd = o.maximumSignificantDigits;
    const mnfd = o.minimumFractionDigits, mxfd = o.maximumFractionDigits;
    let roundingPriority = getOption(o, 'roundingPriority', ['auto', 'morePrecision', 'lessPrecision'], 'auto');
    const hasSd = mnsd !== undefined || mxsd !== undefined, hasFd = mnfd !== undefined || mxfd !== undefined;
    // Compact notation rounds to whole numbers or two significant digits, whichever keeps more (1.2K, 123K).
    if (!hasSd && !hasFd && notation === 'compact' && roundingPriority === 'auto') roundingPriority = 'morePrecision';
    const needSd = roundingPriority !== 'auto' || hasSd || (!hasFd && notation === 'compact');
    const needFd = roundingPriority !== 'auto' || !(hasSd || (!hasFd && notation === 'compact'));
    if (needSd) {
      if (hasSd) {
        r.minimumSignificantDigits = getNumberOption(o, 'minimumSignificantDigits', 1, 21, 1);
        r.maximumSignificantDigits = getNumberOption(o, 'maximumSignificantDigits', r.minimumSignificantDigits, 21, 21);
      } else {
        r.minimumSignificantDigits = 1;
        r.maximumSignificantDigits = 2;
      }
    }
    if (needFd) {
      if (hasFd) {
        let lo = getNumberOption(o, 'minimumFractionDigits', 0, 100, undefined);
        let hi = getNumberOption(o, 'maximumFractionDigits', 0, 100, undefined);
        if (lo === undefined) lo = Math.min(mnfdDefault, hi);
        else if (hi === undefined) hi = Math.max(mxfdDefault, lo);
        else if (lo > hi) throw new RangeError('maximumFractionDigits value is out of range.');
        r.minimumFractionDigits = lo;
        r.maximumFractionDigits = hi;
      } else if (notation === 'compact' && !hasSd) {
        r.minimumFractionDigits = 0; // compact rounding: whole numbers or two significant digits
        r.maximumFractionDigits = 0;
      } else {
        r.minimumFractionDigits = mnfdDefault;
        r.maximumFractionDigits = mxfdDefault;
      }
    }
    if (!needSd && !needFd) { r.minimumFractionDigits = 0; r.maximumFractionDigits = 0; }
    const grouping = o.useGrouping;
    r.useGrouping = grouping === undefined ? (notation === 'compact' ? 'min2' : 'auto')
      : grouping === true || grouping === 'true' || grouping === 'false' ? 'always'
        : grouping === false || grouping === null || grouping === '' ? false
          : getOption(o, 'useGrouping', ['min2', 'auto', 'always'], 'auto');
    if (grouping === 'true' || grouping === 'false') r.useGrouping = 'auto';
    r.notation = notation;
    if (notation === 'compact') r.compactDisplay = getOption(o, 'compactDisplay', ['short', 'long'], 'short');
    r.signDisplay = getOption(o, 'signDisplay', ['auto', 'never', 'always', 'exceptZero', 'negative'], 'auto');
    r.roundingIncrement = 1;
    r.roundingMode = getOption(o, 'roundingMode', ROUNDING_MODES, 'halfExpand');
    r.roundingPriority = roundingPriority;
    r.trailingZeroDisplay = getOption(o, 'trailingZeroDisplay', ['auto', 'stripIfInteger'], 'auto');
    this.#o = r;
  }
  get format() {
    const fn = (value) => this.formatToParts(value).map((p) => p.value).join('');
    Object.defineProperty(this, 'format', { value: fn, configurable: true });
    return fn;
  }
  formatToParts(value) { return formatNumberToParts(this.#o, value); }
  formatRange(start, end) {
    if (start === undefined || end === undefined) throw new TypeError('start and end are required');
    const a = this.format(start), b = this.format(end);
    return a === b ? `~${a}` : `${a}–${b}`;
  }
  resolvedOptions() {
    const r = {};
    for (const k of ['locale', 'numberingSystem', 'style', 'currency', 'currencyDisplay', 'currencySign', 'unit', 'unitDisplay',
      'minimumIntegerDigits', 'minimumSignificantDigits', 'maximumSignificantDigits', 'minimumFractionDigits',
      'maximumFractionDigits', 'useGrouping', 'notation', 'compactDisplay', 'signDisplay', 'roundingMode', 'roundingIncrement',
      'trailingZeroDisplay', 'roundingPriority']) {
      if (this.#o[k] !== undefined) r[k] = this.#o[k];
    }
    return r;
  }
  static supportedLocalesOf(locales) { return supportedLocalesOf(locales); }
}
Object.defineProperty(NumberFormat.prototype, Symbol.toStringTag, { value: 'Intl.NumberFormat', configurable: true });

function toDecimal(value) {
  if (typeof value === 'bigint') return decimalOf(value);
  if (typeof value === 'string') {
    const d = decimalOfString(value);
    if (d) return d;
    const t = value.trim();
    if (t === '' ) return decimalOf(0);
    if (/^[+-]?Infinity$/.test(t)) return { neg: t[0] === '-', inf: true };
    if (/^0[xob]/i.test(t)) return decimalOf(Number(t));
    return { neg: false, nan: true };
  }
  const x = Number(value);
  if (Number.isNaN(x)) return { neg: false, nan: true };
  if (!Number.isFinite(x)) return { neg: x < 0, inf: true };
  return decimalOf(x);
}

function roundWith(o, d) {
  const mode = o.roundingMode;
  const fd = () => {
    const r = roundAt(d, -o.maximumFractionDigits, mode);
    return { d: r, minFrac: o.minimumFractionDigits, magnitude: -o.maximumFractionDigits };
  };
  const sd = () => {
    const top = isZero(d) ? 1 : d.exp;
    const r = roundAt(d, top - o.maximumSignificantDigits, mode);
    // After rounding up to a new power of ten (9.99 → 10.0), the minimum digits count from there.
    const rTop = isZero(r) ? 1 : r.exp;
    return { d: r, minFrac: Math.max(0, o.minimumSignificantDigits - rTop), magnitude: top - o.maximumSignificantDigits };
  };
  const hasSd = o.maximumSignificantDigits !== undefined, hasFd = o.maximumFractionDigits !== undefined;
  if (hasSd && !hasFd) return sd();
  if (hasFd && !hasSd) return fd();
  const a = sd(), b = fd();
  const morePrecise = a.magnitude <= b.magnitude ? a : b, lessPrecise = morePrecise === a ? b : a;
  return o.roundingPriority === 'lessPrecision' ? lessPrecise : morePrecise;
}

function groupDigits(int, o, compactOrMin2) {
  const g = o.useGrouping;
  if (!g) return [int];
  // ICU's "auto" in compact notation is min2 (CLDR's compact patterns ask for it): 0000.000, 12,345.000.
  if ((g === 'min2' || compactOrMin2 || (g === 'auto' && o.notation === 'compact')) && int.length < 5) return [int];
  const groups = [];
  for (let i = int.length; i > 0; i -= 3) groups.unshift(int.slice(Math.max(0, i - 3), i));
  return groups;
}

function formatNumberToParts(o, value) {
  let d = toDecimal(value);
  if (o.style === 'percent' && !d.nan && !d.inf && !isZero(d)) d = { ...d, exp: d.exp + 2 };
  const parts = [];
  let number = [];
  let compact = null, exponent = null;
  // English plural "one": the number shown is exactly 1, whatever its sign (-1 US dollar, 1E0 byte, not 1.0 bytes).
  let isOne = false;
  if (d.nan) number = [{ type: 'nan', value: 'NaN' }];
  else if (d.inf) number = [{ type: 'infinity', value: '∞' }];
  else {
    let r;
    if (o.notation === 'compact') {
      const magnitude = isZero(d) ? 0 : d.exp - 1;
      let i = compactUnits.findLastIndex(([p]) => magnitude >= p);
      for (;;) {
        const shift = i >= 0 ? compactUnits[i][0] : 0;
        r = roundWith(o, { ...d, exp: d.exp - shift });
        if (!isZero(r.d) && r.d.exp - 1 >= 3 && i < compactUnits.length - 1) { i++; continue; }
        break;
      }
      // CLDR has no long compact currency patterns for English: $1.2K whatever compactDisplay says, unless the
      // currency is spelled out (1.2 thousand US dollars).
      const long = o.compactDisplay === 'long' && (o.style !== 'currency' || o.currencyDisplay === 'name');
      if (i >= 0) compact = long ? compactUnits[i][2] : compactUnits[i][1];
    } else if (o.notation === 'scientific' || o.notation === 'engineering') {
      let e = isZero(d) ? 0 : d.exp - 1;
      if (o.notation === 'engineering') e = Math.floor(e / 3) * 3;
      r = roundWith(o, { ...d, exp: d.exp - e });
      if (!isZero(r.d) && r.d.exp - 1 >= (o.notation === 'engineering' ? 3 : 1)) {
        const step = o.notation === 'engineering' ? 3 : 1;
        e += step;
        r = roundWith(o, { ...d, exp: d.exp - e });
      }
      exponent = e;
    } else {
      r = roundWith(o, d);
    }
    const { int, frac: rawFrac } = plainParts(r.d);
    let frac = rawFrac.padEnd(r.minFrac, '0');
    if (o.trailingZeroDisplay === 'stripIfInteger' && /^0*$/.test(frac)) frac = '';
    const intDigits = int.padStart(o.minimumIntegerDigits, '0');
    isOne = int === '1' && !frac && compact === null && !exponent;
    const groups = groupDigits(intDigits, o, false);
    groups.forEach((g, i) => { if (i) number.push({ type: 'group', value: ',' }); number.push({ type: 'integer', value: g }); });
    if (frac) number.push({ type: 'decimal', value: '.' }, { type: 'fraction', value: frac });
    if (compact !== null) number.push(compact.startsWith(' ') ? { type: 'literal', value: ' ' } : null, { type: 'compact', value: compact.trim() });
    if (exponent !== null) {
      number.push({ type: 'exponentSeparator', value: 'E' });
      if (exponent < 0) number.push({ type: 'exponentMinusSign', value: '-' });
      number.push({ type: 'exponentInteger', value: String(Math.abs(exponent)) });
    }
    number = number.filter(Boolean);
    d = { ...d, zero: /^[0,.]*$/.test(intDigits + frac) };
  }
  const zero = d.nan || d.zero;
  let sign = '';
  switch (o.signDisplay) {
    case 'auto': sign = d.neg ? '-' : ''; break;
    case 'always': sign = d.neg ? '-' : '+'; break;
    case 'exceptZero': sign = zero ? '' : d.neg ? '-' : '+'; break;
    case 'negative': sign = d.neg && !zero ? '-' : ''; break;
    case 'never': sign = ''; break;
  }
  const signPart = sign === '-' ? [{ type: 'minusSign', value: '-' }] : sign === '+' ? [{ type: 'plusSign', value: '+' }] : [];
  if (o.style === 'currency') {
    const info = CURRENCY[o.currency];
    const accounting = o.currencySign === 'accounting' && sign === '-';
    if (o.currencyDisplay === 'name') {
      const name = info ? info[isOne ? 2 : 3] : o.currency;
      return [...signPart, ...number, { type: 'literal', value: ' ' }, { type: 'currency', value: name }];
    }
    const symbol = o.currencyDisplay === 'code' || !info ? o.currency : info[o.currencyDisplay === 'narrowSymbol' ? 1 : 0];
    const cur = [{ type: 'currency', value: symbol }];
    // The space between a symbol ending in a letter and the number is there only before a digit (CHF 1.00, CHFNaN).
    if (/[A-Za-z]$/.test(symbol) && !d.nan && !d.inf) cur.push({ type: 'literal', value: NBSP });
    if (accounting) return [{ type: 'literal', value: '(' }, ...cur, ...number, { type: 'literal', value: ')' }];
    return [...signPart, ...cur, ...number];
  }
  if (o.style === 'percent') return [...signPart, ...number, { type: 'percentSign', value: '%' }];
  if (o.style === 'unit') {
    const [a, b] = o.unit.split('-per-');
    const which = { short: 0, narrow: 1, long: 2 }[o.unitDisplay];
    const one = isOne;
    const pattern = (u, plural) => (SPEED[u] ?? UNITS[u])[which === 2 ? (plural ? 3 : 2) : which];
    let text = pattern(SPEED[o.unit] ? o.unit : a, !one);
    if (b && !SPEED[o.unit]) {
      const per = pattern(b, false).replace('#', '').trim();
      text = o.unitDisplay === 'long' ? `${text}${PER.long}${per}` : `${text}${PER.short}${per}`;
    }
    const [before, after] = text.split('#');
    const out = [...signPart, ...number];
    const unitParts = (s) => {
      const m = /^(\s*)(.*?)(\s*)$/.exec(s);
      return [m[1] && { type: 'literal', value: m[1] }, m[2] && { type: 'unit', value: m[2] }, m[3] && { type: 'literal', value: m[3] }].filter(Boolean);
    };
    return [...unitParts(before), ...out, ...unitParts(after)];
  }
  return [...signPart, ...number];
}

// ── Intl.PluralRules ──────────────────────────────────────────────────

/** English plural categories: one/other, or for ordinals one/two/few/other (1st, 2nd, 3rd, 4th). */
export class PluralRules {
  #type; #nf; #o;
  constructor(locales, options) {
    const o = toObject(options);
    const locale = resolveLocale(locales);
    this.#type = getOption(o, 'type', ['cardinal', 'ordinal'], 'cardinal');
    this.#nf = new NumberFormat(locales, {
      minimumIntegerDigits: o.minimumIntegerDigits, minimumFractionDigits: o.minimumFractionDigits,
      maximumFractionDigits: o.maximumFractionDigits, minimumSignificantDigits: o.minimumSignificantDigits,
      maximumSignificantDigits: o.maximumSignificantDigits, roundingMode: o.roundingMode,
    });
    this.#o = { locale, type: this.#type };
  }
  select(n) {
    const s = this.#nf.format(Math.abs(Number(n))).replace(/,/g, '');
    if (this.#type === 'ordinal') {
      if (s.includes('.')) return 'other';
      const i = Number(s);
      if (i % 10 === 1 && i % 100 !== 11) return 'one';
      if (i % 10 === 2 && i % 100 !== 12) return 'two';
      if (i % 10 === 3 && i % 100 !== 13) return 'few';
      return 'other';
    }
    return s === '1' ? 'one' : 'other';
  }
  selectRange(start, end) { return this.select(end); }
  resolvedOptions() {
    const nf = this.#nf.resolvedOptions();
    const r = { ...this.#o, minimumIntegerDigits: nf.minimumIntegerDigits };
    for (const k of ['minimumFractionDigits', 'maximumFractionDigits', 'minimumSignificantDigits', 'maximumSignificantDigits']) {
      if (nf[k] !== undefined) r[k] = nf[k];
    }
    r.pluralCategories = this.#type === 'ordinal' ? ['few', 'one', 'two', 'other'] : ['one', 'other'];
    return r;
  }
  static supportedLocalesOf(locales) { return supportedLocalesOf(locales); }
}
Object.defineProperty(PluralRules.prototype, Symbol.toStringTag, { value: 'Intl.PluralRules', configurable: true });

// ── Intl.DateTimeFormat ───────────────────────────────────────────────

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const FIELDS = ['weekday', 'era', 'year', 'month', 'day', 'dayPeriod', 'hour', 'minute', 'second', 'fractionalSecondDigits', 'timeZoneName'];
const STYLES = ['full', 'long', 'medium', 'short'];

// Named time zones: the world's most used, each with the rule it follows today, applied to every date
// (no history: a date before a zone last changed its rules, such as US daylight saving time before 2007,
// may be an hour off). [name, rule, standard offset in minutes, short names (standard/daylight; '' for
// GMT±h), long names (standard/daylight)]. The names are en-US's, as ICU gives them.
const ZONES = [
  ['America/New_York', 'us', -300, 'EST/EDT', 'Eastern Standard Time/Eastern Daylight Time'],
  ['America/Chicago', 'us', -360, 'CST/CDT', 'Central Standard Time/Central Daylight Time'],
  ['America/Denver', 'us', -420, 'MST/MDT', 'Mountain Standard Time/Mountain Daylight Time'],
  ['America/Los_Angeles', 'us', -480, 'PST/PDT', 'Pacific Standard Time/Pacific Daylight Time'],
  ['America/Anchorage', 'us', -540, 'AKST/AKDT', 'Alaska Standard Time/Alaska Daylight Time'],
  ['America/Halifax', 'us', -240, 'AST/ADT', 'Atlantic Standard Time/Atlantic Daylight Time'],
  ['America/Toronto', 'us', -300, 'EST/EDT', 'Eastern Standard Time/Eastern Daylight Time'],
  ['America/Detroit', 'us', -300, 'EST/EDT', 'Eastern Standard Time/Eastern Daylight Time'],
  ['America/Winnipeg', 'us', -360, 'CST/CDT', 'Central Standard Time/Central Daylight Time'],
  ['America/Edmonton', 'us', -420, 'MST/MDT', 'Mountain Standard Time/Mountain Daylight Time'],
  ['America/Vancouver', 'us', -480, 'PST/PDT', 'Pacific Standard Time/Pacific Daylight Time'],
  ['America/Phoenix', null, -420, 'MST', 'Mountain Standard Time'],
  ['Pacific/Honolulu', null, -600, 'HST', 'Hawaii-Aleutian Standard Time'],
  ['America/Mexico_City', null, -360, 'CST', 'Central Standard Time'],
  ['America/Bogota', null, -300, '', 'Colombia Standard Time'],
  ['America/Lima', null, -300, '', 'Peru Standard Time'],
  ['America/Caracas', null, -240, '', 'Venezuela Time'],
  ['America/Sao_Paulo', null, -180, '', 'Brasilia Standard Time'],
  ['America/Argentina/Buenos_Aires', null, -180, '', 'Argentina Standard Time'],
  ['Europe/London', 'eu', 0, 'GMT/', 'Greenwich Mean Time/British Summer Time'],
  ['Europe/Dublin', 'eu', 0, 'GMT/', 'Greenwich Mean Time/Irish Standard Time'],
  ['Europe/Lisbon', 'eu', 0, 'GMT+0/', 'Western European Standard Time/Western European Summer Time'],
  ...['Paris', 'Berlin', 'Madrid', 'Rome', 'Amsterdam', 'Brussels', 'Vienna', 'Zurich', 'Stockholm', 'Oslo', 'Copenhagen',
    'Warsaw', 'Prague', 'Budapest'].map((c) => [`Europe/${c}`, 'eu', 60, '', 'Central European Standard Time/Central European Summer Time']),
  ...['Athens', 'Helsinki', 'Kyiv', 'Bucharest'].map((c) => [`Europe/${c}`, 'eu', 120, '', 'Eastern European Standard Time/Eastern European Summer Time']),
  ['Europe/Moscow', null, 180, '', 'Moscow Standard Time'],
  ['Europe/Istanbul', null, 180, '', 'Türkiye Standard Time'],
  ['Africa/Lagos', null, 60, '', 'West Africa Time'],
  ['Africa/Johannesburg', null, 120, '', 'South Africa Standard Time'],
  ['Africa/Nairobi', null, 180, '', 'East Africa Time'],
  ['Asia/Riyadh', null, 180, '', 'Arabian Standard Time'],
  ['Asia/Tehran', null, 210, '', 'Iran Standard Time'],
  ['Asia/Dubai', null, 240, '', 'Gulf Standard Time'],
  ['Asia/Karachi', null, 300, '', 'Pakistan Standard Time'],
  ['Asia/Kolkata', null, 330, '', 'India Standard Time'],
  ['Asia/Kathmandu', null, 345, '', 'Nepal Time'],
  ['Asia/Dhaka', null, 360, '', 'Bangladesh Standard Time'],
  ['Asia/Bangkok', null, 420, '', 'Indochina Time'],
  ['Asia/Ho_Chi_Minh', null, 420, '', 'Indochina Time'],
  ['Asia/Jakarta', null, 420, '', 'Western Indonesia Time'],
  ['Asia/Shanghai', null, 480, '', 'China Standard Time'],
  ['Asia/Hong_Kong', null, 480, '', 'Hong Kong Standard Time'],
  ['Asia/Singapore', null, 480, '', 'Singapore Standard Time'],
  ['Asia/Taipei', null, 480, '', 'Taiwan Standard Time'],
  ['Asia/Manila', null, 480, '', 'Philippine Standard Time'],
  ['Australia/Perth', null, 480, '', 'Australian Western Standard Time'],
  ['Asia/Seoul', null, 540, '', 'Korean Standard Time'],
  ['Asia/Tokyo', null, 540, '', 'Japan Standard Time'],
  ['Australia/Brisbane', null, 600, '', 'Australian Eastern Standard Time'],
  ['Australia/Adelaide', 'au', 570, '', 'Australian Central Standard Time/Australian Central Daylight Time'],
  ...['Sydney', 'Melbourne', 'Hobart'].map((c) => [`Australia/${c}`, 'au', 600, '', 'Australian Eastern Standard Time/Australian Eastern Daylight Time']),
  ['Pacific/Auckland', 'nz', 720, '', 'New Zealand Standard Time/New Zealand Daylight Time'],
  ['Pacific/Chatham', 'nz', 765, '', 'Chatham Standard Time/Chatham Daylight Time'],
  ['Pacific/Fiji', null, 720, '', 'Fiji Standard Time'],
  ['Pacific/Kiritimati', null, 840, '', 'Line Islands Time'],
  ['America/St_Johns', 'us', -210, '', 'Newfoundland Standard Time/Newfoundland Daylight Time'],
  ['America/Santiago', 'cl', -240, '', 'Chile Standard Time/Chile Summer Time'],
  ['Atlantic/Azores', 'eu', -60, '', 'Azores Standard Time/Azores Summer Time'],
  ['Atlantic/Reykjavik', null, 0, 'GMT', 'Greenwich Mean Time'],
  ['Africa/Cairo', 'eg', 120, '', 'Eastern European Standard Time/Eastern European Summer Time'],
];
const ZONE_ALIASES = { 'Asia/Calcutta': 'Asia/Kolkata', 'Asia/Saigon': 'Asia/Ho_Chi_Minh', 'Europe/Kiev': 'Europe/Kyiv',
  'US/Eastern': 'America/New_York', 'US/Central': 'America/Chicago', 'US/Mountain': 'America/Denver', 'US/Pacific': 'America/Los_Angeles',
  'US/Alaska': 'America/Anchorage', 'US/Hawaii': 'Pacific/Honolulu', 'US/Arizona': 'America/Phoenix', 'Japan': 'Asia/Tokyo',
  'Asia/Istanbul': 'Europe/Istanbul', 'Turkey': 'Europe/Istanbul', 'W-SU': 'Europe/Moscow', 'PRC': 'Asia/Shanghai', 'Hongkong': 'Asia/Hong_Kong',
  'Singapore': 'Asia/Singapore', 'ROK': 'Asia/Seoul', 'GB': 'Europe/London', 'NZ': 'Pacific/Auckland', 'America/Buenos_Aires': 'America/Argentina/Buenos_Aires' };
// lower-case name → [the name as written in the database (an alias keeps its own), the zone]
// ICU's generic names for most zones are the place's ("France Time", "Perth Time"): shortGeneric is
// "<place> Time" for these (the others keep their metazone's, such as "PT"), and so is longGeneric for the
// British Isles ("United Kingdom Time", as ICU has no generic name for GMT/BST).
const LOCATION = {
  'America/Bogota': 'Colombia', 'America/Lima': 'Peru', 'America/Caracas': 'Venezuela',
  'America/Sao_Paulo': 'São Paulo', 'America/Argentina/Buenos_Aires': 'Buenos Aires',
  'Europe/London': 'United Kingdom', 'Europe/Dublin': 'Ireland', 'Europe/Lisbon': 'Portugal',
  'Europe/Paris': 'France', 'Europe/Berlin': 'Germany', 'Europe/Madrid': 'Spain', 'Europe/Rome': 'Italy',
  'Europe/Amsterdam': 'Netherlands', 'Europe/Brussels': 'Belgium', 'Europe/Vienna': 'Austria',
  'Europe/Zurich': 'Switzerland', 'Europe/Stockholm': 'Sweden', 'Europe/Oslo': 'Norway',
  'Europe/Copenhagen': 'Denmark', 'Europe/Warsaw': 'Poland', 'Europe/Prague': 'Czechia',
  'Europe/Budapest': 'Hungary', 'Europe/Athens': 'Greece', 'Europe/Helsinki': 'Finland', 'Europe/Kyiv': 'Ukraine',
  'Europe/Bucharest': 'Romania', 'Europe/Moscow': 'Moscow', 'Europe/Istanbul': 'Türkiye', 'Africa/Lagos': 'Nigeria',
  'Africa/Johannesburg': 'South Africa', 'Africa/Nairobi': 'Kenya', 'Asia/Riyadh': 'Saudi Arabia',
  'Asia/Tehran': 'Iran', 'Asia/Dubai': 'United Arab Emirates', 'Asia/Karachi': 'Pakistan', 'Asia/Kolkata': 'India',
  'Asia/Kathmandu': 'Nepal', 'Asia/Dhaka': 'Bangladesh', 'Asia/Bangkok': 'Thailand', 'Asia/Ho_Chi_Minh': 'Vietnam',
  'Asia/Jakarta': 'Jakarta', 'Asia/Shanghai': 'China', 'Asia/Hong_Kong': 'Hong Kong SAR China',
  'Asia/Singapore': 'Singapore', 'Asia/Taipei': 'Taiwan', 'Asia/Manila': 'Philippines', 'Australia/Perth': 'Perth',
  'Asia/Seoul': 'South Korea', 'Asia/Tokyo': 'Japan', 'Australia/Brisbane': 'Brisbane',
  'Australia/Adelaide': 'Adelaide', 'Australia/Sydney': 'Sydney', 'Australia/Melbourne': 'Melbourne',
  'Australia/Hobart': 'Hobart', 'Pacific/Auckland': 'New Zealand', 'Pacific/Chatham': 'Chatham Islands',
  'Pacific/Fiji': 'Fiji', 'Pacific/Kiritimati': 'Kiritimati', 'America/St_Johns': 'St. John’s',
  'America/Santiago': 'Chile', 'Atlantic/Azores': 'Azores', 'Africa/Cairo': 'Egypt',
};
const LOCATION_LONG_GENERIC = new Set(['Europe/London', 'Europe/Dublin']);
const zoneByLowerName = new Map([...ZONES.map((z) => [z[0].toLowerCase(), [z[0], z]]),
  ...Object.entries(ZONE_ALIASES).map(([alias, name]) => [alias.toLowerCase(), [alias, ZONES.find((z) => z[0] === name)]])]);

// The day of the month of the nth (-1: last) Sunday of a month.
const sunday = (year, month, n) => {
  if (n > 0) { const first = new Date(Date.UTC(year, month, 1)).getUTCDay(); return 1 + ((7 - first) % 7) + 7 * (n - 1); }
  const last = new Date(Date.UTC(year, month + 1, 0)); return last.getUTCDate() - last.getUTCDay();
};
const HOUR = 3600000;
const lastWeekday = (year, month, wd) => { const last = new Date(Date.UTC(year, month + 1, 0)); return last.getUTCDate() - ((last.getUTCDay() - wd + 7) % 7); };
const weekdayFrom = (year, month, day, wd) => day + ((wd - new Date(Date.UTC(year, month, day)).getUTCDay() + 7) % 7);
// Whether daylight time is in effect at `t` under `rule`, for a zone whose standard offset is `std` minutes.
function isDaylight(rule, std, t) {
  const year = new Date(t + std * 60000).getUTCFullYear(), at = (m, d, h) => Date.UTC(year, m, d) + h * HOUR - std * 60000;
  switch (rule) {
    case 'us': return t >= at(2, sunday(year, 2, 2), 2) && t < at(10, sunday(year, 10, 1), 1); // 2:00 local, both ends
    case 'eu': return t >= Date.UTC(year, 2, sunday(year, 2, -1), 1) && t < Date.UTC(year, 9, sunday(year, 9, -1), 1); // 1:00 UTC
    case 'au': return !(t >= at(3, sunday(year, 3, 1), 2) && t < at(9, sunday(year, 9, 1), 2)); // April to October is standard
    case 'nz': return !(t >= at(3, sunday(year, 3, 1), 2) && t < at(8, sunday(year, 8, -1), 2));
    // Chile: standard from the first Sunday on or after April 2 (03:00 UTC) to the one after September 2 (04:00 UTC).
    case 'cl': return !(t >= Date.UTC(year, 3, weekdayFrom(year, 3, 2, 0), 3) && t < Date.UTC(year, 8, weekdayFrom(year, 8, 2, 0), 4));
    // Egypt, since 2023: the last Friday of April, 00:00, to the end of the last Thursday of October (summer time).
    case 'eg': return year >= 2023 && t >= at(3, lastWeekday(year, 3, 5), 0) && t < at(9, lastWeekday(year, 9, 4), 24) - HOUR;
    default: return false;
  }
}

const fixedZone = (id, minutes, short, long) => ({
  id, offset: () => minutes,
  name: (t, style) => (style === 'short' && short) || (style === 'long' && long)
    || (minutes === 0 && (style === 'shortGeneric' || style === 'shortOffset') ? 'GMT+0'
      : offsetText(minutes, style === 'longOffset' || style === 'longGeneric' || (style === 'long' && !long))),
});

// The time zone a name means, as { id, offset(t) → minutes east of UTC, name(t, style) }, or a RangeError.
function timeZoneOf(name) {
  if (name === undefined) return fixedZone('UTC', 0, 'UTC', 'Coordinated Universal Time');
  const s = String(name);
  if (/^(etc\/)?(utc|gmt|uct|zulu|universal|greenwich)$/i.test(s) || /^etc\/(gmt[+-]0|gmt0|uct|universal|zulu)$/i.test(s)) {
    return fixedZone('UTC', 0, 'UTC', 'Coordinated Universal Time');
  }
  let m = /^etc\/gmt([+-])(\d{1,2})$/i.exec(s);
  if (m && Number(m[2]) <= 14) {
    const minutes = (m[1] === '+' ? -1 : 1) * Number(m[2]) * 60; // POSIX sign: Etc/GMT+5 is five hours behind
    return fixedZone(`Etc/GMT${m[1]}${Number(m[2])}`, minutes);
  }
  m = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(s);
  if (m && Number(m[2]) <= 23 && Number(m[3] ?? 0) <= 59) {
    const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
    return fixedZone(`${minutes < 0 ? '-' : '+'}${m[2]}:${m[3] ?? '00'}`, minutes);
  }
  const [given, zone] = zoneByLowerName.get(s.toLowerCase()) ?? [];
  if (!zone) {
    throw new RangeError(`Invalid time zone specified: ${s} (this sandbox knows UTC, Etc/GMT±N, offsets such as "+05:30" and ${ZONES.length} named zones)`);
  }
  const [canonical, rule, std, shorts, longs] = zone;
  const id = given; // as ECMA-402 has it now: the identifier asked for, its case normalized
  const [shortStd, shortDst] = shorts.split('/'), [longStd, longDst] = longs.split('/');
  const offset = (t) => std + (rule && isDaylight(rule, std, t) ? 60 : 0);
  return {
    id, offset,
    name(t, style) {
      const minutes = offset(t), dst = minutes !== std;
      const short = dst ? shortDst : shortStd, long = dst ? longDst : longStd;
      switch (style) {
        case 'short': return short || offsetText(minutes, false);
        case 'long': return long;
        // Generic names (ICU's are often a country's: "France Time"), as close as this table comes.
        case 'shortGeneric':
          if (LOCATION[canonical]) return `${LOCATION[canonical]} Time`;
          return rule === 'us' ? shortStd.replace(/S(T)$/, '$1') : shortStd || offsetText(minutes, false);
        case 'longGeneric':
          if (LOCATION_LONG_GENERIC.has(canonical)) return `${LOCATION[canonical]} Time`;
          return rule ? longStd.replace(/ Standard Time$/, ' Time') : longStd;
        case 'longOffset': return offsetText(minutes, true);
        default: return offsetText(minutes, false);
      }
    },
  };
}
const offsetText = (minutes, long) => {
  if (minutes === 0) return long ? 'GMT+00:00' : 'GMT';
  const sign = minutes < 0 ? '-' : '+', h = Math.floor(Math.abs(minutes) / 60), mm = Math.abs(minutes) % 60;
  return long || mm ? `GMT${sign}${String(h).padStart(long ? 2 : 1, '0')}:${String(mm).padStart(2, '0')}` : `GMT${sign}${h}`;
};

// What the next DateTimeFormat is made for, when toLocaleDateString and the like make it.
let localeMethodDefaults = null;

/** Formats dates as en-US does. */
export class DateTimeFormat {
  #o; #tz;
  constructor(locales, options) {
    const [required, defaults] = localeMethodDefaults ?? ['any', 'date'];
    localeMethodDefaults = null;
    this.#init(locales, options, required, defaults);
  }
  #init(locales, options, required, defaults) {
    const o = toObject(options);
    const r = { locale: resolveLocale(locales), calendar: 'gregory', numberingSystem: 'latn' };
    const calendar = o.calendar;
    if (calendar !== undefined && !/^[a-z0-9]{3,8}(-[a-z0-9]{3,8})*$/i.test(String(calendar))) throw new RangeError(`Invalid calendar : ${calendar}`);
    const hour12 = o.hour12;
    let hourCycle = getOption(o, 'hourCycle', ['h11', 'h12', 'h23', 'h24'], undefined);
    this.#tz = timeZoneOf(o.timeZone);
    r.timeZone = this.#tz.id;
    const f = {};
    f.weekday = getOption(o, 'weekday', ['narrow', 'short', 'long'], undefined);
    f.era = getOption(o, 'era', ['narrow', 'short', 'long'], undefined);
    f.year = getOption(o, 'year', ['2-digit', 'numeric'], undefined);
    f.month = getOption(o, 'month', ['2-digit', 'numeric', 'narrow', 'short', 'long'], undefined);
    f.day = getOption(o, 'day', ['2-digit', 'numeric'], undefined);
    f.dayPeriod = getOption(o, 'dayPeriod', ['narrow', 'short', 'long'], undefined);
    f.hour = getOption(o, 'hour', ['2-digit', 'numeric'], undefined);
    f.minute = getOption(o, 'minute', ['2-digit', 'numeric'], undefined);
    f.second = getOption(o, 'second', ['2-digit', 'numeric'], undefined);
    f.fractionalSecondDigits = getNumberOption(o, 'fractionalSecondDigits', 1, 3, undefined);
    f.timeZoneName = getOption(o, 'timeZoneName', ['short', 'long', 'shortOffset', 'longOffset', 'shortGeneric', 'longGeneric'], undefined);
    getOption(o, 'formatMatcher', ['basic', 'best fit'], 'best fit');
    const dateStyle = getOption(o, 'dateStyle', STYLES, undefined);
    const timeStyle = getOption(o, 'timeStyle', STYLES, undefined);
    if (dateStyle || timeStyle) {
      const explicit = FIELDS.find((k) => f[k] !== undefined);
      if (explicit) throw new TypeError(`Can't set option ${explicit} when ${dateStyle ? 'dateStyle' : 'timeStyle'} is used`);
      if (required === 'date' && timeStyle) throw new TypeError('Invalid option : timeStyle');
      if (required === 'time' && dateStyle) throw new TypeError('Invalid option : dateStyle');
    } else {
      const has = (keys) => keys.some((k) => f[k] !== undefined);
      const needDefaults = (required === 'date' || required === 'any' ? !has(['weekday', 'year', 'month', 'day']) : true)
        && (required === 'time' || required === 'any' ? !has(['dayPeriod', 'hour', 'minute', 'second', 'fractionalSecondDigits']) : true);
      if (needDefaults && (defaults === 'date' || defaults === 'all')) f.year = f.month = f.day = 'numeric';
      if (needDefaults && (defaults === 'time' || defaults === 'all')) f.hour = f.minute = f.second = 'numeric';
    }
    const hasHour = f.hour !== undefined || timeStyle !== undefined;
    if (hasHour) {
      if (hour12 !== undefined) hourCycle = hour12 ? 'h12' : 'h23';
      hourCycle ??= 'h12';
      r.hourCycle = hourCycle;
      r.hour12 = hourCycle === 'h11' || hourCycle === 'h12';
    }
    // Two digits, as en-US's patterns have them: minutes and seconds beside an hour, and a 24-hour clock's hour.
    if (f.hour !== undefined && (hourCycle === 'h23' || hourCycle === 'h24')) f.hour = '2-digit';
    if (f.minute !== undefined && (f.hour !== undefined || f.second !== undefined)) f.minute = '2-digit';
    if (f.second !== undefined && (f.minute !== undefined || f.hour !== undefined)) f.second = '2-digit';
    for (const k of FIELDS) if (f[k] !== undefined) r[k] = f[k];
    if (dateStyle) r.dateStyle = dateStyle;
    if (timeStyle) r.timeStyle = timeStyle;
    this.#o = r;
  }
  /** Made with the defaults of toLocaleDateString / toLocaleTimeString / toLocaleString. */
  static _for(locales, options, required, defaults) {
    localeMethodDefaults = [required, defaults];
    try { return new DateTimeFormat(locales, options); } finally { localeMethodDefaults = null; }
  }
  get format() {
    const fn = (date) => this.formatToParts(date).map((p) => p.value).join('');
    Object.defineProperty(this, 'format', { value: fn, configurable: true });
    return fn;
  }
  formatToParts(date) {
    const t = date === undefined ? Date.now() : Number(date instanceof Date ? date.getTime() : date);
    if (!Number.isFinite(t) || Math.abs(t) > 8.64e15) throw new RangeError('Invalid time value');
    return formatDateToParts(this.#o, this.#tz, t);
  }
  formatRange(start, end) { return `${this.format(start)} – ${this.format(end)}`; }
  resolvedOptions() {
    const r = { ...this.#o };
    // Node lists hourCycle and hour12 before the fields.
    const out = { locale: r.locale, calendar: r.calendar, numberingSystem: r.numberingSystem, timeZone: r.timeZone };
    if (r.hourCycle) { out.hourCycle = r.hourCycle; out.hour12 = r.hour12; }
    for (const k of [...FIELDS, 'dateStyle', 'timeStyle']) if (r[k] !== undefined) out[k] = r[k];
    return out;
  }
  static supportedLocalesOf(locales) { return supportedLocalesOf(locales); }
}
const dateTimeFormatFor = DateTimeFormat._for;
delete DateTimeFormat._for;
Object.defineProperty(DateTimeFormat.prototype, Symbol.toStringTag, { value: 'Intl.DateTimeFormat', configurable: true });

const STYLE_FIELDS = {
  date: {
    full: { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' },
    long: { month: 'long', day: 'numeric', year: 'numeric' },
    medium: { month: 'short', day: 'numeric', year: 'numeric' },
    short: { month: 'numeric', day: 'numeric', year: '2-digit' },
  },
  time: {
    full: { hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'long' },
    long: { hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short' },
    medium: { hour: 'numeric', minute: '2-digit', second: '2-digit' },
    short: { hour: 'numeric', minute: '2-digit' },
  },
};

// ICU's English day periods: midnight to noon is morning (there is no "at night" before six); noon is the
// whole twelve o'clock hour unless the minutes or seconds shown say it is past.
function dayPeriodText(f, hours, minutes, seconds) {
  if (hours === 12 && (!f.minute || minutes === 0) && (!f.second || seconds === 0)) return f.dayPeriod === 'narrow' ? 'n' : 'noon';
  return hours < 12 ? 'in the morning' : hours < 18 ? 'in the afternoon' : hours < 21 ? 'in the evening' : 'at night';
}

function formatDateToParts(o, tz, t) {
  let f = o;
  if (o.dateStyle || o.timeStyle) {
    f = { ...(o.dateStyle ? STYLE_FIELDS.date[o.dateStyle] : {}), ...(o.timeStyle ? STYLE_FIELDS.time[o.timeStyle] : {}), hourCycle: o.hourCycle };
    if (f.hourCycle === 'h23' || f.hourCycle === 'h24') f.hour = '2-digit';
  }
  const offset = tz.offset(t);
  const d = new Date(t + offset * 60000);
  const year = d.getUTCFullYear(), month = d.getUTCMonth(), day = d.getUTCDate(), weekday = d.getUTCDay();
  const hours = d.getUTCHours(), minutes = d.getUTCMinutes(), seconds = d.getUTCSeconds(), ms = d.getUTCMilliseconds();
  const two = (n) => String(n).padStart(2, '0');
  const lit = (value) => ({ type: 'literal', value });
  const era = year <= 0 ? 'BC' : 'AD';
  const yearOfEra = year <= 0 ? 1 - year : year;

  // The date.
  const date = [];
  const textMonth = f.month === 'long' || f.month === 'short' || f.month === 'narrow';
  const monthText = f.month === 'long' ? MONTHS[month] : f.month === 'short' ? MONTHS[month].slice(0, 3) : MONTHS[month][0];
  const weekdayText = f.weekday === 'long' ? WEEKDAYS[weekday] : f.weekday === 'short' ? WEEKDAYS[weekday].slice(0, 3) : f.weekday && WEEKDAYS[weekday][0];
  const yearPart = f.year && { type: 'year', value: f.year === '2-digit' ? two(yearOfEra % 100) : String(yearOfEra) };
  const dayPart = f.day && { type: 'day', value: f.day === '2-digit' ? two(day) : String(day) };
  const eraPart = f.era && { type: 'era', value: f.era === 'long' ? (era === 'AD' ? 'Anno Domini' : 'Before Christ') : f.era === 'narrow' ? era[0] : era };
  if (textMonth) {
    if (f.weekday) date.push({ type: 'weekday', value: weekdayText }, lit(', '));
    date.push({ type: 'month', value: monthText });
    if (dayPart) date.push(lit(' '), dayPart);
    if (yearPart) date.push(lit(dayPart ? ', ' : ' '), yearPart);
    if (eraPart) date.push(lit(' '), eraPart);
  } else if (f.weekday && dayPart && !f.month && !f.year) {
    date.push(dayPart, lit(' '), { type: 'weekday', value: weekdayText }); // "15 Tue"
  } else if (f.month || f.day || f.year) {
    if (f.weekday) date.push({ type: 'weekday', value: weekdayText }, lit(', '));
    const fields = [];
    if (f.month) fields.push({ type: 'month', value: f.month === '2-digit' ? two(month + 1) : String(month + 1) });
    if (dayPart && (f.month || !f.year)) fields.push(dayPart);
    if (yearPart) fields.push(yearPart);
    fields.forEach((p, i) => { if (i) date.push(lit('/')); date.push(p); });
    if (eraPart) date.push(lit(' '), eraPart);
  } else if (f.weekday) {
    date.push({ type: 'weekday', value: weekdayText });
  } else if (eraPart) {
    date.push(eraPart);
  }

  // The time.
  const time = [];
  if (f.hour || f.minute || f.second || f.fractionalSecondDigits) {
    const hc = f.hourCycle ?? 'h12';
    const h = hc === 'h12' ? hours % 12 || 12 : hc === 'h11' ? hours % 12 : hc === 'h24' ? hours || 24 : hours;
    const pieces = [];
    if (f.hour) pieces.push({ type: 'hour', value: f.hour === '2-digit' ? two(h) : String(h) });
    // A minute or a second on its own is a bare number in ICU's en patterns ('m', 's'), even when 2-digit.
    const alone = [f.hour, f.minute, f.second].filter(Boolean).length === 1 && !f.fractionalSecondDigits;
    if (f.minute) pieces.push({ type: 'minute', value: f.minute === '2-digit' && !alone ? two(minutes) : String(minutes) });
    if (f.second) pieces.push({ type: 'second', value: f.second === '2-digit' && !alone ? two(seconds) : String(seconds) });
    pieces.forEach((p, i) => { if (i) time.push(lit(':')); time.push(p); });
    if (f.fractionalSecondDigits) {
      if (pieces.length) time.push(lit('.'));
      time.push({ type: 'fractionalSecond', value: String(ms).padStart(3, '0').slice(0, f.fractionalSecondDigits) });
    }
    if (f.hour && (hc === 'h12' || hc === 'h11')) {
      let period = hours < 12 ? 'AM' : 'PM';
      if (f.dayPeriod) period = dayPeriodText(f, hours, minutes, seconds);
      time.push(lit(' '), { type: 'dayPeriod', value: period });
    }
  } else if (f.dayPeriod) {
    time.push({ type: 'dayPeriod', value: dayPeriodText(f, hours, minutes, seconds) });
  }
  if (f.timeZoneName) {
    const name = f.timeZoneName === 'shortOffset' && offset === 0 ? 'GMT+0' : tz.name(t, f.timeZoneName);
    const target = time.length ? time : date;
    target.push(lit(!target.length ? '' : time.length ? ' ' : ', '), { type: 'timeZoneName', value: name });
    if (!target[target.length - 2].value) target.splice(target.length - 2, 1);
  }
  if (!date.length) return time;
  if (!time.length) return date;
  const glue = o.dateStyle === 'full' || o.dateStyle === 'long' || (!o.dateStyle && f.month === 'long') ? ' at ' : ', ';
  return [...date, lit(glue), ...time];
}

// ── Intl.RelativeTimeFormat ───────────────────────────────────────────

const REL_UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
const REL_SHORT = { second: 'sec.', minute: 'min.', hour: 'hr.', day: 'day', week: 'wk.', month: 'mo.', quarter: 'qtr.', year: 'yr.' };
const REL_SHORT_PLURAL = { day: 'days', quarter: 'qtrs.' };
const REL_AUTO = {
  day: { '-1': 'yesterday', 0: 'today', 1: 'tomorrow' }, year: { '-1': 'last year', 0: 'this year', 1: 'next year' },
  month: { '-1': 'last month', 0: 'this month', 1: 'next month' }, week: { '-1': 'last week', 0: 'this week', 1: 'next week' },
  quarter: { '-1': 'last quarter', 0: 'this quarter', 1: 'next quarter' }, hour: { 0: 'this hour' }, minute: { 0: 'this minute' },
  second: { 0: 'now' },
};

/** "in 3 days", "2 hours ago", "yesterday". */
export class RelativeTimeFormat {
  #o; #nf;
  constructor(locales, options) {
    const o = toObject(options);
    this.#o = {
      locale: resolveLocale(locales),
      style: getOption(o, 'style', ['long', 'short', 'narrow'], 'long'),
      numeric: getOption(o, 'numeric', ['always', 'auto'], 'always'),
      numberingSystem: 'latn',
    };
    this.#nf = new NumberFormat(LOCALE);
  }
  format(value, unit) { return this.formatToParts(value, unit).map((p) => p.value).join(''); }
  formatToParts(value, unit) {
    const v = Number(value);
    if (!Number.isFinite(v)) throw new RangeError('Invalid number value');
    let u = String(unit);
    if (u.endsWith('s')) u = u.slice(0, -1);
    if (!REL_UNITS.includes(u)) throw new RangeError(`Invalid unit argument for format() '${unit}'`);
    if (this.#o.numeric === 'auto') {
      const word = REL_AUTO[u]?.[Object.is(v, -0) ? '0' : String(v)];
      if (word) return [{ type: 'literal', value: word }];
    }
    const past = v < 0 || Object.is(v, -0);
    const numberParts = this.#nf.formatToParts(Math.abs(v)).map((p) => ({ ...p, unit: u }));
    const one = Math.abs(v) === 1;
    const name = this.#o.style === 'long' ? (one ? u : `${u}s`) : one ? REL_SHORT[u] : REL_SHORT_PLURAL[u] ?? REL_SHORT[u];
    return past
      ? [...numberParts, { type: 'literal', value: ` ${name} ago` }]
      : [{ type: 'literal', value: 'in ' }, ...numberParts, { type: 'literal', value: ` ${name}` }];
  }
  resolvedOptions() { return { ...this.#o }; }
  static supportedLocalesOf(locales) { return supportedLocalesOf(locales); }
}
Object.defineProperty(RelativeTimeFormat.prototype, Symbol.toStringTag, { value: 'Intl.RelativeTimeFormat', configurable: true });

// ── Intl.ListFormat ───────────────────────────────────────────────────

/** "a, b, and c", "a or b". */
export class ListFormat {
  #o;
  constructor(locales, options) {
    const o = toObject(options);
    this.#o = {
      locale: resolveLocale(locales),
      type: getOption(o, 'type', ['conjunction', 'disjunction', 'unit'], 'conjunction'),
      style: getOption(o, 'style', ['long', 'short', 'narrow'], 'long'),
    };
  }
  format(list) { return this.formatToParts(list).map((p) => p.value).join(''); }
  formatToParts(list) {
    const items = [];
    for (const item of list ?? []) {
      if (typeof item !== 'string') throw new TypeError(`Iterable yielded ${String(item)} which is not a string`);
      items.push(item);
    }
    const { type, style } = this.#o;
    const word = type === 'disjunction' ? 'or' : type === 'unit' ? null : style === 'long' ? 'and' : style === 'short' ? '&' : null;
    const sep = type === 'unit' && style === 'narrow' ? ' ' : ', ';
    const pair = word ? ` ${word} ` : sep;
    const last = word ? `, ${word} ` : sep;
    const out = [];
    items.forEach((value, i) => {
      if (i) out.push({ type: 'literal', value: items.length === 2 ? pair : i === items.length - 1 ? last : sep });
      out.push({ type: 'element', value });
    });
    return out;
  }
  resolvedOptions() { return { ...this.#o }; }
  static supportedLocalesOf(locales) { return supportedLocalesOf(locales); }
}
Object.defineProperty(ListFormat.prototype, Symbol.toStringTag, { value: 'Intl.ListFormat', configurable: true });

// ── Intl.Collator ─────────────────────────────────────────────────────
// An approximation of the Unicode collation's root order, which English uses: compared first by base
// letters (accents and case ignored; spaces and punctuation before digits before letters), then by
// accents, then by case (lower case first); with `numeric`, runs of digits compare as numbers.

const MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
// The root order of ASCII spaces, punctuation and symbols (all before digits, which are before letters).
const PUNCTUATION = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$';
const primaryClass = (ch) => (/[\s\p{P}\p{S}]/u.test(ch) ? 0 : /\p{Nd}/u.test(ch) ? 1 : /\p{L}/u.test(ch) ? 2 : 3);
const punctuationRank = (ch) => { const i = PUNCTUATION.indexOf(ch); return i < 0 ? PUNCTUATION.length + ch.codePointAt(0) : i; };
function chunks(s, numeric) {
  const out = [];
  const re = numeric ? /\p{Nd}+|[\s\S]/gu : /[\s\S]/gu;
  for (const m of s.matchAll(re)) out.push(m[0]);
  return out;
}
function comparePrimary(a, b, numeric, ignorePunctuation) {
  const strip = (s) => (ignorePunctuation ? s.replace(/[\s\p{P}]/gu, '') : s);
  const x = chunks(strip(a), numeric), y = chunks(strip(b), numeric);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i], q = y[i];
    if (p === q) continue;
    const cp = primaryClass(p[0]), cq = primaryClass(q[0]);
    if (cp !== cq) return cp < cq ? -1 : 1;
    if (cp === 0) { const rp = punctuationRank(p), rq = punctuationRank(q); if (rp !== rq) return rp < rq ? -1 : 1; }
    if (numeric && cp === 1 && (p.length > 1 || q.length > 1 || true)) {
      const np = BigInt(p.replace(/\p{Nd}/gu, (c) => String(digitValue(c)))), nq = BigInt(q.replace(/\p{Nd}/gu, (c) => String(digitValue(c))));
      if (np !== nq) return np < nq ? -1 : 1;
      continue;
    }
    return p < q ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}
const digitValue = (c) => {
  const cp = c.codePointAt(0);
  for (let z = cp; z >= cp - 9; z--) if (!/\p{Nd}/u.test(String.fromCodePoint(z - 1)) || z === cp - 9) return cp - z;
  return 0;
};

/** Compares strings in English order. */
export class Collator {
  #o;
  constructor(locales, options) {
    const o = toObject(options);
    const usage = getOption(o, 'usage', ['sort', 'search'], 'sort');
    const numeric = getOption(o, 'numeric', 'boolean', false);
    const caseFirst = getOption(o, 'caseFirst', ['upper', 'lower', 'false'], 'false');
    const sensitivity = getOption(o, 'sensitivity', ['base', 'accent', 'case', 'variant'], 'variant');
    const ignorePunctuation = getOption(o, 'ignorePunctuation', 'boolean', false);
    this.#o = { locale: resolveLocale(locales), usage, sensitivity, ignorePunctuation, collation: 'default', numeric, caseFirst };
  }
  get compare() {
    const { sensitivity, numeric, ignorePunctuation, caseFirst } = this.#o;
    const fn = (a, b) => {
      a = String(a); b = String(b);
      if (a === b) return 0;
      const na = a.normalize('NFD'), nb = b.normalize('NFD');
      const baseA = na.replace(MARKS, '').toLowerCase(), baseB = nb.replace(MARKS, '').toLowerCase();
      const p = comparePrimary(baseA, baseB, numeric, ignorePunctuation);
      if (p || sensitivity === 'base') return p;
      if (sensitivity !== 'case') {
        const ma = na.toLowerCase().replace(/[^\u0300-\u036f]/g, (c) => (MARKS.test(c) ? c : '.')), mb = nb.toLowerCase().replace(/[^\u0300-\u036f]/g, '.');
        MARKS.lastIndex = 0;
        if (ma !== mb) return ma < mb ? -1 : 1;
        if (sensitivity === 'accent') return 0;
      }
      // Case: lower case first, unless caseFirst says upper.
      const ca = na.replace(MARKS, ''), cb = nb.replace(MARKS, '');
      for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
        if (ca[i] === cb[i]) continue;
        const upperA = ca[i] !== ca[i].toLowerCase(), upperB = cb[i] !== cb[i].toLowerCase();
        if (upperA !== upperB) return (upperA ? 1 : -1) * (caseFirst === 'upper' ? -1 : 1);
      }
      if (sensitivity === 'case') return 0;
      return a < b ? -1 : 1;
    };
    Object.defineProperty(this, 'compare', { value: fn, configurable: true });
    return fn;
  }
  resolvedOptions() { return { ...this.#o }; }
  static supportedLocalesOf(locales) { return supportedLocalesOf(locales); }
}
Object.defineProperty(Collator.prototype, Symbol.toStringTag, { value: 'Intl.Collator', configurable: true });

// ── Intl and the toLocaleString family ────────────────────────────────

const Intl = {};
Object.defineProperty(Intl, Symbol.toStringTag, { value: 'Intl', configurable: true });
for (const c of [NumberFormat, DateTimeFormat, PluralRules, Collator, RelativeTimeFormat, ListFormat]) define(Intl, c.name, c);
define(Intl, 'getCanonicalLocales', function getCanonicalLocales(locales) { return canonicalLocales(locales); });
define(globalThis, 'Intl', Intl);

// Methods as the built-ins have them: not enumerable, not constructors, with their spec names and lengths.
const method = (proto, name, fn) => define(proto, name, { [name](...args) { return fn.apply(this, args); } }[name]);
const thisNumber = (v) => {
  if (typeof v === 'number') return v;
  if (v instanceof Number) return v.valueOf();
  throw new TypeError('not a number');
};
const thisBigInt = (v) => {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'object' && v !== null) return BigInt.prototype.valueOf.call(v);
  throw new TypeError('not a BigInt');
};
method(Number.prototype, 'toLocaleString', function (locales, options) {
  return new NumberFormat(locales, options).format(thisNumber(this));
});
method(BigInt.prototype, 'toLocaleString', function (locales, options) {
  return new NumberFormat(locales, options).format(thisBigInt(this));
});
const dateMethod = (name, required, defaults) => method(Date.prototype, name, function (locales, options) {
  const t = Date.prototype.getTime.call(this);
  if (Number.isNaN(t)) return 'Invalid Date';
  return dateTimeFormatFor(locales, options, required, defaults).format(t);
});
dateMethod('toLocaleString', 'any', 'all');
dateMethod('toLocaleDateString', 'date', 'date');
dateMethod('toLocaleTimeString', 'time', 'time');
method(String.prototype, 'localeCompare', function (that, locales, options) {
  if (this === null || this === undefined) throw new TypeError('String.prototype.localeCompare called on null or undefined');
  return new Collator(locales, options).compare(String(this), String(that));
});
for (const [name, len] of [['toLocaleString', 0], ['toLocaleDateString', 0], ['toLocaleTimeString', 0]]) {
  Object.defineProperty(Date.prototype[name], 'length', { value: len });
}
Object.defineProperty(Number.prototype.toLocaleString, 'length', { value: 0 });
Object.defineProperty(BigInt.prototype.toLocaleString, 'length', { value: 0 });
Object.defineProperty(String.prototype.localeCompare, 'length', { value: 1 });
