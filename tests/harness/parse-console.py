#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The console parser on canned logs: each kind of kernel trouble fails the
run, TAP details are counted right, and test output alone is not taken for
kernel trouble."""

import importlib.util
import os
import sys
import unittest

# No __pycache__ next to the parser, even when run without the harness.
sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    'parse_console', os.path.join(HERE, '..', '..', 'scripts', 'parse-console.py'))
pc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pc)

GOOD = '''[    0.000000] Linux version 6.12.107
@@harness init
@@harness begin boot-smoke boot
TAP version 13
1..1
ok 1 init runs as pid 1
@@harness end boot-smoke boot 0
@@harness begin kselftest-uintr uintr_basic
TAP version 13
1..3
# Starting 3 tests from 1 test cases.
ok 1 basic.register
ok 2 basic.send # SKIP no second CPU
not ok 3 basic.wait
# FAILED: 1 / 3 tests passed.
@@harness end kselftest-uintr uintr_basic 1
@@harness dmesg-begin
[    1.000000] uintr: something harmless
{dmesg}
@@harness dmesg-end
@@harness done 1
'''


def run(log, status=3):
    res, bad = pc.parse(log.splitlines(True), status, 10)
    return res, bad


def counts(res, suite):
    c = res.counts(suite)
    return (c['PASS'], c['FAIL'], c['SKIP'])


class Parse(unittest.TestCase):
    def test_tap_counts(self):
        res, bad = run(GOOD.format(dmesg=''))
        self.assertEqual(counts(res, 'kselftest-uintr'), (1, 1, 1))
        self.assertEqual(counts(res, 'boot-smoke'), (3, 0, 0))
        self.assertEqual(bad, [])

    def test_kernel_trouble(self):
        for line in ['[   12.5] WARNING: CPU: 1 PID: 77 at arch/x86/kernel/uintr.c:10 f+0x1/0x2',
                     '[   12.5] BUG: kernel NULL pointer dereference, address: 0000000000000008',
                     '[   12.5] Oops: general protection fault, probably for non-canonical address',
                     '[   12.5]  Call Trace:',
                     '[   12.5] WARNING: possible circular locking dependency detected',
                     '[   12.5] BUG: KASAN: slab-use-after-free in uintr_free+0x10/0x20',
                     '[   12.5] UBSAN: shift-out-of-bounds in arch/x86/kernel/uintr.c:1:2',
                     '[   12.5] DEBUG_LOCKS_WARN_ON(1)',
                     '[   12.5] watchdog: BUG: soft lockup - CPU#1 stuck for 22s!',
                     '[   12.5] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:']:
            res, bad = run(GOOD.format(dmesg=line))
            self.assertEqual(len(bad), 1, line)
            self.assertIn(('boot-smoke', 'kernel log is clean', 'FAIL'),
                          [t[:3] for t in res.tests], line)

    def test_test_output_is_not_kernel_trouble(self):
        log = GOOD.replace('# Starting 3', 'WARNING: Call Trace: BUG: from the test\n# Starting 3')
        res, bad = run(log.format(dmesg=''))
        self.assertEqual(bad, [])

    def test_lockdep_banner_is_fine(self):
        res, bad = run(GOOD.format(dmesg='[    0.1] ... MAX_LOCKDEP_SUBCLASSES:  8\n'
                                   '[    0.1] rcu: \tRCU lockdep checking is enabled.'))
        self.assertEqual(bad, [])

    def test_missing_results_fail(self):
        log = GOOD.replace('not ok 3 basic.wait\n', '')
        res, _ = run(log.format(dmesg=''))
        self.assertEqual(counts(res, 'kselftest-uintr'), (1, 1, 1))
        self.assertIn('only 2 of the 3 planned tests reported',
                      [t[3] for t in res.tests if t[2] == 'FAIL'])

    def test_exit_status_without_tap_fails(self):
        log = GOOD.replace('not ok 3 basic.wait\n', 'ok 3 basic.wait\n')
        res, _ = run(log.format(dmesg=''))
        self.assertEqual(counts(res, 'kselftest-uintr'), (2, 1, 1))

    def test_ksft_skip(self):
        log = ('@@harness begin kselftest-uintr uintr_basic\n'
               '1..0 # SKIP UINTR not supported\n'
               '@@harness end kselftest-uintr uintr_basic 4\n@@harness done 0\n')
        res, _ = run(log, 1)
        self.assertEqual(counts(res, 'kselftest-uintr'), (0, 0, 1))

    def test_ksft_skip_after_plan(self):
        log = ('@@harness begin kselftest-uintr uintr_basic\n1..16\n'
               'ok 1 # SKIP no UINTR\n'
               '@@harness end kselftest-uintr uintr_basic 4\n@@harness done 0\n')
        res, _ = run(log, 1)
        self.assertEqual(counts(res, 'kselftest-uintr'), (0, 0, 1))
        log = log.replace(' 4\n', ' 0\n')
        res, _ = run(log, 1)
        self.assertEqual(counts(res, 'kselftest-uintr'), (0, 1, 1))

    def test_program_cut_short(self):
        log = GOOD.split('not ok 3')[0]
        res, _ = run(log, 0)
        fails = [t for t in res.tests if t[2] == 'FAIL']
        self.assertTrue(any('did not finish' in t[3] for t in fails))
        self.assertTrue(any('died without a verdict' in t[3] for t in fails))

    def test_hang_and_panic(self):
        res, _ = run(GOOD.split('@@harness dmesg')[0], 124)
        self.assertTrue(any('guest hung' in t[3] for t in res.tests))
        res, _ = run('[    3.1] Kernel panic - not syncing: sysrq triggered crash\n', 0)
        self.assertTrue(any('guest panicked' in t[3] for t in res.tests))

    def test_verdict_mismatch(self):
        res, _ = run(GOOD.format(dmesg=''), 1)
        self.assertTrue(any('is not the one QEMU got' in t[3] for t in res.tests))


if __name__ == '__main__':
    sys.exit(0 if unittest.main(exit=False, verbosity=1).result.wasSuccessful() else 1)
