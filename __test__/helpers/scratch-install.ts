// Installs local-code-interpreter into a scratch project the way a user does: from the tarballs `npm pack`
// makes (the main package, the platform package with the prebuilt .node, the guest image packages), with
// no Rust toolchain on PATH. Dependencies come from the npm cache (`npm ci` filled it), so this works
// offline, also inside the emulated-KVM VM.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** The repository root. */
export const ROOT = join(__dirname, '..', '..')
/** Where the scratch project lives (git-ignored). */
export const SCRATCH = join(ROOT, '.cache', 'install-test')
/** A PATH with node and npm but without cargo/rustc (they live in ~/.cargo/bin). */
export const PATH_WITHOUT_RUST = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin']
  .filter((d, i, all) => all.indexOf(d) === i && !existsSync(join(d, 'cargo')))
  .join(':')

/** The packages a user installs: the main one, the platform one, the guest images. */
const PACKAGE_DIRS = ['.', 'npm/linux-x64-gnu', 'npm/guest-python', 'npm/guest-javascript', 'npm/guest-c']

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: PATH_WITHOUT_RUST, HOME: process.env.HOME ?? '/root', npm_config_update_notifier: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Packs every package and installs the tarballs into a fresh scratch project; returns its folder. */
export function installScratchProject(): string {
  // The platform package ships the addon built in this checkout (napi artifacts does this on release).
  copyFileSync(
    join(ROOT, 'local-code-interpreter.linux-x64-gnu.node'),
    join(ROOT, 'npm/linux-x64-gnu/local-code-interpreter.linux-x64-gnu.node'),
  )
  rmSync(SCRATCH, { recursive: true, force: true })
  const tarballs = join(SCRATCH, 'tarballs')
  const project = join(SCRATCH, 'project')
  mkdirSync(tarballs, { recursive: true })
  mkdirSync(project, { recursive: true })
  for (const dir of PACKAGE_DIRS) {
    run('npm', ['pack', '--silent', '--pack-destination', tarballs], join(ROOT, dir))
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true }, null, 2))
  const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz')).map((f) => join(tarballs, f))
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...files], project)
  return project
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
