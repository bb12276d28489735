// A workload run in a real micro-VM from a package installed as a user installs it (tarballs, no Rust on
// PATH). Never skipped.
import { describe, expect, it } from 'vitest'
import { runInScratch, scratchProject } from '../helpers/scratch-install'

describe('the installed package in a micro-VM', () => {
  it('runs Python (on the data image, installed beside the standard one) and JavaScript from node_modules', () => {
    const project = scratchProject()
    const out = runInScratch(
      project,
      `const { NanvixSandbox, defaultPythonImage } = require('local-code-interpreter')
       const s = new NanvixSandbox({ timeoutMs: 60000 })
       ;(async () => {
         const py = await s.runCode('import sys, numpy; print("python", sys.version_info[:2], numpy.__name__)', 'python')
         const js = await s.runCode('console.log("javascript", typeof setTimeout)', 'javascript')
         console.log(JSON.stringify([defaultPythonImage(), py.output, js.output]))
         process.exit(0)
       })().catch((e) => { console.log(JSON.stringify({ code: e.code, message: e.message })); process.exit(1) })`,
    )
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(['data', 'python (3, 11) numpy\n', 'javascript function\n'])
  })

  it('runs @cloudflare/codemode code through local-code-interpreter/codemode (its parser, acorn, installed with it)', () => {
    const out = runInScratch(
      scratchProject(),
      `const { MicroVmExecutor } = require('local-code-interpreter/codemode')
       const executor = new MicroVmExecutor({ timeoutMs: 60000 })
       ;(async () => {
         const r = await executor.execute('const n = await codemode.add(2, 3)\\nconsole.log("n", n)\\nn * 2', { add: async (a, b) => a + b })
         console.log(JSON.stringify(r))
         process.exit(0)
       })().catch((e) => { console.log(JSON.stringify({ message: e.message })); process.exit(1) })`,
    )
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ result: 10, logs: ['n 5'] })
  })
})
