#!/usr/bin/env bash
# Installs everything, then runs the unit, functional, integration and
# tempest tests under tox.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/start-services.sh
exec .venv/bin/tox -e py3,functional,integration,tempest "$@"
