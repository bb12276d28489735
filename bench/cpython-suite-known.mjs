// The tests of CPython 3.11's regression suite that fail in the sandbox, each with why it cannot pass there.
// One list: bench/cpython-suite.mjs prints the reason beside each failure, and
// __test__/microvm/python-cpython-suite.test.ts fails on any failure not listed here and on any listed one
// (in its slice of modules) that passes. Measured with `npm run bench:cpython` (docs/cpython-suite.md).

const SOCKETS = 'needs a TCP server on 127.0.0.1 (asyncio.start_server): the sandbox refuses every socket unless ' +
  'network.allow opens a destination, and loopback always; the class checks only for os.sendfile, not ' +
  "CPython's has_socket_support"
const HARD_LINKS = "the guest's file system has no hard links: os.link fails with EPERM, as Linux's does on a file " +
  'system without them (vfat)'
const UNIX_SOCKET_FILE = "the guest kernel's bind() of an AF_UNIX socket to a path makes no file of type socket there"

/** Test id → why it cannot pass in the sandbox. */
export const KNOWN_FAILURES = {
  'test.test_os.ProgramPriorityTests.test_set_get_priority':
    'the guest kernel has no process priorities: getpriority/setpriority of the running process fail (ESRCH)',
  'test.test_os.TermsizeTests.test_stty_match':
    'starts `stty` in a process; the test does not check has_subprocess_support (there are no processes here)',
  'test.test_os.TestSendfile.test_invalid_offset': SOCKETS,
  'test.test_os.TestSendfile.test_keywords': SOCKETS,
  'test.test_os.TestSendfile.test_offset_overflow': SOCKETS,
  'test.test_os.TestSendfile.test_send_at_certain_offset': SOCKETS,
  'test.test_os.TestSendfile.test_send_whole_file': SOCKETS,
  'test.test_shutil.TestRmTree.test_on_error':
    'expects a directory without write permission to stop rmtree; the guest kernel checks no directory ' +
    'permissions (a file in a 0o500 directory can be removed), and CPython runs the test only because the kernel ' +
    'refused uid 0 to open a 0o400 file for writing in its can_dac_override() probe',
  'test.test_pathlib.PathTest.test_hardlink_to': HARD_LINKS,
  'test.test_pathlib.PosixPathTest.test_hardlink_to': HARD_LINKS,
  'test.test_pathlib.PathTest.test_is_socket_true': UNIX_SOCKET_FILE,
  'test.test_pathlib.PosixPathTest.test_is_socket_true': UNIX_SOCKET_FILE,
  'test.test_threading.InterruptMainTests.test_can_interrupt_tight_loops':
    "the guest kernel's scheduler is cooperative: a thread in a tight loop is not preempted, so the main thread " +
    'never runs to stop it before it ends its 100 million iterations',
  'test.test_re.ReTests.test_regression_gh94675':
    'starts a process (multiprocessing.Process); the test does not check has_subprocess_support',
  'test.test_time.TimeTestCase.test_pthread_getcpuclockid':
    'the guest kernel has no per-thread CPU-time clocks (pthread_getcpuclockid: EINVAL)',
  'test.test_time.TimeTestCase.test_thread_time':
    "the guest kernel's CLOCK_THREAD_CPUTIME_ID is no per-thread CPU clock: it advances while the thread sleeps",
}
