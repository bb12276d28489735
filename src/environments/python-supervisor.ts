/**
 * The small Python program that Node starts (`python -I -S -c SUPERVISOR <stdin file> <the program's argv…>`,
 * the stdin file `''` for an empty stdin) in place of
 * the user's program. It runs the program as its child and, once the program ends or Node closes the
 * supervisor's stdin (time is up, the call was aborted, or Node itself is gone), kills every process the
 * program started, even those that left its process group and session (`setsid`, a double fork), then exits
 * as the program did: with the same code, or killed by the same signal.
 *
 * How it reaches every descendant, and why so: it is a child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`), so
 * orphans are re-parented to it rather than to init, and no descendant can leave its subtree. At the end it
 * kills, parents first, every process whose chain of parents in `/proc/<pid>/stat` leads to it, reaps, and
 * repeats until it has no child left: a process forked during a pass is caught by the next, and a killed
 * process cannot fork. That needs no privilege and works on every Linux since 3.4, so it is always there.
 * Where a cgroup v2 subtree is writable (delegated to us, or we are root), the program also runs in a cgroup
 * of its own, and `cgroup.kill` (Linux 5.14+) first kills all of it at once, which no fork can race. Without
 * ctypes (no `prctl`) only the program's process group is killed, as before the supervisor.
 *
 * The program sees what it saw when Node started it directly: the same argv, environment and working
 * directory; as stdin the call's `stdin` from a file, or /dev/null (fd 0 here is the pipe from Node); its own session
 * and process group, as a detached spawn gives; default handling of the signals Python ignores. It also gets
 * `PR_SET_PDEATHSIG`, so it dies with the supervisor if Node has to kill a supervisor that cannot act.
 */
export const PYTHON_SUPERVISOR = String.raw`
import os, select, signal, sys, time

STDIN = sys.argv[1]  # the file the program reads as its stdin; '' for none (empty)
PROGRAM = sys.argv[2:]
ME = os.getpid()
status = None  # the program's wait status, once it has ended


def prctl_or_none():
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        return lambda option, value: libc.prctl(option, ctypes.c_ulong(value))
    except Exception:  # a Python built without ctypes
        return None


def quietly(action, *args):
    """Runs action(*args), ignoring OSError: the process already gone, the kernel too old, no permission."""
    try:
        action(*args)
    except OSError:
        pass


def write(path, text):
    with open(path, 'w') as file:
        file.write(text)


def our_cgroup_directory():
    """Our cgroup v2, as a directory; raises where there is none (cgroup v1 only, not mounted)."""
    with open('/proc/self/cgroup') as file:
        own = [line[3:].rstrip('\n') for line in file if line.startswith('0::')][0]
    with open('/proc/self/mountinfo') as file:
        for fields in [line.split() for line in file]:
            inside = os.path.relpath(own, fields[3])
            if fields[fields.index('-') + 1] == 'cgroup2' and not inside.startswith('..'):
                return os.path.normpath(os.path.join(fields[4], inside))
    raise OSError('no cgroup v2 mount')


def new_cgroup():
    """A new cgroup under ours, or None where we may not create one. First removes those left behind by
    supervisors that were killed (empty ones only: rmdir fails on a cgroup still in use)."""
    try:
        parent = our_cgroup_directory()
        for name in os.listdir(parent):
            if name.startswith('lci-') and name[4:].isdigit() and not os.path.exists('/proc/' + name[4:]):
                quietly(os.rmdir, os.path.join(parent, name))
        path = os.path.join(parent, 'lci-%d' % ME)
        os.mkdir(path)
        return path
    except (OSError, IndexError, ValueError):
        return None


def reap():
    """Collects the children that ended, keeping the program's status; False once no child is left."""
    global status
    while True:
        try:
            pid, code = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True
        if pid == program and status is None:
            status = code


def descendants():
    """Every process whose chain of parents leads to us, parents before their children."""
    children = {}
    for name in os.listdir('/proc'):
        if name.isdigit():
            try:
                with open('/proc/%s/stat' % name, 'rb') as file:
                    stat = file.read()
            except OSError:
                continue
            parent = int(stat[stat.rindex(b')') + 2:].split()[1])
            children.setdefault(parent, []).append(int(name))
    found = list(children.get(ME, ()))
    for pid in found:  # the list grows as we walk it: breadth first
        found.extend(children.get(pid, ()))
    return found


prctl = prctl_or_none()
if prctl:
    prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
cgroup = new_cgroup()
wakeup, wakeup_write = os.pipe()
os.set_blocking(wakeup_write, False)
signal.set_wakeup_fd(wakeup_write, warn_on_full_buffer=False)
signal.signal(signal.SIGCHLD, lambda *_: None)  # a child that ends wakes the select below

program = os.fork()
if program == 0:
    try:
        os.setsid()
        if cgroup:
            quietly(write, cgroup + '/cgroup.procs', '0')
        if prctl:
            prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != ME:
            os._exit(128 + signal.SIGKILL)
        os.dup2(os.open(STDIN or os.devnull, os.O_RDONLY), 0)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        os.execv(PROGRAM[0], PROGRAM)
    except BaseException as error:
        os.write(2, ('Could not start %s: %s\n' % (PROGRAM[0], error)).encode())
    os._exit(127)

while status is None:
    ready = select.select([0, wakeup], [], [])[0]
    if wakeup in ready:
        os.read(wakeup, 4096)
    if 0 in ready:
        try:
            if not os.read(0, 4096):
                break  # Node closed the pipe
        except OSError:
            break
    reap()

quietly(os.killpg, program, signal.SIGKILL)
if cgroup:
    quietly(write, cgroup + '/cgroup.kill', '1')
deadline = time.monotonic() + 1  # then leave what cannot be killed (setuid, stuck in the kernel)
while reap() and time.monotonic() < deadline:
    for pid in descendants():
        quietly(os.kill, pid, signal.SIGKILL)
    if select.select([wakeup], [], [], 0.05)[0]:  # until a child ends
        os.read(wakeup, 4096)
if cgroup:
    quietly(os.rmdir, cgroup)

if status is not None and os.WIFEXITED(status):
    os._exit(os.WEXITSTATUS(status))
killed_by = os.WTERMSIG(status) if status is not None else signal.SIGKILL
if prctl:
    prctl(4, 0)  # PR_SET_DUMPABLE: no core dump of ours for the program's SIGSEGV
try:
    signal.signal(killed_by, signal.SIG_DFL)
except (OSError, ValueError):
    pass
os.kill(ME, killed_by)
os._exit(128 + killed_by)
`
