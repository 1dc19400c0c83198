#!/usr/bin/env bash
# The main job: install nova-lite, run the embedded default (nova-lite-all:
# one process, sqlite, in-process RPC, no auth, its own image service) with
# the libvirt driver, and boot a real guest through the Compute API the way
# any Nova client would:
#
#   1. tools/install-deps.sh: libvirt, QEMU, genisoimage, the virtualenv;
#   2. tools/start-libvirt.sh: libvirtd and virtlogd, when none runs;
#   3. tools/build-test-guest.sh: the test guest (kernel + busybox
#      initramfs), once; tools/probe-kvm.sh picks [libvirt] virt_type: kvm
#      where KVM really runs a guest, else qemu (software emulation);
#   4. nova-lite-all with compute_driver = libvirt.LibvirtDriver, its state
#      in $STATE (default /var/tmp/nova-lite-main-job: QEMU runs as the
#      libvirt-qemu user and must reach the disks), API on 127.0.0.1:8774,
#      image service on 127.0.0.1:9292;
#   5. nova-lite-manage image import-test-guest: kernel, ramdisk and the
#      bootable image, through the image service's Glance v2 API;
#   6. a network (192.0.2.0/24 on bridge nlbr0) with nova-lite-manage
#      network create (kept between runs);
#   7. with curl: a keypair, then POST /servers with user_data, the key and
#      config_drive on that network; waits for ACTIVE, then polls os-getConsoleOutput until the guest prints
#      "NOVA-LITE-GUEST-READY uuid=<server id> user_data=<base64>" (it
#      reads both from its config drive), checks them and prints the line;
#   8. deletes the server, stops nova-lite-all and takes down what its
#      network host made (bridge, gateway, dnsmasq, NAT rules).
#
# Usage: tools/run-main-job.sh [--keep]
#   --keep   leave nova-lite-all running at the end (and, when the job
#            fails, the server too, to look at); stop it later with
#            kill $(cat $STATE/nova-lite-all.pid)
# Environment: NOVA_LITE_MAIN_JOB_STATE (the state directory),
#   NOVA_LITE_VIRT_TYPE (kvm or qemu: skip the probe),
#   NOVA_LITE_BOOT_TIMEOUT (seconds for each wait, default 300).
#
# Exits 0 when the guest's marker came back through the API; otherwise
# non-zero with what failed (a timeout, the server's fault when it went to
# ERROR, ...) and the end of nova-lite-all's log.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

KEEP=0
for arg in "$@"; do
    case $arg in
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 0 ;;
        *) echo "run-main-job: unknown argument $arg (try --help)" >&2; exit 2 ;;
    esac
done

STATE=${NOVA_LITE_MAIN_JOB_STATE:-/var/tmp/nova-lite-main-job}
TIMEOUT=${NOVA_LITE_BOOT_TIMEOUT:-300}
API_PORT=8774
IMAGE_PORT=9292
METADATA_PORT=8775
API=http://127.0.0.1:$API_PORT/v2.1
CONF=$STATE/nova-lite.conf
LOG=$STATE/nova-lite-all.log
PIDFILE=$STATE/nova-lite-all.pid
PY=$REPO/.venv/bin/python
MANAGE=("$REPO/.venv/bin/nova-lite-manage" --config-file "$CONF")
NETWORK_NAME=main-job-net
NETWORK_CIDR=192.0.2.0/24
NETWORK_BRIDGE=nlbr0
KEY_NAME=main-job-key
USER_DATA='#!/bin/sh
echo "hello from the nova-lite main job"
'
MARKER=NOVA-LITE-GUEST-READY

PID=
SERVER=
OK=0
STATUS_FILE=$(mktemp)

step() { echo; echo "== $*"; }
fail() {
    echo >&2
    echo "run-main-job: FAILED: $*" >&2
    exit 1
}

cleanup() {
    local rc=$?
    set +e
    if [ -n "$SERVER" ] && { [ "$OK" = 1 ] || [ "$KEEP" = 0 ]; }; then
        call DELETE "/servers/$SERVER" >/dev/null 2>&1
    fi
    if [ "$rc" != 0 ] && [ -f "$LOG" ]; then
        echo "---- the end of $LOG ----" >&2
        tail -n 40 "$LOG" >&2
    fi
    rm -f "$STATUS_FILE"
    if [ -n "$PID" ]; then
        if [ "$KEEP" = 1 ]; then
            echo "nova-lite-all (pid $PID) keeps running: API $API, images" \
                 "http://127.0.0.1:$IMAGE_PORT, log $LOG;" \
                 "stop it with: kill \$(cat $PIDFILE)"
        else
            stop_all
            # NOTE: the network host of nova-lite-all leaves the network's
            # bridge, gateway and dnsmasq up for the guests; with none left
            # they go too.
            if [ -n "${MANAGE+x}" ]; then
                "${MANAGE[@]}" network teardown-host >/dev/null 2>&1
            fi
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT

stop_all() {
    kill "$PID" 2>/dev/null || return 0
    for _ in $(seq 1 100); do
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$PID" 2>/dev/null
    rm -f "$PIDFILE"
    echo "stopped nova-lite-all (pid $PID)"
}

# call METHOD PATH [JSON]: the Compute API as the noauth user demo
# (project demo); the body goes to stdout, the status to $STATUS_FILE.
call() {
    local method=$1 path=$2 body=${3:-}
    local args=(-s -o - -w '%{stderr}%{http_code}' -X "$method"
                -H 'X-Auth-Token: demo:demo'
                -H 'OpenStack-API-Version: compute 2.47'
                -H 'Content-Type: application/json')
    [ -n "$body" ] && args+=(-d "$body")
    curl "${args[@]}" "$API$path" 2>"$STATUS_FILE"
}
status() { cat "$STATUS_FILE"; }
# json EXPR: evaluate a Python expression over the JSON document on stdin
# (bound to d); prints '' when a key is missing.
json() {
    "$PY" -c 'import json, sys
try:
    d = json.load(sys.stdin)
    v = eval(sys.argv[1])
except (KeyError, IndexError, TypeError, ValueError):
    v = ""
print(v if isinstance(v, str) else json.dumps(v))' "$1"
}
alive() { kill -0 "$PID" 2>/dev/null || fail "nova-lite-all exited (log $LOG)"; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

step "installing dependencies (tools/install-deps.sh)"
tools/install-deps.sh

step "libvirtd (tools/start-libvirt.sh)"
tools/start-libvirt.sh || fail "libvirtd does not answer on qemu:///system"
virsh -c qemu:///system version | sed -n '1,3p'

step "the test guest (tools/build-test-guest.sh)"
paths=$(tools/build-test-guest.sh) || fail "tools/build-test-guest.sh failed"
KERNEL=$(sed -n 's/^kernel=//p' <<<"$paths")
INITRAMFS=$(sed -n 's/^initramfs=//p' <<<"$paths")
echo "$paths"

step "virt type"
if [ -n "${NOVA_LITE_VIRT_TYPE:-}" ]; then
    VIRT_TYPE=$NOVA_LITE_VIRT_TYPE
    echo "$VIRT_TYPE (from NOVA_LITE_VIRT_TYPE)"
else
    VIRT_TYPE=$(tools/probe-kvm.sh "$KERNEL" "$INITRAMFS")
fi
case $VIRT_TYPE in kvm|qemu) ;; *) fail "virt type '$VIRT_TYPE' is neither kvm nor qemu" ;; esac

step "nova-lite-all (state in $STATE)"
mkdir -p "$STATE"
# NOTE: QEMU runs as libvirt-qemu and opens the disks under $STATE.
chmod 0755 "$STATE"
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    old=$(cat "$PIDFILE")
    echo "stopping the nova-lite-all an earlier run left (pid $old)"
    kill "$old"
    for _ in $(seq 1 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
fi
for port in $API_PORT $IMAGE_PORT $METADATA_PORT; do
    port_busy "$port" && fail "port $port is in use by another process; nova-lite-all needs 127.0.0.1:$API_PORT, :$IMAGE_PORT and :$METADATA_PORT"
done
cat >"$CONF" <<EOF
# Written by tools/run-main-job.sh.
[DEFAULT]
state_path = $STATE
compute_driver = libvirt.LibvirtDriver
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = $API_PORT

[api]
auth_strategy = noauth

[image_service]
bind_host = 127.0.0.1
bind_port = $IMAGE_PORT

[libvirt]
connection_uri = qemu:///system
virt_type = $VIRT_TYPE
EOF
cat "$CONF"
"$REPO/.venv/bin/nova-lite-all" --config-file "$CONF" >"$LOG" 2>&1 &
PID=$!
echo "$PID" >"$PIDFILE"
echo "nova-lite-all pid $PID, log $LOG"
up=0
for _ in $(seq 1 $((TIMEOUT * 2))); do
    alive
    if curl -sf -o /dev/null -H 'X-Auth-Token: demo:demo' "$API/" &&
       curl -s -o /dev/null "http://127.0.0.1:$IMAGE_PORT/" &&
       grep -q 'nova-lite-compute started on host' "$LOG"; then
        up=1
        break
    fi
    sleep 0.5
done
[ "$up" = 1 ] || fail "nova-lite-all did not come up within ${TIMEOUT}s"
echo "the Compute API, the image service and the compute service are up"

step "nova-lite-manage image import-test-guest"
IMAGE=$("${MANAGE[@]}" image import-test-guest --dir "$(dirname "$KERNEL")" |
        tail -n 1) || fail "image import-test-guest failed"
[[ $IMAGE =~ ^[0-9a-f-]{36}$ ]] || fail "image import-test-guest printed '$IMAGE', not an image id"
echo "image to boot: $IMAGE"

step "network"
NET_ID=$("${MANAGE[@]}" network list 2>/dev/null |
         awk -v n="$NETWORK_NAME" '$2 == n { print $1 }')
if [ -z "$NET_ID" ]; then
    "${MANAGE[@]}" network create --name "$NETWORK_NAME" \
        --cidr "$NETWORK_CIDR" --bridge "$NETWORK_BRIDGE" ||
        fail "network create failed"
    NET_ID=$("${MANAGE[@]}" network list 2>/dev/null |
             awk -v n="$NETWORK_NAME" '$2 == n { print $1 }')
fi
[ -n "$NET_ID" ] || fail "network $NETWORK_NAME is not listed"
echo "network $NETWORK_NAME ($NETWORK_CIDR on bridge $NETWORK_BRIDGE): $NET_ID"
NETWORKS="[{\"uuid\": \"$NET_ID\"}]"

step "keypair $KEY_NAME"
call DELETE "/os-keypairs/$KEY_NAME" >/dev/null
body=$(call POST /os-keypairs "{\"keypair\": {\"name\": \"$KEY_NAME\"}}")
[ "$(status)" = 201 ] || [ "$(status)" = 200 ] || fail "POST /os-keypairs -> $(status): $body"
json 'd["keypair"]["fingerprint"]' <<<"$body"

step "POST /servers"
USER_DATA_B64=$(printf '%s' "$USER_DATA" | base64 -w0)
request=$(cat <<EOF
{"server": {"name": "main-job", "imageRef": "$IMAGE", "flavorRef": "1",
            "networks": $NETWORKS, "key_name": "$KEY_NAME",
            "user_data": "$USER_DATA_B64", "config_drive": true}}
EOF
)
echo "$request"
body=$(call POST /servers "$request")
[ "$(status)" = 202 ] || fail "POST /servers -> $(status): $body"
SERVER=$(json 'd["server"]["id"]' <<<"$body")
[ -n "$SERVER" ] || fail "POST /servers answered no server id: $body"
echo "server $SERVER"

step "waiting for ACTIVE"
started=$(date +%s)
server_status=
for _ in $(seq 1 $((TIMEOUT * 2))); do
    alive
    body=$(call GET "/servers/$SERVER")
    [ "$(status)" = 200 ] || fail "GET /servers/$SERVER -> $(status): $body"
    server_status=$(json 'd["server"]["status"]' <<<"$body")
    case $server_status in
        ACTIVE) break ;;
        ERROR) fail "server $SERVER went to ERROR: fault $(json 'd["server"]["fault"]' <<<"$body")" ;;
    esac
    sleep 0.5
done
[ "$server_status" = ACTIVE ] || fail "server $SERVER is still $server_status after ${TIMEOUT}s"
echo "ACTIVE after $(( $(date +%s) - started ))s; addresses: $(json 'd["server"]["addresses"]' <<<"$body")"

step "waiting for $MARKER in the console output (os-getConsoleOutput)"
line=
for _ in $(seq 1 $((TIMEOUT * 2))); do
    alive
    body=$(call POST "/servers/$SERVER/action" '{"os-getConsoleOutput": {"length": 50}}')
    [ "$(status)" = 200 ] || fail "os-getConsoleOutput -> $(status): $body"
    line=$(json 'd["output"]' <<<"$body" | tr -d '\r' | grep -a "^$MARKER " | head -n 1 || true)
    [ -n "$line" ] && break
    sleep 0.5
done
[ -n "$line" ] || fail "no $MARKER line in the console of $SERVER within ${TIMEOUT}s; last output: $(json 'd["output"]' <<<"$body" | tail -n 15)"
# NOTE: the lines the guest prints for humans before the marker: what it
# found on the config drive and how it set up its NIC.
json 'd["output"]' <<<"$body" | tr -d '\r' | grep -a '^NOVA-LITE-GUEST-' | grep -v "^$MARKER " || true
echo "$line"
expected="$MARKER uuid=$SERVER user_data=$USER_DATA_B64"
[ "$line" = "$expected" ] || fail "the guest printed '$line', expected '$expected'"
echo "the guest read its uuid and user_data from the config drive ($(( $(date +%s) - started ))s after ACTIVE was awaited)"
OK=1

step "DELETE /servers/$SERVER"
call DELETE "/servers/$SERVER" >/dev/null
[ "$(status)" = 204 ] || fail "DELETE /servers/$SERVER -> $(status)"
gone=0
for _ in $(seq 1 $((TIMEOUT * 2))); do
    call GET "/servers/$SERVER" >/dev/null
    if [ "$(status)" = 404 ]; then gone=1; break; fi
    sleep 0.5
done
[ "$gone" = 1 ] || fail "server $SERVER was not deleted within ${TIMEOUT}s"
SERVER=
echo "deleted"
echo
echo "run-main-job: OK: booted a guest through the Compute API and read its marker back"
