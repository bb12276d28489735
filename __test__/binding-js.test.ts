// The JavaScript the addon runs inside Node (crates/binding/src/js/*.js, embedded with include_str!) is
// type-checked as the package's TypeScript is: against the shapes it trades with Rust (contracts.d.ts)
// and Node's own types. Kept as .js rather than compiled from src/: the addon carries the text it runs,
// so no file looked up at run time can drift from the addon that loads it.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'

import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '..')
const js = resolve(root, 'crates/binding/src/js')

describe("the binding's embedded JavaScript", () => {
  it('passes tsc --checkJs with strict settings', () => {
    const tsc = resolve(root, 'node_modules/typescript/bin/tsc')
    // Throws with tsc's messages when a file does not check.
    execFileSync(process.execPath, [tsc, '-p', js], { encoding: 'utf8' })
  }, 120_000)

  it('every file is checked and embedded by the binding', () => {
    const files = readdirSync(js).filter((f) => f.endsWith('.js'))
    expect(files.length).toBeGreaterThan(0)
    const rust = ['js_tools.rs', 'js_fetch.rs'].map((f) => readFileSync(resolve(root, 'crates/binding/src', f), 'utf8')).join('\n')
    for (const file of files) {
      expect(readFileSync(resolve(js, file), 'utf8').startsWith('// @ts-check'), file).toBe(true)
      expect(rust, file).toContain(`include_str!("js/${file}")`)
    }
  })
})
