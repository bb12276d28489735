// Micro-VM figures, run where micro-VMs run (natively, or in the emulated-KVM VM via bench/run.mjs):
//   per language: the cold run (boot + snapshot + run) and warm runs (restore + run), and their ratio;
//   code mode: a warm run making one tool call, and one making 1,000, against a warm run making none, per
//   language (the tool is an async function in this process);
//   the data Python image: its cold run, and a warm pandas + matplotlib run against a warm print("ok") on the
//   standard image;
//   warm-run throughput with 1, 2, 4 and 8 runs in flight on one sandbox, against 1 in flight;
//   C compile + run against a warm Python run;
//   the peak RSS of a host process holding 1 and then 8 sandboxes (each with a live guest of its own),
//   against a baseline process that only loaded the addon — all measured side by side in one run.
// Absolute times under software emulation (TCG) are ~50-100x those of hardware KVM: read the ratios.
// Every sandbox here has snapshotDirectory: false, so a cold run is a boot, whatever an earlier process saved
// (bench/warm-from-disk.mjs measures loading from disk).
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS) || 10
const PROGRAMS = {
  python: 'def fib(n): return n if n < 2 else fib(n-1) + fib(n-2)\nprint(fib(15))',
  javascript: 'const fib = (n) => n < 2 ? n : fib(n - 1) + fib(n - 2); console.log(fib(15))',
}
/** What a data-science run does: a DataFrame summary and a chart, which comes back as a PNG. */
const DATA_PROGRAM = [
  'import numpy as np, pandas as pd, matplotlib.pyplot as plt',
  'df = pd.DataFrame({"x": np.arange(200), "y": np.random.default_rng(1).normal(size=200).cumsum()})',
  'df.plot(x="x", y="y", figsize=(4, 3))',
  'plt.show()',
  'df.describe()',
].join('\n')
/** The sandbox settings of each measured image: Python on the standard image unless it is the data one. */
const CONFIG = { python: { pythonImage: 'standard' }, javascript: {}, 'python-data': { pythonImage: 'data' } }
const LANGUAGE = { python: 'python', javascript: 'javascript', 'python-data': 'python' }
const PROGRAM = { ...PROGRAMS, 'python-data': DATA_PROGRAM }

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * Child mode: hold `count` sandboxes of `language`, each with a session open (so each holds a live guest
 * of its own, restored from the language's one snapshot), and print the peak RSS in KiB.
 */
async function holdSandboxes(count, image) {
  const { NanvixSandbox } = require(join(ROOT, 'index.js'))
  const held = []
  for (let i = 0; i < count; i++) {
    const s = new NanvixSandbox({ snapshotDirectory: false, timeoutMs: 600_000, ...CONFIG[image] })
    if (image !== 'none') {
      const session = s.session(LANGUAGE[image])
      const r = await session.runCode(PROGRAM[image])
      if (!r.success) throw new Error(`run failed: ${r.error}`)
      held.push(session)
    }
    held.push(s)
  }
  const status = (await import('node:fs')).readFileSync('/proc/self/status', 'utf8')
  console.log(status.match(/VmHWM:\s+(\d+)/)[1])
  process.exit(0)
}

async function main() {
  const { NanvixSandbox } = require(join(ROOT, 'index.js'))
  console.log(`micro-VM bench: ${WARM_RUNS} warm runs per language, fib(15)`)
  const rows = []
  for (const language of Object.keys(PROGRAMS)) {
    const s = new NanvixSandbox({ snapshotDirectory: false, timeoutMs: 120_000, ...CONFIG[language] })
    const cold = await s.runCode(PROGRAMS[language], language)
    if (!cold.success) throw new Error(`${language}: ${cold.error}`)
    const warm = []
    for (let i = 0; i < WARM_RUNS; i++) warm.push((await s.runCode(PROGRAMS[language], language)).durationMs)
    rows.push({ language, coldMs: cold.durationMs, warmMedianMs: median(warm), ratio: cold.durationMs / median(warm) })
  }
  for (const r of rows) {
    console.log(
      `${r.language.padEnd(10)} cold ${r.coldMs.toFixed(0).padStart(6)} ms   warm median ${r.warmMedianMs.toFixed(1).padStart(7)} ms   cold/warm ${r.ratio.toFixed(1)}x`,
    )
  }
  // Throughput: rounds of `inFlight` concurrent warm runs on one sandbox.
  const tp = new NanvixSandbox({ snapshotDirectory: false, timeoutMs: 120_000, maxConcurrency: 8 })
  await tp.runCode(PROGRAMS.javascript, 'javascript')
  const perSecond = {}
  const failed = []
  for (const inFlight of [1, 2, 4, 8]) {
    const total = 16
    const started = performance.now()
    for (let done = 0; done < total; done += inFlight) {
      const round = await Promise.all(Array.from({ length: inFlight }, () => tp.runCode(PROGRAMS.javascript, 'javascript')))
      failed.push(...round.filter((r) => !r.success).map((r) => `${inFlight} in flight: ${r.timedOut ? 'timed out' : r.error}`))
      if (process.env.BENCH_VERBOSE) console.log(`  ${inFlight} in flight: ${round.map((r) => r.durationMs.toFixed(0)).join(', ')} ms`)
    }
    perSecond[inFlight] = total / ((performance.now() - started) / 1000)
  }
  console.log(
    `throughput (javascript, warm, runs/s): ` +
      [1, 2, 4, 8].map((n) => `${n} in flight ${perSecond[n].toFixed(1)} (${(perSecond[n] / perSecond[1]).toFixed(2)}x)`).join(', '),
  )
  if (failed.length) console.log(`throughput: ${failed.length} run(s) did not succeed: ${failed.join('; ')}`)
  // C: every run compiles on the host (gcc -static-pie) and runs in the exec guest.
  const c = new NanvixSandbox({ snapshotDirectory: false, timeoutMs: 120_000 })
  const cCode = '#include <stdio.h>\nint fib(int n){return n<2?n:fib(n-1)+fib(n-2);}\nint main(void){printf("%d\\n", fib(15));}'
  await c.runCode(cCode, 'c')
  const cTimes = []
  for (let i = 0; i < 5; i++) cTimes.push((await c.runCode(cCode, 'c')).durationMs)
  const pyWarm = rows.find((r) => r.language === 'python').warmMedianMs
  console.log(`C compile+run median ${median(cTimes).toFixed(0)} ms vs warm Python run ${pyWarm.toFixed(1)} ms: ${(median(cTimes) / pyWarm).toFixed(1)}x`)

  // Code mode: what a tool call from the guest costs, against the same warm run without one.
  const cm = new NanvixSandbox({ snapshotDirectory: false, timeoutMs: 120_000, pythonImage: 'standard' })
  const toolset = { tools: { echo: async (args) => args } }
  const CALLS = {
    javascript: { none: 'console.log(1)', one: 'console.log((await tools.echo({ n: 1 })).n)', many: 'let s = 0\nfor (let i = 0; i < 1000; i++) s += (await tools.echo({ n: i })).n\nconsole.log(s)' },
    python: { none: 'print(1)', one: 'print(tools.echo(n=1)["n"])', many: 'print(sum(tools.echo(n=i)["n"] for i in range(1000)))' },
  }
  for (const [language, code] of Object.entries(CALLS)) {
    await cm.runCode(code.none, language)
    const none = []
    const one = []
    for (let i = 0; i < WARM_RUNS; i++) {
      none.push((await cm.runCode(code.none, language, toolset)).durationMs)
      const r = await cm.runCode(code.one, language, toolset)
      if (!r.success || r.toolCalls.length !== 1) throw new Error(`${language} tool call: ${r.error}`)
      one.push(r.durationMs)
    }
    const many = await cm.runCode(code.many, language, toolset)
    if (!many.success || many.toolCalls.length !== 1000) throw new Error(`${language} 1,000 tool calls: ${many.error}`)
    const perCall = (many.durationMs - median(none)) / 1000
    console.log(
      `code mode ${language.padEnd(10)} warm run ${median(none).toFixed(1)} ms; with 1 tool call ${median(one).toFixed(1)} ms ` +
        `(+${(median(one) - median(none)).toFixed(1)} ms); 1,000 calls in one run ${many.durationMs.toFixed(0)} ms (${perCall.toFixed(2)} ms a call)`,
    )
  }

  // The data image: its cold run (boot of a ~500 MB image, the heavy imports, the snapshot), then warm
  // pandas + chart runs, side by side with warm print("ok") runs on the standard image.
  const data = new NanvixSandbox({ snapshotDirectory: false, timeoutMs: 600_000, pythonImage: 'data' })
  const plain = new NanvixSandbox({ snapshotDirectory: false, timeoutMs: 120_000, pythonImage: 'standard' })
  const dataCold = await data.runCode(DATA_PROGRAM, 'python')
  if (!dataCold.success || dataCold.images.length !== 1) throw new Error(`python-data: ${dataCold.error ?? 'no chart'}`)
  await plain.runCode('print("ok")', 'python')
  const dataWarm = []
  const plainWarm = []
  for (let i = 0; i < WARM_RUNS; i++) {
    dataWarm.push((await data.runCode(DATA_PROGRAM, 'python')).durationMs)
    plainWarm.push((await plain.runCode('print("ok")', 'python')).durationMs)
  }
  console.log(
    `python-data cold ${dataCold.durationMs.toFixed(0)} ms; warm pandas + chart median ${median(dataWarm).toFixed(1)} ms vs ` +
      `warm print("ok") on the standard image ${median(plainWarm).toFixed(1)} ms: ${(median(dataWarm) / median(plainWarm)).toFixed(1)}x; ` +
      `cold/warm ${(dataCold.durationMs / median(dataWarm)).toFixed(0)}x`,
  )

  const rss = (count, language) =>
    Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--hold', String(count), language], { encoding: 'utf8' }).trim())
  const base = rss(1, 'none')
  console.log(`peak RSS, addon loaded, no guest: ${(base / 1024).toFixed(0)} MiB`)
  for (const language of Object.keys(PROGRAM)) {
    const one = rss(1, language)
    const eight = rss(8, language)
    console.log(
      `${language.padEnd(10)} peak RSS 1 sandbox ${(one / 1024).toFixed(0)} MiB, 8 sandboxes ${(eight / 1024).toFixed(0)} MiB ` +
        `(+${((eight - one) / 7 / 1024).toFixed(1)} MiB per sandbox after the first; 8/1 = ${(eight / one).toFixed(2)}x)`,
    )
  }
  process.exit(0)
}

if (process.argv[2] === '--hold') await holdSandboxes(Number(process.argv[3]), process.argv[4])
else await main()
