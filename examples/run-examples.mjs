// Runs the examples in Hyperlight micro-VMs with NanvixSandbox: each language's first run boots its guest
// and snapshots it (cold), the next one restores the snapshot (warm). Then the agent-facing tool runs
// untrusted code the way a model would call it. Needs a host that can run micro-VMs (`npm run demo`
// starts the emulated-KVM VM where this host cannot).
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const here = dirname(fileURLToPath(import.meta.url))
const { NanvixSandbox, CodeExecutionTool } = require('../dist/index.js')

const sandbox = new NanvixSandbox({ timeoutMs: 60_000 })
for (const file of ['hello.py', 'hello.js']) {
  for (const pass of ['cold', 'warm']) {
    const r = await sandbox.run(join(here, file))
    console.log(`--- ${file} (${pass}, ${r.durationMs.toFixed(0)} ms, exit ${r.exitCode})`)
    process.stdout.write(r.output)
  }
}

const tool = new CodeExecutionTool({ environment: 'hyperlight', timeoutMs: 10_000 })
console.log(`--- tool "${tool.name}": an endless loop, then a host secret`)
const loop = await tool.execute({ code: 'while True: pass', language: 'python' })
console.log(`timedOut=${loop.timedOut} error=${loop.error?.message ?? loop.error}`)
const peek = await tool.execute({ code: 'print(open("/etc/shadow").read())', language: 'python' })
console.log(`exit ${peek.exitCode}: ${peek.output.trim().split('\n').pop()}`)
process.exit(0)
