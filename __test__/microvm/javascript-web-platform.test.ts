// The JavaScript guest's web-platform globals (URL, crypto, AbortController, EventTarget, Blob, Intl…),
// checked in a real micro-VM: guest/javascript/web-platform-conformance.js, one case per global, runs as a
// run's code and reports every case that fails by name; then what a single case cannot show (a fresh
// random stream per run, a listener's exception, a timeout that does not hold the run open). Never skipped.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { native } from '../helpers/native'

const CONFORMANCE = join(__dirname, '../../guest/javascript/web-platform-conformance.js')

describe('JavaScript web-platform globals in a micro-VM', () => {
  const sandbox = new native.NanvixSandbox({ timeoutMs: 60_000 })
  const js = (code: string) => sandbox.runCode(code, 'javascript')

  it('passes every case of the conformance list', async () => {
    const source = readFileSync(CONFORMANCE, 'utf8')
    const declared = source.match(/^\s*test\('/gm)?.length ?? 0
    const r = await js(source)
    expect(r.stderr).toBe('')
    const line = r.output.split('\n').find((l) => l.startsWith('WPT-RESULT '))
    expect(line, `no WPT-RESULT line in:\n${r.output}`).toBeDefined()
    const result = JSON.parse(line!.slice('WPT-RESULT '.length)) as { cases: number; failed: { name: string; error: string }[] }
    // Each failing case by name, with why.
    expect(result.failed).toEqual([])
    expect(result.cases).toBe(declared)
    expect(declared).toBeGreaterThanOrEqual(35)
    expect(r.success).toBe(true)
  })

  it('draws different random values and UUIDs in every run restored from the one snapshot', async () => {
    const code = 'console.log(crypto.randomUUID(), Array.from(crypto.getRandomValues(new Uint8Array(16))).join(","))'
    const outputs = new Set<string>()
    for (let i = 0; i < 4; i++) {
      const r = await js(code)
      expect(r.success).toBe(true)
      outputs.add(r.output)
    }
    expect(outputs.size).toBe(4)
  })

  it('fails the run with an error a listener threw, after the other listeners ran', async () => {
    const r = await js(`
      const t = new EventTarget()
      t.addEventListener('go', () => { throw new RangeError('listener broke') })
      t.addEventListener('go', () => console.log('second listener ran'))
      console.log('dispatch returned', t.dispatchEvent(new Event('go')))`)
    expect(r.success).toBe(false)
    expect(r.output).toContain('second listener ran\ndispatch returned true\n')
    expect(r.output).toContain('RangeError: listener broke')
  })

  it('does not keep a run open for an AbortSignal.timeout nobody listens to', async () => {
    const quick = new native.NanvixSandbox({ timeoutMs: 20_000 })
    const r = await quick.runCode("const s = AbortSignal.timeout(600000)\nconsole.log('done', s.aborted)", 'javascript')
    expect(r).toMatchObject({ success: true, timedOut: false, output: 'done false\n' })
  })

  it('gives model-written code what it reaches for: new URL, toLocaleString, randomUUID', async () => {
    const r = await js(`
      const u = new URL('/api/items?page=2', 'https://shop.example.com')
      u.searchParams.set('sort', 'price desc')
      console.log(u.toString())
      console.log((1234567.891).toLocaleString(), (0.075).toLocaleString('en-US', { style: 'percent', minimumFractionDigits: 1 }))
      console.log(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(49.9))
      console.log(new Date(Date.UTC(2025, 2, 9, 17, 45)).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }))
      console.log(typeof crypto.randomUUID(), crypto.randomUUID().length)`)
    expect(r.output).toBe([
      'https://shop.example.com/api/items?page=2&sort=price+desc',
      '1,234,567.891 7.5%',
      '$49.90',
      'Mar 9, 2025, 5:45 PM',
      'string 36',
      '',
    ].join('\n'))
  })
})
