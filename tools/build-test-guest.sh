#!/usr/bin/env bash
# Builds the nova-lite test guest (a Debian cloud kernel and a busybox
# initramfs that reads the config drive and prints
# "NOVA-LITE-GUEST-READY uuid=<uuid> user_data=<base64>" on its serial
# console).  The script and the guest's files live in the package, at
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
