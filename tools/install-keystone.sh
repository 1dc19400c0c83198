#!/usr/bin/env bash
# Installs Keystone, the identity service, from PyPI into a virtualenv of
# its own for the functional tests (tests/fixtures/keystone.py runs it as a
# process). Its pins need not agree with nova-lite's, so it never shares
# .venv. The virtualenv lives in the user's cache, one per Keystone
# version, so a second run (or a fresh clone on the same machine) finds it
# ready. Prints the virtualenv's path on its last line. Safe to run again,
# also concurrently.
#
#   KEYSTONE_VERSION          the keystone release (default below)
#   NOVA_LITE_KEYSTONE_VENV   where the virtualenv goes
set -euo pipefail

KEYSTONE_VERSION=${KEYSTONE_VERSION:-30.0.0}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/nova-lite
VENV=${NOVA_LITE_KEYSTONE_VENV:-$CACHE/keystone-$KEYSTONE_VERSION}
STAMP="$VENV/.nova-lite-keystone-$KEYSTONE_VERSION"

mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.lock"
flock 9
if [ ! -f "$STAMP" ] || [ ! -x "$VENV/bin/keystone-manage" ]; then
    rm -rf "$VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip >&2
    "$VENV/bin/pip" install -q "keystone==$KEYSTONE_VERSION" >&2
    touch "$STAMP"
fi
# NOTE: PyMySQL for a Keystone on MariaDB (tools/run-tempest.py); added
# apart so that a virtualenv made before it is completed, not remade.
if ! "$VENV/bin/python" -c 'import pymysql' 2>/dev/null; then
    "$VENV/bin/pip" install -q PyMySQL >&2
fi
echo "$VENV"
