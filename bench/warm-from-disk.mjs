// Warm from disk, across processes: the first run of a language in a fresh process, side by side in one run:
//   off     snapshotDirectory: false: the process boots the guest and runs its warm-up (what every new process
//           paid before the snapshot directory);
//   empty   an empty snapshot directory: the same boot, plus saving the entry;
//   filled  the entry the previous process saved: loaded instead of booted;
//   ahead   the filled directory, and the process calls warmUp(language) as it starts (a server, an agent making
//           its tool), then its first call comes: what a model's first call waits for then;
// against a warm run in one process (the median of BENCH_WARM_RUNS after the first, 50 ms apart as between an
// agent's calls, as bench/speed.mjs times them). Target: filled <= 5x warm. Beside them, the bare engine
// (bench/engine, hyperlight-unikraft's own API on the same image): its snapshot saved, then in a new process
// load + start a guest + first run, and its restore + run, which is the floor of ours under the same emulation.
// Also: each entry's size on disk, and what hashing each image's root filesystem (the key's content digest,
// once per image file: remembered across processes) costs, measured here with Node's SHA-256 as a proxy.
// Each measurement is its own child process. The data image is included when installed, unless
// BENCH_WARM_DISK_DATA=0 (its boot takes minutes under emulation). Settings may be given as LCI_BENCH_…. Read the ratios: absolute times under
// software emulation (TCG) are ~50-100x those of hardware KVM.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
// Settings under LCI_* too: the emulated-KVM VM passes only those through.
const setting = (name) => process.env[name] ?? process.env[`LCI_${name}`]
const WARM_RUNS = Number(setting('BENCH_WARM_RUNS')) || 10
const CASES = {
  python: { language: 'python', config: { pythonImage: 'standard' }, code: 'print("ok")', image: 'python' },
  javascript: { language: 'javascript', config: {}, code: 'console.log("ok")', image: 'javascript' },
  'python-data': { language: 'python', config: { pythonImage: 'data' }, code: 'import pandas as pd\nprint(pd.Series([1, 2]).sum())', image: 'python-data' },
}
/** The pause between two calls, as between an agent's tool calls (bench/speed.mjs). */
const PAUSE_MS = 50
const pause = (ms) => new Promise((done) => setTimeout(done, ms))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Child mode: one sandbox, its first run and `warm` runs after it; prints them as JSON. With `ahead`, the sandbox
 * warms its language first (warmUp) and the first call comes a moment later. */
async function child(name, snapshotDirectory, warm, ahead) {
  const { NanvixSandbox } = require(join(ROOT, 'index.js'))
  const c = CASES[name]
  const logDirectory = mkdtempSync(join(tmpdir(), 'lci-bench-log-'))
  const s = new NanvixSandbox({ timeoutMs: 900_000, logDirectory, ...c.config, snapshotDirectory: snapshotDirectory === 'false' ? false : snapshotDirectory })
  let warmUp
  if (ahead) {
    warmUp = await s.warmUp(c.language)
    await pause(PAUSE_MS)
  }
  const first = await s.runCode(c.code, c.language)
  if (!first.success) throw new Error(`${name}: ${first.error}`)
  const warmRuns = []
  for (let i = 0; i < warm; i++) {
    await pause(PAUSE_MS)
    warmRuns.push((await s.runCode(c.code, c.language)).durationMs)
  }
  // Where the first run's time went: warming (boot or load), a guest at the snapshot, the program.
  const log = JSON.parse(readFileSync(join(logDirectory, 'runs.jsonl'), 'utf8').split('\n')[0])
  rmSync(logDirectory, { recursive: true, force: true })
  const parts = { warmMs: log.bootMs, prepareMs: log.prepareMs, runMs: log.runMs }
  console.log(JSON.stringify({ firstMs: first.durationMs, warmedFrom: first.warmedFrom, parts, warmMs: warmRuns, warmUp }))
  process.exit(0)
}

function measure(name, snapshotDirectory, warm = 0, ahead = false) {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name, String(snapshotDirectory), String(warm), ahead ? 'ahead' : ''], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return JSON.parse(out.trim().split('\n').pop())
}

function duBytes(dir) {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? duBytes(path) : statSync(path).blocks * 512
  }
  return total
}

async function hashMs(path) {
  const started = performance.now()
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk)
  hash.digest()
  return performance.now() - started
}

/** The bare engine's figures from disk for `name` (python or javascript): saved to `dir` by one process, then the
 * better of two loads in new processes; undefined where bench/engine is not built or has no such image. */
function bareEngine(name, dir) {
  const bin = join(ROOT, 'target', 'release', 'lci-bench-engine')
  if (!['python', 'javascript'].includes(name)) return undefined
  try {
    statSync(bin)
  } catch {
    console.log(`${name}: bench/engine is not built (cargo build --release -p lci-bench-engine): no bare-engine figures`)
    return undefined
  }
  const run = (...args) => JSON.parse(execFileSync(bin, [name, ...args], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop())
  run('save', dir)
  const loads = [run('load', dir), run('load', dir)]
  return loads.sort((a, b) => a.first_total - b.first_total)[0]
}

async function main() {
  const { defaultPythonImage } = require(join(ROOT, 'index.js'))
  let names = ['python', 'javascript']
  if (defaultPythonImage() === 'data' && setting('BENCH_WARM_DISK_DATA') !== '0') names.push('python-data')
  // BENCH_WARM_DISK_IMAGES=python-data,…: only these.
  if (setting('BENCH_WARM_DISK_IMAGES')) names = setting('BENCH_WARM_DISK_IMAGES').split(',')
  // BENCH_WARM_DISK_DIR: where the snapshot directories go; default the system's temporary directory (in the
  // emulated-KVM VM a tmpfs, which holds the data image's 907 MiB entry in a 4 GiB VM; the VM's share of the
  // host disk is 9p, where loading that entry stalls for minutes).
  const base = mkdtempSync(join(setting('BENCH_WARM_DISK_DIR') ?? tmpdir(), 'bench-warm-disk-'))
  console.log(`warm from disk: first run in a fresh process, snapshot directory off / empty / filled, vs ${WARM_RUNS} warm runs`)
  try {
    for (const name of names) {
      const dir = join(base, name)
      const off = measure(name, 'false')
      const empty = measure(name, dir, WARM_RUNS)
      const filled = measure(name, dir)
      const again = measure(name, dir)
      const ahead = measure(name, dir, 0, true)
      const warm = median(empty.warmMs)
      const engine = bareEngine(name, join(base, `${name}-engine`))
      const entries = readdirSync(dir).filter((e) => !e.startsWith('.'))
      const bytes = entries.reduce((sum, e) => sum + duBytes(join(dir, e)), 0)
      const rootfs = join(ROOT, 'npm', `guest-${CASES[name].image}`, 'rootfs.cpio')
      const hash = await hashMs(rootfs)
      if (filled.warmedFrom !== 'disk' || empty.warmedFrom !== 'boot' || off.warmedFrom !== 'boot') {
        console.log(`${name}: unexpected warm-up: off ${off.warmedFrom}, empty ${empty.warmedFrom}, filled ${filled.warmedFrom}`)
      }
      const best = Math.min(filled.firstMs, again.firstMs)
      const split = (m) => `load ${m.parts.warmMs?.toFixed(0)} + guest ${m.parts.prepareMs.toFixed(0)} + run ${m.parts.runMs.toFixed(0)} ms`
      console.log(
        `${name.padEnd(11)} first run: off ${off.firstMs.toFixed(0)} ms, empty ${empty.firstMs.toFixed(0)} ms (boot + save), ` +
          `filled ${filled.firstMs.toFixed(0)} / ${again.firstMs.toFixed(0)} ms (${filled.warmedFrom}); warm ${warm.toFixed(1)} ms; ` +
          `filled/warm ${(best / warm).toFixed(1)}x (target <= 5x), off/warm ${(off.firstMs / warm).toFixed(0)}x, ` +
          `off/filled ${(off.firstMs / best).toFixed(0)}x`,
      )
      console.log(`${' '.repeat(11)} filled first run: ${split(filled)} / ${split(again)}`)
      console.log(
        `${' '.repeat(11)} warmed ahead (warmUp ${ahead.warmUp.durationMs.toFixed(0)} ms from ${ahead.warmUp.warmedFrom}, then the first call): ` +
          `${ahead.firstMs.toFixed(1)} ms, ${(ahead.firstMs / warm).toFixed(1)}x warm`,
      )
      if (engine) {
        console.log(
          `${' '.repeat(11)} bare engine from disk: load ${engine.load.toFixed(0)} + start ${engine.start.toFixed(0)} + first run ` +
            `${engine.first_run.toFixed(0)} = ${engine.first_total.toFixed(0)} ms; its restore + run ${engine.restore_run_median.toFixed(1)} ms ` +
            `(${(engine.first_total / engine.restore_run_median).toFixed(1)}x); ours filled / engine's ${(best / engine.first_total).toFixed(2)}x`,
        )
      }
      console.log(
        `${' '.repeat(11)} entry ${(bytes / 2 ** 20).toFixed(0)} MiB on disk; image ${(statSync(rootfs).size / 2 ** 20).toFixed(0)} MiB, ` +
          `its SHA-256 ${hash.toFixed(0)} ms (once per image file, then remembered)`,
      )
    }
  } finally {
    rmSync(base, { recursive: true, force: true })
  }
  console.error('warm from disk: done')
  process.exit(0)
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], Number(process.argv[5]), process.argv[6] === 'ahead')
else await main()
