// Code mode on the host: a stand-in for the native addon whose "guest" calls the run's tools as the real
// guests do (tools.NAME(args): the one argument object, as JSON, into the function the addon was given), so
// host tests can check what the TypeScript layer gives runCode and what comes back of each call.
import { performance } from 'node:perf_hooks'

import type { NativeAddon, NativeRunOptions, NativeWorkloadResult } from '../../src/native/addon'
import { workload } from './rich-results'

/**
 * A guest program for {@link codeModeAddon}: one call per line, `NAME {json args}`, each printed as the JSON
 * of its result or as `error: <message>` (the exception the guest would raise).
 */
export function program(...calls: [name: string, args: unknown][]): string {
  return calls.map(([name, args]) => `${name} ${JSON.stringify(args)}`).join('\n')
}

/** What the stand-in addon saw: the options of each run, and which runs were in a session. */
export interface CodeModeAddonState {
  runs: { code: string; language: string; options: NativeRunOptions | undefined; session: boolean }[]
  sessionsOpened: string[]
}

/**
 * A stand-in addon: `runCode` (and sessions' `runCode`) run a {@link program} by calling `options.tools`, as
 * the addon does — arguments through JSON, results through JSON — and report the calls in `toolCalls`. A name
 * the run was not given is an error, as in the guest.
 */
export function codeModeAddon(): { addon: NativeAddon; state: CodeModeAddonState } {
  const state: CodeModeAddonState = { runs: [], sessionsOpened: [] }
  async function run(code: string, language: string, options: NativeRunOptions | undefined, session: boolean): Promise<NativeWorkloadResult> {
    state.runs.push({ code, language, options, session })
    const lines: string[] = []
    const toolCalls: NativeWorkloadResult['toolCalls'] = []
    for (const line of code.split('\n').filter((text) => text.trim().length > 0)) {
      const space = line.indexOf(' ')
      const name = space === -1 ? line : line.slice(0, space)
      const args: unknown = space === -1 ? {} : JSON.parse(line.slice(space + 1))
      const tool = options?.tools?.[name]
      if (!tool) {
        lines.push(`error: no tool "${name}"`)
        continue
      }
      const started = performance.now()
      try {
        const result = await tool(JSON.parse(JSON.stringify(args)))
        lines.push(JSON.stringify(result === undefined ? null : result))
        toolCalls.push({ name, ok: true, durationMs: performance.now() - started })
      } catch (error) {
        lines.push(`error: ${(error as Error).message}`)
        toolCalls.push({ name, ok: false, durationMs: performance.now() - started })
      }
    }
    return workload({ output: lines.map((text) => `${text}\n`).join(''), toolCalls })
  }
  class NanvixSandbox {
    runCode = (code: string, language: string, options?: NativeRunOptions) => run(code, language, options, false)
    session(language: string) {
      state.sessionsOpened.push(language)
      return {
        runCode: (code: string, options?: NativeRunOptions) => run(code, language, options, true),
        reset: async () => undefined,
        close: async () => true,
      }
    }
  }
  return { addon: { NanvixSandbox } as unknown as NativeAddon, state }
}
