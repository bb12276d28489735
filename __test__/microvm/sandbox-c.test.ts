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
    await expect(sandbox.run(join(dir, 'nopie'))).rejects.toMatchObject({ code: 'ERR_INVALID_BINARY' })
  })
})
