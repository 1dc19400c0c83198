#!/usr/bin/env bash
# Builds the nova-lite test guest (a Debian cloud kernel and a busybox
# initramfs that reads its config drive, or without one gets its address
# by DHCP and its identity from the metadata service at 169.254.169.254,
# and prints "NOVA-LITE-GUEST-READY uuid=<uuid> user_data=<base64>" on its
# serial console; user data lines "#nova-lite-ping ADDR..." and
# "#nova-lite-fetch PATH [HEADER:VALUE]" make it report what answered).
# The script and the guest's files live in the package, at
# nova_lite/tools/test_guest/, so an installed nova-lite finds them too
# ("nova-lite-manage image import-test-guest"); see the header of
# nova_lite/tools/test_guest/build-test-guest.sh for what it does.
#
# Usage: tools/build-test-guest.sh [--force] [OUTDIR]
#   OUTDIR defaults to $NOVA_LITE_TEST_GUEST_DIR, else
#   $HOME/.nova-lite/test-guest.  The last two lines of stdout are
#   kernel=OUTDIR/vmlinuz and initramfs=OUTDIR/initramfs.img.
set -euo pipefail
exec bash "$(cd "$(dirname "$0")/.." && pwd)/nova_lite/tools/test_guest/build-test-guest.sh" "$@"
