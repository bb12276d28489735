/**
 * The few lines of Python that run before the user's program (as `python -u -c PRELUDE main.py`) so that
 * the transcript keeps stdout and stderr in the order written, as a terminal shows them.
 *
 * Two pipes read by the host cannot keep that order (when both have data, one is read first), so the
 * program gets one pipe, on fd 1 and fd 2 alike, that carries the transcript; Python's `sys.stderr` also
 * copies what it writes to a second pipe, which gives the stderr-only text. Writes to fd 2 that bypass
 * `sys.stderr` (C extensions, child processes) appear in the transcript only.
 *
 * The program then runs as `__main__` from its own file name, so tracebacks, `__file__`, `sys.argv`,
 * `if __name__ == '__main__'` and `sys.exit(n)` behave as with `python main.py`; the prelude's own frame is
 * left out of tracebacks.
 */
export const PYTHON_PRELUDE = [
  'def _lci_setup():',
  '    import io, os, sys',
  '    stderr_only = os.dup(2)',
  '    os.dup2(1, 2)',
  '    write = os.write',
  '    class Tee(io.RawIOBase):',
  '        def writable(self): return True',
  '        def write(self, data):',
  '            data = bytes(data)',
  '            for fd in (2, stderr_only):',
  '                view = memoryview(data)',
  '                try:',
  '                    while view: view = view[write(fd, view):]',
  '                except OSError:',
  '                    if fd == 2: raise',
  '            return len(data)',
  "    sys.stderr = sys.__stderr__ = io.TextIOWrapper(Tee(), encoding='utf-8', errors='backslashreplace', line_buffering=True, write_through=True)",
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
