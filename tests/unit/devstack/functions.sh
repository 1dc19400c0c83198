# A stand-in for devstack's function library, for tests/unit/devstack:
# the functions devstack/plugin.sh and devstack/settings call, written for
# the test (after reading devstack's functions-common, inc/ini-config,
# inc/python, lib/database, lib/keystone and lib/rpc_backend for what
# each does).
#
# What a function would change outside the test's directory it records
# instead, one line per call in $STUB_LOG: its name and arguments
# separated by the unit separator (\x1f). Config files are really edited
# (iniset, iniget); sudo runs only the stand-ins in $STUB_ROOT and file
# operations inside it. The test sets, before sourcing this file:
#
#   STUB_ROOT    the test's directory; STUB_LOG the call log in it
#   STUB_BIN     commands standing in for the system's (first on PATH),
#                and the bin directory of nova-lite (get_python_exec_prefix)
#   STUB_PYTHON  a Python for the ini editing

function stub_record {
    local IFS=$'\x1f'
    echo "$*" >> "$STUB_LOG"
}

# ---- messages ---------------------------------------------------------------

function echo_summary {
    echo "$@" >&2
}

function warn {
    local status=$?
    stub_record warn "$@"
    echo "[WARNING] $*"
    return $status
}

function err {
    echo "[ERROR] $*" >&2
}

function die {
    stub_record die "$@"
    echo "[ERROR] die: $*" >&2
    exit 1
}

function trueorfalse {
    local default=$1
    local value=${!2:-}
    case "$value" in
        1|[yY]es|YES|[tT]rue|TRUE) echo True ;;
        0|[nN]o|NO|[fF]alse|FALSE) echo False ;;
        *) echo "$default" ;;
    esac
}

# ---- services ---------------------------------------------------------------

function is_keystone_enabled {
    [[ ,${ENABLED_SERVICES}, =~ ,key, ]]
}

function is_service_enabled {
    local service
    for service in "$@"; do
        if [[ ,${ENABLED_SERVICES}, == *,${service},* ]]; then
            return 0
        fi
        if declare -F is_${service}_enabled > /dev/null && \
                is_${service}_enabled; then
            return 0
        fi
    done
    return 1
}

function enable_service {
    local service
    for service in "$@"; do
        if [[ ,${DISABLED_SERVICES:-}, == *,${service},* ]]; then
            continue
        fi
        if ! is_service_enabled $service; then
            ENABLED_SERVICES=${ENABLED_SERVICES:+$ENABLED_SERVICES,}$service
        fi
    done
}

function disable_service {
    local service list=,${ENABLED_SERVICES},
    for service in "$@"; do
        list=${list//,$service,/,}
        DISABLED_SERVICES=${DISABLED_SERVICES:+$DISABLED_SERVICES,}$service
    done
    list=${list#,}
    ENABLED_SERVICES=${list%,}
}

function disable_all_services {
    ENABLED_SERVICES=""
}

function define_plugin {
    stub_record define_plugin "$@"
}

function run_process {
    # NOTE: devstack starts only enabled services.
    if is_service_enabled $1; then
        stub_record run_process "$1" "$2" "${3:-}"
    fi
}

function stop_process {
    stub_record stop_process "$1"
}

function start_service {
    stub_record start_service "$@"
}

function restart_service {
    stub_record restart_service "$@"
}

function wait_for_service {
    stub_record wait_for_service "$@"
}

# ---- the distribution and Python --------------------------------------------

function is_ubuntu {
    return 0
}

function is_fedora {
    return 1
}

function install_package {
    stub_record install_package "$@"
}

function setup_develop {
    stub_record setup_develop "$@"
}

function get_python_exec_prefix {
    echo "$STUB_BIN"
}

function add_user_to_group {
    stub_record add_user_to_group "$@"
}

# Runs the stand-ins of $STUB_BIN and $STUB_ROOT, and file operations
# whose every absolute path is inside $STUB_ROOT; records everything.
function sudo {
    stub_record sudo "$@"
    local path arg
    path=$(command -v -- "$1" 2>/dev/null || true)
    if [[ $path == "$STUB_ROOT"/* ]]; then
        "$@"
        return
    fi
    case $1 in
        install|rm|mkdir|chown|chmod)
            for arg in "${@:2}"; do
                if [[ $arg == /* && $arg != "$STUB_ROOT"/* ]]; then
                    return 0
                fi
            done
            "$@"
            ;;
    esac
}

# ---- ini files ----------------------------------------------------------------

function _stub_ini {
    "$STUB_PYTHON" - "$@" <<'EOF'
import sys

action, path, section, option = sys.argv[1:5]
try:
    with open(path) as f:
        lines = f.read().splitlines()
except FileNotFoundError:
    if action == 'get':
        sys.exit(0)
    lines = []
current, start, end, found = None, None, None, None
for number, line in enumerate(lines):
    text = line.strip()
    if text.startswith('[') and text.endswith(']'):
        if current == section:
            end = number
        current = text[1:-1]
        if current == section:
            start, end = number, None
        continue
    if current == section and '=' in text and not text.startswith('#'):
        key = text.split('=', 1)[0].strip()
        if key == option:
            found = number
if action == 'get':
    if found is not None:
        print(lines[found].split('=', 1)[1].strip())
    sys.exit(0)
entry = '%s = %s' % (option, sys.argv[5])
if found is not None:
    lines[found] = entry
elif start is not None:
    lines.insert(end if end is not None else len(lines), entry)
else:
    lines += ['', '[%s]' % section, entry]
with open(path, 'w') as f:
    f.write('\n'.join(lines) + '\n')
EOF
}

function iniset {
    if [[ $1 == -sudo ]]; then
        shift
    fi
    _stub_ini set "$1" "$2" "$3" "$4"
}

function iniget {
    _stub_ini get "$1" "$2" "$3"
}

# ---- databases, RPC, Keystone -------------------------------------------------

# NOTE: a sqlite file stands in for devstack's MySQL, so the plugin's
# "db sync", "bootstrap" and "network create" run for real.
function database_connection_url {
    stub_record database_connection_url "$@"
    echo "sqlite:///$STUB_ROOT/db/$1.sqlite"
}

function recreate_database {
    stub_record recreate_database "$@"
    mkdir -p "$STUB_ROOT/db"
    rm -f "$STUB_ROOT/db/$1.sqlite"
}

function get_transport_url {
    if is_service_enabled rabbit || \
            [[ -n ${RABBIT_HOST:-} && -n ${RABBIT_PASSWORD:-} ]]; then
        echo "rabbit://$RABBIT_USERID:$RABBIT_PASSWORD@$RABBIT_HOST:5672/$1"
    fi
}

function iniset_rpc_backend {
    stub_record iniset_rpc_backend "$@"
}

function rpc_backend_add_vhost {
    stub_record rpc_backend_add_vhost "$@"
}

function install_rpc_backend {
    stub_record install_rpc_backend "$@"
}

function restart_rpc_backend {
    stub_record restart_rpc_backend "$@"
}

function configure_keystone_authtoken_middleware {
    stub_record configure_keystone_authtoken_middleware "$@"
    local section=${3:-keystone_authtoken}
    iniset $1 $section auth_type password
    iniset $1 $section auth_url $KEYSTONE_SERVICE_URI
    iniset $1 $section www_authenticate_uri $KEYSTONE_SERVICE_URI
    iniset $1 $section username $2
    iniset $1 $section password $SERVICE_PASSWORD
    iniset $1 $section user_domain_name Default
    iniset $1 $section project_name service
    iniset $1 $section project_domain_name Default
}

function create_service_user {
    stub_record create_service_user "$@"
}

function get_or_create_service {
    stub_record get_or_create_service "$@"
}

function get_or_create_endpoint {
    stub_record get_or_create_endpoint "$@"
}

# What stackrc and lib/* set before a plugin's settings are read.
function stub_devstack_defaults {
    DEST=${DEST:-$STUB_ROOT/opt/stack}
    DATA_DIR=${DATA_DIR:-$DEST/data}
    STACK_USER=${STACK_USER:-$(id -un)}
    SERVICE_HOST=${SERVICE_HOST:-$HOST_IP}
    SERVICE_PROTOCOL=${SERVICE_PROTOCOL:-http}
    SERVICE_LISTEN_ADDRESS=${SERVICE_LISTEN_ADDRESS:-0.0.0.0}
    REGION_NAME=${REGION_NAME:-RegionOne}
    KEYSTONE_SERVICE_URI=${KEYSTONE_SERVICE_URI:-http://$SERVICE_HOST/identity}
    LIBVIRT_TYPE=${LIBVIRT_TYPE:-kvm}
    LIBVIRT_GROUP=${LIBVIRT_GROUP:-libvirt}
    FIXED_RANGE=${FIXED_RANGE:-10.0.0.0/22}
    FORCE_CONFIG_DRIVE=${FORCE_CONFIG_DRIVE:-False}
    DATABASE_TYPE=${DATABASE_TYPE:-mysql}
    DATABASE_USER=${DATABASE_USER:-root}
    DATABASE_HOST=${DATABASE_HOST:-$SERVICE_HOST}
    MYSQL_HOST=${MYSQL_HOST:-$DATABASE_HOST}
    RABBIT_USERID=${RABBIT_USERID:-stackrabbit}
    if is_service_enabled rabbit; then
        RABBIT_HOST=${RABBIT_HOST:-$SERVICE_HOST}
    fi
}
