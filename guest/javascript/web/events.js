// Event, CustomEvent, EventTarget, AbortController and AbortSignal, as the DOM standard defines them
// for a target with no tree (no capture or bubble path: what Node, Deno and workers have), and as Node
// behaves where the standard leaves a choice: a listener that throws is reported as an uncaught error
// (the run fails with it) after the other listeners have run.
import { define, reportError } from './util.js';

const NONE = 0, CAPTURING_PHASE = 1, AT_TARGET = 2, BUBBLING_PHASE = 3;

/** An event: what `dispatchEvent` hands each listener. */
export class Event {
  #type; #bubbles; #cancelable; #composed;
  #target = null; #current = null; #phase = NONE; #canceled = false; #passive = false;
  #stop = false; #stopNow = false; #dispatching = false; #time = performance.now();
  constructor(type, init = {}) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
    if (init !== null && typeof init !== 'object' && typeof init !== 'function' && init !== undefined) {
      throw new TypeError("Failed to construct 'Event': The provided value is not of type 'EventInit'.");
    }
    this.#type = String(type);
    this.#bubbles = !!init?.bubbles;
    this.#cancelable = !!init?.cancelable;
    this.#composed = !!init?.composed;
  }
  get type() { return this.#type; }
  get bubbles() { return this.#bubbles; }
  get cancelable() { return this.#cancelable; }
  get composed() { return this.#composed; }
  get target() { return this.#target; }
  get srcElement() { return this.#target; }
  get currentTarget() { return this.#current; }
  get eventPhase() { return this.#phase; }
  get defaultPrevented() { return this.#canceled; }
  get returnValue() { return !this.#canceled; }
  set returnValue(v) { if (!v) this.preventDefault(); }
  get cancelBubble() { return this.#stop; }
  set cancelBubble(v) { if (v) this.#stop = true; }
  get isTrusted() { return false; }
  get timeStamp() { return this.#time; }
  composedPath() { return this.#dispatching && this.#current ? [this.#current] : []; }
  preventDefault() { if (this.#cancelable && !this.#passive) this.#canceled = true; }
  stopPropagation() { this.#stop = true; }
  stopImmediatePropagation() { this.#stop = this.#stopNow = true; }

  // What EventTarget#dispatchEvent needs to reach (the module's own access, not public API).
  static _begin(e, target) {
    if (e.#dispatching) throw new DOMException('The event is already being dispatched.', 'InvalidStateError');
    e.#dispatching = true; e.#target = target; e.#current = target; e.#phase = AT_TARGET;
  }
  static _end(e) { e.#dispatching = false; e.#current = null; e.#phase = NONE; e.#stop = e.#stopNow = false; e.#passive = false; }
  static _stoppedNow(e) { return e.#stopNow; }
  static _passive(e, on) { e.#passive = on; }
  static _canceled(e) { return e.#canceled; }
}
for (const [name, value] of Object.entries({ NONE, CAPTURING_PHASE, AT_TARGET, BUBBLING_PHASE })) {
  Object.defineProperty(Event, name, { value, enumerable: true });
  Object.defineProperty(Event.prototype, name, { value, enumerable: true });
}
const { _begin, _end, _stoppedNow, _passive, _canceled } = Event;
for (const k of ['_begin', '_end', '_stoppedNow', '_passive', '_canceled']) delete Event[k];
Object.defineProperty(Event.prototype, Symbol.toStringTag, { value: 'Event', configurable: true });

/** An event with a `detail` of the dispatcher's choosing. */
export class CustomEvent extends Event {
  #detail;
  constructor(type, init = {}) { super(type, init); this.#detail = init?.detail ?? null; }
  get detail() { return this.#detail; }
}
Object.defineProperty(CustomEvent.prototype, Symbol.toStringTag, { value: 'CustomEvent', configurable: true });

const flatten = (options) => (typeof options === 'boolean' ? { capture: options } : { ...(options ?? {}) });

/** Something events are dispatched to and listened for on. */
export class EventTarget {
  #listeners = new Map(); // type -> [{ callback, capture, once, passive, removed }]
  addEventListener(type, callback, options) {
    if (callback === null || callback === undefined) return;
    if (typeof callback !== 'function' && typeof callback !== 'object') {
      throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': parameter 2 is not of type 'Object'.");
    }
    const { capture = false, once = false, passive = false, signal } = flatten(options);
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': member signal is not of type AbortSignal.");
    }
    if (signal?.aborted) return;
    type = String(type);
    let list = this.#listeners.get(type);
    if (!list) this.#listeners.set(type, (list = []));
    if (list.some((l) => l.callback === callback && l.capture === !!capture)) return;
    const entry = { callback, capture: !!capture, once: !!once, passive: !!passive, removed: false };
    list.push(entry);
    if (this instanceof AbortSignal && type === 'abort') armTimeout(this);
    signal?.addEventListener('abort', () => this.removeEventListener(type, callback, { capture }));
  }
  removeEventListener(type, callback, options) {
    const { capture = false } = flatten(options);
    type = String(type);
    const list = this.#listeners.get(type);
    if (!list) return;
    const i = list.findIndex((l) => l.callback === callback && l.capture === !!capture);
    if (i < 0) return;
    list[i].removed = true;
    list.splice(i, 1);
    if (list.length === 0) this.#listeners.delete(type);
    if (this instanceof AbortSignal && type === 'abort' && !this.#listeners.has('abort')) disarmTimeout(this);
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) {
      throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
    }
    _begin(event, this);
    try {
      for (const l of [...(this.#listeners.get(event.type) ?? [])]) {
        if (l.removed) continue;
        if (l.once) this.removeEventListener(event.type, l.callback, { capture: l.capture });
        _passive(event, l.passive);
        try {
          if (typeof l.callback === 'function') l.callback.call(this, event);
          else if (typeof l.callback.handleEvent === 'function') l.callback.handleEvent(event);
          else throw new TypeError("The listener's handleEvent is not a function");
        } catch (error) {
          reportError(error);
        }
        _passive(event, false);
        if (_stoppedNow(event)) break;
      }
    } finally {
      _end(event);
    }
    return !_canceled(event);
  }
  /** Whether any listener for `type` is registered (used by AbortSignal.timeout). */
  static _has(target, type) { return target.#listeners.has(type); }
}
const hasListeners = EventTarget._has;
delete EventTarget._has;
Object.defineProperty(EventTarget.prototype, Symbol.toStringTag, { value: 'EventTarget', configurable: true });

// An `on<type>` property, as an event handler attribute: a listener registered once, calling whatever
// function the property holds now.
function eventHandler(proto, type) {
  const handlers = new WeakMap();
  Object.defineProperty(proto, 'on' + type, {
    get() { return handlers.get(this)?.fn ?? null; },
    set(fn) {
      let h = handlers.get(this);
      if (!h) {
        h = { fn: null, listener: (e) => h.fn?.call(this, e) };
        handlers.set(this, h);
      }
      const had = h.fn !== null;
      h.fn = typeof fn === 'function' ? fn : null;
      if (h.fn && !had) this.addEventListener(type, h.listener);
      else if (!h.fn && had) this.removeEventListener(type, h.listener);
    },
    configurable: true,
    enumerable: true,
  });
}

// ── AbortSignal and AbortController ───────────────────────────────────

let constructing = false;
const state = new WeakMap(); // signal -> { aborted, reason, deadline?, timer?, dependents? }

/** Says that an operation was aborted, and why; listen for 'abort'. Made by AbortController or its statics. */
export class AbortSignal extends EventTarget {
  constructor() {
    if (!constructing) throw new TypeError('Illegal constructor');
    super();
    state.set(this, { aborted: false, reason: undefined });
  }
  get aborted() { return due(this).aborted; }
  get reason() { return due(this).reason; }
  throwIfAborted() { const s = due(this); if (s.aborted) throw s.reason; }

  /** A signal already aborted with `reason` (an AbortError DOMException by default). */
  static abort(reason) {
    const signal = newSignal();
    signalAbort(signal, reason === undefined ? abortError() : reason, false);
    return signal;
  }
  /** A signal that aborts with a TimeoutError DOMException after `ms` milliseconds. Unlike in a
   *  browser, its timer runs only while an 'abort' listener (or onabort) waits for it, so an unused
   *  timeout never holds a run open; `aborted` and `reason` read the clock either way. */
  static timeout(ms) {
    ms = Number(ms);
    if (!(ms >= 0) || ms > Number.MAX_SAFE_INTEGER) {
      throw new TypeError(`The value of "delay" is out of range. It must be >= 0 and <= ${Number.MAX_SAFE_INTEGER}. Received ${ms}`);
    }
    const signal = newSignal();
    state.get(signal).deadline = performance.now() + Math.trunc(ms);
    return signal;
  }
  /** A signal that aborts when the first of `signals` does, with its reason. */
  static any(signals) {
    const signal = newSignal();
    const list = [...signals];
    for (const s of list) {
      if (!(s instanceof AbortSignal)) throw new TypeError('The "signals" argument must be an instance of AbortSignal');
    }
    const done = list.find((s) => s.aborted);
    if (done) { signalAbort(signal, done.reason, false); return signal; }
    const onAbort = (event) => {
      for (const s of list) s.removeEventListener('abort', onAbort);
      signalAbort(signal, event.target.reason, true);
    };
    for (const s of list) s.addEventListener('abort', onAbort);
    return signal;
  }
}
eventHandler(AbortSignal.prototype, 'abort');
Object.defineProperty(AbortSignal.prototype, Symbol.toStringTag, { value: 'AbortSignal', configurable: true });

function newSignal() {
  constructing = true;
  try { return new AbortSignal(); } finally { constructing = false; }
}
const abortError = () => new DOMException('This operation was aborted', 'AbortError');
const timeoutError = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

function signalAbort(signal, reason, dispatch) {
  const s = state.get(signal);
  if (s.aborted) return;
  s.aborted = true;
  s.reason = reason;
  disarmTimeout(signal);
  s.deadline = undefined;
  if (dispatch) signal.dispatchEvent(new Event('abort'));
}
// A timeout signal whose time has come aborts when anything looks at it.
function due(signal) {
  const s = state.get(signal);
  if (!s) throw new TypeError('Illegal invocation');
  if (!s.aborted && s.deadline !== undefined && performance.now() >= s.deadline) signalAbort(signal, timeoutError(), true);
  return s;
}
function armTimeout(signal) {
  const s = state.get(signal);
  if (!s || s.aborted || s.deadline === undefined || s.timer !== undefined) return;
  s.timer = setTimeout(() => { s.timer = undefined; due(signal); if (!s.aborted) armTimeout(signal); },
    Math.max(0, s.deadline - performance.now()));
}
function disarmTimeout(signal) {
  const s = state.get(signal);
  if (s?.timer === undefined) return;
  if (hasListeners(signal, 'abort') && !s.aborted) return;
  clearTimeout(s.timer);
  s.timer = undefined;
}

/** Aborts its `signal`. */
export class AbortController {
  #signal = newSignal();
  get signal() { return this.#signal; }
  abort(reason) { signalAbort(this.#signal, reason === undefined ? abortError() : reason, true); }
}
Object.defineProperty(AbortController.prototype, Symbol.toStringTag, { value: 'AbortController', configurable: true });

for (const c of [Event, CustomEvent, EventTarget, AbortSignal, AbortController]) define(globalThis, c.name, c);
