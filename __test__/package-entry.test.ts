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

describe('the built package where the native addon cannot load', () => {
  // A copy of the package as npm installs it (package.json, napi's loader index.js, dist/ compiled from src/
  // now) without the .node and without the platform package, so the loader finds no addon. Compiled into a
  // temporary directory, so the test sees this checkout's sources whatever state dist/ is in.
  it('imports (require and import), works without the addon, and the first call that needs it says why', async () => {
    const { execFileSync } = await import('node:child_process')
    const { cpSync, mkdtempSync, rmSync, symlinkSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(resolve(tmpdir(), 'lci-no-addon-'))
    try {
      for (const file of ['package.json', 'index.js', 'index.d.ts']) cpSync(resolve(root, file), resolve(dir, file))
      symlinkSync(resolve(root, 'node_modules'), resolve(dir, 'node_modules'))
      execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', resolve(root, 'tsconfig.json'), '--outDir', resolve(dir, 'dist')])
      const script = `
        const lci = require(${JSON.stringify(dir)})
        const report = { exports: Object.keys(lci).length }
        try { new lci.NanvixSandbox(); report.constructed = true } catch (e) { report.ctor = { code: e.code, message: e.message, cause: e.cause?.message } }
        try { lci.defaultPythonImage() } catch (e) { report.defaultPythonImage = e.code }
        lci.probeHypervisor().then(() => 'resolved', (e) => e.code).then(async (probe) => {
          report.probe = probe
          report.esm = typeof (await import(${JSON.stringify(resolve(dir, 'dist/index.js'))})).CodeExecutionTool
          for (const entry of ['mcp', 'ai-sdk', 'langchain', 'openai-agents']) report[entry] = Object.keys(require(${JSON.stringify(dir)} + '/dist/' + (entry === 'mcp' ? 'mcp/index.js' : 'adapters/' + entry + '.js'))).length > 0
          const tool = new lci.CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard' })
          report.hyperlightRun = (await tool.execute({ code: '1', language: 'javascript' })).error?.code
          console.log(JSON.stringify(report))
        })`
      const env = { ...process.env }
      delete env.NAPI_RS_NATIVE_LIBRARY_PATH
      const report = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: dir, env, encoding: 'utf8' }))
      expect(report.exports).toBeGreaterThan(30)
      expect(report.constructed).toBeUndefined()
      expect(report.ctor).toMatchObject({ code: 'ERR_NATIVE_ADDON_UNAVAILABLE', cause: expect.stringContaining('Cannot find native binding') })
      expect(report.ctor.message).toContain('local-code-interpreter-linux-x64-gnu')
      expect(report).toMatchObject({
        defaultPythonImage: 'ERR_NATIVE_ADDON_UNAVAILABLE',
        probe: 'ERR_NATIVE_ADDON_UNAVAILABLE',
        esm: 'function',
        mcp: true,
        'ai-sdk': true,
        langchain: true,
        'openai-agents': true,
        hyperlightRun: 'ERR_NATIVE_ADDON_UNAVAILABLE',
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
