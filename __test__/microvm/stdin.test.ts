// Standard input in the micro-VM: each run reads exactly the bytes it was given, then end of file, in
// every language; no guest ever reads the host process's own stdin (the engine's ReadStdin host
// function would read fd 0: the addon serves fd 0 from the run instead); a run never waits on it.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { native } from '../helpers/native'

/** Programs that read all of stdin and print what they got as `got=<json>` (one line). */
const READERS = {
  python: 'import sys, json\nprint("got=" + json.dumps(sys.stdin.read()))',
  javascript:
    "import * as std from 'qjs:std'\nlet all = '', line\nwhile ((line = std.in.getline()) !== null) all += line + '\\n'\nconsole.log('got=' + JSON.stringify(all))",
  c: '#include <stdio.h>\nint main(void){char b[4096];size_t n=fread(b,1,sizeof b-1,stdin);b[n]=0;printf("got=\\"");for(size_t i=0;i<n;i++){if(b[i]==10)printf("\\\\n");else putchar(b[i]);}printf("\\"\\n");return 0;}',
  cpp: '#include <iostream>\n#include <string>\nint main(){std::string all,line;while(std::getline(std::cin,line))all+=line+"\\\\n";std::cout<<"got=\\""<<all<<"\\""<<std::endl;}',
} as const

describe('standard input in a micro-VM', () => {
  const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 20_000 })

  it.each(Object.entries(READERS))('%s reads exactly the stdin it is given, then end of file', async (language, code) => {
    const r = await sandbox.runCode(code, language, { stdin: 'two\nlines\n' })
    expect(r.output).toBe('got="two\\nlines\\n"\n')
    const none = await sandbox.runCode(code, language)
    expect(none.output).toBe('got=""\n')
  })

  it('gives Python EOFError at once from input() when no stdin is given', async () => {
    const r = await sandbox.runCode('try:\n    input()\nexcept EOFError:\n    print("eof")', 'python')
    expect(r.output).toBe('eof\n')
  })

  it('ends a guest that spins on its stdin at its timeout, and serves the next run', async () => {
    const quick = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 3000 })
    const r = await quick.runCode('import sys\nwhile True:\n    sys.stdin.read()', 'python')
    expect(r).toMatchObject({ timedOut: true, success: false })
    expect((await quick.runCode('print(1)', 'python')).output).toBe('1\n')
  })

  it(
    "never reads the host process's stdin: a secret piped in (the pipe left open) stays unread, and reads end at once",
    async () => {
      // A separate Node process whose stdin is a pipe holding a secret, never closed: a guest that read
      // this process's stdin would print the secret, or wait for more until its timeout.
      const dir = mkdtempSync(join(tmpdir(), 'lci-stdin-'))
      const script = join(dir, 'host.cjs')
      writeFileSync(
        script,
        `const { NanvixSandbox } = require(${JSON.stringify(resolve('index.js'))})
const readers = ${JSON.stringify(READERS)}
const extra = { python: 'import os\\ntry:\\n    print("raw=" + repr(os.read(0, 100)))\\nexcept OSError as e:\\n    print("raw-error", e)\\ntry:\\n    input()\\nexcept EOFError:\\n    print("input=eof")' }
;(async () => {
  const sandbox = new NanvixSandbox({ pythonImage: 'standard', timeoutMs: 15000 })
  const out = {}
  for (const [language, code] of Object.entries(readers)) {
    const started = Date.now()
    const r = await sandbox.runCode(code, language)
    out[language] = { output: r.output, stderr: r.stderr, error: r.error, timedOut: r.timedOut, ms: Date.now() - started }
  }
  const r = await sandbox.runCode(extra.python, 'python')
  out.raw = { output: r.output, stderr: r.stderr, error: r.error, timedOut: r.timedOut }
  process.stdout.write(JSON.stringify(out))
  process.exit(0)
})()`,
      )
      const secret = `HOST-STDIN-SECRET-${process.pid}`
      const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] })
      child.stdin.write(`${secret}\n${secret}\n`)
      let stdout = ''
      child.stdout.on('data', (d) => (stdout += d))
      const code = await new Promise<number | null>((done) => child.on('exit', done))
      child.stdin.destroy()
      expect(code).toBe(0)
      expect(stdout).not.toContain(secret)
      const results = JSON.parse(stdout) as Record<string, { output: string; timedOut: boolean }>
      for (const language of Object.keys(READERS)) {
        expect(results[language].timedOut, language).toBe(false)
        expect(results[language].output, language).toBe('got=""\n')
      }
      expect(results.raw.output).toBe("raw=b''\ninput=eof\n")
    },
    300_000,
  )
})
