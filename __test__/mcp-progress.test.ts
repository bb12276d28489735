// What progress notifications carry: output as it comes (once an environment streams it through
// ExecuteOptions.onOutput), else a heartbeat; on fake timers, so nothing here depends on the machine's speed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { PROGRESS_FLUSH_MS, PROGRESS_HEARTBEAT_MS, PROGRESS_MESSAGE_MAX_CHARS, reportProgress } from '../src/mcp/progress'

describe('reportProgress', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends the output written since the last notification, then heartbeats while none comes, counting up', () => {
    const sent: Array<[number, string]> = []
    const reporter = reportProgress((progress, message) => sent.push([progress, message]))
    reporter.onOutput({ stream: 'stdout', text: 'line 1\n' })
    reporter.onOutput({ stream: 'stderr', text: 'warn\n' })
    vi.advanceTimersByTime(PROGRESS_FLUSH_MS)
    expect(sent).toEqual([[1, 'line 1\nwarn\n']])
    vi.advanceTimersByTime(PROGRESS_HEARTBEAT_MS)
    expect(sent).toEqual([
      [1, 'line 1\nwarn\n'],
      [2, 'running for 1 s'],
    ])
    reporter.onOutput({ stream: 'stdout', text: 'x'.repeat(PROGRESS_MESSAGE_MAX_CHARS + 10) })
    vi.advanceTimersByTime(PROGRESS_FLUSH_MS)
    expect(sent[2][0]).toBe(3)
    expect(sent[2][1]).toBe(`…${'x'.repeat(PROGRESS_MESSAGE_MAX_CHARS)}`)
    reporter.stop()
    reporter.onOutput({ stream: 'stdout', text: 'late' })
    vi.advanceTimersByTime(10 * PROGRESS_HEARTBEAT_MS)
    expect(sent).toHaveLength(3)
  })
})
