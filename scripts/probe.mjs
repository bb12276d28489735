#!/usr/bin/env node
// probe.mjs — does this machine run Hyperlight micro-VMs natively? Used by scripts/test.mjs to decide whether
// the micro-VM tests run directly or inside the emulated-KVM VM (scripts/vm/run.sh).
//
// It loads the native addon through the generated loader (./index.js) and awaits probeHypervisor(), which
// boots a tiny guest: `/dev/kvm` existing is not enough (kvm-pvm has one and fails every guest).
// Contract: probeHypervisor(): Promise<{ usable: boolean, code?: string, message: string }>.
// When the loader or the export is missing, or the probe throws or takes longer than LCI_PROBE_TIMEOUT_MS
// (default 120000), the machine counts as not usable.
//
// usage: node scripts/probe.mjs [--json]
// Output: one line, "probe: usable — <message>" or "probe: not usable (<code>) — <message>"; with --json the
// result object as JSON instead. Exit status: 0 usable, 1 not usable.
// It always ends with process.exit: a process that still holds native handles may not exit by itself.
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const TIMEOUT_MS = Number(process.env.LCI_PROBE_TIMEOUT_MS) || 120_000

async function probe() {
  let addon
  try {
    addon = createRequire(import.meta.url)(join(ROOT, 'index.js'))
  } catch (err) {
    return { usable: false, code: 'ERR_ADDON_NOT_LOADED', message: `cannot load ./index.js: ${err.message}` }
  }
  if (typeof addon.probeHypervisor !== 'function') {
    return { usable: false, code: 'ERR_NO_PROBE', message: 'the native addon does not export probeHypervisor() yet' }
  }
  let timer
  const timeout = new Promise((done) => {
    timer = setTimeout(
      () => done({ usable: false, code: 'ERR_PROBE_TIMEOUT', message: `probeHypervisor() did not answer in ${TIMEOUT_MS} ms` }),
      TIMEOUT_MS,
    )
  })
  try {
    const res = await Promise.race([addon.probeHypervisor(), timeout])
    if (!res || typeof res.usable !== 'boolean') {
      return { usable: false, code: 'ERR_PROBE_RESULT', message: `unexpected result: ${JSON.stringify(res)}` }
    }
    return res
  } catch (err) {
    return { usable: false, code: err?.code ?? 'ERR_PROBE_THREW', message: `probeHypervisor() threw: ${err?.message ?? err}` }
  } finally {
    clearTimeout(timer)
  }
}

const res = await probe()
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(res))
} else if (res.usable) {
  console.log(`probe: usable — ${res.message}`)
} else {
  console.log(`probe: not usable${res.code ? ` (${res.code})` : ''} — ${res.message}`)
}
process.exit(res.usable ? 0 : 1)
