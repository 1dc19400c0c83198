#!/usr/bin/env bash
# The main job: install nova-lite, start the embedded default
# (nova-lite-all: one process, sqlite, in-process RPC, no auth) and boot a
# server through the Compute API, the way any Nova client would.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh

# nova-lite-all's defaults: state in ~/.nova-lite, API on 127.0.0.1:8774.
STATE=$HOME/.nova-lite
PORT=8774
mkdir -p "$STATE"
LOG="$STATE/nova-lite-all.log"
.venv/bin/nova-lite-all > "$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT

API="http://127.0.0.1:$PORT/v2.1"
AUTH=(-H "X-Auth-Token: demo:demo" -H "OpenStack-API-Version: compute latest"
      -H "Content-Type: application/json")
for _ in $(seq 1 60); do
    curl -sf "$API/" >/dev/null && break
    kill -0 $PID 2>/dev/null || { cat "$LOG"; exit 1; }
    sleep 0.5
done

IMAGE=$(.venv/bin/nova-lite-manage image list 2>/dev/null | awk 'NR==1 {print $1}')
echo "== POST /servers"
BODY=$(curl -sf "${AUTH[@]}" -X POST "$API/servers" \
    -d "{\"server\": {\"name\": \"first\", \"imageRef\": \"$IMAGE\", \"flavorRef\": \"1\", \"networks\": \"none\"}}")
echo "$BODY"
ID=$(echo "$BODY" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["server"]["id"])')
for _ in $(seq 1 120); do
    STATUS=$(curl -sf "${AUTH[@]}" "$API/servers/$ID" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["server"]["status"])')
    [ "$STATUS" != BUILD ] && break
    sleep 0.5
done
echo "== GET /servers/$ID"
curl -sf "${AUTH[@]}" "$API/servers/$ID" | .venv/bin/python -m json.tool
echo "== server $ID is $STATUS (log: $LOG)"
[ "$STATUS" = ACTIVE ]
