// Installing from the packed tarballs, as a user would, with no Rust toolchain on PATH: the package
// loads its prebuilt addon from the platform package and finds the guest images in node_modules.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { installScratchProject, PATH_WITHOUT_RUST, runInScratch, SCRATCH } from './helpers/scratch-install'

describe('npm pack + npm install into a scratch project', () => {
  let project = ''
  beforeAll(() => {
    project = installScratchProject()
  })

  it('produces the main, platform and guest tarballs', () => {
    const names = readdirSync(join(SCRATCH, 'tarballs')).sort()
    expect(names).toEqual([
      'local-code-interpreter-0.1.0.tgz',
      'local-code-interpreter-guest-c-0.1.0.tgz',
      'local-code-interpreter-guest-javascript-0.1.0.tgz',
      'local-code-interpreter-guest-python-0.1.0.tgz',
      'local-code-interpreter-linux-x64-gnu-0.1.0.tgz',
    ])
  })

  it('installs with no Rust toolchain on PATH', () => {
    expect(spawnSync('cargo', ['--version'], { env: { PATH: PATH_WITHOUT_RUST } }).error).toBeDefined()
    const pkgs = readdirSync(join(project, 'node_modules')).filter((n) => n.startsWith('local-code-interpreter'))
    expect(pkgs.sort()).toEqual([
      'local-code-interpreter',
      'local-code-interpreter-guest-c',
      'local-code-interpreter-guest-javascript',
      'local-code-interpreter-guest-python',
      'local-code-interpreter-linux-x64-gnu',
    ])
  })

  it('loads the prebuilt addon and the tool from the installed package, and finds the guest images', () => {
    const out = runInScratch(
      project,
      `const lci = require('local-code-interpreter')
       const s = new lci.NanvixSandbox({ timeoutMs: 60000 })
       lci.probeHypervisor().then(async (probe) => {
         let run
         try { run = await s.runCode('print("installed ok")', 'python') } catch (e) { run = { code: e.code } }
         console.log(JSON.stringify({ tool: typeof lci.CodeExecutionTool, probe, run }))
         process.exit(0)
       })`,
    )
    const { tool, probe, run } = JSON.parse(out)
    expect(tool).toBe('function')
    if (probe.usable) {
      expect(run.output).toBe('installed ok\n')
    } else {
      // Where no micro-VM runs, the error is about the hypervisor: the image itself was found.
      expect(['ERR_NO_HYPERVISOR', 'ERR_HYPERVISOR_UNUSABLE']).toContain(run.code)
    }
  })
})
