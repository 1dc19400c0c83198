#!/usr/bin/env bash
# Prints the [libvirt] virt_type guests should use on this machine: "kvm"
# when KVM really runs a guest here, else "qemu" (software emulation).
#
# Usage: tools/probe-kvm.sh KERNEL INITRAMFS
#   (the test guest's, from tools/build-test-guest.sh)
#
# /dev/kvm being there is not enough: on some machines (nested or
# sandboxed virtualization) it opens, KVM_CREATE_VM succeeds and QEMU
# starts, but a Linux guest never prints a line.  So the probe boots the
# test guest under "-accel kvm" without a config drive and waits up to
# $PROBE_TIMEOUT seconds (default 15; a working KVM needs about one) for
# its "NOVA-LITE-GUEST-READY uuid=none" line on the serial console.
set -uo pipefail

KERNEL=${1:?usage: probe-kvm.sh KERNEL INITRAMFS}
INITRAMFS=${2:?usage: probe-kvm.sh KERNEL INITRAMFS}
TIMEOUT=${PROBE_TIMEOUT:-15}
QEMU=qemu-system-x86_64

verdict() { echo "$1"; echo "probe-kvm: $1 ($2)" >&2; exit 0; }

command -v "$QEMU" >/dev/null || verdict qemu "$QEMU is not installed"
[ -r /dev/kvm ] && [ -w /dev/kvm ] || verdict qemu "/dev/kvm is absent or not read-writable"

DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
"$QEMU" -machine pc -accel kvm -m 128 -nodefaults -no-user-config \
    -display none -no-reboot -kernel "$KERNEL" -initrd "$INITRAMFS" \
    -append 'console=ttyS0 quiet nova-lite.cd_wait=0' \
    -serial "file:$DIR/console.log" >"$DIR/qemu.log" 2>&1 &
PID=$!
result=""
for _ in $(seq 1 $((TIMEOUT * 5))); do
    if grep -q 'NOVA-LITE-GUEST-READY' "$DIR/console.log" 2>/dev/null; then
        result=ok
        break
    fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.2
done
kill "$PID" 2>/dev/null
wait "$PID" 2>/dev/null
if [ "$result" = ok ]; then
    verdict kvm "a guest booted under KVM"
fi
verdict qemu "no guest output under KVM within ${TIMEOUT}s: $(tail -c 300 "$DIR/qemu.log" | tr '\n' ' ')"
