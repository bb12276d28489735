// Installing from the packed tarballs, as a user would, with no Rust toolchain on PATH: the package
// loads its prebuilt addon from the platform package and finds the guest images in node_modules.
// Covers every package the release publishes (the main one and each folder under npm/); in CI's test job
// (LCI_INSTALL_TARBALLS) these are the very tarballs the release publishes.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  installScratchProject,
  PATH_WITHOUT_RUST,
  publishedPackages,
  runInScratch,
  TARBALLS,
  tarballFiles,
  tarballManifest,
} from './helpers/scratch-install'

const packages = publishedPackages()
const byName = (name: string) => packages.find((p) => p.manifest.name === name)!

describe('npm pack + npm install into a scratch project', () => {
  let project = ''
  beforeAll(() => {
    project = installScratchProject()
  })

  it('produces one tarball for each of the main, platform and guest packages', () => {
    const names = packages.map((p) => p.manifest.name)
    expect(names).toEqual(
      expect.arrayContaining([
        'local-code-interpreter',
        'local-code-interpreter-linux-x64-gnu',
        'local-code-interpreter-guest-python',
        'local-code-interpreter-guest-python-data',
        'local-code-interpreter-guest-javascript',
        'local-code-interpreter-guest-c',
      ]),
    )
    expect(readdirSync(TARBALLS).sort()).toEqual(packages.map((p) => p.tarball).sort())
  })

  it('each tarball carries what its package.json promises: every "files" entry, main, types, exports, bin', () => {
    for (const { manifest, tarball } of packages) {
      const files = tarballFiles(join(TARBALLS, tarball))
      const has = (path: string) => {
        const p = path.replace(/^\.\//, '').replace(/\/$/, '')
        return files.includes(p) || files.some((f) => f.startsWith(`${p}/`))
      }
      const promised = [
        'package.json',
        ...(manifest.files ?? []),
        ...[manifest.main, manifest.types].filter((p): p is string => typeof p === 'string'),
        ...Object.values((manifest.bin as Record<string, string> | undefined) ?? {}),
        ...Object.values((manifest.exports as Record<string, string | Record<string, string>> | undefined) ?? {}).flatMap((t) =>
          typeof t === 'string' ? [t] : Object.values(t),
        ),
      ]
      expect(promised.filter((p) => !has(p)), `${tarball} lacks`).toEqual([])
    }
  })

  it('the main tarball has the napi loader, its typings and dist/, and no .node (that is the platform package\'s)', () => {
    const main = byName('local-code-interpreter')
    const files = tarballFiles(join(TARBALLS, main.tarball))
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js']))
    expect(files.filter((f) => f.endsWith('.node'))).toEqual([])
  })

  it('the platform tarball has the addon, and the guest tarballs their images', () => {
    const platform = byName('local-code-interpreter-linux-x64-gnu')
    expect(tarballFiles(join(TARBALLS, platform.tarball))).toContain('local-code-interpreter.linux-x64-gnu.node')
    for (const [name, wanted] of [
      ['local-code-interpreter-guest-python', ['rootfs.cpio', 'warmup.py']],
      ['local-code-interpreter-guest-python-data', ['rootfs.cpio', 'warmup.py']],
      ['local-code-interpreter-guest-javascript', ['rootfs.cpio', 'warmup.js']],
      ['local-code-interpreter-guest-c', ['rootfs.cpio']],
    ] as const) {
      expect(tarballFiles(join(TARBALLS, byName(name).tarball)), name).toEqual(expect.arrayContaining([...wanted]))
    }
  })

  it('all at one version; the main package\'s optional dependencies (set when the release packs) are published packages of it', () => {
    const version = byName('local-code-interpreter').manifest.version
    for (const { manifest, tarball } of packages) {
      expect(manifest.version, manifest.name).toBe(version)
      expect(tarballManifest(join(TARBALLS, tarball)).version, tarball).toBe(version)
    }
    const optional = (tarballManifest(join(TARBALLS, byName('local-code-interpreter').tarball)).optionalDependencies ?? {}) as Record<string, string>
    for (const [name, range] of Object.entries(optional)) {
      expect(packages.map((p) => p.manifest.name), name).toContain(name)
      expect(range, name).toBe(version)
    }
  })

  it('installs with no Rust toolchain on PATH', () => {
    expect(spawnSync('cargo', ['--version'], { env: { PATH: PATH_WITHOUT_RUST } }).error).toBeDefined()
    const pkgs = readdirSync(join(project, 'node_modules')).filter((n) => n.startsWith('local-code-interpreter'))
    expect(pkgs.sort()).toEqual(packages.map((p) => p.manifest.name).sort())
  })

  it('loads the prebuilt addon and the tool from the installed package, and finds every guest image', () => {
    // The image is looked up before the hypervisor is: where no micro-VM runs, an error about the
    // hypervisor (not ERR_GUEST_IMAGE_MISSING) still shows the image package was found.
    const out = runInScratch(
      project,
      `const lci = require('local-code-interpreter')
       const s = new lci.NanvixSandbox({ timeoutMs: 60000 })
       const programs = {
         python: 'print("installed ok")',
         javascript: 'console.log("installed ok")',
         c: '#include <stdio.h>\\nint main(void) { puts("installed ok"); return 0; }',
       }
       lci.probeHypervisor().then(async (probe) => {
         const runs = {}
         for (const [language, code] of Object.entries(programs)) {
           // runCode resolves for every failure (errorCode, error); a throw is reported the same way
           try {
             const r = await s.runCode(code, language)
             runs[language] = { output: r.output, errorCode: r.errorCode, error: r.error }
           } catch (e) { runs[language] = { errorCode: e.code, error: e.message } }
         }
         console.log(JSON.stringify({ tool: typeof lci.CodeExecutionTool, probe, runs }))
         process.exit(0)
       })`,
    )
    const { tool, probe, runs } = JSON.parse(out.trim().split('\n').pop()!)
    expect(tool).toBe('function')
    expect(Object.keys(runs)).toEqual(['python', 'javascript', 'c'])
    for (const [language, run] of Object.entries(runs as Record<string, { output?: string; errorCode?: string; error?: string }>)) {
      if (probe.usable) {
        expect(run.output, `${language}: ${run.errorCode} ${run.error ?? ''}`).toBe('installed ok\n')
      } else {
        expect(['ERR_NO_HYPERVISOR', 'ERR_HYPERVISOR_UNUSABLE'], `${language}: ${run.errorCode} ${run.error ?? ''}`).toContain(run.errorCode)
      }
    }
  })
})
