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



# How every run is served: the host calls `_lci_run` (a guest function, Exec::Call) with the code and the
# caps on what comes back; it runs the code in __main__ as a notebook runs a cell and answers with the
# exit status, the repr of the last expression's value and the images the code showed (matplotlib figures,
# display() of a PIL image), written as files under the results mount the host reads
# (crates/sandbox/src/rich.rs). Its helpers live in the module `_lci`, not in __main__.
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

    def host_call(function, *args):
        """Calls a host function of crates/sandbox/src/host_calls.rs and unwraps its reply: whole
        ({"ok": value}) or in pieces ({"more": text} ... {"last": text}, fetched with lci.more)."""
        reply = hyperlight.call(function, *args)
        if 'ok' in reply:
            return reply['ok']
        pieces = [reply['more']]
        while True:
            reply = hyperlight.call('lci.more')
            if 'last' in reply:
                pieces.append(reply['last'])
                return json.loads(''.join(pieces))
            pieces.append(reply['more'])

    def call_tool(name, args):
        """Calls the tool `name`; arguments longer than one host call go ahead in pieces (lci.upload)."""
        text = json.dumps(args)  # ASCII: at most 2 bytes a character once the call escapes it
        if len(text) <= 20000:
            return host_call('lci.tool', name, args)
        for at in range(0, len(text), 20000):
            hyperlight.call('lci.upload', text[at:at + 20000])
        return host_call('lci.tool', name)

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
del _lci_warmup, _lci_runner
