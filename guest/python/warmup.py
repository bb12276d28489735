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


_lci_warmup()
del _lci_warmup
