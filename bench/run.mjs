#!/usr/bin/env node
// run.mjs — `npm run bench`: every benchmark, figures as ratios against a baseline measured in the same run.
//   1. bench/python-env.ts   the python environment's per-call cost against a bare `python3 -c` spawn (host)
//   2. bench/microvm.mjs     cold vs warm runs per language and peak RSS with 1 and 8 sandboxes, in micro-VMs
//                            (natively where the probe says this host runs them, else in the emulated-KVM VM)
//   3. bench/mcp-http.mjs    execute_code over MCP streamable HTTP against in-process calls, 1/8/32 clients, warm
//                            micro-VM guests (where micro-VMs run, as 2.)
//   4. bench/warm-from-disk.mjs  the first run in a fresh process with the snapshot directory off, empty and
//                            filled, against a warm run (where micro-VMs run, as 2.)
//   5. bench/speed.mjs       warm runs layer by layer (core, binding, tool) against the bare engine on our images
//                            (bench/engine, built here with cargo), in one session (where micro-VMs run, as 2.)
//   6. bench/density.mjs     RSS and private memory with 1, 10 and 100 sandboxes each holding a live session
//                            guest (where micro-VMs run, as 2.)
import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from '../scripts/ensure-built.mjs'
import { runWhereMicroVmsRun } from '../scripts/run-where-microvms-run.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const built = await ensureBuilt({ root: ROOT })
if (!built.ok) process.exit(1)
const sh = (cmd, args) => spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' }).status
let failed = 0
failed += sh(join(ROOT, 'node_modules/.bin/tsx'), ['bench/python-env.ts']) === 0 ? 0 : 1
failed += runWhereMicroVmsRun(['node', 'bench/microvm.mjs'], 'bench') === 0 ? 0 : 1
failed += runWhereMicroVmsRun(['node', 'bench/mcp-http.mjs', 'hyperlight'], 'bench mcp-http') === 0 ? 0 : 1
failed += runWhereMicroVmsRun(['node', 'bench/warm-from-disk.mjs'], 'bench') === 0 ? 0 : 1
if (sh('cargo', ['build', '--release', '-p', 'lci-bench-engine']) === 0) {
  failed += runWhereMicroVmsRun(['node', 'bench/speed.mjs'], 'bench speed') === 0 ? 0 : 1
} else {
  failed += 1
}
failed += runWhereMicroVmsRun(['node', 'bench/density.mjs'], 'bench density') === 0 ? 0 : 1
process.exit(failed ? 1 : 0)
