// What the JavaScript guest's web-platform globals cost, measured side by side in one process (run where
// micro-VMs run: `bash scripts/vm/run.sh -m 4G -- node bench/javascript-warmup.mjs` on a machine whose KVM
// cannot run them). Three warm-ups on the same root filesystem, each in a guest-image folder of its own
// under a temporary LCI_GUEST_DIR (the engine keeps one snapshot per root filesystem path):
//   before      the warm-up as it was before the web-platform globals (git show HEAD~N:guest/javascript/
//               warmup.js, N from BENCH_BEFORE_REF, default the commit before web-platform.js appeared)
//   after       npm/guest-javascript/warmup.js, the bundled warm-up (guest/javascript/bundle.mjs)
//   formatjs    `before` plus @formatjs's Intl polyfills with English data only, when BENCH_FORMATJS names
//               a bundle of them (the alternative to web/intl.js; optional)
// For each: the cold run (boot + warm-up + snapshot + a run), then warm runs of `console.log(1)` taken in
// turns, and on `after` warm runs of code that uses the new globals. Prints medians and ratios.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.env.BENCH_WARM_RUNS) || 20
const image = join(ROOT, 'npm/guest-javascript')
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const min = (xs) => Math.min(...xs)

const beforeRef = process.env.BENCH_BEFORE_REF
  ?? `${execFileSync('git', ['log', '--format=%H', '--diff-filter=A', '-1', '--', 'guest/javascript/web-platform.js'], { cwd: ROOT, encoding: 'utf8' }).trim()}~1`
const before = execFileSync('git', ['show', `${beforeRef}:guest/javascript/warmup.js`], { cwd: ROOT, encoding: 'utf8' })
const warmups = { before, after: readFileSync(join(image, 'warmup.js'), 'utf8') }
// In a block of its own: its top-level names would clash with the warm-up's.
if (process.env.BENCH_FORMATJS) warmups.formatjs = `${before}\n{\n${readFileSync(process.env.BENCH_FORMATJS, 'utf8')}\n}\n`

const base = mkdtempSync(join(tmpdir(), 'lci-warmup-bench-'))
const sandboxes = {}
const { NanvixSandbox } = require(join(ROOT, 'index.js'))
for (const [name, code] of Object.entries(warmups)) {
  const dir = join(base, name, 'guest-javascript')
  mkdirSync(dir, { recursive: true })
  copyFileSync(join(image, 'rootfs.cpio'), join(dir, 'rootfs.cpio'))
  writeFileSync(join(dir, 'warmup.js'), code)
  sandboxes[name] = new NanvixSandbox({ timeoutMs: 120_000 })
}

const run = async (name, code) => {
  const r = await sandboxes[name].runCode(code, 'javascript')
  if (!r.success) throw new Error(`${name}: ${r.error}\n${r.output}`)
  return r.durationMs
}
const cold = {}
// The image is found at a sandbox's first run, so LCI_GUEST_DIR names each one's folder then.
for (const name of Object.keys(warmups)) {
  process.env.LCI_GUEST_DIR = join(base, name)
  cold[name] = await run(name, 'console.log(1)')
}
const warm = Object.fromEntries(Object.keys(warmups).map((n) => [n, []]))
for (let i = 0; i < RUNS; i++) for (const name of Object.keys(warmups)) warm[name].push(await run(name, 'console.log(1)'))
const USES = [
  "const u = new URL('../b?x=1', 'https://example.com/a/c'); u.searchParams.set('y', '2')",
  "const id = crypto.randomUUID(); const n = (1234567.891).toLocaleString('en-US')",
  "const d = new Date().toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric' })",
  "const h = await crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc'))",
  'console.log(u.href, id.length, n, d, h.byteLength)',
].join('\n')
const uses = []
for (let i = 0; i < RUNS; i++) uses.push(await run('after', USES))

const kb = (s) => `${(Buffer.byteLength(s) / 1024).toFixed(0)} kB`
console.log(`JavaScript warm-up cost (${RUNS} warm runs each, medians, ms; emulated KVM times are ~50-100x hardware)`)
console.log(`rootfs.cpio ${(statSync(join(image, 'rootfs.cpio')).size / 1048576).toFixed(1)} MiB (the same for all)`)
for (const name of Object.keys(warmups)) {
  console.log(`${name.padEnd(9)} warm-up ${kb(warmups[name]).padStart(7)}  cold run ${cold[name].toFixed(0).padStart(6)}  ` +
    `warm run ${median(warm[name]).toFixed(1).padStart(6)} (fastest ${min(warm[name]).toFixed(1)})  ` +
    `(cold ${(cold[name] / cold.before).toFixed(2)}x, warm ${(median(warm[name]) / median(warm.before)).toFixed(2)}x, ` +
    `fastest warm ${(min(warm[name]) / min(warm.before)).toFixed(2)}x before's)`)
}
console.log(`after: a warm run using URL, randomUUID, toLocaleString, toLocaleDateString, subtle.digest: ${median(uses).toFixed(1)} ms ` +
  `(fastest ${min(uses).toFixed(1)}; ${(median(uses) / median(warm.after)).toFixed(2)}x a warm console.log(1))`)
process.exit(0)
