#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the guest's serial console log into test results.

The guest init (scripts/guest-init) frames every program with
"@@harness begin SUITE NAME" and "@@harness end SUITE NAME STATUS", dumps
the kernel log between "@@harness dmesg-begin" and "@@harness dmesg-end",
and ends with "@@harness done VERDICT" before it writes the verdict to
QEMU's isa-debug-exit device (QEMU then exits with VERDICT * 2 + 1).

Each TAP/KTAP result line of a program becomes one test.  Two more tests
belong to every boot, in the boot-smoke suite: the guest reached its
verdict (no hang, no panic, no crash), and the kernel log is clean (no
WARN, BUG, Oops, lockdep, KASAN, UBSAN, stall or "Call Trace" line).

With --tap, the log is instead the plain TAP output of one program, such
as the cpu-model test kernel.

Prints one line per test, one summary line per suite, and exits 1 if any
test failed.  With --results DIR, writes DIR/SUITE.counts for each suite.
"""

import argparse
import os
import re
import sys

TIMED_OUT = {124, 137, 143}
KSFT_SKIP = 4

TAP_RESULT = re.compile(r'^(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(.*))?$')
TAP_PLAN = re.compile(r'^1\.\.(\d+)')
KERNEL_TS = r'\[\s*\d+\.\d+\]'
BAD_KERNEL = re.compile(KERNEL_TS + r'.*?(' + '|'.join([
    r'WARNING:',
    r'\bBUG[: ]',
    r'Call Trace:',
    r'Kernel panic',
    r'\bOops\b',
    r'general protection fault',
    r'KASAN',
    r'UBSAN',
    r'DEBUG_LOCKS_WARN_ON',
    r'INFO: (possible|inconsistent|lockdep|task \S+ blocked|rcu)',
    r'possible (recursive|circular) locking',
    r'soft lockup',
    r'hard LOCKUP',
    r'rcu: INFO',
    r'detected stall',
]) + r')')
PANIC = re.compile(KERNEL_TS + r'.*(Kernel panic.*)')


class Results:
    def __init__(self):
        self.tests = []        # (suite, name, status, detail)

    def add(self, suite, name, status, detail=''):
        self.tests.append((suite, name, status, detail))

    def suites(self):
        order = []
        for t in self.tests:
            if t[0] not in order:
                order.append(t[0])
        return order

    def counts(self, suite):
        c = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
        for t in self.tests:
            if t[0] == suite:
                c[t[2]] += 1
        return c


def summary_line(suite, c):
    line = '%s: %d passed, %d failed' % (suite, c['PASS'], c['FAIL'])
    if c['SKIP']:
        line += ', %d skipped' % c['SKIP']
    return line


def parse_program(res, suite, prog, lines, status):
    """Turn one program's output and exit status into results."""
    seen = 0
    failed = 0
    plan = None
    for line in lines:
        m = TAP_PLAN.match(line)
        if m and plan is None:
            plan = int(m.group(1))
            continue
        if line.startswith('Bail out!'):
            res.add(suite, prog, 'FAIL', line)
            failed += 1
            continue
        m = TAP_RESULT.match(line)
        if not m:
            continue
        ok = m.group(1) == 'ok'
        desc = m.group(3) or ('test %s' % m.group(2))
        directive = (m.group(4) or '').strip()
        name = '%s: %s' % (prog, desc)
        seen += 1
        if directive.upper().startswith('SKIP'):
            res.add(suite, name, 'SKIP', directive[4:].strip())
        elif directive.upper().startswith('TODO'):
            res.add(suite, name, 'PASS' if ok else 'SKIP', directive)
        elif ok:
            res.add(suite, name, 'PASS')
        else:
            res.add(suite, name, 'FAIL', directive)
            failed += 1

    if status is None:
        res.add(suite, prog, 'FAIL', 'did not finish: the guest died while it ran')
        return
    # A program that exits with KSFT_SKIP skipped what it did not report.
    if plan is not None and seen < plan and status != KSFT_SKIP:
        res.add(suite, prog, 'FAIL', 'only %d of the %d planned tests reported' % (seen, plan))
        failed += 1
    if status in TIMED_OUT:
        res.add(suite, prog, 'FAIL', 'timed out or killed (exit status %d)' % status)
    elif status == KSFT_SKIP and seen == 0:
        res.add(suite, prog, 'SKIP', 'the program skipped itself')
    elif status not in (0, KSFT_SKIP) and failed == 0:
        res.add(suite, prog, 'FAIL', 'exit status %d' % status)
    elif status == 0 and seen == 0:
        res.add(suite, prog, 'PASS')


def parse(log_lines, qemu_status, timeout):
    res = Results()
    current = None             # (suite, prog, lines)
    verdict = None
    init_seen = False
    in_dmesg = False
    bad = []
    panic = None

    for raw in log_lines:
        line = raw.rstrip('\r\n').replace('\r', '')
        m = BAD_KERNEL.search(line)
        if m and line not in bad:
            bad.append(line)
        m = PANIC.search(line)
        if m and panic is None:
            panic = m.group(1)

        if not line.startswith('@@harness '):
            if current is not None and not in_dmesg:
                current[2].append(line)
            continue
        words = line.split()
        what = words[1]
        if what == 'init':
            init_seen = True
        elif what == 'begin' and len(words) >= 4:
            if current is not None:
                parse_program(res, current[0], current[1], current[2], None)
            current = (words[2], words[3], [])
        elif what == 'end' and len(words) >= 5 and current is not None:
            try:
                status = int(words[4])
            except ValueError:
                status = 255
            parse_program(res, current[0], current[1], current[2], status)
            current = None
        elif what == 'dmesg-begin':
            in_dmesg = True
        elif what == 'dmesg-end':
            in_dmesg = False
        elif what == 'done' and len(words) >= 3:
            verdict = words[2]

    if current is not None:
        parse_program(res, current[0], current[1], current[2], None)

    # The boot itself.
    if qemu_status in (124, 137):
        res.add('boot-smoke', 'guest reached its verdict', 'FAIL',
                'guest hung: no verdict within the %s s limit' % timeout)
    elif panic:
        res.add('boot-smoke', 'guest reached its verdict', 'FAIL',
                'guest panicked: %s' % panic)
    elif verdict is None or qemu_status not in (1, 3):
        res.add('boot-smoke', 'guest reached its verdict', 'FAIL',
                'guest died without a verdict (QEMU exit status %s%s)' %
                (qemu_status, '' if init_seen else ', init never ran'))
    elif str((qemu_status - 1) // 2) != verdict:
        res.add('boot-smoke', 'guest reached its verdict', 'FAIL',
                'the verdict on the console (%s) is not the one QEMU got (%d)' %
                (verdict, (qemu_status - 1) // 2))
    else:
        res.add('boot-smoke', 'guest reached its verdict', 'PASS')

    if bad:
        res.add('boot-smoke', 'kernel log is clean', 'FAIL',
                'first of %d bad lines: %s' % (len(bad), bad[0].strip()))
    else:
        res.add('boot-smoke', 'kernel log is clean', 'PASS')
    return res, bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('log')
    ap.add_argument('--qemu-status', type=int, required=True)
    ap.add_argument('--timeout', default='?')
    ap.add_argument('--results', default=os.environ.get('UINTR_RESULTS'))
    ap.add_argument('--tap', nargs=2, metavar=('SUITE', 'PROGRAM'),
                    help='the log is the plain TAP of one program (no init, '
                    'no kernel log); --qemu-status is its exit status, '
                    'or -1 if it did not finish')
    args = ap.parse_args()

    with open(args.log, encoding='utf-8', errors='replace') as f:
        lines = f.readlines()
    if args.tap:
        res, bad = Results(), []
        status = None if args.qemu_status < 0 else args.qemu_status
        parse_program(res, args.tap[0], args.tap[1],
                      [line.rstrip('\r\n') for line in lines], status)
    else:
        res, bad = parse(lines, args.qemu_status, args.timeout)

    for suite, name, status, detail in res.tests:
        print('  %-4s %s: %s%s' % (status, suite, name, ' (%s)' % detail if detail else ''))
    if bad:
        print('Kernel log lines that fail the run:')
        for line in bad[:20]:
            print('    ' + line.strip())
    if any(t[2] == 'FAIL' for t in res.tests) and lines:
        print('Last lines of the console (%s):' % args.log)
        for line in lines[-15:]:
            print('    ' + line.rstrip())
    for suite in res.suites():
        print(summary_line(suite, res.counts(suite)))
        if args.results:
            os.makedirs(args.results, exist_ok=True)
            c = res.counts(suite)
            with open(os.path.join(args.results, suite + '.counts'), 'a') as f:
                f.write('%d %d %d\n' % (c['PASS'], c['FAIL'], c['SKIP']))
    return 1 if any(t[2] == 'FAIL' for t in res.tests) else 0


if __name__ == '__main__':
    sys.exit(main())
