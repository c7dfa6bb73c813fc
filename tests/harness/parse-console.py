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

    def test_user_mode_faults_are_not_kernel_trouble(self):
        for line in ['[   12.5] traps: uintr_sender[88] general protection fault ip:401a2c '
                     'sp:7ffc1f2e4b70 error:0 in uintr_sender[401000+92000]',
                     '[   12.5] uintr_sender[88]: segfault at 0 ip 0000000000401a2c sp '
                     '00007ffc1f2e4b70 error 4 in uintr_sender[1a2c,401000+92000]',
                     '[   12.5] traps: prog[9] trap invalid opcode ip:401a2c sp:7ffc error:0']:
            res, bad = run(GOOD.format(dmesg=line))
            self.assertEqual(bad, [], line)

    def test_kernel_mode_gp_is_trouble(self):
        res, bad = run(GOOD.format(dmesg='[   12.5] Oops: general protection fault, probably '
                                   'for non-canonical address 0xdead000000000100: 0000 [#1] SMP'))
        self.assertEqual(len(bad), 1)

    def test_program_without_results_fails(self):
        log = ('@@harness begin kselftest-uintr uintr_silent\n'
               '@@harness end kselftest-uintr uintr_silent 0\n@@harness done 0\n')
        res, _ = run(log, 1)
        self.assertEqual(counts(res, 'kselftest-uintr'), (0, 1, 0))

    def test_debug_command_without_tap_passes(self):
        log = ('@@harness begin cmd cmd\nprocessor : 0\n@@harness end cmd cmd 0\n'
               '@@harness done 0\n')
        res, _ = run(log, 1)
        self.assertEqual(counts(res, 'cmd'), (1, 0, 0))

    def test_strict_skips(self):
        log = GOOD.format(dmesg='')
        res, _ = run(log)
        pc.apply_policy(res, ['kselftest-uintr'])
        self.assertEqual(counts(res, 'kselftest-uintr'), (1, 2, 0))
        self.assertIn('skipped under a CPU model that has UINTR: no second CPU',
                      [t[3] for t in res.tests])

    def test_kernel_id(self):
        log = GOOD.replace('@@harness init\n', '@@harness init\n@@harness kernel 6.12.107 #3 SMP\n')
        res, _ = pc.parse(log.format(dmesg='').splitlines(True), 3, 10, '6.12.107 #3 SMP')
        self.assertIn(('boot-smoke', 'the guest runs the kernel that was just built', 'PASS'),
                      [t[:3] for t in res.tests])
        res, _ = pc.parse(log.format(dmesg='').splitlines(True), 3, 10, '6.12.107 #4 SMP')
        self.assertIn(('boot-smoke', 'the guest runs the kernel that was just built', 'FAIL'),
                      [t[:3] for t in res.tests])
        res, _ = pc.parse(GOOD.format(dmesg='').splitlines(True), 3, 10, '6.12.107 #3 SMP')
        self.assertIn('the guest reported no kernel id', [t[3] for t in res.tests])


KSFT = """@@harness init
@@harness begin kselftest-x86 run_kselftest
TAP version 13
1..5
# timeout set to 45
# selftests: x86: good_64
# TAP version 13
# 1..2
# ok 1 first
# ok 2 second
ok 1 selftests: x86: good_64
# timeout set to 45
# selftests: x86: oldstyle_64
# [RUN]\tsomething
# [OK]\tsomething
ok 2 selftests: x86: oldstyle_64
# timeout set to 45
# selftests: x86: gone_64
# Warning: file gone_64 is missing!
not ok 3 selftests: x86: gone_64
# timeout set to 45
# selftests: x86: slow_64
#
not ok 4 selftests: x86: slow_64 # TIMEOUT 45 seconds
# timeout set to 45
# selftests: x86: skipper_64
ok 5 selftests: x86: skipper_64 # SKIP
@@harness end kselftest-x86 run_kselftest 0
@@harness done 1
"""


class Kselftest(unittest.TestCase):
    def test_runner_output(self):
        res, _ = run(KSFT)
        tests = {t[1]: t for t in res.tests if t[0] == 'kselftest-x86'}
        self.assertEqual(tests['good_64: first'][2], 'PASS')
        self.assertEqual(tests['oldstyle_64'][2], 'PASS')
        self.assertEqual(tests['gone_64'][2:], ('FAIL', 'Warning: file gone_64 is missing!'))
        self.assertEqual(tests['slow_64'][2], 'FAIL')
        self.assertIn('TIMEOUT', tests['slow_64'][3])
        self.assertEqual(tests['skipper_64'][2], 'SKIP')
        self.assertEqual(counts(res, 'kselftest-x86'), (3, 2, 1))

    def test_runner_cut_short(self):
        res, _ = run(KSFT.split('# selftests: x86: slow_64')[0] + '@@harness done 1\n', 3)
        details = [t[3] for t in res.tests if t[2] == 'FAIL']
        self.assertIn('did not finish: the guest died while it ran', details)

    def test_runner_without_plan(self):
        res, _ = run('@@harness begin kselftest-x86 run_kselftest\n'
                     '@@harness end kselftest-x86 run_kselftest 0\n@@harness done 0\n', 1)
        self.assertEqual(counts(res, 'kselftest-x86'), (0, 1, 0))

    def test_known_outcomes(self):
        path = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'kselftest-x86.known.%d' % os.getpid())
        with open(path, 'w') as f:
            f.write('# comment\nFAIL | gone_64 | not built here\nSKIP | skipper_64 | no such CPU\n'
                    'FAIL | good_64: first | broken once\nFAIL | never_64 | gone for good\n')
        try:
            suite, known = pc.read_known(path)
        finally:
            os.unlink(path)
        self.assertEqual(suite, 'kselftest-x86')
        res, _ = run(KSFT)
        pc.apply_policy(res, [], known, {suite})
        tests = {t[1]: t for t in res.tests if t[0] == 'kselftest-x86'}
        self.assertEqual(tests['gone_64'][2], 'SKIP')
        self.assertEqual(tests['skipper_64'][2], 'SKIP')
        self.assertEqual(tests['slow_64'][2], 'FAIL')
        self.assertIn('but it passed', tests['good_64: first'][3])
        self.assertIn('did not run', tests['never_64'][3])
        # An unlisted skip fails.
        res, _ = run(KSFT)
        pc.apply_policy(res, [], {}, {suite})
        tests = {t[1]: t for t in res.tests if t[0] == 'kselftest-x86'}
        self.assertEqual(tests['skipper_64'][2], 'FAIL')


if __name__ == '__main__':
    sys.exit(0 if unittest.main(exit=False, verbosity=1).result.wasSuccessful() else 1)
