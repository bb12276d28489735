// Runs the examples in Hyperlight micro-VMs with NanvixSandbox: each language's first run boots its guest
// and snapshots it (cold), the next one restores the snapshot (warm). Then a data analysis on the data
// Python image (a summary and a chart back), and the agent-facing tool running untrusted code the way a
// model would call it. Needs a host that can run micro-VMs (`npm run demo`
// starts the emulated-KVM VM where this host cannot).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const here = dirname(fileURLToPath(import.meta.url))
const { NanvixSandbox, CodeExecutionTool } = require('../dist/index.js')

// The standard Python image here (CPython and its standard library: the quickest boot); the data analysis
// below runs on the data image.
const sandbox = new NanvixSandbox({ timeoutMs: 60_000, pythonImage: 'standard' })
for (const file of ['hello.py', 'hello.js']) {
  for (const pass of ['cold', 'warm']) {
    const r = await sandbox.run(join(here, file))
    console.log(`--- ${file} (${pass}, ${r.durationMs.toFixed(0)} ms, exit ${r.exitCode})`)
    process.stdout.write(r.output)
  }
}

// A data analysis on the data image (numpy, pandas, matplotlib…, installed with
// local-code-interpreter-guest-python-data): a CSV in through `files`, a summary and a chart out.
const data = new NanvixSandbox({ timeoutMs: 120_000, pythonImage: 'data' })
const analysis = await data.run(join(here, 'data-analysis.py'), { files: { 'sales.csv': readFileSync(join(here, 'sales.csv')) } })
console.log(`--- data-analysis.py (data image, first run boots it: ${analysis.durationMs.toFixed(0)} ms, exit ${analysis.exitCode})`)
process.stdout.write(analysis.output)
if (analysis.error) console.log(`error: ${analysis.error}`)
console.log(`value:\n${analysis.value}`)
// Where the CLI saves images too (`lci-output/` in the current directory).
const saved = join(process.cwd(), 'lci-output')
mkdirSync(saved, { recursive: true })
analysis.images.forEach((image, i) => {
  const file = join(saved, `chart-${i + 1}.png`)
  writeFileSync(file, image.data)
  // A PNG's width and height are the first fields of its IHDR chunk.
  console.log(`image ${i + 1}: ${image.mimeType}, ${image.data.readUInt32BE(16)}x${image.data.readUInt32BE(20)}, saved to ${file}`)
})

const tool = new CodeExecutionTool({ environment: 'hyperlight', timeoutMs: 10_000, pythonImage: 'standard' })
console.log(`--- tool "${tool.name}": an endless loop, then a host secret`)
const loop = await tool.execute({ code: 'while True: pass', language: 'python' })
console.log(`timedOut=${loop.timedOut} error=${loop.error?.message ?? loop.error}`)
const peek = await tool.execute({ code: 'print(open("/etc/shadow").read())', language: 'python' })
console.log(`exit ${peek.exitCode}: ${peek.output.trim().split('\n').pop()}`)
process.exit(0)
