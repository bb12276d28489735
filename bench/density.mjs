// Density: how many warm sandboxes one process holds, each with a live session guest of its own (Python on
// the standard image, and JavaScript), run where micro-VMs run. For N = 1, 10, 100 (and 1,000 with
// BENCH_DENSITY_MAX=1000 where memory allows) a fresh child process opens N sandboxes, runs one program in a
// session of each (so each holds a guest started from the language's one snapshot) and reports its RSS and
// its private memory (Private_Clean + Private_Dirty of /proc/self/smaps_rollup). The private memory each
// sandbox adds is the slope between N = 1 and the largest N, against a baseline child that only loaded the
// addon. The engine's authors report ~2.8 MiB private per Python micro-VM with 1,000 in one process
// (hardware KVM).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SELF = fileURLToPath(import.meta.url)
const MAX = Number(process.env.BENCH_DENSITY_MAX) || 100
const COUNTS = [1, 10, 100, 1000].filter((n) => n <= MAX)
const CODE = { python: 'x = 1\nprint(x)', javascript: 'globalThis.x = 1; console.log(x)' }

/** KiB of `field` in a /proc/self file. */
function kib(file, field) {
  return Number(readFileSync(`/proc/self/${file}`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))[1])
}

/** Child mode: hold `count` sandboxes of `language` (none: only the addon), print RSS and private KiB. */
async function hold(language, count) {
  const { NanvixSandbox } = require(join(ROOT, 'index.js'))
  const held = []
  for (let i = 0; i < count; i++) {
    // One clean guest waiting per language is the pool's least; the sessions hold the rest.
    const sandbox = new NanvixSandbox({ pythonImage: 'standard', timeoutMs: 600_000, poolSize: 1 })
    const session = sandbox.session(language)
    const r = await session.runCode(CODE[language])
    if (r.output !== '1\n') throw new Error(`${language} sandbox ${i}: ${r.error ?? r.output}`)
    held.push(sandbox, session)
  }
  const priv = kib('smaps_rollup', 'Private_Clean') + kib('smaps_rollup', 'Private_Dirty')
  console.log(JSON.stringify({ rss: kib('status', 'VmRSS'), private: priv }))
  process.exit(0)
}

function measure(language, count) {
  const out = execFileSync(process.execPath, ['--expose-gc', SELF, 'hold', language, String(count)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  })
  return JSON.parse(out.trim().split('\n').pop())
}

if (process.argv[2] === 'hold') {
  const [language, count] = [process.argv[3], Number(process.argv[4])]
  if (language === 'none') {
    require(join(ROOT, 'index.js'))
    const priv = kib('smaps_rollup', 'Private_Clean') + kib('smaps_rollup', 'Private_Dirty')
    console.log(JSON.stringify({ rss: kib('status', 'VmRSS'), private: priv }))
  } else {
    await hold(language, count)
  }
} else {
  const mib = (k) => (k / 1024).toFixed(1)
  const base = measure('none', 0)
  console.log(`density bench: sandboxes each holding a live session guest; baseline (addon loaded) RSS ${mib(base.rss)} MiB, private ${mib(base.private)} MiB`)
  console.log(`| language | ${COUNTS.map((n) => `RSS at ${n}`).join(' | ')} | private per sandbox |`)
  console.log(`|---|${COUNTS.map(() => '---').join('|')}|---|`)
  for (const language of ['python', 'javascript']) {
    const at = COUNTS.map((n) => measure(language, n))
    const first = at[0]
    const last = at[at.length - 1]
    const perSandbox = (last.private - first.private) / (COUNTS[COUNTS.length - 1] - COUNTS[0])
    console.log(`| ${language} | ${at.map((m) => `${mib(m.rss)} MiB`).join(' | ')} | ${mib(perSandbox)} MiB |`)
  }
}
