// A slice of CPython 3.11's own regression suite (test_shutil, test_tempfile, test_os), run in the micro-VM as
// `npm run bench:cpython` runs the whole of it (bench/cpython-suite.mjs: each module in a clean run, as
// `python -m test <module>` runs it). Every test that fails must be one bench/cpython-suite-known.mjs lists with
// the reason it cannot pass in the sandbox; a new failure fails this test, and so does a known one that now
// passes (the list must stay true). The image is the standard one plus the `test` package
// (`bash guest/build.sh python-tests`, built here when missing or stale).
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureSuiteImage, runSuiteModule, suiteSandbox } from '../../bench/cpython-suite.mjs'
import { KNOWN_FAILURES } from '../../bench/cpython-suite-known.mjs'
import { native } from '../helpers/native'

/** Each module, and the fewest tests it must pass (so a module that silently stops running fails here). */
const SLICE: Record<string, number> = { test_shutil: 120, test_tempfile: 85, test_os: 190 }

describe("CPython's regression suite in the micro-VM (shutil, tempfile, os)", () => {
  let sandbox: InstanceType<typeof native.NanvixSandbox>

  beforeAll(async () => {
    ensureSuiteImage()
    sandbox = suiteSandbox(native.NanvixSandbox)
    const first = await sandbox.runCode('import test.support, test.libregrtest; print("ok")', 'python')
    expect(first.output).toBe('ok\n')
  })

  for (const [module, least] of Object.entries(SLICE)) {
    it(`${module}: every failure is a known one, and at least ${least} tests pass`, async () => {
      const s = await runSuiteModule(sandbox, module)
      const failing = s.problems.map(([id]: [string]) => id).sort()
      const unexplained = failing.filter((id: string) => !(id in KNOWN_FAILURES))
      expect(unexplained, `failures with no reason in bench/cpython-suite-known.mjs: ${JSON.stringify(s.problems)}`).toEqual([])
      const known = Object.keys(KNOWN_FAILURES).filter((id) => id.startsWith(`test.${module}.`)).sort()
      expect(failing, 'a known failure now passes: remove it from bench/cpython-suite-known.mjs').toEqual(known)
      expect(s.passed).toBeGreaterThanOrEqual(least)
    })
  }
})
