// MCP over HTTP against in-process calls: calls per second and p50/p99 latency of execute_code with 1, 8 and 32
// clients each making calls one after another, over HTTP (serveMcpOverHttp on loopback, the SDK's
// StreamableHTTPClientTransport, one client per connection, a token) and in process (tool.execute on the same
// tool), side by side in one run, on warm guests (warm-up calls first).
//   node bench/mcp-http.mjs [hyperlight|python|overhead]
//     hyperlight (default): JavaScript in micro-VMs: run it where micro-VMs run, as `npm run bench` does
//     python: the python environment on the host, for a machine without micro-VMs
//     overhead: a stand-in addon whose runs answer at once, so the figures are the MCP and HTTP layers' own
//               cost per call (natively, on any machine)
// Env: BENCH_MCP_CALLS calls per client per level (default 4). Needs `npm run build:ts` (dist/).
// Absolute times under software emulation (TCG) are ~50-100x those of hardware KVM: read the ratios.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'

const require = createRequire(import.meta.url)
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const { CodeExecutionTool } = require(join(ROOT, 'dist/index.js'))
const { serveMcpOverHttp } = require(join(ROOT, 'dist/mcp/http.js'))

const environment = process.argv[2] ?? 'hyperlight'
if (!['hyperlight', 'python', 'overhead'].includes(environment)) throw new Error('usage: node bench/mcp-http.mjs [hyperlight|python|overhead]')
const CALLS = Number(process.env.BENCH_MCP_CALLS) || 4
const LEVELS = [1, 8, 32]
const TOKEN = 'bench-token'
const input =
  environment === 'python'
    ? { code: 'print(sum(range(1000)))' }
    : { code: 'const fib = (n) => n < 2 ? n : fib(n - 1) + fib(n - 2); console.log(fib(15))', language: 'javascript' }
const EXPECTED = { hyperlight: '610\n', python: '499500\n', overhead: `ran ${input.code}\n` }[environment]

/** A stand-in native addon (`overhead`): every run resolves at once with `ran <code>`. */
function instantAddon() {
  const run = async (code) => ({
    success: true, exitCode: 0, output: `ran ${code}\n`, stderr: '', durationMs: 0, timedOut: false, truncated: false,
    files: {}, sessionReset: false, images: [], toolCalls: [],
  })
  class NanvixSandbox {
    runCode = run
    session = () => ({ runCode: run, reset: async () => undefined, close: async () => true })
  }
  return { NanvixSandbox, defaultPythonImage: () => 'standard' }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]

/** Runs `clients` loops of CALLS calls each through `call`; calls/s and latency quantiles. */
async function measure(clients, call) {
  const latencies = []
  const started = performance.now()
  await Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now()
        await call(client)
        latencies.push(performance.now() - t)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return { perSecond: latencies.length / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) }
}

function check(output) {
  if (output !== EXPECTED) throw new Error(`unexpected output ${JSON.stringify(output)}`)
}

const tool =
  environment === 'python'
    ? new CodeExecutionTool({ environment, timeoutMs: 600_000 })
    : new CodeExecutionTool({
        environment: 'hyperlight',
        timeoutMs: 600_000,
        pythonImage: 'standard',
        ...(environment === 'overhead' && { loadNativeAddon: () => instantAddon() }),
      })
const server = await serveMcpOverHttp(tool, { port: 0, token: TOKEN, maxCallsPerClient: 64 })
const inProcess = async () => {
  const result = await tool.execute(input)
  if (result.error) throw new Error(`${result.error.code}: ${result.error.message}`)
  check(result.output)
}
const overHttp = async (client) => {
  const result = await client.callTool({ name: 'execute_code', arguments: input }, undefined, { timeout: 600_000 })
  if (result.isError) throw new Error(result.content[0].text)
  check(result.structuredContent.output)
}

const what = { hyperlight: ' (JavaScript, warm guests)', python: ' (host python3)', overhead: ' (a stand-in addon answering at once)' }[environment]
console.log(`MCP over HTTP vs in process: ${environment}${what}, ${CALLS} calls per client per level`)
// Warm-up: the first run boots and snapshots the guest; then as many at once as the widest level.
await inProcess()
await Promise.all(Array.from({ length: Math.max(...LEVELS) }, inProcess))
console.log('clients | in process: calls/s  p50 ms  p99 ms | over HTTP: calls/s  p50 ms  p99 ms | HTTP/in-process p50')
for (const level of LEVELS) {
  const direct = await measure(Array.from({ length: level }), inProcess)
  const clients = await Promise.all(
    Array.from({ length: level }, async () => {
      const client = new Client({ name: 'bench', version: '1.0.0' })
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }))
      return client
    }),
  )
  await Promise.all(clients.map(overHttp)) // warm each connection
  const http = await measure(clients, overHttp)
  await Promise.all(clients.map((client) => client.close()))
  const f = (n) => n.toFixed(1).padStart(7)
  console.log(
    `${String(level).padStart(7)} |            ${f(direct.perSecond)} ${f(direct.p50)} ${f(direct.p99)} |           ${f(http.perSecond)} ${f(http.p50)} ${f(http.p99)} | ${(http.p50 / direct.p50).toFixed(2)}x`,
  )
}
await server.close(1000)
