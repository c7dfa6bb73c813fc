#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench-ipc's parser and statistics on fabricated logs (made up numbers,
not results): the ranges from nm, the pairing of the guest's runs with the
plugin's marker pairs, the per-round-trip differences, median and spread,
and the checks."""

import importlib.util
import os
import sys
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    'bench_ipc', os.path.join(HERE, '..', '..', 'scripts', 'bench-ipc.py'))
b = importlib.util.module_from_spec(spec)
spec.loader.exec_module(b)

NM = '''ffffffff810969a4 000000000000014f t do_idle
ffffffff81096994 0000000000000010 t __pfx_do_idle
ffffffff813ce643 0000000000000098 t cpu_idle_poll.isra.0
ffffffff81096d14 0000000000000026 T cpu_startup_entry
ffffffff813ce4ed T __cpuidle_text_start
ffffffff813cec5b T __cpuidle_text_end
ffffffff81400cf0 000000000000001b T asm_sysvec_apic_timer_interrupt
ffffffff81000000 0000000000000010 T ktime_get
'''


def fake_logs(n, repeats, per_rt, setup=50000, noise=None, mechs=b.MECHS,
              fail=(), cpus=4):
    """The console's and the plugin's lines of a run of the list: per_rt
    maps a mechanism to its (user, kernel) instructions per round trip;
    noise(mech, rep, n) is added to the kernel count of a run.  The
    kernel instructions go to vCPUs 1 and 2, half each."""
    console, plugin = ['ipc-config cpus=1,2 n=%d repeats=%d mechs=all\r' % (n, repeats)], []
    idx = pair = 0
    for rep in range(1, repeats + 1):
        for mech in mechs:
            for k in (n, 2 * n):
                idx += 1
                if (mech, rep) in fail:
                    console.append('ipc-run idx=%d rep=%d mech=%s n=%d marked=0 ns=- '
                                   'ns_per_rt=- status=error msg=the CPU lacks UINTR (x)\r'
                                   % (idx, rep, mech, k))
                    continue
                u, kern = per_rt[mech]
                kern = setup + kern * k + (noise(mech, rep, k) if noise else 0)
                user = 1000 + u * k
                ns = 7000 + 1000 * k
                console.append('ipc-run idx=%d rep=%d mech=%s n=%d marked=1 ns=%d '
                               'ns_per_rt=%.1f status=ok\r' % (idx, rep, mech, k, ns, ns / k))
                pair += 1
                cells = []
                for c in range(cpus):
                    if c in (1, 2):
                        cells.append('cpu%d=%d,%d,%d,%d,%d,%d' % (
                            c, user // 2, kern // 2, 300 * k, 40 * k, k // 100, k))
                    else:
                        cells.append('cpu%d=0,0,%d,%d,1,1' % (c, 999 * k, 40 * k))
                plugin.append('insn-count pair=%d vcpu=1 %s\n' % (pair, ' '.join(cells)))
    console.append('ipc-done runs=%d failed=0\r' % idx)
    plugin.append('insn-count done pairs=%d starts=%d orphan-ends=0\n' % (pair, pair))
    return console, plugin


COSTS = {'spin': (40, 0), 'eventfd': (300, 9000), 'eventfd-poll': (900, 4000),
         'futex': (200, 7000), 'pipe': (300, 11000), 'unix': (300, 14000),
         'signal': (400, 12000), 'uipi': (60, 2), 'uipi-wait': (250, 6000),
         'uipi-poll': (300, 9000)}


def analyse(console, plugin, repeats, mechs=b.MECHS):
    runs, _ = b.parse_runs(console)
    pairs, done = b.parse_pairs(plugin)
    return b.Analysis(runs, pairs, mechs, repeats), done


class Ranges(unittest.TestCase):
    def test_ranges(self):
        out, missing = b.ranges(NM.splitlines())
        self.assertIn('idle 0xffffffff810969a4 0xffffffff81096af3 do_idle', out)
        self.assertIn('idle 0xffffffff813ce643 0xffffffff813ce6db cpu_idle_poll.isra.0', out)
        self.assertIn('idle 0xffffffff813ce4ed 0xffffffff813cec5b .cpuidle.text', out)
        self.assertIn('tick 0xffffffff81400cf0 asm_sysvec_apic_timer_interrupt', out)
        self.assertFalse(any('__pfx' in x or 'ktime_get' in x for x in out))
        self.assertIn('cpuidle_idle_call', missing)
        self.assertNotIn('do_idle', missing)

    def test_no_tick(self):
        _, missing = b.ranges([x for x in NM.splitlines() if 'apic_timer' not in x])
        self.assertIn(b.TICK_ENTRY, missing)


class Table(unittest.TestCase):
    def test_exact(self):
        console, plugin = fake_logs(100, 3, COSTS)
        a, done = analyse(console, plugin, 3)
        self.assertEqual(done['orphan-ends'], '0')
        for mech, (u, k) in COSTS.items():
            self.assertEqual(a.stat(mech, 'kernel'), (k, k, k), mech)
            self.assertEqual(a.stat(mech, 'user'), (u, u, u), mech)
            self.assertEqual(a.stat(mech, 'ns'), (1000, 1000, 1000), mech)
            # Idle: 999 on each of vCPUs 0 and 3, 300 on each of 1 and 2.
            self.assertEqual(a.stat(mech, 'idle'), (2598, 2598, 2598), mech)
            self.assertEqual(a.stat(mech, 'kernel1'), (k / 2, k / 2, k / 2), mech)
        self.assertTrue(all(ok for ok, _, _ in a.checks(10)))
        table = '\n'.join(a.table())
        for mech in b.MECHS:
            self.assertIn('| `%s` |' % mech, table)
        self.assertIn('| `uipi` | 2.0 [2.0, 2.0] |', table)

    def test_median_and_spread(self):
        # Setup noise cancels only on average: the repeats differ.
        noise = {1: 0, 2: 800, 3: -300}

        def f(mech, rep, n):
            return noise[rep] if n == 200 else 0
        console, plugin = fake_logs(100, 3, COSTS, noise=f)
        a, _ = analyse(console, plugin, 3)
        self.assertEqual(a.stat('futex', 'kernel'), (7000, 6997, 7008))
        self.assertEqual(a.stat('uipi', 'kernel'), (2, -1, 10))
        self.assertTrue(all(ok for ok, _, _ in a.checks(10)))

    def test_uipi_too_dear(self):
        costs = dict(COSTS, uipi=(60, 11))
        a, _ = analyse(*fake_logs(100, 3, costs), 3)
        bad = [name for ok, name, _ in a.checks(10) if not ok]
        self.assertEqual(bad, ['uipi: at most 10 kernel instructions per round trip'])

    def test_uipi_wait_dearer_than_futex(self):
        costs = dict(COSTS, **{'uipi-wait': (250, 7001)})
        a, _ = analyse(*fake_logs(100, 3, costs), 3)
        bad = [name for ok, name, _ in a.checks(10) if not ok]
        self.assertEqual(bad, ['uipi-wait: no more kernel instructions per round trip than futex'])

    def test_failed_mechanism(self):
        # uipi failed in repeat 2: the pairs still match the marked runs,
        # and uipi has 2 of 3 repeats.
        a, _ = analyse(*fake_logs(100, 3, COSTS, fail={('uipi', 2)}), 3)
        res = {name: (ok, detail) for ok, name, detail in a.checks(10)}
        self.assertTrue(res['the plugin counted every run that executed its markers'][0])
        ok, detail = res['uipi measured in every repeat']
        self.assertFalse(ok)
        self.assertIn('2 of 3 repeats', detail)
        self.assertIn('the CPU lacks UINTR (x)', detail)
        self.assertEqual(a.stat('uipi', 'kernel'), (2, 2, 2))

    def test_all_uipi_failed(self):
        fail = {(m, r) for m in ('uipi', 'uipi-wait', 'uipi-poll') for r in (1, 2)}
        a, _ = analyse(*fake_logs(100, 2, COSTS, fail=fail), 2)
        bad = [name for ok, name, _ in a.checks(10) if not ok]
        self.assertEqual(bad, ['uipi measured in every repeat',
                               'uipi-wait measured in every repeat',
                               'uipi-poll measured in every repeat',
                               'uipi: at most 10 kernel instructions per round trip',
                               'uipi-wait: no more kernel instructions per round trip than futex'])
        self.assertIn('| `uipi` | - | - |', '\n'.join(a.table()))

    def test_pairs_do_not_match(self):
        console, plugin = fake_logs(100, 2, COSTS)
        a, _ = analyse(console, plugin[1:], 2)
        res = {name: ok for ok, name, _ in a.checks(10)}
        self.assertFalse(res['the plugin counted every run that executed its markers'])
        self.assertFalse(res['spin measured in every repeat'])

    def test_orphan_end(self):
        a, _ = analyse(*fake_logs(100, 2, COSTS), 2)
        res = {name: ok for ok, name, _ in a.checks(10, orphan_ends=1)}
        self.assertFalse(res['the plugin counted every run that executed its markers'])

    def test_console_noise(self):
        # A kernel message in the middle of the console, and a run line
        # that a message ran into.
        console, plugin = fake_logs(100, 1, COSTS, mechs=['spin', 'futex'])
        console.insert(2, '[   12.345678] random: crng init done\r')
        console[3] = '[   12.4] x: y ' + console[3]
        a, _ = analyse(console, plugin, 1, mechs=['spin', 'futex'])
        self.assertEqual(a.stat('futex', 'kernel'), (7000, 7000, 7000))

    def test_boot_failures(self):
        out = ['  PASS boot-smoke: guest reached its verdict\n',
               '  FAIL boot-smoke: kernel log is clean (first of 1 bad lines: x)\n',
               '  FAIL cmd: cmd (exit status 1)\n']
        self.assertEqual(b.boot_failures(out),
                         ['FAIL boot-smoke: kernel log is clean (first of 1 bad lines: x)'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
