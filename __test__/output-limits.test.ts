import { describe, expect, it } from 'vitest'

import { HeadTailBuffer } from '../src/limits'

describe('output limits', () => {
  it('keeps everything under the cap', () => {
    const buffer = new HeadTailBuffer(100)
    buffer.push(Buffer.from('hello '))
    buffer.push(Buffer.from('world'))
    expect(buffer.text()).toBe('hello world')
    expect(buffer.truncated).toBe(false)
  })

  it('keeps the beginning and the end with a marker counting what was left out', () => {
    const buffer = new HeadTailBuffer(10)
    for (const chunk of ['abc', 'defgh', 'ijklmnop', 'qrstuvwxyz']) buffer.push(Buffer.from(chunk))
    expect(buffer.truncated).toBe(true)
    expect(buffer.totalBytes).toBe(26)
    expect(buffer.text()).toBe('abcde\n[… 16 bytes of output omitted …]\nvwxyz')
  })

  it('never splits a UTF-8 character at a cut', () => {
    const buffer = new HeadTailBuffer(21)
    buffer.push(Buffer.from('é'.repeat(50) + '€'.repeat(50)))
    const capped = buffer.text()
    expect(buffer.truncated).toBe(true)
    expect(capped).not.toContain('\uFFFD')
    expect(capped.startsWith('é'.repeat(5))).toBe(true)
    expect(capped.endsWith('€'.repeat(3))).toBe(true)
  })

  it('keeps memory bounded however much is written', () => {
    const buffer = new HeadTailBuffer(1000)
    const chunk = Buffer.alloc(65536, 'y')
    for (let i = 0; i < 200; i++) buffer.push(chunk)
    buffer.push(Buffer.from('THE END'))
    expect(buffer.text().endsWith('THE END')).toBe(true)
    expect(Buffer.byteLength(buffer.text())).toBeLessThan(1100)
    expect(buffer.omittedBytes).toBe(200 * 65536 + 7 - 1000)
  })
})
