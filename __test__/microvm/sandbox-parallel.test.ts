// Concurrent runs on one sandbox: each in its own micro-VM restored from the one snapshot, at most
// maxConcurrency at once, and the Node event loop stays live throughout.
import { describe, expect, it } from 'vitest'
import { native } from '../helpers/native'

describe('parallel runs', () => {
  it('runs 8 programs at once, each returning its own output, while a timer keeps firing', async () => {
    const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 120_000 })
    await sandbox.runCode('console.log("warm")', 'javascript')
    let ticks = 0
    const timer = setInterval(() => ticks++, 10)
    const started = Date.now()
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        sandbox.runCode(`let s = 0; for (let k = 0; k < 200000; k++) s += k % ${i + 2}; console.log(${i}, s)`, 'javascript'),
      ),
    )
    clearInterval(timer)
    const elapsed = Date.now() - started
    results.forEach((r, i) => {
      let s = 0
      for (let k = 0; k < 200000; k++) s += k % (i + 2)
      expect(r.output).toBe(`${i} ${s}\n`)
    })
    // A live event loop fires the 10 ms timer all along (generously: a quarter of the ideal count).
    expect(ticks).toBeGreaterThan(elapsed / 10 / 4)
  })

  it('never runs more than maxConcurrency at once; the rest wait their turn', async () => {
    const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 120_000, maxConcurrency: 2 })
    expect(sandbox.maxConcurrency).toBe(2)
    await sandbox.runCode('print("warm")', 'python')
    // Each run records when it started and ended in guest wall-clock time (re-anchored on restore).
    const results = await Promise.all(
      Array.from({ length: 5 }, () => sandbox.runCode('import time\nt = time.time()\ntime.sleep(1)\nprint(t, time.time())', 'python')),
    )
    const spans = results.map((r) => r.output.trim().split(' ').map(Number))
    const maxOverlap = Math.max(...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length))
    expect(maxOverlap).toBeLessThanOrEqual(2)
    expect(results.every((r) => r.success)).toBe(true)
  })

  it('defaults maxConcurrency to the number of CPUs', async () => {
    const { availableParallelism } = await import('node:os')
    expect(new native.NanvixSandbox().maxConcurrency).toBe(availableParallelism())
  })
})
