// The README a newcomer reads and the pages under docs/: the README stays short (issue 22: at most 300
// lines, a table of contents, the quick start as it is), every relative link reaches a file and, with a
// #fragment, a heading of that file (as GitHub makes its anchors), every docs/ page is linked from the
// README, and every name an example imports from this package is one the package exports. Pages move and
// headings get reworded; this is what tells a broken link before a reader finds it. Files move too: every
// repository path a page writes in backticks (`crates/sandbox/src/guest/pool.rs`, `src/mcp/server.ts`) must name
// one that exists, and the error-code table of docs/api.md must list every code the core generates.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

import { describe, expect, it } from 'vitest'

import { ERROR_CODES } from '../src/generated/core-facts'

const root = resolve(__dirname, '..')
const readme = join(root, 'README.md')
const docsDir = join(root, 'docs')
const pages = [readme, ...readdirSync(docsDir).filter((name) => name.endsWith('.md')).map((name) => join(docsDir, name))]

/** The README's ceiling (issue 22). */
const MAX_README_LINES = 300

/** The text outside fenced code blocks, one entry per line (fenced lines blanked, so line numbers hold). */
function proseLines(text: string): string[] {
  let fenced = false
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced
      return ''
    }
    return fenced ? '' : line
  })
}

/** The fenced code blocks of a page with their info string (`ts`, `sh`…). */
function codeBlocks(text: string): { lang: string; code: string }[] {
  const blocks: { lang: string; code: string }[] = []
  for (const match of text.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) blocks.push({ lang: match[1], code: match[2] })
  return blocks
}

/** GitHub's anchor for a heading: lower case, inline markup and punctuation dropped, each space a hyphen. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/ /g, '-')
}

/** Every anchor a page offers: one per heading, repeats numbered `-1`, `-2` as GitHub numbers them. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const line of proseLines(readFileSync(file, 'utf8'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const base = slug(heading[1])
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

/** The inline links of a page's prose, `[text](target)`, inline code spans left out. */
function linksOf(file: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = []
  proseLines(readFileSync(file, 'utf8')).forEach((line, index) => {
    const prose = line.replace(/`[^`]*`/g, '``')
    for (const match of prose.matchAll(/\[(?:[^[\]]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      links.push({ line: index + 1, target: match[1] })
    }
  })
  return links
}

/** Where a link goes wrong, or undefined when it reaches its file and heading. */
function brokenLink(from: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined // https:, mailto: — not ours to check here
  const [path, fragment] = target.split('#', 2) as [string, string | undefined]
  const file = path === '' ? from : resolve(dirname(from), decodeURIComponent(path))
  if (!existsSync(file)) return `no file ${relative(root, file)}`
  if (fragment === undefined) return undefined
  if (statSync(file).isDirectory() || !file.endsWith('.md')) return `a #fragment into ${relative(root, file)}, which has no headings`
  return anchorsOf(file).has(fragment) ? undefined : `no heading #${fragment} in ${relative(root, file)}`
}

/** The top folders whose paths the pages cite, written from the repository's root. */
const CITED_FOLDERS = ['crates', 'src', 'guest', 'scripts', '__test__', 'bench', 'examples', 'deploy']

/** Every path under the cited folders, from the root (`/` separated); build output and dependencies left out. */
function repositoryPaths(): string[] {
  const paths: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (['node_modules', 'target', 'dist', '.cache'].includes(entry.name)) continue
      const path = `${dir}/${entry.name}`
      paths.push(path)
      if (entry.isDirectory()) walk(path)
    }
  }
  for (const folder of CITED_FOLDERS) if (existsSync(join(root, folder))) walk(folder)
  return paths
}

/** `a/{b,c}.rs` → `a/b.rs`, `a/c.rs` (one level of braces, as the pages write them). */
function expandBraces(path: string): string[] {
  const match = /\{([^{}]*)\}/.exec(path)
  if (!match) return [path]
  return match[1].split(',').flatMap((part) => expandBraces(path.slice(0, match.index) + part + path.slice(match.index + match[0].length)))
}

/**
 * Whether a cited path names something that exists: as written, or, for a pattern, at least one path it matches
 * (`*` within a name, `**` across folders, an upper-case placeholder such as `FILE` as `*`).
 */
function pathExists(path: string, all: string[]): boolean {
  const bare = path.replace(/\/$/, '')
  if (!/[*]|\b[A-Z]{3,}\b/.test(bare)) return existsSync(join(root, bare))
  const pattern = bare
    .split(/(\*\*\/|\*|\b[A-Z]{3,}\b)/)
    .map((part) => (part === '**/' ? '(?:[^/]+/)*' : part === '*' || /^[A-Z]{3,}$/.test(part) ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('')
  const regex = new RegExp(`^${pattern}$`)
  return all.some((candidate) => regex.test(candidate))
}

/** The repository paths a page writes in inline code spans (with their line) and in its diagrams (line 0). */
function citedPaths(file: string): { line: number; path: string }[] {
  const cited: { line: number; path: string }[] = []
  const start = new RegExp(`(?:^|[\\s("'=])((?:${CITED_FOLDERS.join('|')})/[^\\s\`'")]*)`, 'g')
  proseLines(readFileSync(file, 'utf8')).forEach((line, index) => {
    for (const span of line.matchAll(/`([^`]+)`/g)) {
      for (const match of span[1].matchAll(start)) {
        // A line number, an anchor or the punctuation of a sentence is not part of the path.
        const path = match[1].replace(/[:#].*$/, '').replace(/[.,;]+$/, '')
        for (const one of expandBraces(path)) cited.push({ line: index + 1, path: one })
      }
    }
  })
  // The diagrams (plain-text and mermaid blocks) name the files a run crosses without backticks.
  for (const { lang, code } of codeBlocks(readFileSync(file, 'utf8'))) {
    if (lang !== '' && lang !== 'mermaid') continue
    for (const match of code.matchAll(start)) {
      const path = match[1].replace(/[:#<].*$/, '').replace(/[.,;]+$/, '')
      for (const one of expandBraces(path)) cited.push({ line: 0, path: one })
    }
  }
  return cited
}

describe('README and docs/', () => {
  it(`the README is at most ${MAX_README_LINES} lines, with a table of contents`, () => {
    const text = readFileSync(readme, 'utf8')
    expect(text.trimEnd().split('\n').length).toBeLessThanOrEqual(MAX_README_LINES)
    expect(anchorsOf(readme).has('contents')).toBe(true)
  })

  it('the quick start is the two commands a fresh clone runs', () => {
    const quickStart = codeBlocks(readFileSync(readme, 'utf8')).find((block) => block.code.includes('npm run demo'))
    expect(quickStart?.code).toBe(
      'npm run demo   # builds what is missing, then runs examples/ in micro-VMs\n' +
        'npm test       # every test: Rust core, host tests, and the micro-VM tests\n',
    )
  })

  it('every relative link reaches a file and, with a #fragment, one of its headings', () => {
    const broken = pages.flatMap((page) =>
      linksOf(page).flatMap(({ line, target }) => {
        const why = brokenLink(page, target)
        return why ? [`${relative(root, page)}:${line} (${target}): ${why}`] : []
      }),
    )
    expect(broken).toEqual([])
  })

  it('every repository path written in backticks names a file or folder that exists', () => {
    const all = repositoryPaths()
    const missing = pages.flatMap((page) =>
      citedPaths(page).flatMap(({ line, path }) => (pathExists(path, all) ? [] : [`${relative(root, page)}${line ? `:${line}` : ' (a diagram)'}: ${path}`])),
    )
    expect(missing).toEqual([])
  })

  it('the path check reads code spans and would fail on a stale path', () => {
    const all = repositoryPaths()
    // The flat layout's files, gone since the core and src/ moved into folders.
    expect(pathExists('crates/sandbox/src/pool.rs', all)).toBe(false)
    expect(pathExists('src/mcp-server.ts', all)).toBe(false)
    expect(pathExists('crates/sandbox/src/guest/pool.rs', all)).toBe(true)
    expect(pathExists('src/mcp/', all)).toBe(true)
    expect(expandBraces('crates/sandbox/src/{guest,host}/mod.rs')).toEqual(['crates/sandbox/src/guest/mod.rs', 'crates/sandbox/src/host/mod.rs'])
    expect(pathExists('__test__/**/*.test.ts', all)).toBe(true)
    expect(pathExists('__test__/FILE.test.ts', all)).toBe(true)
    expect(pathExists('__test__/**/*.nope', all)).toBe(false)
    // The pages do cite paths, so the check above cannot pass by finding none.
    expect(citedPaths(join(docsDir, 'architecture.md')).length).toBeGreaterThan(20)
    expect(citedPaths(join(docsDir, 'architecture.md')).filter(({ line }) => line === 0).map(({ path }) => path)).toContain(
      'crates/binding/src/scheduling.rs',
    )
  })

  it('the error-code table of docs/api.md lists every code the core generates, and no other', () => {
    const api = readFileSync(join(docsDir, 'api.md'), 'utf8')
    const tableCodes = new Set(
      api
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`(ERR_[A-Z_]+)`/g)].map((m) => m[1])),
    )
    const generated = Object.values(ERROR_CODES) as string[]
    expect(generated.filter((code) => !tableCodes.has(code))).toEqual([])
    expect([...tableCodes].filter((code) => !generated.includes(code))).toEqual([])
  })

  it('every page under docs/ is linked from the README', () => {
    const linked = new Set(linksOf(readme).map(({ target }) => resolve(root, target.split('#')[0])))
    const orphans = pages.filter((page) => page !== readme && !linked.has(page)).map((page) => relative(root, page))
    expect(orphans).toEqual([])
  })

  it('the slugs follow GitHub: code spans and punctuation dropped, spaces hyphenated', () => {
    expect(slug('Cloudflare codemode: `local-code-interpreter/codemode`')).toBe('cloudflare-codemode-local-code-interpretercodemode')
    expect(slug("JavaScript's globals")).toBe('javascripts-globals')
    expect(slug('The compile jail (C and C++)')).toBe('the-compile-jail-c-and-c')
    expect(slug('Benchmarks (`npm run bench`)')).toBe('benchmarks-npm-run-bench')
  })
})

// --- the names the examples import ---------------------------------------------------------------------

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string
  exports: Record<string, string | { types: string; default: string }>
}

/** The TypeScript source of a dist/ module (`./dist/mcp-server.js` → `src/mcp-server.ts`). */
const sourceOf = (distPath: string) => resolve(root, distPath.replace(/^\.?\/?dist\//, 'src/').replace(/\.js$/, '.ts'))

/** The source (or generated typings) a relative module specifier of `from` names. */
function moduleFile(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier)
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.d.ts'), `${base}.ts`, join(base, 'index.ts')]
  return candidates.find((file) => existsSync(file) && statSync(file).isFile())
}

/** Whether a module (or one it re-exports with `export *`) exports `name`. */
function exportsName(file: string, name: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false
  seen.add(file)
  const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const declared = new RegExp(`export\\s+(?:declare\\s+)?(?:async\\s+)?(?:function|class|const|let|var|interface|type|enum)\\s+${name}\\b`)
  if (declared.test(source)) return true
  for (const list of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    const names = list[1].split(',').map((entry) => entry.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()?.trim())
    if (names.includes(name)) return true
  }
  for (const star of source.matchAll(/export\s+\*\s+from\s+['"]([^'"]+)['"]/g)) {
    const target = moduleFile(file, star[1])
    if (target && exportsName(target, name, seen)) return true
  }
  return false
}

describe('the examples in README and docs/', () => {
  it("import only names this package's entry points export", () => {
    const wrong: string[] = []
    for (const page of pages) {
      for (const { lang, code } of codeBlocks(readFileSync(page, 'utf8'))) {
        if (lang !== 'ts') continue
        for (const match of code.matchAll(/import\s+\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
          const specifier = match[2]
          if (specifier !== manifest.name && !specifier.startsWith(`${manifest.name}/`)) continue
          const entry = manifest.exports[`.${specifier.slice(manifest.name.length)}`]
          if (entry === undefined) {
            wrong.push(`${relative(root, page)}: no entry point ${specifier}`)
            continue
          }
          const file = sourceOf(typeof entry === 'string' ? entry : entry.default)
          for (const name of match[1].split(',').map((entry) => entry.trim()).filter(Boolean)) {
            if (!exportsName(file, name)) wrong.push(`${relative(root, page)}: ${specifier} does not export ${name}`)
          }
        }
      }
    }
    expect(wrong).toEqual([])
  })
})
