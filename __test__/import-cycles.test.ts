// The import graph of src/ has no cycle (issue 22): a module that imports one that imports it back sees the
// other half undefined while they load, depending on which one a user imported first. Type-only imports count
// too: they show the same tangle to a reader, and become real ones when a value is added.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SRC = resolve(__dirname, '..', 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  )
}

/** The src/ module a relative specifier of `from` names (`./x.js` is `./x.ts`, a folder its index.ts), if any. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined
  const base = resolve(dirname(from), specifier).replace(/\.js$/, '')
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => candidate.startsWith(SRC) && existsSync(candidate))
}

/** Each module's imports within src/ (imports, re-exports, `import()` and `require()`). */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const targets = importedFiles.map((f) => resolveSpecifier(file, f.fileName)).filter((t): t is string => t !== undefined)
    graph.set(file, [...new Set(targets)])
  }
  return graph
}

/** Every cycle's modules (strongly connected components of more than one module, or a module importing itself). */
export function cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's algorithm
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (node: string) => {
    index.set(node, next)
    low.set(node, next++)
    stack.push(node)
    onStack.add(node)
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to)
        low.set(node, Math.min(low.get(node)!, low.get(to)!))
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!))
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort())
    }
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return found
}

describe('the import graph of src/', () => {
  it('has no cycle', () => {
    const graph = importGraph()
    expect(graph.size).toBeGreaterThan(20)
    const named = cycles(graph).map((component) => component.map((file) => relative(SRC, file)))
    expect(named).toEqual([])
  })

  it('the check finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
      ['e', ['e']],
    ])
    expect(cycles(graph)).toEqual([['a', 'b', 'c'], ['e']])
  })
})
