#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The idle ranges and the table of ./harness bench-ipc.

  bench-ipc.py ranges <NM      the plugin's ranges file, from "nm -S vmlinux"
  bench-ipc.py table ...       the table and the checks

ranges: the address ranges of the kernel's idle loop (IDLE_FUNCTIONS and
the .cpuidle.text section), as "idle START END NAME" lines, and the entry
of the timer interrupt, as "tick ADDR NAME"; what it did not find goes to
stderr.

table: the guest program (bench/ipc.c) prints one "ipc-run" line per run
on the console; the TCG plugin (bench/insn-count.c) one "insn-count
pair=" line per START/END marker pair in its log.  The runs that executed
their markers (marked=1) and the pairs are matched in order.  For each
mechanism and repeat, the counts of the run with 2N round trips minus
those of the run with N, divided by N, are the instructions per round
trip: what set-up and teardown cost cancels.  Instructions are summed
over the vCPUs.  Each column gives the median over the repeats and, in
brackets, the smallest and the largest.

Then the checks: the boot went well (boot.sh's boot-smoke results), every
mechanism was measured in every repeat, the pairs match the runs, uipi
costs at most --max-uipi-kernel kernel instructions per round trip, and
uipi-wait no more than futex.  Prints a PASS or FAIL line for each and
"bench-ipc: N passed, N failed"; exits 1 on a failure.
"""

import argparse
import re
import statistics
import sys

MECHS = ['spin', 'eventfd', 'eventfd-poll', 'futex', 'pipe', 'unix', 'signal',
         'uipi', 'uipi-wait', 'uipi-poll']
FIELDS = ['user', 'kernel', 'idle', 'tick', 'ticks', 'halts']
# The functions that only the idle loop runs, in the kernel's own words
# (kernel/sched/idle.c, arch/x86/kernel/process.c, drivers/cpuidle/,
# drivers/acpi/processor_idle.c, kernel/context_tracking.c,
# kernel/time/tick-broadcast.c); the functions marked __cpuidle are in
# the .cpuidle.text section, which is taken whole.  A static function may
# carry a suffix (do_idle.isra.0); a function that the compiler inlined
# has no symbol, and its code counts with its caller's.  Left out on
# purpose: what the idle loop shares with the rest of the kernel
# (ktime_get, the irq-flag tracing hooks, schedule_idle and the
# scheduler), and whatever an interrupt runs while the CPU is idle.
IDLE_FUNCTIONS = [
    # kernel/sched/idle.c
    'cpu_startup_entry', 'do_idle', 'cpuidle_idle_call', 'cpu_idle_poll',
    'default_idle_call', 'call_cpuidle', 'call_cpuidle_s2idle',
    'idle_call_stop_or_retain_tick', 'arch_cpu_idle_prepare',
    'arch_cpu_idle_enter', 'arch_cpu_idle_exit', 'sched_idle_set_state',
    # arch/x86/kernel/process.c, and what arch_cpu_idle_enter() calls
    'arch_cpu_idle', 'default_idle', 'mwait_idle', 'amd_e400_idle',
    'tsc_verify_tsc_adjust', 'local_touch_nmi',
    # drivers/cpuidle/ with the ladder governor (the test kernel's)
    'cpuidle_not_available', 'cpuidle_get_cpu_driver', 'cpuidle_select',
    'cpuidle_enter', 'cpuidle_enter_state', 'cpuidle_reflect',
    'ladder_select_state', 'ladder_reflect', 'poll_idle',
    # drivers/acpi/processor_idle.c, arch/x86/kernel/acpi/cstate.c
    'acpi_idle_enter', 'acpi_idle_enter_bm', 'acpi_idle_do_entry',
    'acpi_safe_halt', 'io_idle', 'acpi_processor_ffh_cstate_enter',
    # kernel/context_tracking.c: entered from the idle loop only while
    # CONTEXT_TRACKING_USER is off
    'ct_idle_enter', 'ct_idle_exit', 'ct_kernel_enter', 'ct_kernel_exit',
    # kernel/time/tick-broadcast.c
    'tick_check_broadcast_expired', 'tick_broadcast_oneshot_control',
    '__tick_broadcast_oneshot_control',
]
IDLE_SECTION = ('__cpuidle_text_start', '__cpuidle_text_end')
TICK_ENTRY = 'asm_sysvec_apic_timer_interrupt'

RUN = re.compile(r'ipc-run (.*)$')
PAIR = re.compile(r'^insn-count pair=(\d+) vcpu=(\d+)((?: cpu\d+=[\d,]+)*)\s*$')
CPU = re.compile(r'cpu(\d+)=([\d,]+)')
CONFIG = re.compile(r'ipc-config cpus=(\d+),')


def parse_runs(lines):
    """The guest's runs, in order: dicts of the key=value fields of each
    "ipc-run" line (msg= takes the rest of the line), and whether the
    "ipc-done" line came."""
    runs, done = [], False
    for raw in lines:
        line = raw.rstrip('\r\n').replace('\r', '')
        if 'ipc-done ' in line:
            done = True
        m = RUN.search(line)
        if not m:
            continue
        rest, msg = m.group(1), None
        if ' msg=' in rest:
            rest, msg = rest.split(' msg=', 1)
        run = dict(kv.split('=', 1) for kv in rest.split() if '=' in kv)
        if msg is not None:
            run['msg'] = msg
        try:
            run['idx'] = int(run['idx'])
            run['rep'] = int(run['rep'])
            run['n'] = int(run['n'])
            run['marked'] = run.get('marked') == '1'
            run['ns'] = int(run['ns']) if run.get('ns', '-') != '-' else None
        except (KeyError, ValueError):
            continue
        runs.append(run)
    return runs, done


def parse_pairs(lines):
    """The plugin's pairs, in order: (vcpu that ran END, {cpu: counts}),
    and its "insn-count done" line's fields."""
    pairs, done = [], {}
    for raw in lines:
        line = raw.rstrip('\n')
        m = PAIR.match(line)
        if m:
            cpus = {}
            for c in CPU.finditer(m.group(3)):
                vals = [int(x) for x in c.group(2).split(',')]
                if len(vals) == len(FIELDS):
                    cpus[int(c.group(1))] = dict(zip(FIELDS, vals))
            pairs.append((int(m.group(2)), cpus))
        elif line.startswith('insn-count done '):
            done = dict(kv.split('=', 1) for kv in line.split()[2:] if '=' in kv)
    return pairs, done


def ranges(nm_lines):
    """(lines of the ranges file, [what was not found])"""
    sizes, addrs = {}, {}
    for line in nm_lines:
        f = line.split()
        if len(f) == 4:
            base = f[3].split('.')[0]
            sizes.setdefault(base, []).append((int(f[0], 16), int(f[1], 16), f[3]))
        if len(f) >= 3:
            addrs.setdefault(f[-1], int(f[0], 16))
    out, missing = [], []
    for name in IDLE_FUNCTIONS:
        if name not in sizes:
            missing.append(name)
        for addr, size, sym in sizes.get(name, []):
            if size:
                out.append('idle %#x %#x %s' % (addr, addr + size, sym))
    if IDLE_SECTION[0] in addrs and IDLE_SECTION[1] in addrs:
        out.append('idle %#x %#x .cpuidle.text' % (addrs[IDLE_SECTION[0]],
                                                   addrs[IDLE_SECTION[1]]))
    else:
        missing.append('the .cpuidle.text section (%s, %s)' % IDLE_SECTION)
    if TICK_ENTRY in addrs:
        out.append('tick %#x %s' % (addrs[TICK_ENTRY], TICK_ENTRY))
    else:
        missing.append(TICK_ENTRY)
    return out, missing


def spread(values):
    """(median, min, max), or None without values."""
    if not values:
        return None
    return (statistics.median(values), min(values), max(values))


def num(x):
    return '%.0f' % x if abs(x) >= 100 else '%.1f' % x


def fmt(s):
    if s is None:
        return '-'
    return '%s [%s, %s]' % (num(s[0]), num(s[1]), num(s[2]))


class Analysis:
    def __init__(self, runs, pairs, mechs, repeats):
        self.mechs = mechs
        self.repeats = repeats
        marked = [r for r in runs if r['marked']]
        self.paired = len(marked) == len(pairs)
        self.nr_marked, self.nr_pairs = len(marked), len(pairs)
        if self.paired:
            for r, (_, cpus) in zip(marked, pairs):
                r['cpus'] = cpus
        # mech -> rep -> {n: run}
        by = {}
        for r in runs:
            if r.get('status') == 'ok' and 'cpus' in r and r['ns'] is not None:
                by.setdefault(r['mech'], {}).setdefault(r['rep'], {})[r['n']] = r
        self.per_rt = {}      # mech -> list over repeats of {what: value}
        for mech in mechs:
            rows = []
            for rep in sorted(by.get(mech, {})):
                ns = by[mech][rep]
                small = [n for n in ns if 2 * n in ns]
                if not small:
                    continue
                n = min(small)
                a, b = ns[n], ns[2 * n]
                row = {'ns': (b['ns'] - a['ns']) / n}
                for f in FIELDS:
                    row[f] = (sum(c[f] for c in b['cpus'].values()) -
                              sum(c[f] for c in a['cpus'].values())) / n
                for cpu in set(a['cpus']) | set(b['cpus']):
                    ca = a['cpus'].get(cpu, {}).get('kernel', 0)
                    cb = b['cpus'].get(cpu, {}).get('kernel', 0)
                    row['kernel%d' % cpu] = (cb - ca) / n
                rows.append(row)
            self.per_rt[mech] = rows
        self.runs = runs

    def stat(self, mech, what):
        return spread([row[what] for row in self.per_rt.get(mech, []) if what in row])

    def cpus(self):
        return sorted({int(k[6:]) for rows in self.per_rt.values() for row in rows
                       for k in row if k.startswith('kernel') and k != 'kernel'})

    def table(self):
        out = ['| mechanism | kernel insns/RT | user insns/RT | idle insns/RT '
               '| tick insns/RT | ns/RT under TCG | repeats |',
               '|---|---|---|---|---|---|---|']
        for mech in self.mechs:
            out.append('| `%s` | %s | %s | %s | %s | %s | %d of %d |' % (
                mech, fmt(self.stat(mech, 'kernel')), fmt(self.stat(mech, 'user')),
                fmt(self.stat(mech, 'idle')), fmt(self.stat(mech, 'tick')),
                fmt(self.stat(mech, 'ns')), len(self.per_rt.get(mech, [])), self.repeats))
        return out

    def kernel_by_cpu(self):
        cpus = self.cpus()
        if not cpus:
            return ['(no counts)']
        out = ['| mechanism | ' + ' | '.join('vCPU %d' % c for c in cpus) + ' |',
               '|---|' + '---|' * len(cpus)]
        for mech in self.mechs:
            cells = []
            for c in cpus:
                s = self.stat(mech, 'kernel%d' % c)
                cells.append(num(s[0]) if s else '-')
            out.append('| `%s` | %s |' % (mech, ' | '.join(cells)))
        return out

    def checks(self, max_uipi_kernel, orphan_ends=0):
        """[(ok, name, detail)]"""
        res = []
        ok = self.paired and not orphan_ends
        detail = '%d marked runs, %d marker pairs' % (self.nr_marked, self.nr_pairs)
        if orphan_ends:
            detail += ', %s END markers without a START' % orphan_ends
        res.append((ok, 'the plugin counted every run that executed its markers', detail))
        for mech in self.mechs:
            got = len(self.per_rt.get(mech, []))
            bad = [r for r in self.runs if r['mech'] == mech and r.get('status') != 'ok']
            detail = '%d of %d repeats' % (got, self.repeats)
            if bad:
                detail += '; %d runs failed, the first: %s' % (len(bad), bad[0].get('msg', '?'))
            res.append((got == self.repeats, '%s measured in every repeat' % mech, detail))
        if 'uipi' in self.mechs:
            s = self.stat('uipi', 'kernel')
            res.append((s is not None and s[0] <= max_uipi_kernel,
                        'uipi: at most %g kernel instructions per round trip' % max_uipi_kernel,
                        'median %s' % fmt(s)))
        if 'uipi-wait' in self.mechs and 'futex' in self.mechs:
            w, f = self.stat('uipi-wait', 'kernel'), self.stat('futex', 'kernel')
            res.append((w is not None and f is not None and w[0] <= f[0],
                        'uipi-wait: no more kernel instructions per round trip than futex',
                        'medians %s vs %s' % (fmt(w), fmt(f))))
        return res


def read_lines(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return f.readlines()
    except OSError:
        return []


def boot_failures(lines):
    """The boot-smoke failures that boot.sh printed."""
    return [x.strip() for x in lines if x.startswith('  FAIL boot-smoke:')]


def main_ranges():
    out, missing = ranges(sys.stdin)
    print('\n'.join(out))
    if missing:
        print('bench-ipc: not in vmlinux (inlined, or not built): %s' % ', '.join(missing),
              file=sys.stderr)
    # The timer's entry and the idle loop itself are a must.
    return 1 if TICK_ENTRY in missing or 'do_idle' in missing else 0


def main():
    if sys.argv[1:2] == ['ranges']:
        return main_ranges()
    if sys.argv[1:2] == ['table']:
        del sys.argv[1]
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--console', required=True, help="the guest's console log")
    ap.add_argument('--boot-out', help="boot.sh's output, for the boot-smoke results")
    ap.add_argument('--plugin', required=True, help="the plugin's log (-D)")
    ap.add_argument('--mechs', default=','.join(MECHS))
    ap.add_argument('--repeats', type=int, required=True)
    ap.add_argument('--max-uipi-kernel', type=float, default=10)
    ap.add_argument('--runs-out', help='write every run with its counts here')
    args = ap.parse_args()

    mechs = MECHS if args.mechs == 'all' else args.mechs.split(',')
    try:
        with open(args.console, encoding='utf-8', errors='replace') as f:
            runs, guest_done = parse_runs(f)
    except OSError as e:
        runs, guest_done = [], False
        print('bench-ipc: %s' % e, file=sys.stderr)
    try:
        with open(args.plugin, encoding='utf-8', errors='replace') as f:
            pairs, plugin_done = parse_pairs(f)
    except OSError as e:
        pairs, plugin_done = [], {}
        print('bench-ipc: %s' % e, file=sys.stderr)

    a = Analysis(runs, pairs, mechs, args.repeats)
    # The main thread runs both markers on the first CPU of -c, which
    # should be the vCPU of the same index.
    main_cpu = next((int(m.group(1)) for m in map(CONFIG.search, read_lines(args.console))
                     if m), None)
    others = sum(1 for vcpu, _ in pairs if vcpu != main_cpu)
    if main_cpu is not None and others:
        print('note: %d of %d marker pairs ended on a vCPU other than %d, the main thread\'s '
              'CPU in the guest' % (others, len(pairs), main_cpu))
    if args.runs_out:
        with open(args.runs_out, 'w') as f:
            for r in runs:
                f.write('%d rep=%d %s n=%d status=%s ns=%s' % (
                    r['idx'], r['rep'], r['mech'], r['n'], r.get('status'), r['ns']))
                for cpu, c in sorted(r.get('cpus', {}).items()):
                    f.write(' cpu%d=%s' % (cpu, ','.join(str(c[x]) for x in FIELDS)))
                f.write('%s\n' % (' msg=' + r['msg'] if 'msg' in r else ''))

    print()
    print('Instructions and time per round trip (RT): (count(2N) - count(N)) / N, '
          'all vCPUs; median [min, max] of the repeats')
    print()
    print('\n'.join(a.table()))
    print()
    print('Kernel instructions per round trip by vCPU (median)')
    print()
    print('\n'.join(a.kernel_by_cpu()))
    print()
    checks = a.checks(args.max_uipi_kernel, int(plugin_done.get('orphan-ends', 0) or 0))
    if args.boot_out:
        try:
            with open(args.boot_out, encoding='utf-8', errors='replace') as f:
                bad = boot_failures(f)
        except OSError:
            bad = ['no output of boot.sh']
        checks.insert(0, (not bad, 'the boot: the guest reached its verdict, '
                          'with a clean kernel log', bad[0] if bad else 'boot-smoke passed'))
    if not guest_done:
        checks.insert(0, (False, 'the guest program ran to its end', 'no "ipc-done" line'))
    if not plugin_done:
        print('note: the plugin\'s log has no "insn-count done" line (QEMU did not exit normally)')
    for ok, name, detail in checks:
        print('  %s bench-ipc: %s (%s)' % ('PASS' if ok else 'FAIL', name, detail))
    p = sum(1 for c in checks if c[0])
    print('bench-ipc: %d passed, %d failed' % (p, len(checks) - p))
    return 0 if p == len(checks) else 1


if __name__ == '__main__':
    sys.exit(main())
