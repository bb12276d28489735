#!/usr/bin/env node
// pack-tarballs.mjs — packs every package the release publishes from this checkout (the main package, the
// platform package with the addon built here, the guest image packages under npm/) into one folder, as
// `npm pack` makes them. The container image (Dockerfile) installs these, so it needs no registry publication.
// Packs what is built: run `npm test` or `npm run build && npm run build:guests` first.
//
// usage: node scripts/pack-tarballs.mjs [DEST]     DEST defaults to deploy/tarballs (git-ignored)
// Library: import { packTarballs } from './pack-tarballs.mjs'; packTarballs(dest) → the .tgz file names
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ADDON = 'local-code-interpreter.linux-x64-gnu.node'

/** The folders of the published packages, relative to the root: '.' and each npm/* with a package.json. */
export function packageDirs() {
  const sub = readdirSync(join(ROOT, 'npm'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(ROOT, 'npm', e.name, 'package.json')))
    .map((e) => `npm/${e.name}`)
    .sort()
  return ['.', ...sub]
}

/**
 * Empties `dest` and packs every published package into it; returns the tarballs' file names. Throws when
 * the addon is not built (the platform package would be packed without it).
 */
export function packTarballs(dest) {
  if (!existsSync(join(ROOT, ADDON))) throw new Error(`${ADDON} is not built: run \`npm run build\` first`)
  rmSync(dest, { recursive: true, force: true })
  mkdirSync(dest, { recursive: true })
  // the platform package ships the addon built in this checkout (the release's pack step does this too)
  copyFileSync(join(ROOT, ADDON), join(ROOT, 'npm', 'linux-x64-gnu', ADDON))
  for (const dir of packageDirs()) {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dest], { cwd: join(ROOT, dir), stdio: ['ignore', 'ignore', 'inherit'] })
  }
  return readdirSync(dest).filter((f) => f.endsWith('.tgz')).sort()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dest = resolve(process.argv[2] ?? join(ROOT, 'deploy', 'tarballs'))
  for (const f of packTarballs(dest)) console.log(join(dest, f))
}
