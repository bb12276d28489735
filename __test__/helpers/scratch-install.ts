// Installs local-code-interpreter into a scratch project the way a user does: from the tarballs `npm pack`
// makes (the main package, the platform package with the prebuilt .node, the guest image packages), with
// no Rust toolchain on PATH. Dependencies come from the npm cache where it has them (--prefer-offline): `npm ci`
// caches the dependencies' tarballs but not the registry documents that resolving the tarballs' version ranges
// needs, so on a machine whose cache only `npm ci` filled, those come from the registry (an --offline install
// failed there with ENOTCACHED). The micro-VM tests, which have no network, reuse the project the host
// tests installed (scratchProject).
//
// LCI_INSTALL_TARBALLS=DIR (CI's test job: the tarballs its build job packed and the release publishes)
// installs the .tgz files in DIR (relative to the repository root) instead of packing this checkout.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** The repository root. */
export const ROOT = join(__dirname, '..', '..')
/** Where the scratch project lives (git-ignored). */
export const SCRATCH = join(ROOT, '.cache', 'install-test')
/** The tarballs that were installed. */
export const TARBALLS = join(SCRATCH, 'tarballs')
/** A PATH with node and npm but without cargo/rustc (they live in ~/.cargo/bin). */
export const PATH_WITHOUT_RUST = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin']
  .filter((d, i, all) => all.indexOf(d) === i && !existsSync(join(d, 'cargo')))
  .join(':')

/** One package the release publishes: its folder in the checkout and its package.json. */
export interface PublishedPackage {
  /** The folder, relative to the root: '.', 'npm/linux-x64-gnu', 'npm/guest-python', … */
  dir: string
  /** package.json as in the checkout. */
  manifest: { name: string; version: string; files?: string[]; main?: string; [key: string]: unknown }
  /** The file name `npm pack` gives it. */
  tarball: string
}

/**
 * The packages the release publishes, as .github/workflows/ci.yml packs them: the main package and every
 * folder under npm/ (the platform package(s) and the guest images).
 */
export function publishedPackages(): PublishedPackage[] {
  const dirs = ['.', ...readdirSync(join(ROOT, 'npm'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(ROOT, 'npm', e.name, 'package.json')))
    .map((e) => `npm/${e.name}`)
    .sort()]
  return dirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as PublishedPackage['manifest']
    return { dir, manifest, tarball: `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz` }
  })
}

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: PATH_WITHOUT_RUST, HOME: process.env.HOME ?? '/root', npm_config_update_notifier: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Packs every published package (or takes LCI_INSTALL_TARBALLS's) and installs them into a fresh scratch project. */
export function installScratchProject(): string {
  rmSync(SCRATCH, { recursive: true, force: true })
  const project = join(SCRATCH, 'project')
  mkdirSync(TARBALLS, { recursive: true })
  mkdirSync(project, { recursive: true })
  const given = process.env.LCI_INSTALL_TARBALLS
  if (given) {
    const dir = resolve(ROOT, given)
    const found = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tgz')) : []
    if (found.length === 0) throw new Error(`LCI_INSTALL_TARBALLS=${given}: no .tgz files in ${dir}`)
    for (const f of found) copyFileSync(join(dir, f), join(TARBALLS, f))
  } else {
    // The platform package ships the addon built in this checkout (the release's pack step does this too).
    copyFileSync(
      join(ROOT, 'local-code-interpreter.linux-x64-gnu.node'),
      join(ROOT, 'npm/linux-x64-gnu/local-code-interpreter.linux-x64-gnu.node'),
    )
    for (const { dir } of publishedPackages()) {
      run('npm', ['pack', '--silent', '--pack-destination', TARBALLS], join(ROOT, dir))
    }
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true }, null, 2))
  const files = readdirSync(TARBALLS).filter((f) => f.endsWith('.tgz')).map((f) => join(TARBALLS, f))
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...files], project)
  return project
}

/** The files in a tarball, without npm's leading `package/`. */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''))
}

/** package.json as packed in a tarball. */
export function tarballManifest(tarball: string): Record<string, unknown> {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }))
}

/** The scratch project, installing it first if an earlier test did not. */
export function scratchProject(): string {
  const project = join(SCRATCH, 'project')
  return existsSync(join(project, 'node_modules', 'local-code-interpreter')) ? project : installScratchProject()
}

/** Runs `script` (CommonJS) with node in the scratch project, without Rust on PATH; returns stdout. */
export function runInScratch(project: string, script: string): string {
  const file = join(project, 'script.cjs')
  writeFileSync(file, script)
  return run(process.execPath, [file], project)
}
