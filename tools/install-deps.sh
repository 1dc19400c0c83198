#!/usr/bin/env bash
# Installs what nova-lite needs on a fresh Debian/Ubuntu machine: system
# packages (libvirt, QEMU, an ISO tool; dnsmasq, iproute2 and iptables for
# the network host; sudo, with which unprivileged services start their
# privsep daemons) and a virtualenv in .venv with the
# project installed in it. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PACKAGES="libvirt-dev libvirt-daemon-system qemu-system-x86 qemu-utils
genisoimage pkg-config gcc python3-dev python3-venv curl dnsmasq-base
iproute2 iptables sudo"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
if [ -n "$missing" ]; then
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -r requirements.txt -r test-requirements.txt tox
.venv/bin/pip install -q -e '.[libvirt]'
