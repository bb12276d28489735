#!/usr/bin/env node
// ensure-built.mjs — brings a checkout (a fresh clone on a fresh Debian 12 machine included) to a runnable
// state, doing only what is missing or stale, one line per step:
//   system   scripts/system-packages.mjs: the Debian packages the build, the tests and the VM harness need
//            (gcc g++ libc6-dev binutils cpio dpkg apt python3-pip qemu-system-x86 busybox-static): installs the missing ones with
//            apt-get as root or through passwordless sudo, else stops with the command to run
//   deps     `npm ci`                when node_modules/ is missing (never when it merely looks old: npm ci
//                                    deletes node_modules, which others may be using)
//   native   `npm run build:native`  when local-code-interpreter.linux-x64-gnu.node is missing or older than
//                                    any file under crates/ or Cargo.toml / Cargo.lock
//   guests   `bash guest/build.sh python python-data javascript c python-tests`   always: it is incremental
//                                    (an image is rebuilt only when one of its inputs changed) and takes about a
//                                    second when all are up to date; python-tests is the image CPython's own
//                                    suite runs on (not published; __test__/microvm/python-cpython-suite.test.ts)
//   ts       `npm run build:ts`      when dist/ is missing or older than src/ (or tsconfig.json)
// With LCI_PREBUILT=1 (CI's test job, which tests the artifacts its build job made) the native, guests and ts
// steps build nothing: they only check that the addon, the four guest images and dist/ are there.
// CLI:     node scripts/ensure-built.mjs      exits 0, or 1 naming the step that failed
// Library: import { ensureBuilt } from './ensure-built.mjs'
//          await ensureBuilt({ root?, log?, prebuilt? }) → { ok: true, steps } | { ok: false, failed: 'native', steps }
//          where steps is [{ name, action: 'ok' | 'built' | 'failed', reason, seconds }]
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureSystemPackages } from './system-packages.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ADDON = 'local-code-interpreter.linux-x64-gnu.node'
const GUESTS = ['python', 'python-data', 'javascript', 'c'].map((g) => `npm/guest-${g}/rootfs.cpio`)
/** The image CPython's regression suite runs on (guest/build.sh python-tests), built with the others. */
const SUITE_IMAGE = '.cache/guest/python-tests/guest-python/rootfs.cpio'
/** What guest/build.sh writes: the images and the JavaScript warm-up shipped beside its image. */
const GUEST_OUTPUTS = [
  ...GUESTS,
  'npm/guest-javascript/warmup.js',
  'npm/guest-python/warmup.py',
  'npm/guest-python-data/warmup.py',
]

/** Newest mtime (ms) of a file or of any file below a directory; 0 when absent. Skips build output dirs. */
function newest(path) {
  let st
  try {
    st = statSync(path)
  } catch {
    return 0
  }
  if (!st.isDirectory()) return st.mtimeMs
  let max = 0
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory() && (entry.name === 'target' || entry.name === 'node_modules')) continue
    max = Math.max(max, newest(join(path, entry.name)))
  }
  return max
}

function run(cmd, args, cwd) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, stdio: 'inherit' })
    child.on('error', (err) => done({ code: 127, error: err.message }))
    child.on('exit', (code, signal) => done({ code: code ?? 128, signal }))
  })
}

/**
 * The build steps, in order. Each has `stale()`, the reason to run `cmd` or null when up to date, or is
 * `always` run (its own tool decides what is stale; `outputs` tell whether it rebuilt anything). With
 * `prebuilt`, a step with `prebuilt` set only checks that its outputs exist.
 */
function plan(root) {
  const at = (p) => join(root, p)
  const missing = (paths) => {
    const absent = paths.filter((p) => !existsSync(at(p)))
    return absent.length ? `missing ${absent.join(', ')}` : null
  }
  return [
    {
      name: 'deps',
      cmd: ['npm', ['ci']],
      stale: () => (existsSync(at('node_modules')) ? null : 'node_modules/ is missing'),
    },
    {
      name: 'native',
      cmd: ['npm', ['run', 'build:native']],
      prebuilt: () => missing([ADDON]),
      stale: () => {
        const built = newest(at(ADDON))
        if (!built) return `${ADDON} is missing`
        const src = Math.max(newest(at('crates')), newest(at('Cargo.toml')), newest(at('Cargo.lock')))
        return src > built ? `crates/ or Cargo.* changed since ${ADDON} was built` : null
      },
    },
    {
      name: 'guests',
      cmd: ['bash', ['guest/build.sh', 'python', 'python-data', 'javascript', 'c', 'python-tests']],
      prebuilt: () => missing(GUEST_OUTPUTS),
      always: true,
      outputs: GUEST_OUTPUTS,
      // after the build: a build that "succeeds" without writing an image must not pass
      stale: () => missing([...GUESTS, SUITE_IMAGE]),
    },
    {
      name: 'ts',
      cmd: ['npm', ['run', 'build:ts']],
      prebuilt: () => missing(['dist/index.js']),
      stale: () => {
        const built = newest(at('dist'))
        if (!built) return 'dist/ is missing'
        const src = Math.max(newest(at('src')), newest(at('tsconfig.json')))
        return src > built ? 'src/ changed since dist/ was built' : null
      },
    },
  ]
}

export async function ensureBuilt({
  root = ROOT,
  log = (line) => console.log(line),
  prebuilt = process.env.LCI_PREBUILT === '1',
} = {}) {
  const steps = []
  const fail = (name, reason, seconds = 0) => {
    steps.push({ name, action: 'failed', reason, seconds })
    log(`ensure-built: ${name}: FAILED (${reason}${seconds ? `, ${seconds.toFixed(1)} s` : ''})`)
    return { ok: false, failed: name, steps }
  }

  // system packages first: the build steps need them (the guest build: cpio, gcc, apt-get download, dpkg)
  let t0 = Date.now()
  const sys = await ensureSystemPackages({ log: (line) => log(`ensure-built: ${line}`) })
  const sysSeconds = (Date.now() - t0) / 1000
  if (!sys.ok) return fail('system', sys.message.replace(/^system: /, ''), sysSeconds)
  if (sys.action === 'installed') {
    steps.push({ name: 'system', action: 'built', reason: sys.message, seconds: sysSeconds })
    log(`ensure-built: system: ${sys.message} in ${sysSeconds.toFixed(1)} s`)
  } else {
    steps.push({ name: 'system', action: 'ok', reason: sys.action === 'warn' ? sys.message : 'all installed', seconds: 0 })
    if (sys.action === 'none') log('ensure-built: system: all installed')
  }

  for (const step of plan(root)) {
    if (prebuilt && step.prebuilt) {
      const absent = step.prebuilt()
      if (absent) return fail(step.name, `LCI_PREBUILT=1 but ${absent} (put the build artifacts in place first)`)
      steps.push({ name: step.name, action: 'ok', reason: 'prebuilt (LCI_PREBUILT=1)', seconds: 0 })
      log(`ensure-built: ${step.name}: prebuilt, not rebuilt (LCI_PREBUILT=1)`)
      continue
    }
    const reason = step.always ? (step.stale() ?? 'checking its inputs') : step.stale()
    if (!reason) {
      steps.push({ name: step.name, action: 'ok', reason: 'up to date', seconds: 0 })
      log(`ensure-built: ${step.name}: up to date`)
      continue
    }
    const [cmd, args] = step.cmd
    const label = `${cmd} ${args.join(' ')}`
    log(`ensure-built: ${step.name}: ${reason} → ${label}`)
    const before = step.outputs?.map((p) => newest(join(root, p))).join()
    t0 = Date.now()
    const res = await run(cmd, args, root)
    const seconds = (Date.now() - t0) / 1000
    if (res.code !== 0) {
      const why = res.error ?? (res.signal ? `killed by ${res.signal}` : `exit ${res.code}`)
      return fail(step.name, `${label}: ${why}`, seconds)
    }
    // a build that "succeeds" without producing its output must not pass (nor rebuild on every run).
    // Only absence is checked: sources edited while the build ran can legitimately leave it older.
    const still = step.stale()
    if (still && still.includes('missing')) return fail(step.name, `${label} succeeded but ${still}`, seconds)
    if (step.outputs && before === step.outputs.map((p) => newest(join(root, p))).join()) {
      steps.push({ name: step.name, action: 'ok', reason: 'up to date', seconds })
      log(`ensure-built: ${step.name}: up to date (checked in ${seconds.toFixed(1)} s)`)
      continue
    }
    steps.push({ name: step.name, action: 'built', reason, seconds })
    log(`ensure-built: ${step.name}: built in ${seconds.toFixed(1)} s`)
  }
  return { ok: true, steps }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const res = await ensureBuilt()
  if (!res.ok) {
    console.error(`ensure-built: failed at step "${res.failed}"`)
    process.exit(1)
  }
}
