# One module of CPython's regression suite, run in the guest as `python -m test <module>` runs it:
# libregrtest's own setup (setup_tests), a fresh working directory under the temporary directory, and its
# runtest(), which loads the module (load_tests, test_main) and runs it under support.run_unittest with
# save_env's checks. Every unittest result the run creates is kept, so the outcome of each test can be
# counted: passed, failed, errored, skipped (an expected failure counts as passed, an unexpected success
# as failed, an error outside a test — setUpClass, setUpModule — as one errored). Prints, as its last
# line, SUMMARY_MARK and a JSON object: the counts, regrtest's verdict and the failures (id, kind, the
# exception's last line). The host runs it with `MODULE = '<name>'` before it (bench/cpython-suite.mjs).
#
# The platform: this guest starts no processes (see guest/python/warmup.py), which CPython's test helpers
# learn from sys.platform on WASI and Emscripten; here sys.platform is 'linux', so the harness says it to
# them in the words they check: has_subprocess_support and has_fork_support are False, and, since the
# sandbox refuses sockets, has_socket_support.
SUMMARY_MARK = '@@lci-cpython-suite@@'
STARTED_MARK = '@@lci-test-started@@'


def _lci_suite_main(module):
    import json
    import os
    import sys
    import time

    from test import support
    support.has_subprocess_support = False
    support.has_fork_support = False
    # Sockets: the sandbox refuses them (it runs with no network.allow, and loopback is always refused),
    # as Emscripten's and WASI's do not work: CPython's helpers skip what needs them.
    support.has_socket_support = False

    from test.support import os_helper
    from test.support.testresult import RegressionTestResult
    from test.libregrtest import cmdline, runtest, setup

    def test_id(test):
        test = getattr(test, 'test_case', test)  # a subtest counts for its test
        try:
            return test.id()
        except Exception:
            return str(test)

    def last_line(text):
        lines = [l for l in str(text).strip().splitlines() if l.strip()]
        return (lines[-1] if lines else '')[:300]

    # Every result support.run_unittest makes (not those the tests make of their own), and the id of
    # every test that started.
    results, started = [], set()
    original_init, original_start = RegressionTestResult.__init__, RegressionTestResult.startTest

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        results.append(self)

    def start_test(self, test):
        # Named on stderr as it starts: when a module runs out of time, the last one named is the culprit.
        started.add(test_id(test))
        print(STARTED_MARK, test_id(test), file=sys.__stderr__, flush=True)
        return original_start(self, test)

    RegressionTestResult.__init__, RegressionTestResult.startTest = init, start_test

    ns = cmdline._parse_args([module])
    sys.argv = [sys.argv[0] if sys.argv else 'python', '-m', 'test', module]
    start = time.monotonic()
    cwd = os.path.join('/tmp', 'test_python_%d' % os.getpid())
    os.makedirs(cwd, exist_ok=True)
    with os_helper.temp_cwd(cwd, quiet=True):
        ns.tempdir = cwd
        setup.setup_tests(ns)
        outcome = runtest.runtest(ns, module)
    seconds = time.monotonic() - start

    ran = 0
    bad = {}  # test id -> ('failed' | 'errored', message)
    skipped = set()
    for result in results:
        ran += result.testsRun
        for test, text in result.errors:
            bad[test_id(test)] = ('errored', last_line(text))
        for test, text in result.failures:
            bad.setdefault(test_id(test), ('failed', last_line(text)))
        for test in result.unexpectedSuccesses:
            bad.setdefault(test_id(test), ('failed', 'unexpected success'))
        for test, reason in result.skipped:
            skipped.add(test_id(test))
    in_tests = set(bad) & started
    failed = sum(1 for kind, _ in bad.values() if kind == 'failed')
    errored = len(bad) - failed
    skipped_count = len(skipped - set(bad))
    passed = max(ran - len(in_tests) - len((skipped & started) - set(bad)), 0)
    verdict = type(outcome).__name__
    if verdict in ('Skipped', 'ResourceDenied') and ran == 0:
        skipped_count = max(skipped_count, 1)  # the whole module, as regrtest reports it
    summary = {
        'module': module, 'verdict': verdict, 'ran': ran, 'passed': passed, 'failed': failed,
        'errored': errored, 'skipped': skipped_count, 'seconds': round(seconds, 1),
        'problems': sorted([t, kind, message] for t, (kind, message) in bad.items()),
    }
    print('\n' + SUMMARY_MARK + ' ' + json.dumps(summary), flush=True)

