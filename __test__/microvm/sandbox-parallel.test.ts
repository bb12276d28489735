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
    // Each run tells this process when it starts and before it ends, through tools it waits on (code mode),
    // so the count is the host's own, whatever each guest's clock says: a guest restored ahead of the
    // request keeps its clock by its timestamp counter, which under emulation need not keep pace with the
    // host's while the guest waits in the pool.
    let inside = 0
    let most = 0
    const tools = {
      enter: async () => {
        most = Math.max(most, ++inside)
      },
      leave: async () => {
        inside--
      },
    }
    const results = await Promise.all(
      Array.from({ length: 5 }, () => sandbox.runCode('import time\ntools.enter()\ntime.sleep(1)\ntools.leave()\nprint("done")', 'python', { tools })),
    )
    results.forEach((r) => expect(r).toMatchObject({ success: true, output: 'done\n' }))
    expect(most).toBe(2)
    expect(inside).toBe(0)
  })

  it('a guest that waited in the pool reads the wall clock within a few seconds of the host', async () => {
    const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 120_000 })
    await sandbox.runCode('print("warm")', 'python')
    await new Promise((done) => setTimeout(done, 5000))
    const before = Date.now() / 1000
    const r = await sandbox.runCode('import time\nprint(time.time())', 'python')
    const after = Date.now() / 1000
    const guest = Number(r.output)
    console.log(`guest clock ${guest.toFixed(3)}, host ${before.toFixed(3)}..${after.toFixed(3)}`)
    expect(guest).toBeGreaterThan(before - 3)
    expect(guest).toBeLessThan(after + 3)
  })

  it('defaults maxConcurrency to the number of CPUs', async () => {
    const { availableParallelism } = await import('node:os')
    expect(new native.NanvixSandbox().maxConcurrency).toBe(availableParallelism())
  })
})
