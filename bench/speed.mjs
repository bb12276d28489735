// Warm-run speed against the bare engine, layer by layer, in one session where micro-VMs run (natively, or in
// the emulated-KVM VM via bench/run.mjs). For Python (standard image) and JavaScript, `print("ok")`:
//   the bare engine (hyperlight-unikraft's own API on our image: restore + run; restore alone; a run on a hot
//   guest) and our core crate (`Sandbox::run_code`), both from target/release/lci-bench-engine (bench/engine),
//   then in this process the napi binding (`NanvixSandbox.runCode`) and the tool (`CodeExecutionTool.execute`).
// Each of ours is a warm run with a pause between runs, as between an agent's calls, in which the pool restores
// the used guest ahead of the next request (crates/sandbox/src/guest/pool.rs). Figures are medians; absolute times
// under emulation are ~50-100x those of hardware KVM: read the ratios against the engine's restore + run.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.env.BENCH_WARM_RUNS) || 30
/** The pause between two runs, as between an agent's tool calls (its model answers in between). */
const PAUSE_MS = 50
const CODE = { python: 'print("ok")', javascript: 'console.log("ok")' }

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const pause = () => new Promise((done) => setTimeout(done, PAUSE_MS))

/** Medians of `RUNS` warm runs of `once()` (milliseconds), after one to boot. */
async function timeWarm(once) {
  await once()
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    await once()
    times.push(performance.now() - started)
    await pause()
  }
  return median(times)
}

const { NanvixSandbox } = require(join(ROOT, 'index.js'))
const { CodeExecutionTool } = require(join(ROOT, 'dist', 'index.js'))
console.log(`speed bench: ${RUNS} warm runs of print("ok") per layer, ${PAUSE_MS} ms apart; medians in ms`)
const header = ['', 'engine restore+run', 'engine restore', 'engine hot run', 'core', 'binding', 'tool', 'binding / engine']
const rows = []
for (const language of ['python', 'javascript']) {
  const engine = JSON.parse(
    execFileSync(join(ROOT, 'target', 'release', 'lci-bench-engine'), [language, String(RUNS)], { cwd: ROOT, encoding: 'utf8' }),
  )
  const sandbox = new NanvixSandbox({ pythonImage: 'standard', timeoutMs: 120_000 })
  const binding = await timeWarm(async () => {
    const r = await sandbox.runCode(CODE[language], language)
    if (r.output !== 'ok\n') throw new Error(`${language}: the binding's run printed ${JSON.stringify(r.output)} (${r.error})`)
  })
  const tool = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard' })
  const viaTool = await timeWarm(async () => {
    const r = await tool.execute({ code: CODE[language], language })
    if (r.output !== 'ok\n') throw new Error(`${language}: the tool's run printed ${JSON.stringify(r.output)} (${r.error?.message})`)
  })
  await tool.close()
  const restoreRun = engine.engine_restore_run.median
  rows.push([
    language,
    restoreRun,
    engine.engine_restore.median,
    engine.engine_run_hot.median,
    engine.core_run.median,
    binding,
    viaTool,
    `${(binding / restoreRun).toFixed(2)}x`,
  ])
}
const cell = (v) => (typeof v === 'number' ? v.toFixed(1) : v)
console.log(`| ${header.join(' | ')} |`)
console.log(`|${header.map(() => '---').join('|')}|`)
for (const row of rows) console.log(`| ${row.map(cell).join(' | ')} |`)
