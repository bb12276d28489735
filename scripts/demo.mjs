#!/usr/bin/env node
// demo.mjs — `npm run demo`, the main job: builds what a fresh clone lacks, then runs the examples in
// Hyperlight micro-VMs (examples/run-examples.mjs). Where this host cannot run micro-VMs (no /dev/kvm, or
// one that fails every guest, as kvm-pvm does), it runs them inside the emulated-KVM VM (scripts/vm/run.sh).
import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from './ensure-built.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const built = await ensureBuilt({ root: ROOT })
if (!built.ok) {
  console.error(`demo: the ${built.failed} build step failed`)
  process.exit(1)
}
const probe = spawnSync(process.execPath, [join(ROOT, 'scripts/probe.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
const example = ['node', 'examples/run-examples.mjs']
let status
if (probe.status === 0) {
  console.log('demo: this host runs micro-VMs; running the examples directly')
  status = spawnSync(example[0], example.slice(1), { cwd: ROOT, stdio: 'inherit' }).status
} else {
  console.log(`demo: this host cannot run micro-VMs (${probe.stdout.trim()}); running the examples in the emulated-KVM VM`)
  status = spawnSync(join(ROOT, 'scripts/vm/run.sh'), ['--', ...example], { cwd: ROOT, stdio: 'inherit' }).status
}
process.exit(status ?? 1)
