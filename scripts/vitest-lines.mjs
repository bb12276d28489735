#!/usr/bin/env node
// vitest-lines.mjs — runs several vitest invocations one after another, each under a Node line of its own, and
// reports each one. `npm test` (scripts/test.mjs) uses it for the Node matrix: on the host, and inside the
// emulated-KVM VM, where scripts/vm/run.sh runs one command per boot and this is that command.
//
// usage: node scripts/vitest-lines.mjs PLAN_JSON
//   PLAN_JSON  [{ "label": "node 24", "node": "/abs/path/bin/node", "args": ["run", "FILE", ...] }, ...]
//              Each entry runs `<node> node_modules/vitest/vitest.mjs <args>` with that node's bin directory
//              first on PATH, so the `node` that tests start as child processes (the CLI, the MCP server,
//              the scratch install) is the same line.
// Output: vitest's own output, a banner before each run, and after each run one line that scripts/test.mjs reads:
//   vitest-lines: RESULT {"label":..., "status":"PASS"|"FAIL", "seconds":..., "counts":"12 passed (12)", "why":...}
// Exit status: 0 when every run passed, 1 when one failed, 2 for a malformed plan.
import { spawn } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const VITEST_ENTRY = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs')

/** The marker before each result line on stdout. */
export const RESULT_MARKER = 'vitest-lines: RESULT '

/** vitest's "Tests  3 passed | 1 skipped (4)" line, without colours, or '' when the output has none. */
export function testCounts(output) {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '')
  const line = plain.split('\n').reverse().find((l) => /^\s*Tests\s+\d/.test(l))
  return line ? line.trim().replace(/^Tests\s+/, '') : ''
}

/** Parses the RESULT lines of a run's output (in order). */
export function parseResults(output) {
  return output
    .split('\n')
    .filter((l) => l.startsWith(RESULT_MARKER))
    .map((l) => JSON.parse(l.slice(RESULT_MARKER.length)))
}

/** Runs one entry of the plan, streaming its output; resolves to its result. */
function runOne({ label, node, args }) {
  return new Promise((done) => {
    const t0 = Date.now()
    const env = { ...process.env, PATH: [dirname(node), process.env.PATH].filter(Boolean).join(':') }
    const child = spawn(node, [VITEST_ENTRY, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] })
    let tail = ''
    child.stdout.on('data', (d) => {
      process.stdout.write(d)
      tail = (tail + d).slice(-8192)
    })
    const finish = (status, why) =>
      done({ label, status, seconds: (Date.now() - t0) / 1000, counts: testCounts(tail), why })
    child.on('error', (err) => finish('FAIL', err.message))
    child.on('close', (code, signal) =>
      finish(code === 0 ? 'PASS' : 'FAIL', code === 0 ? '' : signal ? `killed by ${signal}` : `exit ${code}`),
    )
  })
}

/** Checks a parsed plan, throwing a TypeError that says what is wrong. */
function checkPlan(plan) {
  if (!Array.isArray(plan) || plan.length === 0) throw new TypeError('the plan is a non-empty JSON array')
  for (const e of plan) {
    if (typeof e?.label !== 'string' || typeof e?.node !== 'string' || !Array.isArray(e?.args)) {
      throw new TypeError(`each entry has a label, a node path and args: ${JSON.stringify(e)}`)
    }
  }
  return plan
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let plan
  try {
    plan = checkPlan(JSON.parse(process.argv[2] ?? ''))
  } catch (err) {
    console.error(`vitest-lines: ${err.message}\nusage: node scripts/vitest-lines.mjs PLAN_JSON`)
    process.exit(2)
  }
  const results = []
  for (const entry of plan) {
    console.log(`\n=== vitest-lines: ${entry.label}: vitest ${entry.args.join(' ')}`)
    const result = await runOne(entry)
    // at once, so a VM stopped by its time limit later still reports the runs that finished
    console.log(RESULT_MARKER + JSON.stringify(result))
    results.push(result)
  }
  process.exit(results.every((r) => r.status === 'PASS') ? 0 : 1)
}
