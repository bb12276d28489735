// Per-call overhead of the python environment against a bare `python3 -c pass` spawn, measured side by side
// in one process: the two alternate, so machine load affects both alike. Prints medians and their ratio.
//
//   npx tsx bench/python-env.ts [iterations]        (default 30 of each)
//
// The bare spawn runs the real interpreter (the shim resolved once, as the tool does); the PATH command
// (a pyenv shim here, say) is timed too, for scale. Nothing here is asserted: the figures are for reading.
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'

import { CodeExecutionTool } from '../src/code-execution-tool'
import { resolvePythonExecutable } from '../src/environments/interpreter-resolution'

const iterations = Number(process.argv[2] ?? 30)

function spawnAndWait(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.resume()
    child.stderr.resume()
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} exited ${code}`))))
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function main(): Promise<void> {
  const command = 'python3'
  const resolveStarted = performance.now()
  const executable = await resolvePythonExecutable(command)
  const resolveMs = performance.now() - resolveStarted
  const tool = new CodeExecutionTool({ environment: 'python', pythonPath: command })

  // Warm-up: file-system caches, the interpreter's pages, the tool's first call.
  await spawnAndWait(executable, ['-c', 'pass'])
  const warm = await tool.execute({ code: 'pass' })
  if (warm.error) throw new Error(`the tool failed: ${warm.error.code}: ${warm.error.message}`)

  const bare: number[] = []
  const viaTool: number[] = []
  const viaPathCommand: number[] = []
  for (let i = 0; i < iterations; i++) {
    bare.push(await spawnAndWait(executable, ['-c', 'pass']))
    const result = await tool.execute({ code: 'pass' })
    if (result.error) throw new Error(`the tool failed: ${result.error.code}`)
    viaTool.push(result.durationMs)
    if (i < Math.min(iterations, 10)) viaPathCommand.push(await spawnAndWait(command, ['-c', 'pass']))
  }

  const row = (label: string, values: number[]) =>
    `${label.padEnd(44)} median ${median(values).toFixed(1).padStart(7)} ms   p90 ${percentile(values, 90).toFixed(1).padStart(7)} ms   (n=${values.length})`
  console.log(`python environment benchmark — ${iterations} alternating iterations, Node ${process.version}`)
  console.log(`interpreter: ${command} → ${executable} (resolved once in ${resolveMs.toFixed(1)} ms)`)
  console.log(row(`bare spawn: ${executable} -c pass`, bare))
  console.log(row("tool.execute({ code: 'pass' })", viaTool))
  console.log(row(`for scale, via PATH: ${command} -c pass`, viaPathCommand))
  const ratio = median(viaTool) / median(bare)
  console.log(`per-call overhead: ${(median(viaTool) - median(bare)).toFixed(1)} ms; ratio tool/bare = ${ratio.toFixed(2)}×`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
