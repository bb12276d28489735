// run-where-microvms-run.mjs — runs a command where Hyperlight micro-VMs run: directly when the probe
// (scripts/probe.mjs, which boots a real guest) says this host runs them, else inside the emulated-KVM VM
// (scripts/vm/run.sh). Used by `npm run demo` and `npm run bench`; `npm test` has its own, with timeouts.
import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Runs `command` (argv) in the repository root where micro-VMs run, saying where; returns its exit status. */
export function runWhereMicroVmsRun(command, label) {
  const probe = spawnSync(process.execPath, [join(ROOT, 'scripts/probe.mjs')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  })
  if (probe.status === 0) {
    console.log(`${label}: this host runs micro-VMs; running directly`)
    return spawnSync(command[0], command.slice(1), { cwd: ROOT, stdio: 'inherit' }).status ?? 1
  }
  console.log(`${label}: this host cannot run micro-VMs (${probe.stdout.trim()}); running in the emulated-KVM VM (times are emulated)`)
  return spawnSync(join(ROOT, 'scripts/vm/run.sh'), ['--', ...command], { cwd: ROOT, stdio: 'inherit' }).status ?? 1
}
