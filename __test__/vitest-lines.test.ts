// scripts/vitest-lines.mjs, which npm test uses to run vitest under each Node line (on the host and, in one
// boot, inside the emulated-KVM VM): each run's result reaches the summary, a failed run fails the whole, and
// a malformed plan runs nothing.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { parseResults, RESULT_MARKER, testCounts } from '../scripts/vitest-lines.mjs'

const SCRIPT = join(__dirname, '..', 'scripts', 'vitest-lines.mjs')

function runPlan(plan: unknown) {
  const r = spawnSync(process.execPath, [SCRIPT, JSON.stringify(plan)], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return { status: r.status, out: r.stdout, err: r.stderr }
}

describe('vitest-lines', () => {
  it('reads vitest\'s test counts, coloured or not, and its own result lines', () => {
    expect(testCounts(' Test Files  2 passed (2)\n      \u001b[2mTests \u001b[22m \u001b[1m\u001b[32m12 passed\u001b[39m\u001b[22m | 1 skipped (13)\n')).toBe('12 passed | 1 skipped (13)')
    expect(testCounts('no summary here')).toBe('')
    const line = { label: 'node 24', status: 'PASS', seconds: 1, counts: '', why: '' }
    expect(parseResults(`noise\n${RESULT_MARKER}${JSON.stringify(line)}\nmore`)).toEqual([line])
  })

  it('runs each entry under its node and reports each; one failing entry makes the exit status 1', () => {
    const { status, out } = runPlan([
      { label: 'ok', node: process.execPath, args: ['--version'] },
      { label: 'no files', node: process.execPath, args: ['run', '__test__/no-such-file-anywhere.test.ts'] },
    ])
    expect(status).toBe(1)
    expect(parseResults(out).map((r) => [r.label, r.status])).toEqual([
      ['ok', 'PASS'],
      ['no files', 'FAIL'],
    ])
  })

  it('refuses a malformed plan with exit status 2, running nothing', () => {
    for (const plan of [[], [{ label: 'x' }], 'not a list']) {
      const { status, err, out } = runPlan(plan)
      expect(status, JSON.stringify(plan)).toBe(2)
      expect(err).toMatch(/usage: node scripts\/vitest-lines.mjs/)
      expect(parseResults(out)).toEqual([])
    }
  })
})
