// What users import: the package facade (native API + tool layer) and the subpath entry points.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'

import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '..')
const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  main: string
  types: string
  bin: Record<string, string>
  exports: Record<string, string | { types: string; default: string }>
}

/** The TypeScript source a dist/ path is compiled from. */
const sourceOf = (distPath: string) => resolve(root, distPath.replace(/^\.?\/?dist\//, 'src/').replace(/\.js$/, '.ts'))

describe('package entry points', () => {
  it('exports ., ./openai-agents, ./ai-sdk, ./langchain, ./mcp and ./codemode, each compiled from a source module', () => {
    expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining(['.', './openai-agents', './ai-sdk', './langchain', './mcp', './codemode']))
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') continue
      expect(target.types.replace(/\.d\.ts$/, '.js'), subpath).toBe(target.default)
      expect(existsSync(sourceOf(target.default)), `${subpath} → ${target.default}`).toBe(true)
    }
    expect((manifest.exports['.'] as { default: string }).default).toBe(`./${manifest.main}`)
    expect(existsSync(sourceOf(manifest.bin['local-code-interpreter']))).toBe(true)
  })

  it('the facade re-exports the native API and exports the tool layer', async () => {
    const facade = await import('../src/index')
    expect(typeof facade.NanvixSandbox).toBe('function')
    expect(typeof facade.CodeExecutionTool).toBe('function')
    expect(typeof facade.createInterpreterAgent).toBe('function')
    expect(typeof facade.formatExecutionResult).toBe('function')
    expect(facade.ExecutionErrorCode.Timeout).toBe('ERR_TIMEOUT')
  })

  it('each adapter entry point exports codeExecutionTool', async () => {
    for (const module of [await import('../src/adapters/openai-agents'), await import('../src/adapters/ai-sdk'), await import('../src/adapters/langchain')]) {
      expect(typeof module.codeExecutionTool).toBe('function')
    }
    const mcp = await import('../src/mcp/index')
    expect(typeof mcp.createMcpServer).toBe('function')
    expect(typeof mcp.serveMcpOverStdio).toBe('function')
    expect(typeof mcp.serveMcpOverHttp).toBe('function')
    const codemode = await import('../src/codemode/executor')
    expect(typeof codemode.MicroVmExecutor).toBe('function')
  })
})
