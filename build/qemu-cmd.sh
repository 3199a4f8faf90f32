#!/bin/sh
# qemu-cmd.sh [--exec [ARG...]] — the QEMU command line that boots aiOS.
#
# Prints the argv, one argument per line (the first is the binary), so a test
# harness can spawn QEMU itself; with --exec it runs it (`make run`), with any
# further ARGs appended. Everything comes from the environment:
#   QEMU          qemu-system-x86_64
#   KERNEL        out/vmlinux            INITRD    out/initramfs.cpio
#   DATA_IMG      out/data.img           ("" or none: no disk)
#                 Disks sit in fixed PCI slots, so the guest names them by slot order:
#                 data 0x1a (vda, serial aios-data), repo 0x1c, system 0x1e.
#   SYSTEM_IMG    out/system.img         the system disk (build/system.mk: a GPT whose partitions
#                 aios-a and aios-b are the two system slots; initramfs/init finds them by
#                 name), serial aios-system, in PCI slot 0x1e (after the data disk)
#   SYSTEM_READONLY 0 | 1                1: attached read-only, so that several QEMUs can share
#                 one file (the VM tests); the guest then refuses updates
#   REPO_IMG      offline apt repository disk (make repo; `make run REPO=1`), read-only, serial
#                 and ext4 label aios-repo; pkg mounts it at /mnt/repo ("" or none, the default: not attached)
#   MEM           1024 (MiB)             SMP       2 (TCG runs one host thread per vCPU: Bun's JIT and GC threads get the second core)
#   MACHINE       q35 (its PCIe setup makes virtio_pci probe in ~0.25 s under TCG, against
#                 ~0.75 s on the default i440fx `pc`)
#   FIRMWARE      qboot (minimal BIOS: faster, no SeaBIOS banner on the serial
#                 line; falls back to QEMU's default if absent) | seabios
#   ACCEL         tcg (-cpu max,-erms,-fsrm) | kvm (-cpu host; only if KVM really works)
#                 TCG in QEMU 7.2 runs a rep movsb/stosb one byte per loop of
#                 translated code; a CPU that advertises ERMS/FSRM makes the kernel
#                 and glibc choose exactly those for memcpy and memset. Without the
#                 two flags the kernel unpacks the initramfs in ~0.4 s, not ~1.2 s.
#   API_PORT      8080: host 127.0.0.1:API_PORT -> guest GUEST_PORT ("" or none: no forward)
#   GUEST_PORT    9090                   HOST_ADDR 127.0.0.1
#   FORWARD       more forwards, HOSTPORT:GUESTPORT[,...] (e.g. 8081:80 for a web server in the guest)
#   CMDLINE       base kernel command line (default below). Besides the console and
#                 the shim: tsc=reliable (the TSC-sync check fails under TCG, and the
#                 kernel then reads time from the HPET, a syscall each, instead of the
#                 vDSO), cryptomgr.notests (the crypto self-tests take ~0.7 s of an
#                 emulated CPU; they check the kernel's own implementations, not input)
#                 and no_timer_check (on a busy host the emulated timer IRQ can miss
#                 the kernel's early check, which then panics: "IO-APIC + timer
#                 doesn't work"; QEMU's timer is known good), and
#                 initcall_blacklist=crypto_kdf108_init (the one crypto self-test that
#                 cryptomgr.notests does not turn off: ~0.1-0.25 s under TCG; the
#                 initcall does nothing but that test)
#   LPJ           auto | none | N: lpj=N on the command line, the delay-loop calibration
#                 as the boot CPU already knows it from the TSC. The second CPU otherwise
#                 calibrates its own by counting loops over timer ticks, which TCG makes
#                 take ~0.15-0.3 s (and fail: "calibrate_delay_direct() failed"). Under TCG
#                 the guest's TSC is the host's, so auto takes the host's TSC rate where
#                 /proc/cpuinfo's "cpu MHz" is that rate (a constant TSC and no APERF/MPERF,
#                 which would make it the momentary clock) and KERNEL_HZ; otherwise none.
#   KERNEL_HZ     250 (CONFIG_HZ of Debian's cloud kernel): lpj is loops per jiffy
#   CMDLINE_EXTRA appended to it         QEMU_EXTRA  appended to argv (split on blanks)
#   ON_REBOOT     exit (-no-reboot: a guest reboot ends QEMU, as a poweroff does) | reboot (the guest boots again)
# The serial console is on stdin/stdout (-nographic: Ctrl-A x quits, Ctrl-A
# Ctrl-A sends Ctrl-A). A guest power-off ends QEMU with status 0.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)

: "${QEMU:=qemu-system-x86_64}"
: "${KERNEL:=$root/out/vmlinux}"
: "${INITRD:=$root/out/initramfs.cpio}"
DATA_IMG=${DATA_IMG-$root/out/data.img}
SYSTEM_IMG=${SYSTEM_IMG-$root/out/system.img}
: "${SYSTEM_READONLY:=0}"
REPO_IMG=${REPO_IMG-}
: "${MEM:=1024}"
: "${SMP:=2}"
: "${MACHINE:=q35}"
: "${ACCEL:=tcg}"
: "${FIRMWARE:=qboot}"
API_PORT=${API_PORT-8080}
FORWARD=${FORWARD-}
: "${GUEST_PORT:=9090}"
: "${HOST_ADDR:=127.0.0.1}"
: "${CMDLINE:=console=ttyS0 rdinit=/init panic=-1 quiet tsc=reliable no_timer_check cryptomgr.notests initcall_blacklist=crypto_kdf108_init}"
: "${LPJ:=auto}"
: "${KERNEL_HZ:=250}"
CMDLINE_EXTRA=${CMDLINE_EXTRA-}
QEMU_EXTRA=${QEMU_EXTRA-}
: "${ON_REBOOT:=exit}"

case $ACCEL in
tcg) accel="-accel tcg -cpu max,-erms,-fsrm" ;;
kvm) accel="-accel kvm -cpu host" ;;
*) echo "qemu-cmd.sh: ACCEL must be tcg or kvm, not '$ACCEL'" >&2; exit 2 ;;
esac

# The host's TSC rate in kHz, when /proc/cpuinfo states it (see LPJ above); empty otherwise.
host_tsc_khz() {
	flags=$(grep -m 1 '^flags' /proc/cpuinfo 2>/dev/null) || return 0
	case " ${flags#*:} " in *" constant_tsc "*) ;; *) return 0 ;; esac
	case " ${flags#*:} " in *" aperfmperf "*) return 0 ;; esac
	grep -m 1 '^cpu MHz' /proc/cpuinfo | awk -F: '{ printf "%d\n", $2 * 1000 }'
}
case $LPJ in
auto) lpj=""; [ "$ACCEL" = tcg ] && khz=$(host_tsc_khz) && [ -n "$khz" ] && lpj=$((khz * 1000 / KERNEL_HZ)) ;;
"" | none) lpj="" ;;
*[!0-9]*) echo "qemu-cmd.sh: LPJ must be auto, none or a number, not '$LPJ'" >&2; exit 2 ;;
*) lpj=$LPJ ;;
esac

case $ON_REBOOT in
exit) noreboot=-no-reboot ;;
reboot) noreboot="" ;;
*) echo "qemu-cmd.sh: ON_REBOOT must be exit or reboot, not '$ON_REBOOT'" >&2; exit 2 ;;
esac

bios=""
case $FIRMWARE in
qboot) [ -f /usr/share/qemu/qboot.rom ] && bios="-bios qboot.rom" ;;
seabios) ;;
*) echo "qemu-cmd.sh: FIRMWARE must be qboot or seabios, not '$FIRMWARE'" >&2; exit 2 ;;
esac

netdev="user,id=n0"
case $API_PORT in
"" | none) ;;
*) netdev="$netdev,hostfwd=tcp:$HOST_ADDR:$API_PORT-:$GUEST_PORT" ;;
esac
for pair in $(echo "$FORWARD" | tr , ' '); do   # HOSTPORT:GUESTPORT,...
	case $pair in
	*[!0-9:]* | *:*:* | :* | *:) echo "qemu-cmd.sh: FORWARD wants HOSTPORT:GUESTPORT[,...], not '$pair'" >&2; exit 2 ;;
	esac
	netdev="$netdev,hostfwd=tcp:$HOST_ADDR:${pair%%:*}-:${pair#*:}"
done

set -f   # word-split accel and QEMU_EXTRA without globbing
mode=print
if [ "${1-}" = --exec ]; then mode=exec; shift; fi
extra_args=$*

set -- "$QEMU" -nographic $noreboot -nodefaults -serial mon:stdio \
	-machine "$MACHINE" -m "$MEM" -smp "$SMP" $accel $bios \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "$CMDLINE${lpj:+ lpj=$lpj}${CMDLINE_EXTRA:+ $CMDLINE_EXTRA}" \
	-netdev "$netdev" -device virtio-net-pci,netdev=n0,romfile= \
	-device virtio-rng-pci
case $DATA_IMG in
"" | none) ;;
*) set -- "$@" -drive "file=$DATA_IMG,if=none,id=data,format=raw" \
	-device virtio-blk-pci,drive=data,serial=aios-data,addr=0x1a ;;
esac
case $SYSTEM_READONLY in
0) sysro="" ;;
1) sysro=",readonly=on" ;;
*) echo "qemu-cmd.sh: SYSTEM_READONLY must be 0 or 1, not '$SYSTEM_READONLY'" >&2; exit 2 ;;
esac
case $SYSTEM_IMG in
"" | none) ;;
*) [ -f "$SYSTEM_IMG" ] || { echo "qemu-cmd.sh: SYSTEM_IMG $SYSTEM_IMG does not exist (make image)" >&2; exit 2; }
   set -- "$@" -drive "file=$SYSTEM_IMG,if=none,id=system,format=raw$sysro" \
	-device virtio-blk-pci,drive=system,serial=aios-system,addr=0x1e ;;
esac
case $REPO_IMG in
"" | none) ;;
*) [ -f "$REPO_IMG" ] || { echo "qemu-cmd.sh: REPO_IMG $REPO_IMG does not exist (make repo)" >&2; exit 2; }
   set -- "$@" -drive "file=$REPO_IMG,if=none,id=repo,format=raw,readonly=on" \
	-device virtio-blk-pci,drive=repo,serial=aios-repo,addr=0x1c ;;
esac
set -- "$@" $QEMU_EXTRA $extra_args

if [ $mode = exec ]; then exec "$@"; fi
for a in "$@"; do printf '%s\n' "$a"; done
