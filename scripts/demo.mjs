#!/usr/bin/env node
// demo.mjs — `npm run demo`, the main job: builds what a fresh clone lacks, then runs the examples in
// Hyperlight micro-VMs (examples/run-examples.mjs). Where this host cannot run micro-VMs (no /dev/kvm, or
// one that fails every guest, as kvm-pvm does), it runs them inside the emulated-KVM VM (scripts/vm/run.sh).
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from './ensure-built.mjs'
import { runWhereMicroVmsRun } from './run-where-microvms-run.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const built = await ensureBuilt({ root: ROOT })
if (!built.ok) {
  console.error(`demo: the ${built.failed} build step failed`)
  process.exit(1)
}
process.exit(runWhereMicroVmsRun(['node', 'examples/run-examples.mjs'], 'demo'))
