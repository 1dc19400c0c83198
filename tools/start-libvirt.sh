#!/usr/bin/env bash
# Makes sure a libvirtd answers on qemu:///system, starting virtlogd and
# libvirtd (daemonized, as root) when none does: containers and CI
# machines often run no init system that would start them.
#
# Prints one line "started NAME PID" on stdout per daemon it started, so a
# caller (the integration tests' fixture) can stop exactly those again, by
# pid; prints nothing when libvirtd answered already.  Exits 0 once
# qemu:///system answers, else non-zero with the reason on stderr.
#
# Used by tools/run-main-job.sh and tests/integration.
set -uo pipefail

URI=qemu:///system
# NOTE: directories libvirtd and virtlogd expect; a container's fresh /run
# has none of them, and "libvirtd -d" fails without a word on stdout.
RUN_DIRS="/run/libvirt /var/lib/libvirt/qemu /var/cache/libvirt
/var/log/libvirt/qemu"

log() { echo "start-libvirt: $*" >&2; }
virsh_ok() { timeout 30 virsh -c "$URI" list >/dev/null 2>&1; }

if virsh_ok; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    log "no libvirtd answers on $URI and only root may start one"
    exit 1
fi
command -v virsh >/dev/null || {
    log "virsh is missing (tools/install-deps.sh installs libvirt)"; exit 1; }
for d in $RUN_DIRS; do mkdir -p "$d"; done

# NOTE: without an init system there is no D-Bus, hence no polkit, which
# is what lets the libvirt group manage guests on a packaged host (and
# what libvirtd asks by default): members of the libvirt group (the
# compute service's unprivileged user) get qemu:///system through the
# socket's group and mode instead.
LIBVIRTD_CONF=/run/libvirt/nova-lite-libvirtd.conf
daemon_args() {
    [ "$1" = libvirtd ] || return 0
    {
        cat /etc/libvirt/libvirtd.conf 2>/dev/null
        echo '# tools/start-libvirt.sh: no polkit without D-Bus'
        if getent group libvirt >/dev/null; then
            echo 'unix_sock_group = "libvirt"'
            echo 'unix_sock_rw_perms = "0770"'
        fi
        echo 'auth_unix_rw = "none"'
    } > "$LIBVIRTD_CONF"
    echo "-f $LIBVIRTD_CONF"
}

# start NAME: start the daemon unless its pid file names a live process.
start() {
    local name=$1 pidfile=/run/$1.pid bin pid
    pid=$(cat "$pidfile" 2>/dev/null)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        return 0
    fi
    bin=$(command -v "$name" || echo "/usr/sbin/$name")
    if ! out=$("$bin" -d $(daemon_args "$name") 2>&1); then
        log "$bin -d failed: $out"
        return 1
    fi
    for _ in $(seq 1 100); do
        pid=$(cat "$pidfile" 2>/dev/null)
        if [ -n "$pid" ]; then
            echo "started $name $pid"
            return 0
        fi
        sleep 0.1
    done
    log "$name -d wrote no pid file $pidfile"
    return 1
}

start virtlogd || exit 1
start libvirtd || exit 1
for _ in $(seq 1 150); do
    virsh_ok && exit 0
    sleep 0.2
done
log "libvirtd started but $URI does not answer: $(virsh -c "$URI" list 2>&1)"
exit 1
