// Rich results (a last expression's value and images) as the Python guest returns them, for host tests: real
// image bytes, and a hyperlight CodeExecutionTool whose stand-in addon answers with them.
import { deflateSync } from 'node:zlib'

import { CodeExecutionTool, type CodeExecutionToolOptions } from '../../src/code-execution-tool'
import type { NativeAddon, NativeWorkloadImage, NativeWorkloadResult } from '../../src/native/addon'

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A valid 1×1 RGB PNG of one colour: signature, IHDR, one deflated scanline in IDAT, IEND. */
export function onePixelPng(red: number, green: number, blue: number): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(1, 0) // width
  header.writeUInt32BE(1, 4) // height
  header.writeUInt8(8, 8) // bit depth
  header.writeUInt8(2, 9) // colour type: RGB
  const scanline = Buffer.from([0, red, green, blue]) // filter type 0, then the pixel
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanline)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** A red pixel, as a matplotlib figure comes back. */
export const RED_PNG = onePixelPng(255, 0, 0)

/** A small SVG, as an object with `_repr_svg_` given to display() comes back. */
export const CIRCLE_SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><circle cx="2" cy="2" r="2"/></svg>')

/** The two images the rich run showed, in order: the PNG, then the SVG. */
export const SHOWN_IMAGES: NativeWorkloadImage[] = [
  { mimeType: 'image/png', data: RED_PNG },
  { mimeType: 'image/svg+xml', data: CIRCLE_SVG },
]

/** The code that makes the stand-in addon answer with a value and {@link SHOWN_IMAGES}. */
export const RICH_CODE = 'plot'

/** The code that makes the stand-in addon answer with the SVG alone, and no output. */
export const SVG_ONLY_CODE = 'draw'

/** A run's native result (as the addon resolves it), successful and plain unless overridden. */
export function workload(overrides: Partial<NativeWorkloadResult> = {}): NativeWorkloadResult {
  return {
    success: true,
    exitCode: 0,
    output: '',
    stderr: '',
    durationMs: 5,
    timedOut: false,
    truncated: false,
    files: {},
    sessionReset: false,
    images: [],
    toolCalls: [],
    ...overrides,
  }
}

/**
 * A stand-in native addon whose runs answer {@link RICH_CODE} with output `plotted\n`, the value `42` and
 * {@link SHOWN_IMAGES}, {@link SVG_ONLY_CODE} with the SVG alone, and any other code with `ran <code>\n` alone.
 */
export function richResultAddon(): NativeAddon {
  const run = async (code: string) =>
    code === RICH_CODE
      ? workload({ output: 'plotted\n', value: '42', images: SHOWN_IMAGES })
      : code === SVG_ONLY_CODE
        ? workload({ images: [SHOWN_IMAGES[1]] })
        : workload({ output: `ran ${code}\n` })
  class NanvixSandbox {
    runCode = run
    session = () => ({ runCode: run, reset: async () => undefined, close: async () => true })
  }
  return { NanvixSandbox } as unknown as NativeAddon
}

/** A hyperlight tool running on {@link richResultAddon}. */
export function richResultTool(options: CodeExecutionToolOptions = {}): CodeExecutionTool {
  const addon = richResultAddon()
  return new CodeExecutionTool({ ...options, environment: 'hyperlight', loadNativeAddon: () => addon })
}
