/**
 * The few lines of Python that run before the user's program (as `python -u -c PRELUDE main.py`) so that
 * the transcript keeps stdout and stderr in the order written, as a terminal shows them.
 *
 * Two pipes read by the host cannot keep that order (when both have data, one is read first), so the
 * program gets one pipe, on fd 1 and fd 2 alike, that carries the transcript; Python's `sys.stderr` also
 * copies what it writes to a second pipe (the program's fd 2 as started), which gives the stderr-only text,
 * and `sys.stdout` to a third (its fd 3 as started), which gives the stdout-only text streamed to
 * `onOutput`. Writes to fd 1 or fd 2 that bypass `sys.stdout` and `sys.stderr` (C extensions, child
 * processes, `os.write`) appear in the transcript only. Both copies are closed to child processes, and fd 3
 * is closed for the program's own use.
 *
 * The program then runs as `__main__` from its own file name, so tracebacks, `__file__`, `sys.argv`,
 * `if __name__ == '__main__'` and `sys.exit(n)` behave as with `python main.py`; the prelude's own frame is
 * left out of tracebacks.
 */
export const PYTHON_PRELUDE = [
  'def _lci_setup():',
  '    import io, os, sys',
  '    stderr_only = os.dup(2)',
  '    stdout_only = os.dup(3)',
  '    os.close(3)',
  '    os.dup2(1, 2)',
  '    write = os.write',
  '    class Tee(io.RawIOBase):',
  '        def __init__(self, fd, copy):',
  '            super().__init__()',
  '            self.fd, self.copy = fd, copy',
  '        def writable(self): return True',
  '        def fileno(self): return self.fd',
  '        def write(self, data):',
  '            data = bytes(data)',
  '            for fd in (self.fd, self.copy):',
  '                view = memoryview(data)',
  '                try:',
  '                    while view: view = view[write(fd, view):]',
  '                except OSError:',
  '                    if fd == self.fd: raise',
  '            return len(data)',
  '    stdout = sys.stdout',
  "    sys.stdout = sys.__stdout__ = io.TextIOWrapper(Tee(1, stdout_only), encoding='utf-8', errors=stdout.errors, line_buffering=stdout.line_buffering, write_through=True)",
  "    sys.stderr = sys.__stderr__ = io.TextIOWrapper(Tee(2, stderr_only), encoding='utf-8', errors='backslashreplace', line_buffering=True, write_through=True)",
  '    original_hook = sys.__excepthook__',
  '    def hook(kind, value, tb):',
  "        while tb is not None and tb.tb_frame.f_code.co_filename == '<string>': tb = tb.tb_next",
  '        if isinstance(value, BaseException): value = value.with_traceback(tb)',
  '        original_hook(kind, value, tb)',
  '    sys.excepthook = hook',
  '    path = sys.argv[1]',
  '    sys.argv = sys.argv[1:]',
  '    sys.path[0] = os.path.dirname(path)',
  "    with open(path, encoding='utf-8') as source: text = source.read()",
  "    globals()['__file__'] = path",
  "    return compile(text, path, 'exec')",
  '_lci_code = _lci_setup()',
  'del _lci_setup',
  'exec(_lci_code)',
].join('\n')
