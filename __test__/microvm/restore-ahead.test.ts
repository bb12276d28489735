// Guests restored ahead of the request (crates/sandbox/src/guest/pool.rs): a run hands its guest back and returns,
// the guest is restored afterwards and waits in the pool. Whatever a run leaves behind — globals, files in
// /tmp and /output, an interpreter it broke — must never reach a later run, however soon it starts.
import { describe, expect, it } from 'vitest'
import { native } from '../helpers/native'

/** Programs that leave state behind, and programs that report what they find of it. */
const LEAVE = {
  python: [
    'import builtins, os, sys',
    'builtins.leaked = "global"',
    'open("/tmp/leaked", "w").write("file")',
    'open("/output/leaked.txt", "w").write("output")',
    'sys.modules["json"] = None',
    'print("left")',
  ].join('\n'),
  javascript: 'globalThis.leaked = "global"; Object.prototype.polluted = 1; Math.random = () => 4; console.log("left")',
}
const LOOK = {
  python: [
    'import builtins, os, sys',
    'import json',
    'print(hasattr(builtins, "leaked"), os.path.exists("/tmp/leaked"), sorted(os.listdir("/output")), json is not None)',
  ].join('\n'),
  javascript: 'console.log(typeof globalThis.leaked, ({}).polluted, Math.random() === 4)',
}
const CLEAN = { python: 'False False [] True\n', javascript: 'undefined undefined false\n' }

describe('guests restored ahead of the request', () => {
  for (const language of ['python', 'javascript'] as const) {
    it(`${language}: a run right after one that polluted its guest finds it clean, one after another and many at once`, async () => {
      const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 120_000, maxConcurrency: 2, poolSize: 2 })
      const left = await sandbox.runCode(LEAVE[language], language)
      expect(left.output).toBe('left\n')
      // Straight after, while the polluted guest is being restored: never that guest.
      for (let i = 0; i < 4; i++) {
        const look = await sandbox.runCode(LOOK[language], language)
        expect(look.output, `sequential run ${i}`).toBe(CLEAN[language])
        await sandbox.runCode(LEAVE[language], language)
      }
      // Polluting and looking runs interleaved, more than the pool holds at once.
      const mixed = await Promise.all(
        Array.from({ length: 8 }, (_, i) => sandbox.runCode(i % 2 ? LOOK[language] : LEAVE[language], language)),
      )
      mixed.forEach((r, i) => expect(r.output, `concurrent run ${i}`).toBe(i % 2 ? CLEAN[language] : 'left\n'))
    })
  }

  it('a session whose guest ended takes a clean one on its next run, with a pool of one being refilled', async () => {
    const sandbox = new native.NanvixSandbox({ timeoutMs: 120_000, poolSize: 1 })
    const session = sandbox.session('javascript')
    await session.runCode('globalThis.kept = 41')
    expect((await session.runCode('kept += 1; console.log(kept)')).output).toBe('42\n')
    for (let i = 0; i < 3; i++) {
      expect(await session.runCode('globalThis.kept = 1; process.exit(3)')).toMatchObject({ exitCode: 3, sessionReset: true })
      expect((await session.runCode('console.log(typeof kept)')).output, `after exit ${i}`).toBe('undefined\n')
    }
    await session.reset()
    expect((await session.runCode('console.log(typeof kept)')).output).toBe('undefined\n')
    await session.close()
  })
})
