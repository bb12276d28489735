// Output as it is written, in the micro-VM: `onStdout`/`onStderr` get each stream's text while the program
// runs, in order, all of it (past the result's cap), whole characters, before the run's promise settles; a
// callback that throws does not break the run. The one assertion about time compares the arrival of the first
// chunk with the end of the run it belongs to (an ordering, not a speed).
import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'

import { CodeExecutionTool } from '../../src/code-execution-tool'
import type { OutputChunk } from '../../src/environments/environment'
import { native } from '../helpers/native'

/** Programs that print `first`, sleep two seconds, then print `second`. */
const PRINT_SLEEP_PRINT = {
  python: "import time\nprint('first')\ntime.sleep(2)\nprint('second')",
  javascript: "console.log('first')\nsetTimeout(() => console.log('second'), 2000)",
  // stdout to a non-terminal is fully buffered in C: a program that wants to be seen flushes.
  c: '#include <stdio.h>\n#include <unistd.h>\nint main(void){puts("first");fflush(stdout);sleep(2);puts("second");return 0;}',
} as const

/** A run's chunks, each with when it arrived, and when the run settled. */
async function collect(run: (options: { onStdout: (t: string) => void; onStderr: (t: string) => void }) => Promise<unknown>) {
  const stdout: { text: string; at: number }[] = []
  const stderr: { text: string; at: number }[] = []
  const result = await run({
    onStdout: (text) => stdout.push({ text, at: performance.now() }),
    onStderr: (text) => stderr.push({ text, at: performance.now() }),
  })
  return { result, stdout, stderr, settled: performance.now() }
}

describe('streaming output in a micro-VM', () => {
  const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 120_000, maxOutputBytes: 64 * 1024 })

  it.each(Object.entries(PRINT_SLEEP_PRINT))('%s: the first line arrives while the program still sleeps, long before the result', async (language, code) => {
    const { result, stdout, settled } = await collect((o) => sandbox.runCode(code, language, o))
    expect(result).toMatchObject({ success: true, output: 'first\nsecond\n' })
    expect(stdout.map((c) => c.text).join('')).toBe('first\nsecond\n')
    const first = stdout.find((c) => c.text.includes('first'))!
    // The program slept two seconds after writing it: its chunk came at least one second before the end.
    expect(settled - first.at).toBeGreaterThanOrEqual(1000)
    // Every chunk came before the promise settled.
    expect(stdout.every((c) => c.at <= settled)).toBe(true)
  })

  it('python: 1 MB written in small writes arrives complete and in order, beyond the result cap (64 KiB)', async () => {
    // 4096 writes of 257 bytes (a two-byte character in each): every write is a call to the host, slow under
    // emulation. The guest's scheduler is cooperative: output reaches the host when the guest waits, so the
    // program waits now and then, and the output comes in several chunks whose order is checked too.
    const writes = 4096
    const line = (i: number) => `é${String(i).padStart(6, '0')}${'x'.repeat(248)}\n`
    const code = `import sys, time\nfor i in range(${writes}):\n    sys.stdout.write('é%06d' % i + 'x' * 248 + '\\n')\n    if i % 512 == 511: time.sleep(0.01)`
    const { result, stdout } = await collect((o) => sandbox.runCode(code, 'python', o))
    const expected = Array.from({ length: writes }, (_, i) => line(i)).join('')
    expect(Buffer.byteLength(expected)).toBeGreaterThan(1_000_000)
    expect(result).toMatchObject({ success: true, truncated: true })
    const streamed = stdout.map((c) => c.text).join('')
    expect(streamed.length).toBe(expected.length)
    expect(streamed === expected).toBe(true)
    expect(stdout.length).toBeGreaterThan(1)
  })

  it('c: stderr goes to onStderr, stdout to onStdout, and a character written in two halves arrives whole', async () => {
    // "é" is two bytes: the first is written alone, the second a while later.
    const code =
      '#include <stdio.h>\n#include <unistd.h>\nint main(void){fprintf(stderr,"warning: low\\n");sleep(1);write(1,"\\xc3",1);usleep(300000);write(1,"\\xa9!\\n",3);return 0;}'
    const { result, stdout, stderr } = await collect((o) => sandbox.runCode(code, 'c', o))
    expect(result).toMatchObject({ success: true, stderr: 'warning: low\n', output: 'warning: low\né!\n' })
    expect(stderr.map((c) => c.text).join('')).toBe('warning: low\n')
    expect(stdout.map((c) => c.text).join('')).toBe('é!\n')
    expect(stdout.every((c) => !c.text.includes('\uFFFD'))).toBe(true)
  })

  it('python: a traceback after output streams the output to onStdout and the traceback to onStderr', async () => {
    const { result, stdout, stderr } = await collect((o) => sandbox.runCode("print('partial result')\n1/0", 'python', o))
    expect(result).toMatchObject({ success: false })
    expect(stdout.map((c) => c.text).join('')).toBe('partial result\n')
    expect(stderr.map((c) => c.text).join('')).toBe((result as { stderr: string }).stderr)
    expect(stderr.map((c) => c.text).join('')).toContain('ZeroDivisionError')
  })

  it('a callback that throws does not break the run, nor the next one', async () => {
    let calls = 0
    const throwing = () => {
      calls++
      throw new Error('callback failure')
    }
    const r = await sandbox.runCode("import time\nprint('a')\ntime.sleep(0.5)\nprint('b')", 'python', { onStdout: throwing, onStderr: throwing })
    expect(r).toMatchObject({ success: true, output: 'a\nb\n' })
    expect(calls).toBeGreaterThanOrEqual(1)
    const next = await collect((o) => sandbox.runCode("print('next')", 'python', o))
    expect(next.stdout.map((c) => c.text).join('')).toBe('next\n')
  })

  it('a session run streams too', async () => {
    const session = sandbox.session('python')
    try {
      await session.runCode('x = 41')
      const { stdout } = await collect((o) => session.runCode('print(x + 1)', o))
      expect(stdout.map((c) => c.text).join('')).toBe('42\n')
    } finally {
      await session.close()
    }
  })

  it('CodeExecutionTool (hyperlight) hands chunks to onOutput with their stream', async () => {
    const tool = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', timeoutMs: 60_000 })
    try {
      const chunks: OutputChunk[] = []
      const result = await tool.execute(
        { code: "import sys, time\nprint('out')\ntime.sleep(0.5)\nsys.stderr.write('err\\n')", language: 'python' },
        { onOutput: (c) => chunks.push(c) },
      )
      expect(result.exitCode).toBe(0)
      const of = (stream: string) => chunks.filter((c) => c.stream === stream).map((c) => c.text).join('')
      expect([of('stdout'), of('stderr')]).toEqual(['out\n', 'err\n'])
    } finally {
      await tool.close()
    }
  })
})
