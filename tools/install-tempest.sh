#!/usr/bin/env bash
# Installs tempest, OpenStack's integration test suite, from PyPI into a
# virtualenv of its own (its pins need not agree with nova-lite's), kept in
# the user's cache, one per tempest version, so a second run finds it ready.
# Prints the virtualenv's path on its last line. Safe to run concurrently.
#
#   TEMPEST_VERSION          the tempest release (default below)
#   NOVA_LITE_TEMPEST_VENV   where the virtualenv goes
set -euo pipefail

TEMPEST_VERSION=${TEMPEST_VERSION:-47.0.0}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/nova-lite
VENV=${NOVA_LITE_TEMPEST_VENV:-$CACHE/tempest-$TEMPEST_VERSION}
STAMP="$VENV/.nova-lite-tempest-$TEMPEST_VERSION"

mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.lock"
flock 9
if [ ! -f "$STAMP" ] || [ ! -x "$VENV/bin/tempest" ]; then
    rm -rf "$VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip >&2
    "$VENV/bin/pip" install -q "tempest==$TEMPEST_VERSION" >&2
    touch "$STAMP"
fi
echo "$VENV"
