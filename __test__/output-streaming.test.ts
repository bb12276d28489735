// Output as it is written, on the host: the python environment's onOutput and the CLI's `run`. Each program
// waits, after its first line, for a file that only the receiver of that line creates, so it can finish only
// if the line was delivered while it ran (no timing involved).
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { CodeExecutionTool } from '../src/code-execution-tool'
import type { OutputChunk } from '../src/environments/environment'

const root = resolve(__dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'lci-streaming-test-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

let files = 0
/** A path no file has yet, and Python that prints `first`, waits for that file, then prints `second`. */
function waitingProgram(): { go: string; code: string } {
  const go = join(work, `go-${files++}`)
  const code = `import os, sys, time\nprint('first')\nwhile not os.path.exists(${JSON.stringify(go)}):\n    time.sleep(0.01)\nsys.stderr.write('warned\\n')\nprint('second')\n`
  return { go, code }
}

const text = (chunks: OutputChunk[], stream: OutputChunk['stream']) =>
  chunks.filter((c) => c.stream === stream).map((c) => c.text).join('')

describe('onOutput in the python environment', () => {
  const tool = new CodeExecutionTool({ environment: 'python', timeoutMs: 20_000, maxOutputBytes: 4096 })
  afterAll(() => tool.close())

  it('delivers the first line while the program runs, and each stream to its own chunks', async () => {
    const { go, code } = waitingProgram()
    const chunks: OutputChunk[] = []
    const result = await tool.execute(
      { code },
      {
        onOutput: (chunk) => {
          chunks.push(chunk)
          if (chunk.text.includes('first')) writeFileSync(go, '')
        },
      },
    )
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, output: 'first\nwarned\nsecond\n', stderr: 'warned\n' })
    expect(text(chunks, 'stdout')).toBe('first\nsecond\n')
    expect(text(chunks, 'stderr')).toBe('warned\n')
  })

  it('delivers all of a large output, in order, past the result cap', async () => {
    const lines = 50_000
    const chunks: OutputChunk[] = []
    const result = await tool.execute({ code: `for i in range(${lines}):\n    print('é%06d' % i)` }, { onOutput: (c) => chunks.push(c) })
    expect(result.truncated).toBe(true)
    const expected = Array.from({ length: lines }, (_, i) => `é${String(i).padStart(6, '0')}\n`).join('')
    expect(text(chunks, 'stdout') === expected).toBe(true)
  })

  it('a callback that throws does not break the run', async () => {
    const result = await tool.execute({ code: "print('a')\nprint('b')" }, { onOutput: () => { throw new Error('callback failure') } })
    expect(result).toMatchObject({ exitCode: 0, output: 'a\nb\n' })
  })

  it('sys.stdout still has a fileno (1) and a buffer, as without streaming', async () => {
    const result = await tool.execute(
      { code: "import sys\nprint(sys.stdout.fileno(), sys.stderr.fileno())\nsys.stdout.buffer.write(b'raw\\n')" },
      { onOutput: () => undefined },
    )
    expect(result.output).toBe('1 2\nraw\n')
  })
})

describe('local-code-interpreter run prints as the program writes', () => {
  it('shows the first line before the program ends, stdout on stdout and stderr on stderr', async () => {
    const { go, code } = waitingProgram()
    const path = join(work, 'waiting.py')
    writeFileSync(path, code)
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'src/cli.ts'), 'run', path], { cwd: root })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes('first') && !existsSync(go)) writeFileSync(go, '')
    })
    const code_ = await new Promise<number | null>((done) => child.on('close', done))
    expect({ code: code_, stdout, stderr }).toEqual({ code: 0, stdout: 'first\nsecond\n', stderr: 'warned\n' })
  })

  it('still shows what a child process wrote (which cannot be followed as written): the whole transcript, at the end, after a note', async () => {
    const path = join(work, 'child.py')
    writeFileSync(path, "import subprocess, sys\nprint('parent')\nsubprocess.run([sys.executable, '-c', 'print(\"child\")'])\n")
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'src/cli.ts'), 'run', path], { cwd: root })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    expect(await new Promise<number | null>((done) => child.on('close', done))).toBe(0)
    expect(stdout.endsWith('parent\nchild\n')).toBe(true)
    expect(stderr).toMatch(/whole transcript follows/)
  })
})
