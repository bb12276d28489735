#!/usr/bin/env node
// cpython-suite.mjs — `npm run bench:cpython`: CPython's own regression suite, for the guest's Python (3.11,
// Debian 12's libpython3.11-testsuite), run module by module in the micro-VM, each module in a clean run (a
// fresh restore of the warm snapshot), as `python -m test <module>` runs it (guest/python-tests/run_module.py:
// libregrtest's setup and runtest). Prints one row per module (passed / failed / errored / skipped, seconds,
// regrtest's verdict) and the pass rate over the tests that ran: passed / (passed + failed + errored); then
// every failure with its message's last line and why it cannot pass in the sandbox (bench/cpython-suite-known.mjs).
// Writes the whole result as JSON to .cache/cpython-suite.json. Exits 1 when a failure is not a known one.
//
// usage: npm run bench:cpython [-- MODULE...]      (default: MODULES below; names with or without `test_`)
// Environment: LCI_SUITE_TIMEOUT_MS, one module's time limit in the guest (default 900000: under emulated KVM a
// large module takes minutes); LCI_VM_MEM etc. tune the emulated-KVM VM where it is used (scripts/vm/run.sh).
//
// The image: the standard Python image plus the `test` package (`bash guest/build.sh python-tests`, run here
// when stale), found through LCI_GUEST_DIR; it is the standard image's warm-up that runs before the snapshot,
// so the tests see exactly what user code sees.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KNOWN_FAILURES } from './cpython-suite-known.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** The folder LCI_GUEST_DIR names for the suite's image (guest-python/ in it). */
export const SUITE_GUEST_DIR = join(ROOT, '.cache/guest/python-tests')
const HARNESS = join(ROOT, 'guest/python-tests/run_module.py')
const SUMMARY_MARK = '@@lci-cpython-suite@@'
const STARTED_MARK = '@@lci-test-started@@'

/** The modules run by default: what issue 15 asks to hold at ≥ 99%, and test_socket (sockets refused). */
export const MODULES = [
  'os', 'shutil', 'tempfile', 'pathlib', 'glob', 'fileio', 'threading', 'json', 're', 'csv', 'gzip', 'zipfile',
  'zlib', 'bz2', 'lzma', 'base64', 'struct', 'random', 'time', 'datetime', 'zoneinfo', 'uuid', 'locale',
  'unicodedata', 'collections', 'itertools', 'functools', 'math', 'statistics', 'fractions', 'decimal', 'typing',
  'dataclasses', 'enum', 'pickle', 'copy', 'hashlib', 'difflib', 'bytes', 'list', 'dict', 'set', 'socket',
].map((m) => `test_${m}`)

/** Builds the suite's image when it is missing or stale (incremental: well under a second when up to date). */
export function ensureSuiteImage() {
  const r = spawnSync('bash', [join(ROOT, 'guest/build.sh'), 'python-tests'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) throw new Error('building the python-tests image failed (guest/build.sh python-tests)')
}

/** A sandbox that runs Python on the suite's image. Call before any other sandbox of the process runs Python. */
export function suiteSandbox(NanvixSandbox, options = {}) {
  if (!existsSync(join(SUITE_GUEST_DIR, 'guest-python/rootfs.cpio'))) {
    throw new Error(`no suite image in ${SUITE_GUEST_DIR}: run bash guest/build.sh python-tests`)
  }
  process.env.LCI_GUEST_DIR = SUITE_GUEST_DIR
  return new NanvixSandbox({
    pythonImage: 'standard',
    memoryMb: 1024,
    timeoutMs: Number(process.env.LCI_SUITE_TIMEOUT_MS) || 900_000,
    maxOutputBytes: 1 << 20,
    ...options,
  })
}

/**
 * Runs one module of the suite in a clean run of `sandbox` and returns its summary: { module, verdict, ran,
 * passed, failed, errored, skipped, seconds, problems: [[testId, 'failed'|'errored', message]] }. A run that
 * times out or ends without a summary (the guest crashed) is one errored entry with what the run said.
 */
export async function runSuiteModule(sandbox, module) {
  const name = module.startsWith('test_') ? module : `test_${module}`
  const code = `${readFileSync(HARNESS, 'utf8')}\n_lci_suite_main(${JSON.stringify(name)})\n`
  const started = Date.now()
  const r = await sandbox.runCode(code, 'python')
  const line = r.output.split('\n').reverse().find((l) => l.startsWith(SUMMARY_MARK))
  if (line) return { ...JSON.parse(line.slice(SUMMARY_MARK.length + 1)), exitCode: r.exitCode }
  const last = r.stderr.split('\n').reverse().find((l) => l.startsWith(STARTED_MARK))
  const during = last ? `, in ${last.slice(STARTED_MARK.length + 1)}` : ''
  const why = r.timedOut
    ? `timed out after ${Date.now() - started} ms${during}`
    : `no summary (exit ${r.exitCode}${during}): ${r.error ?? ''} ${r.stderr.slice(-500)}`
  return { module: name, verdict: r.timedOut ? 'Timeout' : 'Crashed', ran: 0, passed: 0, failed: 0, errored: 1, skipped: 0,
    seconds: Math.round((Date.now() - started) / 100) / 10, problems: [[name, 'errored', why]], exitCode: r.exitCode }
}

/** Totals over summaries and the pass rate (passed over the tests that ran and were not skipped). */
export function totals(summaries) {
  const t = { passed: 0, failed: 0, errored: 0, skipped: 0 }
  for (const s of summaries) for (const k of Object.keys(t)) t[k] += s[k]
  const counted = t.passed + t.failed + t.errored
  return { ...t, rate: counted ? t.passed / counted : 0 }
}

function table(summaries) {
  const rows = [['module', 'passed', 'failed', 'errored', 'skipped', 's', 'regrtest']]
  for (const s of summaries) rows.push([s.module, s.passed, s.failed, s.errored, s.skipped, s.seconds, s.verdict])
  const t = totals(summaries)
  rows.push(['total', t.passed, t.failed, t.errored, t.skipped, Math.round(summaries.reduce((a, s) => a + s.seconds, 0)), ''])
  const width = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)))
  return rows.map((r) => r.map((c, i) => (i === 0 || i === 6 ? String(c).padEnd(width[i]) : String(c).padStart(width[i]))).join('  ')).join('\n')
}

async function runHere(modules) {
  const require = createRequire(import.meta.url)
  const { NanvixSandbox } = require(join(ROOT, 'index.js'))
  const sandbox = suiteSandbox(NanvixSandbox)
  const boot = Date.now()
  const first = await sandbox.runCode('import test.support, test.libregrtest; print("ok")', 'python')
  if (first.output !== 'ok\n') throw new Error(`the suite image does not import its harness: ${first.error ?? first.output}`)
  console.log(`cpython-suite: booted the suite image in ${Date.now() - boot} ms; ${modules.length} modules, each in a clean run`)
  const summaries = []
  for (const m of modules) {
    const s = await runSuiteModule(sandbox, m)
    summaries.push(s)
    console.log(`  ${s.module.padEnd(18)} ${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s.skipped} skipped  (${s.seconds} s, ${s.verdict})`)
  }
  const t = totals(summaries)
  console.log(`\n${table(summaries)}\n`)
  console.log(`pass rate: ${(t.rate * 100).toFixed(2)}% (${t.passed} of ${t.passed + t.failed + t.errored} tests that ran; ${t.skipped} skipped)`)
  const problems = summaries.flatMap((s) => s.problems)
  const unexplained = problems.filter(([id]) => !(id in KNOWN_FAILURES))
  if (problems.length) {
    console.log('\nfailures and errors (why each cannot pass in the sandbox: bench/cpython-suite-known.mjs):')
    for (const [id, kind, message] of problems) {
      console.log(`  ${kind.padEnd(7)} ${id}\n          ${message}\n          ${KNOWN_FAILURES[id] ? `why: ${KNOWN_FAILURES[id]}` : 'NOT A KNOWN FAILURE'}`)
    }
  }
  if (unexplained.length) console.log(`\n${unexplained.length} failures are not known ones (bench/cpython-suite-known.mjs)`)
  writeFileSync(join(ROOT, '.cache/cpython-suite.json'), JSON.stringify({ when: new Date().toISOString(), totals: t, summaries }, null, 2))
  return unexplained.length ? 1 : 0
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const args = process.argv.slice(2)
  const here = args[0] === '--here'
  const modules = (here ? args.slice(1) : args).map((m) => (m.startsWith('test_') ? m : `test_${m}`))
  const chosen = modules.length ? modules : MODULES
  if (here) {
    process.exit(await runHere(chosen))
  } else {
    ensureSuiteImage()
    const { runWhereMicroVmsRun } = await import('../scripts/run-where-microvms-run.mjs')
    process.exit(runWhereMicroVmsRun(['node', 'bench/cpython-suite.mjs', '--here', ...chosen], 'cpython-suite'))
  }
}
