// One fact in one place: what more than one language must agree on — the error codes, the host functions the
// guests call, the sizes of host calls and of their pieces — is written once, in the Rust core, and reaches
// TypeScript and the guests' warm-ups through generated modules (crates/sandbox/src/facts.rs). This test reads
// the sources of every layer and fails, naming the file and line, where such a fact is written out again.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

import { describe, expect, it } from 'vitest'

import { CONFIG_RANGES, ERROR_CODES, HOST_FUNCTIONS } from '../src/generated/core-facts'
import { wholeNumber } from '../src/limits'

const ROOT = join(__dirname, '..')
/** The layers: the TypeScript package, the Rust core and binding, the guests' warm-ups and build. */
const LAYERS = ['src', 'crates', 'guest']
const SOURCE = /\.(ts|mts|js|mjs|rs|py|sh)$/

/** Every source file of the layers, from the repository's root; generated modules and vendored code left out. */
function sources(): string[] {
  const files: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!['node_modules', 'generated', 'target', 'js'].includes(entry.name) || path === join('crates', 'binding', 'src', 'js')) walk(path)
      } else if (SOURCE.test(entry.name)) files.push(path)
    }
  }
  for (const layer of LAYERS) walk(layer)
  return files
}

/** The lines of `file` that are code, not comments (a line starting `//`, `*`, `/*` or `#`), numbered from 1. */
function codeLines(file: string): { line: number; text: string }[] {
  return readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .map((text, i) => ({ line: i + 1, text }))
    .filter(({ text }) => !/^\s*(\/\/|\*|\/\*|#(?!!))/.test(text))
}

/** Where `pattern` occurs in the code of `files`, except in `allowed` (the one place the fact is defined). */
function copies(files: string[], pattern: RegExp, allowed: readonly string[] = []): string[] {
  const found: string[] = []
  for (const file of files) {
    if (allowed.includes(file)) continue
    for (const { line, text } of codeLines(file)) if (pattern.test(text)) found.push(`${file}:${line}: ${text.trim()}`)
  }
  return found
}

const files = sources()

describe('one fact in one place', () => {
  it('reads every layer (the scan cannot pass by reading nothing)', () => {
    for (const file of ['src/codemode/channel.ts', 'crates/sandbox/src/host/host_calls.rs', 'guest/javascript/warmup.js', 'guest/python/warmup.py', 'crates/binding/src/lib.rs']) {
      expect(files).toContain(file)
    }
    // The patterns below find the definitions they allow, so they would find a copy.
    expect(copies(['crates/sandbox/src/host/host_calls.rs'], /\b69_?620\b/)).toHaveLength(1)
    expect(copies(['crates/sandbox/src/error.rs'], /"ERR_TOOL_LIMIT"/)).toHaveLength(1)
    expect(copies(['crates/sandbox/src/host/host_calls.rs'], /"lci\.more"/)).toHaveLength(1)
  })

  it('writes every error code once: in crates/sandbox/src/error.rs', () => {
    expect(Object.values(ERROR_CODES)).toContain('ERR_TOOL_LIMIT')
    expect(Object.values(ERROR_CODES)).toContain('ERR_MISSING_PEER_DEPENDENCY')
    // Node's own codes are not ours: the one the package reads (a module that cannot be found), and those the
    // JavaScript guest's web platform (guest/javascript/web*) gives where Node gives them.
    const nodes = /ERR_MODULE_NOT_FOUND/g
    const layers = files.filter((f) => !f.startsWith('guest/javascript/web'))
    const ours = copies(layers, /\bERR_[A-Z][A-Z_]+/, ['crates/sandbox/src/error.rs']).filter((hit) => /\bERR_[A-Z][A-Z_]+/.test(hit.replace(nodes, '')))
    expect(ours).toEqual([])
  })

  it('names the host functions once: in the core, for the guests through their generated modules', () => {
    const names = Object.values(HOST_FUNCTIONS).map((n) => n.replace('.', '\\.')).join('|')
    const definitions = ['crates/sandbox/src/host/tools.rs', 'crates/sandbox/src/host/fetch.rs', 'crates/sandbox/src/host/host_calls.rs']
    expect(copies(files, new RegExp(`['"\`](${names})['"\`]`), definitions)).toEqual([])
    expect(readFileSync(join(ROOT, 'guest/javascript/warmup.js'), 'utf8')).toContain("from './generated/facts.js'")
    expect(readFileSync(join(ROOT, 'guest/build.sh'), 'utf8')).toContain('PYTHON_WARMUP=("$GUEST/python/generated/lci_facts.py" "$GUEST/python/warmup.py")')
  })

  it('names the keys of a host call\'s reply once: in crates/sandbox/src/host/host_calls.rs', () => {
    const warmUps = ['guest/javascript/warmup.js', 'guest/python/warmup.py']
    expect(copies(warmUps, /['"](ok|more|last)['"]|\.(ok|more|last)\b/)).toEqual([])
  })

  it('states the size of a host call and of its pieces once: in crates/sandbox/src/host/host_calls.rs', () => {
    expect(copies(files, /\b69[_,]?6(19|20)\b/, ['crates/sandbox/src/host/host_calls.rs'])).toEqual([])
    const users = files.filter((f) => /^(guest\/(javascript\/warmup\.js|python|python-data)|src\/codemode|crates\/sandbox\/src\/)/.test(f))
    expect(copies(users, /\b[26]0[_,]?000\b/, ['crates/sandbox/src/host/host_calls.rs'])).toEqual([])
  })

  it('checks whole-number options against the core\'s ranges, worded as the core words them (config.rs tests the same text)', () => {
    expect(() => wholeNumber('memoryMb', 8, undefined)).toThrow('memoryMb must be a whole number from 16 to 16384, got 8')
    expect(() => wholeNumber('timeoutMs', 1.5, 0)).toThrow('timeoutMs must be a whole number from 1 to 86400000, got 1.5')
    expect(wholeNumber('poolSize', CONFIG_RANGES.poolSize.max, 0)).toBe(CONFIG_RANGES.poolSize.max)
    expect(wholeNumber('maxToolCalls', undefined, 7)).toBe(7)
  })

  it('words the marker of omitted output once: in crates/sandbox/src/guest/capture.rs', () => {
    expect(copies(['crates/sandbox/src/guest/capture.rs'], /bytes of output omitted/).length).toBeGreaterThan(0)
    expect(copies(files, /bytes of output omitted/, ['crates/sandbox/src/guest/capture.rs'])).toEqual([])
  })

  it('lists the languages in the core\'s order or from it, never in a literal of its own', () => {
    expect(copies(files.filter((f) => f.startsWith('src/')), /\[\s*'(python|javascript|c|cpp)'\s*,\s*'(python|javascript|c|cpp)'\s*,\s*'(python|javascript|c|cpp)'/)).toEqual([])
  })
})
