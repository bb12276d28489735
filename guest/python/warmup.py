# Runs once in the Python guest, before the snapshot every run restores (crates/sandbox/src/images.rs).
# The guest has no processes to start: CPython on such platforms (WASI, Emscripten) has no os.fork and
# refuses subprocess at once, and code that checks (test.support, multiprocessing, libraries probing
# hasattr(os, "fork")) then takes its other path. Make this guest say so the same way, with a message
# that names the reason, rather than fail later with EBUSY or FileNotFoundError. Nothing is left in the
# namespace programs run in.
def _lci_warmup():
    import errno
    import os
    import subprocess
    import sys

    message = 'processes are not available in the sandbox'

    def no_processes(*args, **kwargs):
        raise OSError(errno.ENOTSUP, message)

    # Where the interpreter would be: code builds paths from it (the guest has no binary to run).
    sys.executable = sys._base_executable = '/usr/bin/python3'
    # Gone, as on WASI: callers test hasattr(os, 'fork') and friends.
    for name in ('fork', 'forkpty', 'posix_spawn', 'posix_spawnp'):
        if hasattr(os, name):
            delattr(os, name)
    # Kept, failing at once with the reason.
    for name in ('execv', 'execve', 'execl', 'execle', 'execlp', 'execlpe', 'execvp', 'execvpe',
                 'spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe',
                 'system', 'popen'):
        if hasattr(os, name):
            setattr(os, name, no_processes)
    subprocess._can_fork_exec = False

    def popen_init(self, *args, **kwargs):
        raise OSError(errno.ENOTSUP, message)

    subprocess.Popen.__init__ = popen_init

    # Files, where the guest kernel differs from Linux.
    import stat

    # No extended attributes: say so as Linux does for a file system without them (ENOTSUP, which
    # shutil.copystat, copy2 and copytree expect), not ENOSYS.
    def no_xattrs(*args, **kwargs):
        raise OSError(errno.ENOTSUP, 'extended attributes are not supported in the sandbox')

    for name in ('listxattr', 'getxattr', 'setxattr', 'removexattr'):
        if hasattr(os, name):
            setattr(os, name, no_xattrs)

    # The kernel's lstat follows a symbolic link; readlink knows it is one. So lstat, and stat with
    # follow_symlinks=False, report the link itself (S_IFLNK, the target's length as its size), as
    # os.path.islink, Path.resolve, shutil.rmtree and tempfile rely on.
    real_stat = os.stat

    def replaced(result, changes):
        # A stat_result with some of its first ten fields changed, the rest (times in ns too) kept.
        fields = [changes.get(i, value) for i, value in enumerate(result[:10])]
        extra = {k: getattr(result, k) for k in ('st_atime', 'st_mtime', 'st_ctime', 'st_atime_ns',
                                                  'st_mtime_ns', 'st_ctime_ns', 'st_blksize', 'st_blocks')}
        return os.stat_result(fields, extra)

    def with_links(result):
        # The kernel reports no links at all; a file has one (it cannot have more: no hard links here).
        if result.st_nlink or stat.S_ISDIR(result.st_mode):
            return result
        return replaced(result, {3: 1})

    def link_stat(path, dir_fd, result):
        if stat.S_ISLNK(result.st_mode) or isinstance(path, int):
            return result
        try:
            target = os.readlink(path, dir_fd=dir_fd)
        except (OSError, TypeError, ValueError):
            return result
        return replaced(result, {0: stat.S_IFLNK | 0o777, 3: 1, 6: len(os.fsencode(target))})

    def stat_(path, *, dir_fd=None, follow_symlinks=True):
        try:
            result = real_stat(path, dir_fd=dir_fd, follow_symlinks=follow_symlinks)
        except FileNotFoundError:
            # A link whose target is gone: the link itself exists, with its directory's owner and times.
            if follow_symlinks or isinstance(path, int):
                raise
            try:
                os.readlink(path, dir_fd=dir_fd)
            except (OSError, TypeError, ValueError):
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path) from None
            parent = os.path.dirname(os.fspath(path)) or os.curdir
            result = real_stat(parent, dir_fd=dir_fd)
        return with_links(result if follow_symlinks else link_stat(path, dir_fd, result))

    def lstat(path, *, dir_fd=None):
        return stat_(path, dir_fd=dir_fd, follow_symlinks=False)

    stat_.__doc__, lstat.__doc__ = os.stat.__doc__, os.lstat.__doc__
    os.stat, os.lstat = stat_, lstat


_lci_warmup()
del _lci_warmup
