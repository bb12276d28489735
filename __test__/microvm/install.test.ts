// A workload run in a real micro-VM from a package installed as a user installs it (tarballs, no Rust on
// PATH). Never skipped.
import { describe, expect, it } from 'vitest'
import { runInScratch, scratchProject } from '../helpers/scratch-install'

describe('the installed package in a micro-VM', () => {
  it('runs Python and JavaScript from node_modules', () => {
    const project = scratchProject()
    const out = runInScratch(
      project,
      `const { NanvixSandbox } = require('local-code-interpreter')
       const s = new NanvixSandbox({ timeoutMs: 60000 })
       ;(async () => {
         const py = await s.runCode('import sys; print("python", sys.version_info[:2])', 'python')
         const js = await s.runCode('console.log("javascript", typeof setTimeout)', 'javascript')
         console.log(JSON.stringify([py.output, js.output]))
         process.exit(0)
       })().catch((e) => { console.log(JSON.stringify({ code: e.code, message: e.message })); process.exit(1) })`,
    )
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(['python (3, 11)\n', 'javascript function\n'])
  })
})
