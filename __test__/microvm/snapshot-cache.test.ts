// Warm snapshots on disk, across processes, in real micro-VMs: each "process" here is a fresh Node child with
// the addon, so what one saves another loads. Every test has a snapshot directory of its own. Never skipped.
import { execFile } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')

/** What a child reports of each run. */
interface ChildRun {
  success: boolean
  output: string
  error?: string
  warmedFrom?: string
  value?: string
  files?: Record<string, string>
}

/**
 * Runs `runs` ([language, code, options?]) one after another in a fresh Node process, on one sandbox made with
 * `config` (plus `after`: `clear` calls `clearCache({ disk: true })` after the runs, then runs the first one
 * again); resolves with each run's result. `env` is added to the child's environment.
 */
function child(
  config: Record<string, unknown>,
  runs: [string, string, Record<string, unknown>?][],
  options: { env?: Record<string, string>; clear?: boolean } = {},
): Promise<{ runs: ChildRun[]; cleared?: boolean; after?: ChildRun }> {
  const script = `
    const { NanvixSandbox } = require(${JSON.stringify(join(ROOT, 'index.js'))})
    const [config, runs, clear] = JSON.parse(process.argv[1])
    const s = new NanvixSandbox({ timeoutMs: 600000, ...config })
    const pick = (r) => ({ success: r.success, output: r.output, error: r.error, warmedFrom: r.warmedFrom, value: r.value,
      files: Object.fromEntries(Object.entries(r.files).map(([k, v]) => [k, v.toString()])) })
    const withTools = (o) => o && o.tools ? { ...o, tools: { add: async ({ a, b }) => a + b } } : o
    ;(async () => {
      const out = { runs: [] }
      for (const [language, code, o] of runs) out.runs.push(pick(await s.runCode(code, language, withTools(o))))
      if (clear) {
        out.cleared = await s.clearCache({ disk: true })
        const [language, code, o] = runs[0]
        out.after = pick(await s.runCode(code, language, withTools(o)))
      }
      console.log(JSON.stringify(out))
      process.exit(0)
    })().catch((e) => { console.error(e); process.exit(1) })`
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['-e', script, JSON.stringify([config, runs, options.clear ?? false])],
      { env: { ...process.env, ...options.env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error) return fail(new Error(`child failed: ${error.message}\n${stderr}`))
        done(JSON.parse(stdout.trim().split('\n').pop()!))
      },
    )
  })
}

/** The entries in a snapshot directory (what `cache clear` would name), without leftovers. */
const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => !name.startsWith('.')) : [])
/** Everything in a snapshot directory, leftovers and remembered digests included. */
const everything = (dir: string) => (existsSync(dir) ? readdirSync(dir) : [])
/** The largest file of an entry: its memory blob. */
function memoryBlob(entry: string): string {
  const blobs = join(entry, 'blobs', 'sha256')
  return readdirSync(blobs)
    .map((name) => join(blobs, name))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]
}
const scratch = (name: string) => mkdtempSync(join(tmpdir(), `lci-snapcache-${name}-`))

const PY = 'import sys\nprint(open("/input/in.txt").read().upper())\nopen("/output/out.txt", "w").write("written")\nprint(sys.version_info[0])\n6 * 7'
const PY_FILES = { files: { 'in.txt': 'hello' } }
const JS = 'const xs = [3, 1, 2].sort()\nconsole.log(xs.join(","))\nawait new Promise((r) => setTimeout(r, 10))\nconsole.log("after timer")'
const JS_OUT = '1,2,3\nafter timer\n'

describe('warm snapshots on disk across processes', () => {
  it('a fresh process with a filled snapshot directory loads instead of booting, and runs Python and JavaScript as a booted guest does', async () => {
    const dir = scratch('fill')
    const config = { pythonImage: 'standard', snapshotDirectory: dir }
    const runs: [string, string, Record<string, unknown>?][] = [
      ['python', PY, PY_FILES],
      ['javascript', JS],
      ['python', 'print(tools.add(a=2, b=3))', { tools: true }],
      ['javascript', 'console.log(await tools.add({ a: 4, b: 5 }))', { tools: true }],
      ['python', 'x = 1\nprint(globals().get("leak", "clean"))\nleak = 1'],
      ['python', 'print(globals().get("leak", "clean"))'],
    ]
    const booted = await child(config, runs)
    expect(booted.runs.map((r) => r.warmedFrom)).toEqual(['boot', 'boot', undefined, undefined, undefined, undefined])
    expect(entries(dir)).toHaveLength(2)
    expect(entries(dir).map((e) => e.split('-')[0]).sort()).toEqual(['javascript', 'python'])

    const loaded = await child(config, runs)
    expect(loaded.runs.map((r) => r.warmedFrom)).toEqual(['disk', 'disk', undefined, undefined, undefined, undefined])
    // Every run as in the process that booted: files in and out, the last expression's value, host functions
    // (registered on the builder, not in the snapshot), timers, and no state from one run in the next.
    for (const r of [booted, loaded]) {
      expect(r.runs[0]).toMatchObject({ success: true, output: 'HELLO\n3\n', value: '42', files: { 'out.txt': 'written' } })
      expect(r.runs[1]).toMatchObject({ success: true, output: JS_OUT })
      expect(r.runs[2]).toMatchObject({ success: true, output: '5\n' })
      expect(r.runs[3]).toMatchObject({ success: true, output: '9\n' })
      expect(r.runs[4].output).toBe('clean\n')
      expect(r.runs[5].output).toBe('clean\n')
    }
    expect(entries(dir)).toHaveLength(2)
  })

  it('a garbled, truncated or mismatched entry is never used: it is rebuilt and replaced, and the run is right', async () => {
    const dir = scratch('corrupt')
    const config = { snapshotDirectory: dir }
    await child(config, [['javascript', JS]])
    const [name] = entries(dir)
    const damage: Record<string, () => void> = {
      garbled: () => {
        // In place, same size: the bytes in the middle of the memory blob.
        const blob = memoryBlob(join(dir, name))
        const fd = openSync(blob, 'r+')
        writeSync(fd, Buffer.alloc(4096, 0xcc), 0, 4096, Math.floor(statSync(blob).size / 2))
        closeSync(fd)
      },
      truncated: () => truncateSync(memoryBlob(join(dir, name)), 1 << 20),
      'saved for another key': () => writeFileSync(join(dir, name, 'lci-key'), 'format=1\nimage=javascript\nmemory_mb=64\n'),
    }
    for (const [how, spoil] of Object.entries(damage)) {
      spoil()
      const after = await child(config, [['javascript', JS]])
      expect(after.runs[0], how).toMatchObject({ success: true, output: JS_OUT, warmedFrom: 'boot' })
      // Replaced by a sound one, which the next process loads.
      expect(entries(dir), how).toEqual([name])
      const next = await child(config, [['javascript', JS]])
      expect(next.runs[0], how).toMatchObject({ success: true, output: JS_OUT, warmedFrom: 'disk' })
    }
    expect(everything(dir).filter((n) => n.startsWith('.tmp-') || n.startsWith('.old-'))).toEqual([])
  })

  it('two processes starting at once on an empty directory both succeed and leave one sound entry; a killed save is swept', async () => {
    const dir = scratch('race')
    // What a process killed mid-save leaves: a temporary directory whose process is gone.
    const leftover = join(dir, '.tmp-javascript-0123456789abcdef01234567-999999999-0')
    mkdirSync(join(leftover, 'blobs'), { recursive: true })
    const config = { snapshotDirectory: dir }
    const both = await Promise.all([child(config, [['javascript', JS]]), child(config, [['javascript', JS]])])
    for (const r of both) expect(r.runs[0]).toMatchObject({ success: true, output: JS_OUT })
    expect(entries(dir)).toHaveLength(1)
    expect(everything(dir).filter((n) => n.startsWith('.tmp-') || n.startsWith('.old-'))).toEqual([])
    const third = await child(config, [['javascript', JS]])
    expect(third.runs[0]).toMatchObject({ success: true, output: JS_OUT, warmedFrom: 'disk' })
  })

  it('uses the user cache directory by default, and with snapshotDirectory: false writes nothing', async () => {
    const home = scratch('home')
    // The variable is cleared, whatever the caller's environment says, so the default directory is the one under test.
    const env = { XDG_CACHE_HOME: join(home, 'xdg'), HOME: home, LCI_SNAPSHOT_DIRECTORY: '' }
    const off = await child({ snapshotDirectory: false }, [['javascript', JS]], { env })
    expect(off.runs[0]).toMatchObject({ success: true, output: JS_OUT, warmedFrom: 'boot' })
    expect(readdirSync(home)).toEqual([])
    const byDefault = await child({}, [['javascript', JS]], { env })
    expect(byDefault.runs[0]).toMatchObject({ success: true, warmedFrom: 'boot' })
    expect(entries(join(home, 'xdg', 'local-code-interpreter', 'snapshots'))).toHaveLength(1)
  })

  it('clearCache({ disk: true }) and the CLI\'s cache clear empty the directory, and the next warm-up boots', async () => {
    const dir = scratch('clear')
    const config = { snapshotDirectory: dir }
    const r = await child(config, [['javascript', JS]], { clear: true })
    expect(r.cleared).toBe(true)
    // Emptied, then filled again by the run after it, which booted.
    expect(r.after).toMatchObject({ success: true, output: JS_OUT, warmedFrom: 'boot' })
    expect(entries(dir)).toHaveLength(1)

    const cli = await new Promise<{ code: number; stdout: string }>((done) =>
      execFile(process.execPath, [join(ROOT, 'dist/cli.js'), 'cache', 'clear', '--snapshot-dir', dir], (error, stdout) =>
        done({ code: error ? Number(error.code) : 0, stdout }),
      ),
    )
    expect(cli.code).toBe(0)
    expect(cli.stdout).toMatch(/^removed javascript-[0-9a-f]{24} \(\d+\.\d MiB\)$/m)
    expect(cli.stdout).toContain(`removed from ${dir}`)
    expect(everything(dir)).toEqual([])
    const again = await child(config, [['javascript', JS]])
    expect(again.runs[0]).toMatchObject({ success: true, warmedFrom: 'boot' })
  })
})
