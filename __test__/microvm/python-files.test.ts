// Python's file operations and its answer to process creation, in a real micro-VM, as a program written for
// Linux CPython 3.11 relies on them (issue 15): where the guest kernel lacks a call or differs, the image's
// warm-up (guest/python/warmup.py) supplies Linux's behaviour, or the error Linux gives where nothing can be
// done here. Each run is a fresh restore of the warm snapshot.
import { beforeAll, describe, expect, it } from 'vitest'
import { native } from '../helpers/native'

describe('Python files and processes behave as on Linux', () => {
  const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 60_000 })
  /** Runs `lines` and returns its output, failing the test with the guest's traceback if it raised. */
  const run = async (...lines: string[]) => {
    const r = await sandbox.runCode(lines.join('\n'), 'python')
    expect(r.stderr).toBe('')
    expect(r.error).toBeUndefined()
    return r.output
  }

  beforeAll(async () => {
    expect((await sandbox.runCode('print("booted")', 'python')).output).toBe('booted\n')
  })

  it('copies files with their contents, mode and times, and copies, moves and removes trees', async () => {
    const out = await run(
      'import os, shutil',
      'os.makedirs("/tmp/src/deep/er"); open("/tmp/src/deep/er/f", "w").write("deep"); open("/tmp/src/top", "wb").write(bytes(range(256)) * 300)',
      'os.chmod("/tmp/src/top", 0o640); os.utime("/tmp/src/top", (1_000_000, 2_000_000))',
      'shutil.copy("/tmp/src/top", "/tmp/c1"); shutil.copy2("/tmp/src/top", "/tmp/c2"); shutil.copyfile("/tmp/src/top", "/tmp/c3")',
      'same = [open(p, "rb").read() == open("/tmp/src/top", "rb").read() for p in ("/tmp/c1", "/tmp/c2", "/tmp/c3")]',
      'print(same, oct(os.stat("/tmp/c1").st_mode & 0o777), os.stat("/tmp/c2").st_mtime)',
      'shutil.copytree("/tmp/src", "/tmp/dst")',
      'print(sorted(os.path.relpath(os.path.join(d, f), "/tmp/dst") for d, _, fs in os.walk("/tmp/dst") for f in fs))',
      'shutil.move("/tmp/dst", "/tmp/moved"); print(os.path.exists("/tmp/dst"), open("/tmp/moved/deep/er/f").read())',
      'os.mkdir("/tmp/into"); shutil.move("/tmp/c1", "/tmp/into"); os.rename("/tmp/c2", "/tmp/into/c2"); print(sorted(os.listdir("/tmp/into")))',
      'shutil.rmtree("/tmp/moved"); shutil.rmtree("/tmp/src"); print(os.path.exists("/tmp/moved"), os.path.exists("/tmp/src"))',
    )
    expect(out).toBe(
      "[True, True, True] 0o640 2000000.0\n['deep/er/f', 'top']\nFalse deep\n['c1', 'c2']\nFalse False\n",
    )
  })

  it('knows a symbolic link from its target: lstat, islink, resolve, dangling links, copytree(symlinks=True), rmtree', async () => {
    const out = await run(
      'import os, shutil, stat, tempfile, pathlib',
      'os.makedirs("/tmp/t/d"); open("/tmp/t/d/f", "w").write("x")',
      'os.symlink("/tmp/t/d/f", "/tmp/t/link"); os.symlink("/tmp/t/d", "/tmp/t/dlink"); os.symlink("/tmp/t/gone", "/tmp/t/dangling")',
      'st = os.lstat("/tmp/t/link")',
      'print(stat.S_ISLNK(st.st_mode), st.st_size, st.st_ino != os.stat("/tmp/t/link").st_ino, os.path.islink("/tmp/t/link"), os.path.islink("/tmp/t/d/f"))',
      'print(pathlib.Path("/tmp/t/link").resolve(), os.path.realpath("/tmp/t/dlink"), os.path.lexists("/tmp/t/dangling"), os.path.exists("/tmp/t/dangling"))',
      'print(sorted((e.name, e.is_symlink(), stat.S_ISLNK(e.stat(follow_symlinks=False).st_mode)) for e in os.scandir("/tmp/t")))',
      'shutil.copytree("/tmp/t", "/tmp/u", symlinks=True)',
      'print(os.readlink("/tmp/u/dangling"), os.path.islink("/tmp/u/dlink"))',
      'shutil.rmtree("/tmp/u"); shutil.rmtree("/tmp/t", ignore_errors=False)',
      'print(os.path.exists("/tmp/t"))',
      'with tempfile.TemporaryDirectory() as d:',
      '    open(os.path.join(d, "f"), "w").close(); os.symlink(os.path.join(d, "f"), os.path.join(d, "l"))',
      '    os.symlink("/usr/lib", os.path.join(d, "outside"))',
      'print(os.path.exists(d), os.path.isdir("/usr/lib"))',
    )
    expect(out).toBe(
      [
        'True 10 True True False',
        '/tmp/t/d/f /tmp/t/d True False',
        "[('d', False, False), ('dangling', True, True), ('dlink', True, True), ('link', True, True)]",
        '/tmp/t/gone True',
        'False',
        'False True',
        '',
      ].join('\n'),
    )
  })

  it('keeps the mode chmod sets and the owner chown sets, counts links, and says which calls cannot work here', async () => {
    const out = await run(
      'import os, stat',
      'open("/tmp/f", "w").close(); os.mkdir("/tmp/d")',
      'os.chmod("/tmp/f", 0o604); os.chown("/tmp/f", 65534, 100)',
      's = os.stat("/tmp/f"); print(oct(stat.S_IMODE(s.st_mode)), s.st_uid, s.st_gid, s.st_nlink, os.stat("/tmp/d").st_nlink)',
      'os.chown("/tmp/f", -1, 7); print(os.stat("/tmp/f")[4:6], os.fstat(os.open("/tmp/f", os.O_RDONLY)).st_gid)',
      'def error(f, *a, **k):',
      '    try:',
      '        f(*a, **k)',
      '    except (OSError, NotImplementedError) as e:',
      '        return type(e).__name__ + " " + str(getattr(e, "errno", "-"))',
      '    return "no error"',
      'print(error(os.chown, "/tmp/missing", 0, 0), error(os.link, "/tmp/f", "/tmp/g"), error(os.mkfifo, "/tmp/fifo"))',
      'print(error(os.getxattr, "/tmp/f", "user.x"), error(os.utime, "/tmp/f", None, follow_symlinks=False))',
      'print(error(os.mkfifo, "/output/fifo"), os.path.exists("/output/fifo"))',
    )
    expect(out).toBe(
      [
        '0o604 65534 100 1 1',
        '(65534, 7) 7',
        'FileNotFoundError 2 PermissionError 1 PermissionError 1', // ENOENT, EPERM (no hard links, no FIFOs)
        'OSError 95 NotImplementedError -', // ENOTSUP, as on a file system without extended attributes
        'PermissionError 1 False', // on a mount the host serves too, where the kernel would make a regular file
        '',
      ].join('\n'),
    )
  })

  it('supplies what the kernel lacks with the real thing: copy_file_range copies, memfd_create is a file in memory, disk_usage has a size', async () => {
    const out = await run(
      'import os, shutil',
      'open("/tmp/a", "wb").write(b"0123456789")',
      'src = os.open("/tmp/a", os.O_RDONLY); dst = os.open("/tmp/b", os.O_WRONLY | os.O_CREAT)',
      'print(os.copy_file_range(src, dst, 4, 2), os.copy_file_range(src, dst, 100), open("/tmp/b", "rb").read())',
      'fd = os.memfd_create("buffer"); os.write(fd, b"in memory"); os.lseek(fd, 0, 0)',
      'print(os.read(fd, 100), os.fstat(fd).st_size, os.get_inheritable(fd), [n for n in os.listdir("/tmp") if "memfd" in n])',
      'u = shutil.disk_usage("/tmp"); print(u.total > 64 << 20, 0 < u.free <= u.total)',
    )
    expect(out).toBe("4 10 b'23450123456789'\nb'in memory' 9 False []\nTrue True\n")
  })

  it('has no processes, and says so at once, as CPython does on WASI; sys.executable is a real file', async () => {
    const out = await run(
      'import os, sys, subprocess',
      'print(sys.executable, os.path.isfile(sys.executable), hasattr(os, "fork"), hasattr(os, "posix_spawn"))',
      'for call in (lambda: subprocess.run(["ls"]), lambda: subprocess.check_output("echo hi", shell=True), lambda: os.system("ls"),',
      '             lambda: os.popen("ls"), lambda: os.execv("/bin/ls", ["ls"]), lambda: os.spawnv(os.P_WAIT, "/bin/ls", ["ls"]),',
      '             lambda: __import__("multiprocessing").Process(target=print).start(),',
      '             lambda: __import__("multiprocessing").get_context("spawn").Process(target=print).start()):',
      '    try:',
      '        call()',
      '    except OSError as e:',
      '        print(e.errno, e.strerror)',
      'for bad in ((), [""]):',
      '    try:',
      '        os.execv("/bin/ls", bad)',
      '    except ValueError as e:',
      '        print("ValueError:", e)',
    )
    const refused = '95 processes are not available in the sandbox\n'
    expect(out).toBe(
      '/usr/local/bin/hl_pydriver True False False\n' +
        refused.repeat(8) +
        'ValueError: execv() arg 2 must not be empty\nValueError: execv() arg 2 first element cannot be empty\n',
    )
  })

  it('refuses sockets with an error that says why', async () => {
    const r = await sandbox.runCode('import socket\nsocket.create_connection(("127.0.0.1", 80))', 'python')
    expect(r.exitCode).toBe(1)
    expect(r.error).toBe(
      'PermissionError: [Errno 13] the sandbox refuses this socket: network access is only to the destinations its network.allow setting lists',
    )
  })

  it('the writable /output mount keeps a mode and times, renames as Linux does and refuses links with EPERM', async () => {
    const out = await run(
      'import os',
      'def error(f, *a):',
      '    try:',
      '        f(*a)',
      '    except OSError as e:',
      '        return type(e).__name__ + " " + str(e.errno)',
      '    return "no error"',
      'os.makedirs("/output/a"); open("/output/a/f", "w").write("x"); os.mkdir("/output/empty"); open("/output/file", "w").write("y")',
      'os.chmod("/output/a/f", 0o600); os.utime("/output/a/f", (1_000_000, 2_000_000))',
      'st = os.stat("/output/a/f"); print(oct(st.st_mode & 0o777), st.st_mtime)',
      'os.rename("/output/a", "/output/empty"); print(sorted(os.listdir("/output/empty")), os.path.exists("/output/a"))',
      'print(error(os.rename, "/output/file", "/output/empty"), error(os.symlink, "/output/file", "/output/l"))',
    )
    expect(out).toBe("0o600 2000000.0\n['f'] False\nIsADirectoryError 21 PermissionError 1\n")
  })
})
