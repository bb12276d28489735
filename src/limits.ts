import { InvalidConfigError } from './errors.js'
import { CONFIG_RANGES, MAX_CODE_BYTES, OMISSION_MARKER, OUT_OF_RANGE_MESSAGE, type ConfigField } from './generated/core-facts.js'

// Limits are facts of the Rust core, generated into ./generated/core-facts.ts.
export { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_TIMEOUT_MS, MAX_CODE_BYTES } from './generated/core-facts.js'

/** Default cap on the size of the code of one call: what one micro-VM run carries. */
export const DEFAULT_MAX_CODE_BYTES = MAX_CODE_BYTES

/**
 * Validates a whole-number option within its range (`CONFIG_RANGES`, the core's own, so a value accepted here is
 * never refused by a run); throws {@link InvalidConfigError} naming the option, worded as the core words it.
 * `fallback` when `value` is undefined.
 */
export function wholeNumber<F>(name: ConfigField, value: number | undefined, fallback: F): number | F {
  if (value === undefined) return fallback
  const { min, max } = CONFIG_RANGES[name]
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const fill: Record<string, string> = { field: name, min: String(min), max: String(max), value: String(value) }
    throw new InvalidConfigError(OUT_OF_RANGE_MESSAGE.replace(/\{(field|min|max|value)\}/g, (_, key: string) => fill[key]!))
  }
  return value
}

/** The marker put where output was cut out; `omitted` is the number of bytes left out. */
export function truncationMarker(omitted: number): string {
  return OMISSION_MARKER.replace('{omitted}', String(omitted))
}

/**
 * Collects a byte stream up to a cap, keeping its beginning and its end: the first half of the cap and the
 * most recent half, with a truncation marker between them when bytes were dropped. Memory stays within the
 * cap however much is written, so a program printing gigabytes cannot exhaust the host.
 */
export class HeadTailBuffer {
  private readonly headCap: number
  private readonly tailCap: number
  private readonly head: Buffer[] = []
  private headBytes = 0
  private tail: Buffer[] = []
  private tailBytes = 0
  private total = 0

  /** `maxBytes` is the most this buffer keeps (the marker is extra). */
  constructor(maxBytes: number) {
    this.headCap = Math.ceil(maxBytes / 2)
    this.tailCap = maxBytes - this.headCap
  }

  /** Appends a chunk. */
  push(chunk: Buffer): void {
    this.total += chunk.length
    let rest = chunk
    if (this.headBytes < this.headCap) {
      const take = Math.min(this.headCap - this.headBytes, rest.length)
      this.head.push(rest.subarray(0, take))
      this.headBytes += take
      rest = rest.subarray(take)
    }
    if (rest.length === 0 || this.tailCap === 0) return
    if (rest.length >= this.tailCap) {
      this.tail = [Buffer.from(rest.subarray(rest.length - this.tailCap))]
      this.tailBytes = this.tailCap
      return
    }
    this.tail.push(rest)
    this.tailBytes += rest.length
    // Drop whole chunks from the front while what remains still covers the tail.
    while (this.tail.length > 1 && this.tailBytes - this.tail[0].length >= this.tailCap) {
      this.tailBytes -= this.tail.shift()!.length
    }
  }

  /** Bytes written in total, kept or not. */
  get totalBytes(): number {
    return this.total
  }

  /** Bytes written but not kept. */
  get omittedBytes(): number {
    return this.total - this.headBytes - Math.min(this.tailBytes, this.tailCap)
  }

  /** True when bytes were dropped. */
  get truncated(): boolean {
    return this.omittedBytes > 0
  }

  /** The kept text, decoded as UTF-8 without splitting a character at either cut, with the marker if cut. */
  text(): string {
    const head = Buffer.concat(this.head)
    if (!this.truncated) return Buffer.concat([head, ...this.tail]).toString('utf8')
    let tail = Buffer.concat(this.tail)
    tail = tail.subarray(tail.length - Math.min(tail.length, this.tailCap))
    const headEnd = utf8BoundaryBefore(head, head.length)
    const tailStart = utf8BoundaryAfter(tail, 0)
    const omitted = this.omittedBytes + (head.length - headEnd) + tailStart
    return head.subarray(0, headEnd).toString('utf8') + truncationMarker(omitted) + tail.subarray(tailStart).toString('utf8')
  }
}

function isContinuationByte(byte: number): boolean {
  return (byte & 0xc0) === 0x80
}

/** The largest index ≤ `end` at which a cut does not split a UTF-8 character that ends after the cut. */
function utf8BoundaryBefore(buffer: Buffer, end: number): number {
  let index = end
  // Step back over at most 3 continuation bytes to the lead byte; cut before it if its sequence is incomplete.
  let back = 0
  while (index - back - 1 >= 0 && back < 3 && isContinuationByte(buffer[index - back - 1])) back++
  const leadIndex = index - back - 1
  if (leadIndex < 0) return index - back
  const lead = buffer[leadIndex]
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
  if (length > back + 1) index = leadIndex
  return index
}

/** The smallest index ≥ `start` that is not in the middle of a UTF-8 character. */
function utf8BoundaryAfter(buffer: Buffer, start: number): number {
  let index = start
  while (index < buffer.length && index - start < 3 && isContinuationByte(buffer[index])) index++
  return index
}
