// Warming a language ahead of its first run (NanvixSandbox.warmUp, CodeExecutionTool.warmUp, `mcp --warm-up`), in
// real micro-VMs: a server or an agent calls it as it starts, so that its first call is a warm run. The warm-up
// boots the guest (or loads its snapshot from the snapshot directory) exactly as that first run would have.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CodeExecutionTool } from '../../src/code-execution-tool'
import { native } from '../helpers/native'

const { NanvixSandbox } = native
const ROOT = resolve(__dirname, '../..')

describe('warm-up ahead of the first run', () => {
  it('warmUp boots the guest once; the first run after it is warm, and a second warmUp finds it warm', async () => {
    const sandbox = new NanvixSandbox({ snapshotDirectory: false, maxConcurrency: 1 })
    const warm = await sandbox.warmUp('javascript')
    expect(warm.warmedFrom).toBe('boot')
    expect(warm.durationMs).toBeGreaterThan(0)
    const run = await sandbox.runCode('console.log(6 * 7)', 'javascript')
    expect(run).toMatchObject({ success: true, output: '42\n' })
    expect(run.warmedFrom, 'the run found the guest warm').toBeUndefined()
    expect(await sandbox.warmUp('js')).toEqual({ durationMs: 0 })
  })

  it('a run that arrives while the warm-up boots waits for it instead of booting a second guest', async () => {
    const sandbox = new NanvixSandbox({ snapshotDirectory: false, pythonImage: 'standard' })
    const [warm, run] = await Promise.all([sandbox.warmUp('python'), sandbox.runCode('print("ok")', 'python')])
    expect(run).toMatchObject({ success: true, output: 'ok\n' })
    // One of the two booted the guest; the other found it booted.
    expect([warm.warmedFrom, run.warmedFrom].filter((from) => from === 'boot')).toEqual(['boot'])
  })

  it('loads the snapshot an earlier warm-up saved to the snapshot directory', async () => {
    const snapshotDirectory = mkdtempSync(join(tmpdir(), 'lci-warm-up-'))
    try {
      // Settings of their own (the output cap), so that no other test's JavaScript guest, warm in this process, is
      // shared with these sandboxes.
      const config = { snapshotDirectory, maxOutputBytes: 54_321 }
      const first = new NanvixSandbox(config)
      expect((await first.warmUp('javascript')).warmedFrom).toBe('boot')
      // Let go of this process's warm guest, as a new process would not have it: the next warm-up loads.
      await first.clearCache()
      const second = new NanvixSandbox(config)
      expect((await second.warmUp('javascript')).warmedFrom).toBe('disk')
      expect(await second.runCode('console.log("loaded")', 'javascript')).toMatchObject({ success: true, output: 'loaded\n' })
    } finally {
      rmSync(snapshotDirectory, { recursive: true, force: true })
    }
  })

  it('the tool warms the languages asked for, and its next calls are warm', async () => {
    const tool = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', snapshotDirectory: false })
    try {
      const warmed = await tool.warmUp(['python', 'javascript'])
      expect(warmed.map((w) => [w.language, w.ok])).toEqual([
        ['python', true],
        ['javascript', true],
      ])
      const result = await tool.execute({ code: 'print(1 + 1)', language: 'python' })
      expect(result).toMatchObject({ output: '2\n', exitCode: 0 })
    } finally {
      await tool.close()
    }
  })

  it('mcp --warm-up gets the language ready while the server already serves, and says so on stderr', async () => {
    const server = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), 'mcp', '-e', 'hyperlight', '--no-snapshot-cache', '--warm-up', 'javascript'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    try {
      let stderr = ''
      const line = await new Promise<string>((done, fail) => {
        server.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString()
          const found = /warm-up of javascript: .*\n/.exec(stderr)
          if (found) done(found[0])
        })
        server.on('exit', (code) => fail(new Error(`the server exited (${code}) before its warm-up: ${stderr}`)))
      })
      expect(line).toMatch(/warm-up of javascript: ready \(boot\) in \d+ ms/)
    } finally {
      server.kill()
    }
  })
})
