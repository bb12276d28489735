#!/usr/bin/env node
// ensure-built.mjs — brings a checkout (a fresh clone included) to a runnable state, doing only what is
// missing or stale, one line per step:
//   deps     `npm ci`                when node_modules/ is missing (never when it merely looks old: npm ci
//                                    deletes node_modules, which others may be using)
//   native   `npm run build:native`  when local-code-interpreter.linux-x64-gnu.node is missing or older than
//                                    any file under crates/ or Cargo.toml / Cargo.lock
//   guests   `npm run build:guests`  when any of npm/guest-{python,javascript,c}/rootfs.cpio is missing (the
//                                    guest build is incremental itself)
//   ts       `npm run build:ts`      when dist/ is missing or older than src/ (or tsconfig.json)
// CLI:     node scripts/ensure-built.mjs      exits 0, or 1 naming the step that failed
// Library: import { ensureBuilt } from './ensure-built.mjs'
//          await ensureBuilt({ root?, log? }) → { ok: true, steps } | { ok: false, failed: 'native', steps }
//          where steps is [{ name, action: 'ok' | 'built' | 'failed', reason, seconds }]
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ADDON = 'local-code-interpreter.linux-x64-gnu.node'
const GUESTS = ['python', 'javascript', 'c'].map((g) => `npm/guest-${g}/rootfs.cpio`)

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

/** The checks, in order: each returns the reason to build, or null when up to date. */
function plan(root) {
  const at = (p) => join(root, p)
  return [
    {
      name: 'deps',
      cmd: ['npm', ['ci']],
      stale: () => (existsSync(at('node_modules')) ? null : 'node_modules/ is missing'),
    },
    {
      name: 'native',
      cmd: ['npm', ['run', 'build:native']],
      stale: () => {
        const built = newest(at(ADDON))
        if (!built) return `${ADDON} is missing`
        const src = Math.max(newest(at('crates')), newest(at('Cargo.toml')), newest(at('Cargo.lock')))
        return src > built ? `crates/ or Cargo.* changed since ${ADDON} was built` : null
      },
    },
    {
      name: 'guests',
      cmd: ['npm', ['run', 'build:guests']],
      stale: () => {
        const missing = GUESTS.filter((g) => !existsSync(at(g)))
        return missing.length ? `missing ${missing.join(', ')}` : null
      },
    },
    {
      name: 'ts',
      cmd: ['npm', ['run', 'build:ts']],
      stale: () => {
        const built = newest(at('dist'))
        if (!built) return 'dist/ is missing'
        const src = Math.max(newest(at('src')), newest(at('tsconfig.json')))
        return src > built ? 'src/ changed since dist/ was built' : null
      },
    },
  ]
}

export async function ensureBuilt({ root = ROOT, log = (line) => console.log(line) } = {}) {
  const steps = []
  for (const step of plan(root)) {
    const reason = step.stale()
    if (!reason) {
      steps.push({ name: step.name, action: 'ok', reason: 'up to date', seconds: 0 })
      log(`ensure-built: ${step.name}: up to date`)
      continue
    }
    const [cmd, args] = step.cmd
    const label = `${cmd} ${args.join(' ')}`
    log(`ensure-built: ${step.name}: ${reason} → ${label}`)
    const t0 = Date.now()
    const res = await run(cmd, args, root)
    const seconds = (Date.now() - t0) / 1000
    if (res.code !== 0) {
      const why = res.error ?? (res.signal ? `killed by ${res.signal}` : `exit ${res.code}`)
      steps.push({ name: step.name, action: 'failed', reason: `${label}: ${why}`, seconds })
      log(`ensure-built: ${step.name}: FAILED (${label}: ${why}, ${seconds.toFixed(1)} s)`)
      return { ok: false, failed: step.name, steps }
    }
    // a build that "succeeds" without producing its output must not pass (nor rebuild on every run).
    // Only absence is checked: sources edited while the build ran can legitimately leave it older.
    const still = step.stale()
    if (still && still.includes('missing')) {
      steps.push({ name: step.name, action: 'failed', reason: `${label} succeeded but ${still}`, seconds })
      log(`ensure-built: ${step.name}: FAILED (${label} succeeded but ${still})`)
      return { ok: false, failed: step.name, steps }
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
