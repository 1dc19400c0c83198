#!/usr/bin/env bash
# Builds the nova-lite test guest: a Debian cloud kernel and a tiny busybox
# initramfs whose /init (guest/init beside this script; its header is the
# full description, line formats included):
#   - with a config drive: reads it and configures its NICs from
#     network_data.json;
#   - without one: brings every ethernet NIC up with DHCP (udhcpc with
#     guest/udhcpc.script: address, routes, DNS, hostname, domain, MTU,
#     classless static routes) and reads meta_data.json and user_data
#     from the metadata service at http://169.254.169.254;
#   - starts an SSH server (dropbear, fresh ECDSA and Ed25519 host
#     keys) that lets root in with the "public_keys" of meta_data.json
#     (config drive or metadata service) as authorized_keys, so that
#     tempest's validation (run_validation, connect_method fixed,
#     ssh_key_type ecdsa) can log in and run commands under busybox sh;
#   - prints NOVA-LITE-GUEST-INFO/-NET/-SSH/-BOOT lines and then
#     "NOVA-LITE-GUEST-READY uuid=<uuid> user_data=<base64>" on the
#     serial console ("uuid=none" when it found neither source);
#   - then runs the "#nova-lite-ping ADDR..." and "#nova-lite-fetch PATH
#     [HEADER:VALUE]" lines of its user data (guest-to-guest and
#     metadata checks, one NOVA-LITE-GUEST-PING/-FETCH line per result);
#   - stays up answering ping, and powers off on the ACPI power button.
# Kernel command line knobs: nova-lite.cd_wait=S (10), nova-lite.md_wait=S
# (60), nova-lite.ping_wait=S (60), nova-lite.trace, nova-lite.shell.
#
# The script and the guest's files ship inside the nova_lite package
# (nova_lite/tools/test_guest/), so "nova-lite-manage image
# import-test-guest" finds them in any installation; tools/build-test-guest.sh
# in a checkout runs this script.
#
# Usage: build-test-guest.sh [--force] [OUTDIR]
#   OUTDIR defaults to $NOVA_LITE_TEST_GUEST_DIR, else
#   $HOME/.nova-lite/test-guest.
#
# Output (the last two lines of stdout, for scripts):
#   kernel=OUTDIR/vmlinuz
#   initramfs=OUTDIR/initramfs.img
# plus OUTDIR/kernel-version, OUTDIR/modules.txt (the modules in the
# initramfs, in load order) and OUTDIR/cache/ (the unpacked .debs;
# OUTDIR/cache/busybox/bin/busybox is a static busybox the tests use for
# ping).
#
# Nothing is installed on the host but the tools it needs (cpio, kmod):
# the kernel (linux-image-cloud-amd64's current image package),
# busybox-static, and dropbear-bin with the packages of the libraries it
# loads (libc6, libcrypt1, libgmp10, libtomcrypt1, libtommath1, zlib1g;
# only dropbear, dropbearkey, the loader and those .so files go into the
# initramfs, about 2 MiB of its 3.7) are fetched with "apt-get download"
# and unpacked with dpkg-deb -x under OUTDIR/cache.  Idempotent: when OUTDIR holds a build
# of the same inputs (this script and guest/*) it only prints
# the paths.  Remove OUTDIR (or pass --force as the first argument) to
# rebuild, e.g. to pick up a newer kernel.
#
# Boot it with e.g.
#   qemu-system-x86_64 -machine pc -accel tcg -m 256 -nographic \
#     -kernel OUTDIR/vmlinuz -initrd OUTDIR/initramfs.img \
#     -append 'console=ttyS0 quiet' \
#     -drive file=cfg.iso,media=cdrom,readonly=on
# The config drive may be an IDE cdrom (machine "pc"), a virtio-blk or
# virtio-scsi disk.  The Debian cloud kernel has no AHCI driver, so a
# SATA cdrom on q35 is not seen: on q35 attach the config drive with
# if=virtio.
set -euo pipefail

FORCE=0
if [ "${1:-}" = --force ]; then
    FORCE=1
    shift
fi
OUT=${1:-${NOVA_LITE_TEST_GUEST_DIR:-$HOME/.nova-lite/test-guest}}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$HERE/guest
KERNEL_META=linux-image-cloud-amd64
BUSYBOX_PKG=busybox-static
# The SSH server (dropbear, dynamically linked) and the packages of the
# libraries it loads; the build checks with the loader of libc6 that
# every library resolves inside these packages.
SSH_PKGS="dropbear-bin libc6 libcrypt1 libgmp10 libtomcrypt1 libtommath1
zlib1g"
# Modules the guest needs that this kernel builds as modules (=m); their
# dependencies (libata, scsi_mod, cdrom, virtio, virtio_ring, failover,
# ...) are added from modules.dep.  Built in (=y) in the Debian cloud
# kernel, so not listed: devtmpfs, 8250 serial console, ext4, unix/inet,
# initrd gzip, i8042/atkbd.
MODULES="virtio_pci virtio_blk virtio_scsi virtio_net virtio_console
ata_piix ata_generic sr_mod sd_mod isofs vfat nls_utf8 nls_cp437
nls_iso8859_1 button evdev"

log() { echo "build-test-guest: $*" >&2; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CACHE=$OUT/cache

stamp=$({ cat "$0"; for f in "$SRC"/*; do echo "== $f"; cat "$f"; done; } |
        sha256sum | cut -d' ' -f1)
if [ "$FORCE" = 0 ] && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initramfs.img" ] &&
        [ "$(cat "$OUT/.stamp" 2>/dev/null)" = "$stamp" ]; then
    log "up to date in $OUT"
    echo "kernel=$OUT/vmlinuz"
    echo "initramfs=$OUT/initramfs.img"
    exit 0
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
APT_UPDATED=0
apt_update() {
    if [ "$APT_UPDATED" = 0 ]; then
        log "apt-get update"
        $SUDO apt-get update -qq >&2
        APT_UPDATED=1
    fi
}
need_tool() {  # need_tool COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] && return 0
    log "installing $2 (for $1)"
    if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$2" >&2
    then
        apt_update
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$2" >&2
    fi
}
need_tool cpio cpio
need_tool depmod kmod
need_tool dpkg-deb dpkg
need_tool gzip gzip
export PATH=$PATH:/usr/sbin:/sbin

# The image package that the meta package currently depends on, e.g.
# linux-image-6.1.0-56-cloud-amd64.
kernel_pkg() {
    apt-cache depends "$KERNEL_META" 2>/dev/null |
        awk '/Depends: linux-image-/ { print $2; exit }'
}
# fetch PACKAGE DIR: unpack the package's .deb into DIR (once).
fetch() {
    local pkg=$1 dir=$2 tmp deb
    if [ -f "$dir/.pkg" ] && [ "$(cat "$dir/.pkg")" = "$pkg" ]; then
        return 0
    fi
    tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
    log "downloading $pkg"
    if ! (cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >&2)
    then
        apt_update
        (cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >&2)
    fi
    deb=$(ls "$tmp"/*.deb)
    rm -rf "$dir"
    mkdir -p "$dir"
    dpkg-deb -x "$deb" "$dir"
    echo "$pkg" >"$dir/.pkg"
    rm -rf "$tmp"
}

mkdir -p "$CACHE"
kpkg=$(kernel_pkg)
if [ -z "$kpkg" ]; then
    apt_update
    kpkg=$(kernel_pkg)
fi
[ -n "$kpkg" ] || { log "cannot resolve $KERNEL_META"; exit 1; }
fetch "$kpkg" "$CACHE/kernel"
fetch "$BUSYBOX_PKG" "$CACHE/busybox"
for pkg in $SSH_PKGS; do
    fetch "$pkg" "$CACHE/ssh/$pkg"
done

KROOT=$CACHE/kernel
KVER=$(ls "$KROOT/lib/modules" | head -n1)
[ -f "$KROOT/boot/vmlinuz-$KVER" ] || { log "no vmlinuz-$KVER in $kpkg"; exit 1; }
BUSYBOX=$CACHE/busybox/bin/busybox
[ -x "$BUSYBOX" ] || { log "no busybox in $BUSYBOX_PKG"; exit 1; }
[ -f "$KROOT/lib/modules/$KVER/modules.dep" ] || depmod -b "$KROOT" "$KVER"

# The modules and their dependencies, in load order, each once.
ordered=()
for m in $MODULES; do
    deps=$(modprobe -d "$KROOT" -S "$KVER" --show-depends "$m") || {
        log "module $m not found in $KVER"; exit 1; }
    while read -r kind path _; do
        [ "$kind" = insmod ] || continue      # "builtin NAME": nothing to do
        case " ${ordered[*]} " in *" $path "*) continue ;; esac
        ordered+=("$path")
    done <<<"$deps"
done

STAGE=$(mktemp -d "$CACHE/stage.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,etc/acpi/PWRF,proc,sys,dev,run,tmp}
mkdir -p "$STAGE"/{mnt/config,lib/modules,lib/nova-lite}
cp "$BUSYBOX" "$STAGE/bin/busybox"
"$BUSYBOX" --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    [ -e "$STAGE/$applet" ] || ln -s /bin/busybox "$STAGE/$applet"
done
: >"$STAGE/etc/modules.load"
for path in "${ordered[@]}"; do
    name=$(basename "$path" .ko)
    cp "$path" "$STAGE/lib/modules/$name.ko"
    echo "$name" >>"$STAGE/etc/modules.load"
done
# dropbear and dropbearkey with the libraries they need (as ld.so lists
# them, each from the unpacked packages) and the loader at its ELF path.
SSH_LIBS=
for pkg in $SSH_PKGS; do
    for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu; do
        [ -d "$CACHE/ssh/$pkg/$d" ] && SSH_LIBS="$SSH_LIBS${SSH_LIBS:+:}$CACHE/ssh/$pkg/$d"
    done
done
LDSO=$CACHE/ssh/libc6/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
DROPBEAR_BIN="$CACHE/ssh/dropbear-bin/usr/sbin/dropbear
$CACHE/ssh/dropbear-bin/usr/bin/dropbearkey"
mkdir -p "$STAGE"/{lib64,lib/x86_64-linux-gnu,etc/dropbear,root/.ssh}
for bin in $DROPBEAR_BIN; do
    [ -x "$bin" ] || { log "no $bin in dropbear-bin"; exit 1; }
    cp "$bin" "$STAGE/usr/sbin/"
    listing=$("$LDSO" --inhibit-cache --library-path "$SSH_LIBS" --list "$bin")
    while read -r name arrow path _; do
        # NOTE: the loader (an absolute name) is copied below.
        [ "$arrow" = "=>" ] && [ "${name#/}" = "$name" ] || continue
        case $path in
        "$CACHE"/ssh/*) cp -L "$path" "$STAGE/lib/x86_64-linux-gnu/$name" ;;
        *) log "$(basename "$bin") needs $name, found in none of: $SSH_PKGS"
           exit 1 ;;
        esac
    done <<<"$listing"
done
cp -L "$LDSO" "$STAGE/lib64/ld-linux-x86-64.so.2"
chmod 0700 "$STAGE/root" "$STAGE/root/.ssh"
printf '#!/bin/sh\n# The guest runs everything as root: sudo just runs it.\nexec "$@"\n' \
    >"$STAGE/usr/bin/sudo"
chmod 0755 "$STAGE/usr/bin/sudo"
install -m 0755 "$SRC/init" "$STAGE/init"
install -m 0644 "$SRC/jsonflat.awk" "$STAGE/lib/nova-lite/jsonflat.awk"
install -m 0755 "$SRC/udhcpc.script" "$STAGE/lib/nova-lite/udhcpc.script"
install -m 0755 "$SRC/acpi-power" "$STAGE/etc/acpi/PWRF/00000080"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$STAGE/etc/passwd"
printf 'root:*:0:0:99999:7:::\n' >"$STAGE/etc/shadow"
chmod 0600 "$STAGE/etc/shadow"
printf '/bin/sh\n/bin/ash\n' >"$STAGE/etc/shells"
printf 'root:x:0:\n' >"$STAGE/etc/group"
: >"$STAGE/etc/resolv.conf"

(cd "$STAGE" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
    cpio --null -o -H newc -R 0:0 --reproducible --quiet) |
    gzip -9n >"$OUT/initramfs.img.tmp"
mv "$OUT/initramfs.img.tmp" "$OUT/initramfs.img"
cp "$KROOT/boot/vmlinuz-$KVER" "$OUT/vmlinuz.tmp"
mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
echo "$KVER" >"$OUT/kernel-version"
cp "$STAGE/etc/modules.load" "$OUT/modules.txt"
echo "$stamp" >"$OUT/.stamp"
log "built $KVER + busybox initramfs ($(du -k "$OUT/initramfs.img" | cut -f1) KiB)"
echo "kernel=$OUT/vmlinuz"
echo "initramfs=$OUT/initramfs.img"
