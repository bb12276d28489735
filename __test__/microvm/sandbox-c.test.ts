// C and C++ compiled on the host (gcc/g++ -static-pie) and run in a real micro-VM by the exec guest.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { native } from '../helpers/native'

describe('C and C++ in a micro-VM', () => {
  const sandbox = new native.NanvixSandbox({ timeoutMs: 20_000 })

  it('compiles and runs hello in C, with both streams and the exit code', async () => {
    const r = await sandbox.runCode(
      '#include <stdio.h>\nint main(void) { printf("hello from C\\n"); fflush(stdout); fprintf(stderr, "on stderr\\n"); return 5; }',
      'c',
    )
    expect(r).toMatchObject({ success: false, exitCode: 5, output: 'hello from C\non stderr\n', stderr: 'on stderr\n', timedOut: false })
  })

  it('runs C++ with iostream, vector, string, map, threads and exceptions', async () => {
    const r = await sandbox.runCode(
      `#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
int main() {
  std::vector<int> v{3, 1, 2};
  std::map<std::string, int> m{{"a", 1}, {"b", 2}};
  int sum = 0;
  std::thread t([&] { for (int x : v) sum += x; });
  t.join();
  try { throw std::runtime_error("caught"); } catch (const std::exception& e) { std::cout << e.what() << "\\n"; }
  std::cout << "sum=" << sum << " map=" << m.size() << std::endl;
}`,
      'cpp',
    )
    expect(r).toMatchObject({ success: true, exitCode: 0, output: 'caught\nsum=6 map=2\n' })
  })

  it('gives the program an empty stdin', async () => {
    const r = await sandbox.runCode('#include <stdio.h>\nint main(void) { printf("%d\\n", getchar() == EOF); }', 'c')
    expect(r.output).toBe('1\n')
  })

  it('returns a compile error as a failed result with the compiler messages and exit code', async () => {
    const r = await sandbox.runCode('int main(void) { return not_declared; }', 'c')
    expect(r.success).toBe(false)
    expect(r.exitCode).toBe(1)
    expect(r.output).toContain('not_declared')
    expect(r.error).toContain('compilation failed')
  })

  it('stops for(;;); at the time limit, and the next run works', async () => {
    const quick = new native.NanvixSandbox({ timeoutMs: 3000 })
    const r = await quick.runCode('int main(void) { for (;;); }', 'c')
    expect(r).toMatchObject({ timedOut: true, success: false })
    expect((await quick.runCode('#include <stdio.h>\nint main(void){puts("next");}', 'c')).output).toBe('next\n')
  })

  it('runs a prebuilt static-PIE binary by path and refuses one that is not PIE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-bin-'))
    writeFileSync(join(dir, 'm.c'), '#include <stdio.h>\nint main(void){puts("prebuilt");return 0;}')
    execFileSync('gcc', ['-static-pie', '-o', join(dir, 'prog.elf'), join(dir, 'm.c')])
    execFileSync('gcc', ['-no-pie', '-o', join(dir, 'nopie'), join(dir, 'm.c')])
    expect((await sandbox.run(join(dir, 'prog.elf'))).output).toBe('prebuilt\n')
    expect(await sandbox.run(join(dir, 'nopie'))).toMatchObject({ success: false, errorCode: 'ERR_INVALID_BINARY' })
  })

  describe('the compiler cannot read host files (the compile jail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lci-host-secret-'))
    const secret = `HOST-FILE-SECRET-${process.pid}`
    const secretPath = join(dir, 'secret.txt')
    writeFileSync(secretPath, `${secret}\n`)

    /** The secret appears nowhere in what the run returned. */
    function expectHidden(r: Awaited<ReturnType<typeof sandbox.runCode>>): void {
      expect(r.success).toBe(false)
      const everything = [r.output, r.stderr, r.error ?? '', ...Object.values(r.files).map((b) => Buffer.from(b).toString('latin1'))].join('\n')
      expect(everything).not.toContain(secret)
    }

    it.each([
      ['#include of an absolute host path', `#include "${secretPath}"\nint main(void){return 0;}`, 'c'],
      ['#include climbing out with ../', `#include "${'../'.repeat(24)}${secretPath.slice(1)}"\nint main(){}`, 'cpp'],
      ['#include </proc/self/environ>', '#include </proc/self/environ>\nint main(void){return 0;}', 'c'],
      [
        '.incbin of a host file',
        `__asm__(".section .rodata\\n.global blob\\nblob: .incbin \\"${secretPath}\\"\\n.byte 0\\n");\nextern const char blob[];\n#include <stdio.h>\nint main(void){puts(blob);return 0;}`,
        'c',
      ],
    ])('%s: the secret is in no part of the result', async (_what, code, language) => {
      const r = await sandbox.runCode(code, language)
      expectHidden(r)
      expect(r.stderr).toMatch(/Permission denied|file not found/)
    })

    it('ends a compile bomb (a 1 GiB static array) as a result at its limit, and serves the next run', async () => {
      const r = await sandbox.runCode('char big[1L << 30] = {1};\nint main(void){return big[0];}', 'c')
      expect(r.success).toBe(false)
      expect(r.exitCode).not.toBe(0)
      const ok = await sandbox.runCode('#include <stdio.h>\n#include <math.h>\nint main(void){printf("%.3f\\n", sqrt(2.0));}', 'c')
      expect(ok.output).toBe('1.414\n')
    })
  })
})
