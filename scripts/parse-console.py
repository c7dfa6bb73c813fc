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
    # WARN() ("WARNING: CPU: 1 PID: 7 at file:line"), and lockdep's and
    # RCU's reports ("WARNING: possible circular locking dependency").
    r'WARNING: ',
    r'\bBUG: ',
    r'\bBUG at ',
    r'kernel BUG at',
    r'Call Trace:',
    r'Kernel panic',
    r'\bOops\b',
    r'general protection fault',
    r'KASAN: ',
    r'UBSAN: ',
    r'DEBUG_LOCKS_WARN_ON',
    r'INFO: (possible|inconsistent|lockdep|task \S+ blocked|rcu)',
    r'possible (recursive|circular) locking',
    r'soft lockup',
    r'hard LOCKUP',
    r'rcu: INFO',
    r'detected stall',
    r'refcount_t: ',
    r'kmemleak: \d+ new suspected memory leaks',
]) + r')')
# A user-mode fault is reported by the kernel ("traps: prog[pid] general
# protection fault ip:... in prog[...]"); it is the tests' business, not
# kernel trouble.  The same holds for the segfault and trap lines of
# print_vma_addr().
USER_TRAP = re.compile(KERNEL_TS + r'\s*(traps: |\S+\[\d+\]: segfault at |'
                       r'\S+\[\d+\] (general protection|trap|bad frame))')
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


def parse_program(res, suite, prog, lines, status, empty_ok=False, detail=''):
    """Turn one program's output and exit status into results.

    A program that reports no TAP result is a failure, unless EMPTY_OK
    (the kselftest runner said "ok" for it, or it is a debugging command).
    """
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
        res.add(suite, prog, 'FAIL', detail or 'did not finish: the guest died while it ran')
        return
    # A program that exits with KSFT_SKIP skipped what it did not report.
    if plan is not None and seen < plan and status != KSFT_SKIP:
        res.add(suite, prog, 'FAIL', 'only %d of the %d planned tests reported' % (seen, plan))
        failed += 1
    if status in TIMED_OUT:
        res.add(suite, prog, 'FAIL', detail or 'timed out or killed (exit status %d)' % status)
    elif status == KSFT_SKIP and seen == 0:
        res.add(suite, prog, 'SKIP', detail or 'the program skipped itself')
    elif status not in (0, KSFT_SKIP) and failed == 0:
        res.add(suite, prog, 'FAIL', detail or 'exit status %d' % status)
    elif status == 0 and seen == 0:
        if empty_ok:
            res.add(suite, prog, 'PASS')
        else:
            res.add(suite, prog, 'FAIL', 'no test results: the program printed no TAP')


# The kselftest runner (run_kselftest.sh) frames each program with
# "# selftests: COLLECTION: PROG", prefixes the program's own output with
# "# " and reports it with "ok N selftests: COLLECTION: PROG [# SKIP]" or
# "not ok N selftests: COLLECTION: PROG # TIMEOUT S seconds|exit=RC".
KSFT_HEADER = re.compile(r'^# selftests: (\S+): (\S+)\s*$')
KSFT_RESULT = re.compile(r'^(not ok|ok) (\d+) selftests: (\S+): (\S+)\s*(?:#\s*(.*))?$')


def parse_kselftest(res, suite, lines, status):
    """The output of "run_kselftest.sh -c COLLECTION": one result per
    test case of each program, and one more for a program that failed as
    a whole (exit status, timeout, missing or not executable)."""
    plan = None
    reported = 0
    prog = None
    inner = []
    for line in lines:
        m = KSFT_HEADER.match(line)
        if m:
            if prog is not None:
                parse_program(res, suite, prog, inner, None,
                              detail='the runner reported no result for it')
            prog, inner = m.group(2), []
            continue
        m = KSFT_RESULT.match(line)
        if m:
            name = m.group(4)
            directive = (m.group(5) or '').strip()
            reported += 1
            warning = [x[2:] for x in inner if x.startswith('# Warning: ')]
            if warning:
                # The runner still runs a program that is not executable
                # but starts with #!, and may report it "ok".
                code, detail = 1, warning[0]
            elif m.group(1) == 'ok':
                code, detail = (KSFT_SKIP, 'skipped: ' + directive) \
                    if directive.upper().startswith('SKIP') else (0, '')
            elif directive.upper().startswith('TIMEOUT'):
                code, detail = 124, 'timed out: ' + directive
            elif directive.startswith('exit='):
                code, detail = int(directive[5:] or 1), ''
            else:
                code, detail = 1, 'failed: ' + directive
            parse_program(res, suite, name,
                          [x[2:] if x.startswith('# ') else x for x in inner],
                          code, empty_ok=True, detail=detail)
            prog, inner = None, []
            continue
        if prog is None:
            m = TAP_PLAN.match(line)
            if m and plan is None:
                plan = int(m.group(1))
            continue
        inner.append(line)
    if prog is not None:
        parse_program(res, suite, prog, [x[2:] if x.startswith('# ') else x for x in inner],
                      None)
    if status is None:
        res.add(suite, 'run_kselftest.sh', 'FAIL', 'did not finish: the guest died while it ran')
    elif plan is None or plan == 0:
        res.add(suite, 'run_kselftest.sh', 'FAIL', 'no tests: the runner printed no plan')
    elif reported < plan:
        res.add(suite, 'run_kselftest.sh', 'FAIL',
                'only %d of the %d programs reported' % (reported, plan))


def read_known(path):
    """The known outcomes of the suite that names the file (SUITE.known):
    "STATUS | TEST | REASON" lines, STATUS being FAIL, SKIP or EXCLUDE (the
    guest does not run the test at all); "FAIL(DETAIL)" only matches a
    failure whose detail (e.g. "exit status 139") contains DETAIL.  A line
    that starts with # is a comment."""
    suite = os.path.basename(path).split('.')[0]
    known = {}
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            fields = [x.strip() for x in line.split('|')]
            m = re.match(r'^(FAIL|SKIP|EXCLUDE)(?:\((.+)\))?$', fields[0]) \
                if len(fields) == 3 and fields[2] else None
            if not m:
                raise SystemExit('%s:%d: want "FAIL[(DETAIL)]|SKIP|EXCLUDE | TEST | REASON"'
                                 % (path, n))
            known[(suite, fields[1])] = (m.group(1), fields[2], m.group(2))
    return suite, known


def apply_policy(res, strict_skips, known=None, known_suites=()):
    """Under the project's QEMU, which has UINTR, a skip in the strict
    suites means that something is broken.  In a suite with a list of
    known outcomes (failures and skips of the unpatched base under TCG),
    a listed outcome counts as a skip with its reason, and anything else
    that does not pass fails: an unlisted failure or skip, and a listed
    test that now passes or did not run (so the list only ever shrinks)."""
    known = known or {}
    seen = set()
    for i, (suite, name, status, detail) in enumerate(res.tests):
        if status == 'SKIP' and suite in strict_skips:
            res.tests[i] = (suite, name, 'FAIL',
                            'skipped under a CPU model that has UINTR: %s' % detail)
        elif suite in known_suites:
            want = known.get((suite, name))
            seen.add((suite, name))
            if want and want[0] == 'EXCLUDE':
                res.tests[i] = (suite, name, 'FAIL', 'excluded from the run, but it ran')
            elif want and status == want[0] and want[2] and want[2] not in detail:
                res.tests[i] = (suite, name, 'FAIL', 'a known %s is "%s", but this one is: %s'
                                % (want[0].lower(), want[2], detail))
            elif want and status == want[0]:
                res.tests[i] = (suite, name, 'SKIP', 'known %s on the base: %s'
                                % (want[0].lower(), want[1]))
            elif want:
                res.tests[i] = (suite, name, 'FAIL', 'listed as a known %s, but it %s%s: '
                                'update the list' % (want[0].lower(),
                                                     {'PASS': 'passed', 'FAIL': 'failed',
                                                      'SKIP': 'skipped'}[status],
                                                     ' (%s)' % detail if detail else ''))
            elif status == 'SKIP':
                res.tests[i] = (suite, name, 'FAIL', 'skipped, and not a known skip: %s' % detail)
    for (suite, name), want in sorted(known.items()):
        if suite in known_suites and (suite, name) not in seen and suite in res.suites():
            if want[0] == 'EXCLUDE' and suite in strict_skips:
                res.add(suite, name, 'FAIL', 'excluded from a suite that must not skip')
            elif want[0] == 'EXCLUDE':
                res.add(suite, name, 'SKIP', 'excluded from the run: %s' % want[1])
            else:
                res.add(suite, name, 'FAIL', 'listed as a known %s, but it did not run: '
                        'update the list' % want[0].lower())


def finish(res, current, status):
    suite, prog, lines = current
    if prog == 'run_kselftest':
        parse_kselftest(res, suite, lines, status)
    else:
        parse_program(res, suite, prog, lines, status, empty_ok=suite == 'cmd')


def parse(log_lines, qemu_status, timeout, expect_kernel=None):
    res = Results()
    current = None             # (suite, prog, lines)
    verdict = None
    init_seen = False
    in_dmesg = False
    bad = []
    panic = None
    kernel = None

    for raw in log_lines:
        line = raw.rstrip('\r\n').replace('\r', '')
        m = BAD_KERNEL.search(line)
        if m and USER_TRAP.search(line):
            m = None
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
        elif what == 'kernel' and kernel is None:
            kernel = line[len('@@harness kernel '):].strip()
        elif what == 'begin' and len(words) >= 4:
            if current is not None:
                finish(res, current, None)
            current = (words[2], words[3], [])
        elif what == 'end' and len(words) >= 5 and current is not None:
            try:
                status = int(words[4])
            except ValueError:
                status = 255
            finish(res, current, status)
            current = None
        elif what == 'dmesg-begin':
            in_dmesg = True
        elif what == 'dmesg-end':
            in_dmesg = False
        elif what == 'done' and len(words) >= 3:
            verdict = words[2]

    if current is not None:
        finish(res, current, None)

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

    if expect_kernel is not None:
        name = 'the guest runs the kernel that was just built'
        if not expect_kernel:
            res.add('boot-smoke', name, 'FAIL', 'the build recorded no kernel id')
        elif kernel is None:
            res.add('boot-smoke', name, 'FAIL', 'the guest reported no kernel id')
        elif kernel != expect_kernel:
            res.add('boot-smoke', name, 'FAIL', 'the guest runs "%s", the build made "%s"'
                    % (kernel, expect_kernel))
        else:
            res.add('boot-smoke', name, 'PASS')

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
    ap.add_argument('--expect-kernel', default=None,
                    help='the kernel id (uname -r and -v) of the image that was '
                    'built; the guest must report the same')
    ap.add_argument('--known', action='append', default=[],
                    help='a file of known outcomes (see read_known); may repeat')
    ap.add_argument('--rename', action='append', default=[], metavar='OLD=NEW',
                    help='report suite OLD as NEW')
    ap.add_argument('--strict-skips', default='',
                    help='space-separated suites in which a skip is a failure')
    args = ap.parse_args()

    with open(args.log, encoding='utf-8', errors='replace') as f:
        lines = f.readlines()
    if args.tap:
        res, bad = Results(), []
        status = None if args.qemu_status < 0 else args.qemu_status
        tap = [line.rstrip('\r\n') for line in lines]
        parse_program(res, args.tap[0], args.tap[1], tap, status)
        # The whole run must be there: its plan and every result.
        if status is not None and not any(TAP_PLAN.match(x) for x in tap):
            res.add(args.tap[0], args.tap[1], 'FAIL',
                    'no TAP plan: the program did not run to its end')
    else:
        res, bad = parse(lines, args.qemu_status, args.timeout, args.expect_kernel)
    renames = dict(x.split('=', 1) for x in args.rename)
    res.tests = [(renames.get(t[0], t[0]),) + tuple(t[1:]) for t in res.tests]
    known, known_suites = {}, set()
    for path in args.known:
        suite, entries = read_known(path)
        known.update(entries)
        known_suites.add(suite)
    apply_policy(res, args.strict_skips.split(), known, known_suites)
    for suite in res.suites():
        c = res.counts(suite)
        if c['PASS'] == 0 and c['FAIL'] == 0:
            res.add(suite, 'the suite', 'FAIL', 'no test passed: it only skipped')

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
