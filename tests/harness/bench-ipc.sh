#!/usr/bin/env bash
# ./harness bench-ipc's plumbing, without a boot: with a QEMU that checks
# what it was given and writes the console and the plugin's log of a
# made-up run (invented numbers, not results), bench-ipc.sh builds the
# plugin and the guest program, takes the ranges from the real vmlinux,
# hands QEMU the plugin with its ranges and log and the guest its command,
# and prints the table: all ten mechanisms, 14 checks passed.  A uipi that
# costs 11 kernel instructions per round trip fails the run, and so does
# a plugin log that lacks a pair.
REAL_BUILD=${UINTR_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
. "$(dirname "$0")/common.sh"
R=$REAL_BUILD
[ -f "$R/linux-obj/vmlinux" ] && [ -d "$R/linux-obj/usr/include" ] &&
	[ -f "$R/qemu/include/qemu/qemu-plugin.h" ] ||
	fail "no kernel build or QEMU tree in $R (./harness build)"
mkdir -p "$UINTR_BUILD/linux-obj/arch/x86/boot" "$UINTR_BUILD/qemu/include"
ln -s "$R/linux-obj/vmlinux" "$UINTR_BUILD/linux-obj/vmlinux"
ln -s "$R/linux-obj/usr" "$UINTR_BUILD/linux-obj/usr"
ln -s "$R/qemu/include/qemu" "$UINTR_BUILD/qemu/include/qemu"
: >"$UINTR_BUILD/linux-obj/arch/x86/boot/bzImage"
echo "6.12.0-fake #1 SMP PREEMPT_NONE" >"$UINTR_BUILD/linux-obj/arch/x86/boot/bzImage.id"
: >"$UINTR_BUILD/initramfs.cpio.gz"

cat >"$T/qemu" <<'EOT'
#!/usr/bin/python3
"""A QEMU that checks its plugin arguments and the guest's command, and
writes the logs of a run with made-up costs."""
import gzip
import os
import sys

args = sys.argv[1:]


def arg(name):
    return args[args.index(name) + 1]


def die(msg):
    print('fake qemu: ' + msg, file=sys.stderr)
    sys.exit(2)


console = arg('-serial')[len('file:'):]
so, ranges = arg('-plugin').split(',ranges=')
if open(so, 'rb').read(4) != b'\x7fELF':
    die('the plugin is no ELF file')
if not any(x.startswith('tick 0x') for x in open(ranges)):
    die('no tick entry in the ranges')
if arg('-d') != 'plugin':
    die('no -d plugin')
# The files that boot.sh appended to the initramfs (newc cpio).
data, files = gzip.decompress(open(arg('-initrd'), 'rb').read()), {}
while data[:6] == b'070701':
    size, namesize = int(data[54:62], 16), int(data[94:102], 16)
    name = data[110:110 + namesize - 1].decode()
    start = (110 + namesize + 3) & ~3
    files[name] = data[start:start + size]
    data = data[(start + size + 3) & ~3:]
if files.get('harness/ipc', b'')[:4] != b'\x7fELF':
    die('no guest program in /harness')
cmd = files['harness/cmd'].decode().split()
if cmd[:2] != ['/harness/ipc', '-c'] or '-l' not in cmd:
    die('unexpected command: %s' % cmd)
mechs, n, repeats = cmd[-3].split(','), int(cmd[-2]), int(cmd[-1])
costs = {'spin': 0, 'eventfd': 9000, 'eventfd-poll': 4000, 'futex': 7000,
         'pipe': 11000, 'unix': 14000, 'signal': 12000,
         'uipi': int(os.environ.get('FAKE_UIPI_KERNEL', '2')),
         'uipi-wait': 6000, 'uipi-poll': 9000}
kernel_id = open(arg('-kernel') + '.id').read().strip()
out = ['@@harness init', '@@harness kernel ' + kernel_id,
       '@@harness begin boot-smoke boot', 'TAP version 13', '1..1', 'ok 1 init runs as pid 1',
       '@@harness end boot-smoke boot 0', '@@harness begin cmd cmd',
       'ipc-config cpus=%s n=%d repeats=%d' % (cmd[2], n, repeats)]
log = ['insn-count: 37 idle ranges, tick entry 0xffffffff81400cf0']
idx = 0
for rep in range(1, repeats + 1):
    for mech in mechs:
        for k in (n, 2 * n):
            idx += 1
            out.append('ipc-run idx=%d rep=%d mech=%s n=%d marked=1 ns=%d ns_per_rt=1.0 '
                       'status=ok' % (idx, rep, mech, k, 1000 * k))
            log.append('insn-count pair=%d vcpu=1 cpu0=0,0,%d,5,1,1 cpu1=%d,%d,3,5,1,1 '
                       'cpu2=%d,%d,3,5,1,1 cpu3=0,0,7,%d,1,1'
                       % (idx, 99 * k, 50 * k, 10000 + costs[mech] * k, 60 * k, rep, 20 * k))
if os.environ.get('FAKE_DROP_PAIR'):
    del log[3]
log.append('insn-count done pairs=%d starts=%d orphan-ends=0' % (idx, idx))
out += ['ipc-done runs=%d failed=0' % idx, '@@harness end cmd cmd 0',
        '@@harness dmesg-begin', '@@harness dmesg-end', '@@harness done 0']
open(console, 'w').write('\r\n'.join(out) + '\r\n')
open(arg('-D'), 'w').write('\n'.join(log) + '\n')
sys.exit(1)
EOT
chmod +x "$T/qemu"
export UINTR_QEMU_BIN=$T/qemu UINTR_BENCH_N=100 UINTR_BENCH_REPEATS=3

rc=0
"$ROOT/scripts/bench-ipc.sh" >"$T/out" 2>&1 || rc=$?
[ $rc -eq 0 ] || { sed 's/^/# /' "$T/out"; fail "a good made-up run failed ($rc)"; }
for m in spin eventfd eventfd-poll futex pipe unix signal uipi uipi-wait uipi-poll; do
	grep -q "^| \`$m\` | " "$T/out" || { sed 's/^/# /' "$T/out"; fail "no row for $m"; }
done
# shellcheck disable=SC2016 # the backquotes are the table's
grep -q '^| `futex` | 7000 \[7000, 7000\] | 110 \[110, 110\] | 99.0 \[99.0, 99.0\] | 20.0 \[20.0, 20.0\] | 1000 \[1000, 1000\] | 3 of 3 |$' "$T/out" ||
	{ sed 's/^/# /' "$T/out"; fail "the futex row is not what the made-up logs give"; }
grep -q '^  PASS bench-ipc: uipi: at most 10 kernel instructions per round trip (median 2.0 \[2.0, 2.0\])$' "$T/out" ||
	{ sed 's/^/# /' "$T/out"; fail "no PASS for uipi's kernel instructions"; }
grep -qx 'bench-ipc: 14 passed, 0 failed' "$T/out" || { sed 's/^/# /' "$T/out"; fail "not 14 checks passed"; }
grep -q '^idle 0x[0-9a-f]* 0x[0-9a-f]* do_idle$' "$UINTR_BUILD/bench-ipc/ranges" ||
	fail "the ranges have no do_idle"
[ -s "$UINTR_BUILD/bench-ipc/runs.txt" ] && [ -s "$UINTR_BUILD/bench-ipc/table.txt" ] ||
	fail "no runs.txt or table.txt"

rc=0
FAKE_UIPI_KERNEL=11 "$ROOT/scripts/bench-ipc.sh" >"$T/out" 2>&1 || rc=$?
[ $rc -ne 0 ] || { sed 's/^/# /' "$T/out"; fail "11 kernel instructions per uipi round trip passed"; }
grep -q '^  FAIL bench-ipc: uipi: at most 10 kernel instructions per round trip (median 11.0' "$T/out" ||
	{ sed 's/^/# /' "$T/out"; fail "no FAIL for uipi's kernel instructions"; }
grep -qx 'bench-ipc: 13 passed, 1 failed' "$T/out" || { sed 's/^/# /' "$T/out"; fail "not 1 of 14 checks failed"; }

rc=0
FAKE_DROP_PAIR=1 "$ROOT/scripts/bench-ipc.sh" >"$T/out" 2>&1 || rc=$?
[ $rc -ne 0 ] || { sed 's/^/# /' "$T/out"; fail "a plugin log without a pair passed"; }
grep -q '^  FAIL bench-ipc: the plugin counted every run that executed its markers (60 marked runs, 59 marker pairs)' "$T/out" ||
	{ sed 's/^/# /' "$T/out"; fail "a missing pair was not reported"; }
exit 0
