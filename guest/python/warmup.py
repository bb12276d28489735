# Runs once in the Python guest, before the snapshot every run restores (crates/sandbox/src/guest/images.rs).
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
    import types

    class OsFunction:
        """A function of the os (or time) module that this sandbox supplies (guest/python/warmup.py).
        Like the built-in it stands for, it is not bound as a method when stored on a class."""

        def __init__(self, function, original, module='os'):
            self.__wrapped__ = function
            self.__name__ = self.__qualname__ = original.__name__
            self.__doc__, self.__module__ = original.__doc__, module

        def __call__(self, *args, **kwargs):
            return self.__wrapped__(*args, **kwargs)

        def __repr__(self):
            return '<function %s.%s>' % (self.__module__, self.__name__)

        def __reduce__(self):
            return self.__name__

    def install(name, function):
        # os.NAME becomes `function`, also in the sets that say which calls take dir_fd, an fd or
        # follow_symlinks=False (shutil.copystat and others look the function up there).
        original = getattr(os, name)
        replacement = OsFunction(function, original)
        for kind in ('supports_dir_fd', 'supports_fd', 'supports_follow_symlinks', 'supports_effective_ids'):
            support = getattr(os, kind)
            if original in support:
                support.discard(original)
                support.add(replacement)
        setattr(os, name, replacement)

    message = 'processes are not available in the sandbox'

    def no_processes(*args, **kwargs):
        raise OSError(errno.ENOTSUP, message)

    # The program that runs this interpreter: the image's driver, which embeds libpython (a real file;
    # nothing can start it, as nothing can start any program here).
    sys.executable = sys._base_executable = '/usr/local/bin/hl_pydriver'
    # Gone, as on WASI: callers test hasattr(os, 'fork') and friends.
    for name in ('fork', 'forkpty', 'posix_spawn', 'posix_spawnp'):
        if hasattr(os, name):
            delattr(os, name)
    # Kept, failing at once with the reason (os.py's spawn* would call the os.fork that is gone).
    for name in ('spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe',
                 'system', 'popen'):
        if hasattr(os, name):
            install(name, no_processes)

    # execv and execve check their arguments as CPython does (a bad argument list is a ValueError or
    # TypeError, as on Linux), then fail with the reason; os.execl, execlp, execvp... go through them.
    def exec_arguments(function, argv):
        if not isinstance(argv, (tuple, list)):
            raise TypeError('%s() arg 2 must be a tuple or list' % function)
        if not argv:
            raise ValueError('%s() arg 2 must not be empty' % function)
        encoded = [os.fsencode(arg) for arg in argv]
        if any(b'\0' in arg for arg in encoded):
            raise ValueError('embedded null byte')
        if not encoded[0]:
            raise ValueError('%s() arg 2 first element cannot be empty' % function)

    def execv(path, argv, /):
        os.fspath(path)
        exec_arguments('execv', argv)
        raise OSError(errno.ENOTSUP, message)

    def execve(path, argv, env):
        if not isinstance(path, int):
            os.fspath(path)
        exec_arguments('execve', argv)
        if not hasattr(env, 'keys'):
            raise TypeError('execve: environment must be a mapping object')
        for key, value in env.items():
            key, value = os.fsencode(key), os.fsencode(value)
            if b'\0' in key or b'\0' in value:
                raise ValueError('embedded null byte')
            if not key or b'=' in key:
                raise ValueError('illegal environment variable name')
        raise OSError(errno.ENOTSUP, message)

    install('execv', execv)
    install('execve', execve)
    subprocess._can_fork_exec = False
    # What subprocess and multiprocessing's spawn and forkserver methods start processes with.
    import _posixsubprocess
    _posixsubprocess.fork_exec = no_processes

    # multiprocessing: starting a process says the same, whatever the start method (the default, fork,
    # would otherwise fail on the missing os.fork). Patched when multiprocessing.process is first
    # imported, so a program that never uses it pays nothing.
    import importlib.abc
    import importlib.util

    def refuse_start(self):
        raise OSError(errno.ENOTSUP, message)

    class PatchMultiprocessing(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target=None):
            if fullname != 'multiprocessing.process':
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(fullname)
            loader = spec.loader
            exec_module = loader.exec_module

            def exec_and_patch(module):
                exec_module(module)
                module.BaseProcess.start = refuse_start

            loader.exec_module = exec_and_patch
            return spec

    sys.meta_path.insert(0, PatchMultiprocessing())

    def popen_init(self, *args, **kwargs):
        raise OSError(errno.ENOTSUP, message)

    subprocess.Popen.__init__ = popen_init

    # Files, where the guest kernel differs from Linux.
    import stat

    # No extended attributes: say so as Linux does for a file system without them (ENOTSUP, which
    # shutil.copystat, copy2 and copytree expect), not ENOSYS.
    def no_xattrs(path=None, *args, **kwargs):
        where = None if path is None or isinstance(path, int) else path
        raise OSError(errno.ENOTSUP, 'extended attributes are not supported in the sandbox', where)

    for name in ('listxattr', 'getxattr', 'setxattr', 'removexattr'):
        if hasattr(os, name):
            install(name, no_xattrs)

    # The kernel's lstat follows a symbolic link; readlink knows it is one. So lstat, and stat with
    # follow_symlinks=False, report the link itself (S_IFLNK, its own inode, the target's length as its
    # size), as os.path.islink, Path.resolve, shutil.rmtree and tempfile rely on. And the kernel keeps no
    # link counts and no owners: every stat (stat, lstat, fstat, a directory entry's) reports the links
    # and the owner as below.
    real_stat, real_lstat, real_fstat, real_scandir = os.stat, os.lstat, os.fstat, os.scandir
    real_chmod, real_utime, real_mkfifo, real_mknod = os.chmod, os.utime, os.mkfifo, os.mknod
    real_chown, real_lchown, real_fchown = os.chown, os.lchown, os.fchown
    # The owner chown gave each inode (the kernel accepts chown and keeps nothing): inode -> (uid, gid).
    owners = {}

    def replaced(result, changes):
        # A stat_result with some of its first ten fields changed, the rest (times in ns too) kept.
        fields = [changes.get(i, value) for i, value in enumerate(result[:10])]
        extra = {k: getattr(result, k) for k in ('st_atime', 'st_mtime', 'st_ctime', 'st_atime_ns',
                                                  'st_mtime_ns', 'st_ctime_ns', 'st_blksize', 'st_blocks')}
        return os.stat_result(fields, extra)

    def as_linux(result, changes=None):
        # Links: a file has one (it cannot have more: no hard links here); a directory 1, as Linux reports
        # it on file systems that do not count a directory's subdirectories (btrfs; find(1) reads 1 as
        # "not counted"). The owner: what chown recorded.
        changes = dict(changes or ())
        if not result.st_nlink and 3 not in changes:
            changes[3] = 1
        owner = owners.get(changes.get(1, result.st_ino))
        if owner is not None:
            changes[4], changes[5] = owner
        return replaced(result, changes) if changes else result

    def is_link(path, dir_fd):
        try:
            return os.readlink(path, dir_fd=dir_fd)
        except (OSError, TypeError, ValueError):
            return None

    def link_inode(path, dir_fd):
        # The link's own inode number, from its directory's entry (the kernel's lstat gives the target's).
        if dir_fd is not None:
            return 0
        path = os.fspath(path)
        parent, name = os.path.split(path)
        try:
            with real_scandir(parent or (b'.' if isinstance(path, bytes) else '.')) as entries:
                for entry in entries:
                    if entry.name == name:
                        return entry.inode()
        except OSError:
            pass
        return 0

    def link_changes(path, dir_fd, target):
        return {0: stat.S_IFLNK | 0o777, 1: link_inode(path, dir_fd), 3: 1, 6: len(os.fsencode(target))}

    def lstat(path, *, dir_fd=None):
        try:
            result = real_lstat(path, dir_fd=dir_fd)
        except FileNotFoundError:
            # A link whose target is gone: the link itself exists, with its directory's owner and times.
            target = is_link(path, dir_fd)
            if target is None:
                raise
            parent = os.path.dirname(os.fspath(path)) or os.curdir
            return as_linux(real_stat(parent, dir_fd=dir_fd), link_changes(path, dir_fd, target))
        if stat.S_ISLNK(result.st_mode):
            return as_linux(result)
        target = is_link(path, dir_fd)
        return as_linux(result, None if target is None else link_changes(path, dir_fd, target))

    def stat_(path, *, dir_fd=None, follow_symlinks=True):
        if not follow_symlinks and not isinstance(path, int):
            return lstat(path, dir_fd=dir_fd)
        return as_linux(real_stat(path, dir_fd=dir_fd, follow_symlinks=follow_symlinks))

    def fstat(fd):
        return as_linux(real_fstat(fd))

    install('stat', stat_)
    install('lstat', lstat)
    install('fstat', fstat)

    # os.scandir's entries know a link from its directory entry (is_symlink() is right), but their
    # stat() comes from the kernel's. Each entry is handed out as an os.DirEntry that answers with the
    # stat above (os.DirEntry names this class, so isinstance checks hold).
    class DirEntry:
        """A directory entry, as os.scandir yields it."""
        __slots__ = ('_entry', '_dir_fd', '_stat', '_lstat')
        __class_getitem__ = classmethod(types.GenericAlias)

        def __init__(self, entry, dir_fd):
            self._entry, self._dir_fd, self._stat, self._lstat = entry, dir_fd, None, None

        name = property(lambda self: self._entry.name)
        path = property(lambda self: self._entry.path)

        def inode(self):
            return self._entry.inode()

        def is_symlink(self):
            return self._entry.is_symlink()

        def is_dir(self, *, follow_symlinks=True):
            return self._entry.is_dir(follow_symlinks=follow_symlinks)

        def is_file(self, *, follow_symlinks=True):
            return self._entry.is_file(follow_symlinks=follow_symlinks)

        def stat(self, *, follow_symlinks=True):
            if follow_symlinks or not self._entry.is_symlink():
                if self._stat is None:
                    self._stat = as_linux(self._entry.stat())
                return self._stat
            if self._lstat is None:
                if self._dir_fd is None:
                    self._lstat = lstat(self._entry.path)
                else:
                    self._lstat = lstat(self._entry.name, dir_fd=self._dir_fd)
            return self._lstat

        def __fspath__(self):
            return self._entry.path

        def __repr__(self):
            return '<DirEntry %r>' % (self._entry.name,)

        def __reduce_ex__(self, protocol):
            raise TypeError("cannot pickle 'posix.DirEntry' object")

    DirEntry.__module__ = 'posix'

    class ScandirIterator:
        """os.scandir's iterator."""

        def __init__(self, inner, dir_fd):
            self._inner, self._dir_fd = inner, dir_fd

        def __iter__(self):
            return self

        def __next__(self):
            return DirEntry(next(self._inner), self._dir_fd)

        def close(self):
            self._inner.close()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._inner.close()

    def scandir(path='.'):
        return ScandirIterator(real_scandir(path), path if isinstance(path, int) else None)

    install('scandir', scandir)
    os.DirEntry = DirEntry

    # A link's own mode and times: Linux cannot change a link's mode and CPython says so with
    # NotImplementedError; the kernel here cannot change a link's times either (it changes the target's),
    # so utime with follow_symlinks=False says the same and is not in os.supports_follow_symlinks, as on
    # platforms without lutimes (shutil.copystat then leaves a link's times alone). Anything else is as
    # usual.
    def chmod(path, mode, *, dir_fd=None, follow_symlinks=True):
        if not follow_symlinks and not isinstance(path, int) and is_link(path, dir_fd) is not None:
            raise NotImplementedError('chmod: follow_symlinks unavailable on this platform')
        return real_chmod(path, mode, dir_fd=dir_fd)

    def utime(path, times=None, *, ns=None, dir_fd=None, follow_symlinks=True):
        if not follow_symlinks:
            raise NotImplementedError('utime: follow_symlinks unavailable on this platform')
        if ns is None:
            return real_utime(path, times, dir_fd=dir_fd)
        return real_utime(path, times, ns=ns, dir_fd=dir_fd)

    install('chmod', chmod)
    install('utime', utime)
    os.supports_follow_symlinks.discard(os.utime)

    # chown: the kernel answers success and keeps nothing, even for a file that does not exist. The
    # file must exist (its stat, which raises as Linux's chown would), and the owner given is recorded
    # for its inode, so every stat reports it (-1 keeps a value, as chown(2) does).
    def record_owner(result, uid, gid):
        uid, gid = int(uid), int(gid)
        if uid < -1 or gid < -1:
            raise OverflowError('uid and gid must be -1 or non-negative')
        old = owners.get(result.st_ino, (result.st_uid, result.st_gid))
        owners[result.st_ino] = (old[0] if uid == -1 else uid, old[1] if gid == -1 else gid)

    def chown(path, uid, gid, *, dir_fd=None, follow_symlinks=True):
        result = stat_(path, dir_fd=dir_fd, follow_symlinks=follow_symlinks)
        if follow_symlinks or isinstance(path, int):
            real_chown(path, uid, gid, dir_fd=dir_fd)
        record_owner(result, uid, gid)

    def lchown(path, uid, gid):
        chown(path, uid, gid, follow_symlinks=False)

    def fchown(fd, uid, gid):
        result = fstat(fd)
        real_fchown(fd, uid, gid)
        record_owner(result, uid, gid)

    install('chown', chown)
    install('lchown', lchown)
    install('fchown', fchown)

    # A name that goes away takes its recorded owner with it (its inode number may be used again).
    def forgetting(name, path_arg=0):
        real = getattr(os, name)

        def call(*args, **kwargs):
            if owners:
                try:
                    path = args[path_arg] if len(args) > path_arg else kwargs.get('dst' if path_arg else 'path')
                    owners.pop(lstat(path, dir_fd=kwargs.get('dst_dir_fd' if path_arg else 'dir_fd')).st_ino, None)
                except (OSError, TypeError, ValueError):
                    pass
            return real(*args, **kwargs)

        install(name, call)

    for name in ('unlink', 'remove', 'rmdir'):
        forgetting(name)
    for name in ('rename', 'replace'):
        forgetting(name, 1)

    # The guest's own file system (/ and /tmp: guest memory, as tmpfs is host memory) reports no
    # capacity; say what it has as tmpfs does: pages of memory in all and free. The mounts the host
    # serves (/input, /output, /.lci-results) keep what the kernel says.
    real_statvfs, real_fstatvfs = os.statvfs, os.fstatvfs
    mounts = ('/input', '/output', '/.lci-results')

    def with_capacity(result):
        if result.f_blocks:
            return result
        page = os.sysconf('SC_PAGE_SIZE')
        total, free = os.sysconf('SC_PHYS_PAGES'), os.sysconf('SC_AVPHYS_PAGES')
        fields = list(result)
        fields[0:6] = [page, page, total, free, free, 0]
        fields[9] = fields[9] or 255
        return os.statvfs_result(fields, {'f_fsid': result.f_fsid})

    def statvfs(path):
        result = real_statvfs(path)
        if isinstance(path, int):
            return result
        where = os.path.realpath(os.fsdecode(os.fspath(path)))
        if any(where == m or where.startswith(m + '/') for m in mounts):
            return result
        return with_capacity(result)

    install('statvfs', statvfs)

    # FIFOs and device nodes: the guest's file system has none, and says EINVAL; Linux says EPERM
    # ("the file system does not support the type of node requested", mknod(2)), which callers test.
    # A regular file, which mknod can also make, is made.
    # On the mounts the host serves, the kernel answers success and makes a regular file: that file is
    # taken back and the answer is the same EPERM.
    def made_as(path, dir_fd, kind, what):
        if stat.S_IFMT(real_stat(path, dir_fd=dir_fd).st_mode) != kind:
            os.unlink(path, dir_fd=dir_fd)
            raise PermissionError(errno.EPERM, '%s are not supported in the sandbox' % what, path)

    def mkfifo(path, mode=0o666, *, dir_fd=None):
        try:
            real_mkfifo(path, mode, dir_fd=dir_fd)
        except OSError as e:
            if e.errno != errno.EINVAL:
                raise
            raise PermissionError(errno.EPERM, 'FIFOs are not supported in the sandbox', path) from None
        made_as(path, dir_fd, stat.S_IFIFO, 'FIFOs')

    def mknod(path, mode=0o600, device=0, *, dir_fd=None):
        kind = stat.S_IFMT(mode)
        if kind in (0, stat.S_IFREG):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, stat.S_IMODE(mode), dir_fd=dir_fd))
            return None
        try:
            real_mknod(path, mode, device, dir_fd=dir_fd)
        except OSError as e:
            if e.errno != errno.EINVAL or kind not in (stat.S_IFIFO, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFSOCK):
                raise
            raise PermissionError(errno.EPERM, 'special files are not supported in the sandbox', path) from None
        made_as(path, dir_fd, kind, 'special files')

    install('mkfifo', mkfifo)
    install('mknod', mknod)

    # copy_file_range(2) is missing from the kernel (ENOSYS): the same copy, through the file positions
    # or the offsets given, as Linux makes it.
    real_copy_file_range = os.copy_file_range

    def copy_file_range(src, dst, count, offset_src=None, offset_dst=None):
        try:
            return real_copy_file_range(src, dst, count, offset_src, offset_dst)
        except OSError as e:
            if e.errno != errno.ENOSYS:
                raise
        if count < 0 or (offset_src is not None and offset_src < 0) or (offset_dst is not None and offset_dst < 0):
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        data = os.read(src, count) if offset_src is None else os.pread(src, count, offset_src)
        if not data:
            return 0
        written = os.write(dst, data) if offset_dst is None else os.pwrite(dst, data, offset_dst)
        if offset_src is None and written < len(data):
            os.lseek(src, written - len(data), os.SEEK_CUR)  # what was read and not written stays unread
        return written

    install('copy_file_range', copy_file_range)

    # memfd_create(2) is missing from the kernel (ENOSYS): an anonymous file in guest memory, made as
    # one (a file in /tmp, unlinked at once); sealing is not supported (fcntl's F_ADD_SEALS fails).
    real_memfd_create = os.memfd_create
    memfd_flags = os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING

    def memfd_create(name, flags=os.MFD_CLOEXEC):
        try:
            return real_memfd_create(name, flags)
        except OSError as e:
            if e.errno != errno.ENOSYS:
                raise
        if flags & ~memfd_flags:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        import random
        while True:
            path = '/tmp/.memfd-%016x' % random.getrandbits(64)
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            os.unlink(path)
            return fd

    install('memfd_create', memfd_create)

    # Clocks: the kernel lets any clock be set; Linux sets only the real-time clock and refuses the
    # others (EINVAL), as callers expect.
    import time

    real_clock_settime, real_clock_settime_ns = time.clock_settime, time.clock_settime_ns

    def settable(clock):
        if clock != time.CLOCK_REALTIME:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))

    def clock_settime(clock, seconds, /):
        settable(clock)
        return real_clock_settime(clock, seconds)

    def clock_settime_ns(clock, nanoseconds, /):
        settable(clock)
        return real_clock_settime_ns(clock, nanoseconds)

    time.clock_settime = OsFunction(clock_settime, real_clock_settime, 'time')
    time.clock_settime_ns = OsFunction(clock_settime_ns, real_clock_settime_ns, 'time')

    # Sockets the sandbox refuses (all of them unless network.allow opens destinations; loopback always)
    # fail as the kernel says (EACCES), with a message that says why.
    import socket

    real_socket_init = socket.socket.__init__

    def socket_init(self, family=-1, type=-1, proto=-1, fileno=None):
        try:
            real_socket_init(self, family, type, proto, fileno)
        except PermissionError as e:
            raise PermissionError(e.errno, 'the sandbox refuses this socket: network access is only to the '
                                  'destinations its network.allow setting lists') from None

    socket_init.__doc__ = real_socket_init.__doc__
    socket.socket.__init__ = socket_init



# How every run is served: the host calls `_lci_run` (a guest function, Exec::Call) with the code and the
# caps on what comes back; it runs the code in __main__ as a notebook runs a cell and answers with the
# exit status, the repr of the last expression's value and the images the code showed (matplotlib figures,
# display() of a PIL image), written as files under the results mount the host reads
# (crates/sandbox/src/lang/rich.rs). Its helpers live in the module `_lci`, not in __main__.
def _lci_runner():
    import ast
    import builtins
    import io
    import linecache
    import sys
    import traceback
    import types

    lci = types.ModuleType('_lci', "The sandbox's side of a run: a cell's value and images.")
    sys.modules['_lci'] = lci
    # The run being served: its caps, the images shown so far, whether one was left out.
    run_state = {'images': [], 'bytes': 0, 'truncated': False, 'max_images': 0, 'max_bytes': 0}
    cells = [0]

    def add_image(mime_type, data):
        # An image shown by the code, kept while within the run's caps.
        if not isinstance(data, bytes) or not data:
            return
        if len(run_state['images']) >= run_state['max_images'] or \
                run_state['bytes'] + len(data) > run_state['max_bytes']:
            run_state['truncated'] = True
            return
        run_state['images'].append((mime_type, data))
        run_state['bytes'] += len(data)

    def figure_png(figure):
        buffer = io.BytesIO()
        figure.savefig(buffer, format='png')
        return buffer.getvalue()

    def show_figures(*args, **kwargs):
        # pyplot.show(): every open figure becomes an image, in the order made, and is closed (as
        # Jupyter's inline backend does), so the next show() or the end of the run shows only new ones.
        pyplot = sys.modules.get('matplotlib.pyplot')
        if pyplot is None:
            return
        for number in pyplot.get_fignums():
            add_image('image/png', figure_png(pyplot.figure(number)))
        pyplot.close('all')

    def capture_pyplot():
        # Called once pyplot is imported (the data image's warm-up): its show() hands figures back.
        pyplot = sys.modules['matplotlib.pyplot']
        show_figures.__doc__ = pyplot.show.__doc__
        pyplot.show = show_figures

    def display(*objects, **kwargs):
        """Shows each object as a notebook would: an image (a PIL image, a matplotlib figure, anything
        with _repr_png_ or _repr_svg_) comes back with the run's images; anything else is printed as
        its repr."""
        for obj in objects:
            kind = type(obj)
            module = getattr(kind, '__module__', '') or ''
            if module.startswith('PIL.') and hasattr(obj, 'save'):
                buffer = io.BytesIO()
                obj.save(buffer, format='PNG')
                add_image('image/png', buffer.getvalue())
            elif module.startswith('matplotlib.') and hasattr(obj, 'savefig'):
                add_image('image/png', figure_png(obj))
            elif callable(getattr(obj, '_repr_png_', None)):
                add_image('image/png', obj._repr_png_())
            elif callable(getattr(obj, '_repr_svg_', None)):
                svg = obj._repr_svg_()
                add_image('image/svg+xml', svg.encode() if isinstance(svg, str) else svg)
            else:
                print(repr(obj))

    def exit_status(exit):
        # As the interpreter computes a script's: None is 0, an int is itself (eight bits), anything
        # else is printed to stderr and is 1.
        code = exit.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code & 0xff
        print(code, file=sys.stderr)
        return 1

    def report(error, user_code):
        # The traceback as `python script.py` prints it: from the code's own frames, not this runner's.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        tb = error.__traceback__
        while tb is not None and tb.tb_frame.f_code not in user_code:
            tb = tb.tb_next
        # The interpreter prints the traceback the exception holds, whatever it is handed.
        error.__traceback__ = tb
        sys.last_type, sys.last_value, sys.last_traceback = type(error), error, tb
        if sys.excepthook is sys.__excepthook__:
            # The traceback module shows the cell's source lines (from linecache); the built-in hook
            # would look for a file named "<cell N>".
            traceback.print_exception(type(error), error, tb, file=sys.stderr)
        else:
            sys.excepthook(type(error), error, tb)

    def execute(code, main, user_code):
        # The cell's statements, then its last expression's value, in one event loop when the cell
        # awaits at top level (as the asyncio REPL and notebooks allow).
        flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        cells[0] += 1
        name = '<cell %d>' % cells[0]
        linecache.cache[name] = (len(code), None, code.splitlines(True), name)
        tree = ast.parse(code, name)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = compile(ast.Expression(tree.body.pop().value), name, 'eval', flags, dont_inherit=True)
        body = compile(tree, name, 'exec', flags, dont_inherit=True)
        user_code.update((body, last))
        coroutine_flag = 0x80  # inspect.CO_COROUTINE

        def both_sync():
            eval(body, main)
            return None if last is None else eval(last, main)

        async def both_async():
            result = eval(body, main)
            if body.co_flags & coroutine_flag:
                await result
            if last is None:
                return None
            result = eval(last, main)
            return (await result) if last.co_flags & coroutine_flag else result

        if (body.co_flags | (last.co_flags if last else 0)) & coroutine_flag:
            import asyncio
            return asyncio.run(both_async())
        return both_sync()

    def shown_value(value, limit):
        text = repr(value)
        data = text.encode('utf-8', 'replace')
        if len(data) > limit:
            text = data[:limit].decode('utf-8', 'ignore') + '… [%d more bytes]' % (len(data) - limit)
        return text

    def run(request):
        if request.get('touch'):
            # The host's touch run of a guest restored ahead of a request (crates/sandbox/src/guest/engine.rs):
            # it maps in the pages a run needs, and leaves the cell count as it found it.
            counted = cells[0]
            try:
                return run(dict(request, touch=False))
            finally:
                cells[0] = counted
        run_state.update(images=[], bytes=0, truncated=False, max_images=request['maxImages'],
                         max_bytes=request['maxImageBytes'])
        main = sys.modules['__main__'].__dict__
        # The code objects of the cell, so its traceback starts at its own frames.
        status, value, user_code = 0, None, set()
        try:
            try:
                result = execute(request['code'], main, user_code)
            finally:
                # What the code left open is shown too, as a notebook shows it after the cell.
                show_figures()
            if result is not None:
                builtins._ = result
                value = shown_value(result, request['maxValueBytes'])
        except SystemExit as exit:
            status = exit_status(exit)
        except BaseException as error:
            report(error, user_code)
            status = 1
        images = []
        for index, (mime_type, data) in enumerate(run_state['images']):
            name = '%d.%s' % (index, 'svg' if mime_type == 'image/svg+xml' else 'png')
            try:
                with open(request['resultsDir'] + '/' + name, 'wb') as file:
                    file.write(data)
            except OSError:
                run_state['truncated'] = True
                break
            images.append({'file': name, 'mimeType': mime_type})
        return {'status': status, 'value': value, 'images': images, 'truncated': run_state['truncated']}

    import hyperlight
    import json

    # The host functions and piece size of crates/sandbox/src/host/host_calls.rs, generated
    # (guest/python/generated/lci_facts.py, put ahead of this file by guest/build.sh).
    facts = _LCI_FACTS

    def host_call(function, *args):
        """Calls a host function of crates/sandbox/src/host/host_calls.rs and unwraps its reply:
        whole, or in pieces whose rest is fetched with the more function (the envelope's keys are facts)."""
        reply = hyperlight.call(function, *args)
        whole, more, last = facts['REPLY_WHOLE'], facts['REPLY_MORE'], facts['REPLY_LAST']
        if whole in reply:
            return reply[whole]
        pieces = [reply[more]]
        while True:
            reply = hyperlight.call(facts['MORE_FUNCTION'])
            if last in reply:
                pieces.append(reply[last])
                return json.loads(''.join(pieces))
            pieces.append(reply[more])

    def call_tool(name, args):
        """Calls the tool `name`; arguments longer than one host call go ahead in pieces (lci.upload)."""
        text = json.dumps(args)  # ASCII: at most 2 bytes a character once the call escapes it
        piece = facts['UPLOAD_PIECE_CHARS']
        if len(text) <= piece:
            return host_call(facts['TOOL_FUNCTION'], name, args)
        for at in range(0, len(text), piece):
            hyperlight.call(facts['UPLOAD_FUNCTION'], text[at:at + piece])
        return host_call(facts['TOOL_FUNCTION'], name)

    class Tools:
        """The tools this run was given (code mode): tools.NAME(key=value, ...) or tools.NAME({...}) calls
        the tool with that one object and returns its result; a refusal or the tool's failure raises
        hyperlight.HostError saying why."""

        def __getattr__(self, name):
            if name.startswith('__'):
                raise AttributeError(name)

            def call(*args, **kwargs):
                if len(args) > 1 or (args and kwargs) or (args and not isinstance(args[0], dict)):
                    raise TypeError(f'tools.{name}() takes keyword arguments or one dict')
                return call_tool(name, args[0] if args else kwargs)

            call.__name__ = call.__qualname__ = name
            return call

    lci.run, lci.display, lci.capture_pyplot, lci.show_figures = run, display, capture_pyplot, show_figures
    builtins.display = display
    builtins.tools = Tools()
    hyperlight._main['_lci_run'] = run


_lci_warmup()
_lci_runner()
del _lci_warmup, _lci_runner, _LCI_FACTS
