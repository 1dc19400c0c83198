#!/bin/bash
# plugin.sh - devstack plugin for nova-lite
#
# Installs nova-lite and the distribution's packages it needs; writes the
# node's one config file with "nova-lite-manage config write" (the code
# the lab in a box writes its hosts' configs with, so the lab's tests run
# what this deploys); on the controller registers the services in
# Keystone, syncs the database and creates the default network; runs each
# enabled service under devstack's process manager as the stack user.
# What needs root (bridges, taps, dnsmasq, iptables) goes through
# oslo.privsep daemons the services start with sudo, as the sudoers rule
# of "nova-lite-manage privsep sudoers" allows. devstack/settings documents
# the services, the settings and a 3-node local.conf.

_XTRACE_NOVA_LITE=$(set +o | grep xtrace)
set -o xtrace

NOVA_LITE_CONTROLLER_SERVICES="nl-api nl-cond nl-sch nl-img nl-meta nl-net"
NOVA_LITE_SERVICES="$NOVA_LITE_CONTROLLER_SERVICES nl-cpu"
NOVA_LITE_BIN_DIR=$(get_python_exec_prefix)
NOVA_LITE_DB_NAME=nova_lite
# The image service's own database (nova-lite-image, [image_service]
# database_connection), as Glance keeps one apart from Nova's.
NOVA_LITE_IMAGE_DB_NAME=nova_lite_image
NOVA_LITE_SUDOERS=/etc/sudoers.d/nova-lite
NOVA_LITE_LIBVIRT_GROUP=${LIBVIRT_GROUP:-libvirt}


# The role "nova-lite-manage config write" writes this node's config for:
# controller, compute, all (both), or nothing without nova-lite services.
function nova_lite_role {
    local controller=False compute=False
    if is_service_enabled $NOVA_LITE_CONTROLLER_SERVICES; then
        controller=True
    fi
    if is_service_enabled nl-cpu; then
        compute=True
    fi
    if [[ $controller == True && $compute == True ]]; then
        echo all
    elif [[ $controller == True ]]; then
        echo controller
    elif [[ $compute == True ]]; then
        echo compute
    fi
}

function nova_lite_is_controller {
    [[ $(nova_lite_role) == controller || $(nova_lite_role) == all ]]
}

function nova_lite_manage {
    $NOVA_LITE_BIN_DIR/nova-lite-manage --config-file $NOVA_LITE_CONF "$@"
}

# The distribution's packages this node needs. NOTE: devstack installs
# libvirt and QEMU only for its own Nova's compute.
function nova_lite_packages {
    local packages
    if is_fedora; then
        # libvirt's headers and pkg-config build libvirt-python
        # (setup_develop ... libvirt) on every node.
        packages="libvirt-devel pkgconf-pkg-config iproute"
        if is_service_enabled nl-cpu; then
            packages+=" libvirt-daemon-kvm libvirt-client qemu-kvm qemu-img"
            packages+=" genisoimage"
        fi
        if is_service_enabled nl-net; then
            packages+=" dnsmasq iptables"
        fi
    else
        packages="libvirt-dev pkg-config iproute2"
        # The test guest (probe of KVM, image import-test-guest) is
        # unpacked with cpio and its modules listed with kmod.
        packages+=" cpio kmod"
        if is_service_enabled nl-cpu; then
            packages+=" libvirt-daemon-system libvirt-clients"
            packages+=" qemu-system-x86 qemu-utils genisoimage"
        fi
        if is_service_enabled nl-net; then
            packages+=" dnsmasq-base iptables"
        fi
    fi
    echo $packages
}

# Let the stack user start nova-lite's privsep daemons with sudo.
function nova_lite_install_sudoers {
    local rules
    rules=$(mktemp)
    $NOVA_LITE_BIN_DIR/nova-lite-manage privsep sudoers --user $STACK_USER \
        > $rules
    if ! sudo visudo -cf $rules; then
        rm -f $rules
        die $LINENO "visudo refuses the rules of nova-lite-manage privsep sudoers"
    fi
    sudo install -m 0440 -o root -g root $rules $NOVA_LITE_SUDOERS
    rm -f $rules
}

function install_nova_lite {
    install_package $(nova_lite_packages)
    setup_develop $NOVA_LITE_DIR libvirt
    nova_lite_install_sudoers
    if is_service_enabled nl-cpu; then
        # NOTE: nl-cpu runs with this group (run_process ... $group):
        # libvirtd's socket is the group's.
        add_user_to_group $STACK_USER $NOVA_LITE_LIBVIRT_GROUP
    fi
}

# Whether KVM boots the test guest here (tools/probe-kvm.sh).
function nova_lite_kvm_boots {
    local out kernel initramfs verdict
    if ! out=$(bash $NOVA_LITE_DIR/tools/build-test-guest.sh); then
        warn $LINENO "No test guest to probe KVM with: trusting /dev/kvm"
        return 0
    fi
    kernel=$(sed -n 's/^kernel=//p' <<< "$out")
    initramfs=$(sed -n 's/^initramfs=//p' <<< "$out")
    # NOTE: as root: /dev/kvm is the kvm group's, which libvirt's QEMU is
    # in and the stack user need not be.
    verdict=$(sudo $NOVA_LITE_DIR/tools/probe-kvm.sh $kernel $initramfs)
    [[ $(head -n 1 <<< "$verdict") == kvm ]]
}

# [libvirt] virt_type: LIBVIRT_TYPE, with devstack's fall back from kvm
# to qemu where KVM is missing, and where it is there but boots nothing.
function nova_lite_pick_virt_type {
    if [[ $NOVA_LITE_VIRT_TYPE != kvm ]]; then
        return
    fi
    sudo modprobe kvm || true
    if [[ ! -e /dev/kvm ]]; then
        warn $LINENO "No /dev/kvm: switching nova-lite to QEMU"
        NOVA_LITE_VIRT_TYPE=qemu
    elif [[ $NOVA_LITE_PROBE_KVM == True ]] && ! nova_lite_kvm_boots; then
        warn $LINENO "KVM boots no guest here: switching nova-lite to QEMU"
        NOVA_LITE_VIRT_TYPE=qemu
    fi
}

function nova_lite_transport_url {
    local url=${NOVA_LITE_TRANSPORT_URL:-$(get_transport_url)}
    # NOTE: get_transport_url needs RABBIT_HOST, which devstack sets only
    # where rabbit runs; a compute node uses the controller's broker.
    if [[ -z $url && -n $RABBIT_PASSWORD ]]; then
        url="rabbit://${RABBIT_USERID:-stackrabbit}:$RABBIT_PASSWORD@${RABBIT_HOST:-$SERVICE_HOST}:5672/"
    fi
    echo $url
}

function configure_nova_lite {
    local role transport_url listen auth=noauth pair
    role=$(nova_lite_role)
    transport_url=$(nova_lite_transport_url)
    if [[ -z $transport_url ]]; then
        die $LINENO "nova-lite needs RabbitMQ: enable rabbit on the controller; set RABBIT_PASSWORD (and RABBIT_HOST) on a compute node"
    fi
    sudo install -d -o $STACK_USER $NOVA_LITE_CONF_DIR $NOVA_LITE_STATE_PATH

    local args=(--role $role --output "$NOVA_LITE_CONF" --mode 0600
        --host "$NOVA_LITE_HOST" --my-ip "$HOST_IP"
        --controller-ip "$SERVICE_HOST" --transport-url "$transport_url"
        --state-path "$NOVA_LITE_STATE_PATH"
        --image-api-url "$NOVA_LITE_GLANCE_URL"
        --local-ip "$NOVA_LITE_TUNNEL_IP"
        --set "DEFAULT.debug=${ENABLE_DEBUG_LOG_LEVEL:-True}")
    if [[ $role != compute ]]; then
        # NOTE: noauth trusts any "user:project" token: then only the
        # controller's own address is served, not every address.
        if is_service_enabled keystone; then
            auth=keystone
            listen=${NOVA_LITE_LISTEN_ADDRESS:-${SERVICE_LISTEN_ADDRESS:-0.0.0.0}}
            listen=${listen#[}
            listen=${listen%]}
        else
            listen=${NOVA_LITE_LISTEN_ADDRESS:-$SERVICE_HOST}
        fi
        args+=(--database-connection
            "$(database_connection_url $NOVA_LITE_DB_NAME)"
            --image-database-connection
            "$(database_connection_url $NOVA_LITE_IMAGE_DB_NAME)"
            --auth-strategy $auth --api-listen "$listen"
            --api-port $NOVA_LITE_API_PORT --metadata-listen "$listen"
            --metadata-port $NOVA_LITE_METADATA_PORT --image-listen "$listen"
            --image-port $NOVA_LITE_IMAGE_PORT
            --metadata-secret "$NOVA_LITE_METADATA_SECRET"
            --default-network-type $NOVA_LITE_NETWORK_TYPE)
        if [[ -n $NOVA_LITE_NETWORK_VLAN_RANGES ]]; then
            args+=(--network-vlan-ranges "$NOVA_LITE_NETWORK_VLAN_RANGES")
        fi
    fi
    if [[ $role != controller ]]; then
        nova_lite_pick_virt_type
        args+=(--compute-driver "$NOVA_LITE_VIRT_DRIVER"
            --virt-type "$NOVA_LITE_VIRT_TYPE"
            --connection-uri "$NOVA_LITE_LIBVIRT_URI")
        if [[ $NOVA_LITE_FORCE_CONFIG_DRIVE == True ]]; then
            args+=(--force-config-drive)
        fi
    fi
    if [[ -n $NOVA_LITE_PHYSICAL_INTERFACE_MAPPINGS ]]; then
        args+=(--physical-interface-mappings
            "$NOVA_LITE_PHYSICAL_INTERFACE_MAPPINGS")
    fi
    if [[ -n $NOVA_LITE_BRIDGE_PREFIX ]]; then
        args+=(--bridge-prefix "$NOVA_LITE_BRIDGE_PREFIX")
    fi
    for pair in $NOVA_LITE_CONF_SET; do
        args+=(--set "$pair")
    done
    # NOTE: nova-lite-manage reads /etc/nova-lite/nova-lite.conf when no
    # --config-file is given: not an earlier stack's.
    rm -f $NOVA_LITE_CONF
    $NOVA_LITE_BIN_DIR/nova-lite-manage config write "${args[@]}"

    if [[ $auth == keystone ]]; then
        configure_keystone_authtoken_middleware $NOVA_LITE_CONF nova
        create_nova_lite_accounts
    fi
    if is_service_enabled nl-cpu; then
        start_service libvirtd
    fi
}

# The catalog, as devstack's lib/nova and lib/glance make it. NOTE: one
# service user: the Compute API and the image service share the config
# file's [keystone_authtoken]. No compute_legacy service: nova-lite serves
# no v2.0 API (/v2/<project id>).
function create_nova_lite_accounts {
    local protocol=${SERVICE_PROTOCOL:-http}
    create_service_user "nova" "admin"
    if is_service_enabled nl-api; then
        get_or_create_service "nova" "compute" "Nova Compute Service (nova-lite)"
        get_or_create_endpoint "compute" "$REGION_NAME" \
            "$protocol://$SERVICE_HOST:$NOVA_LITE_API_PORT/v2.1"
    fi
    if is_service_enabled nl-img; then
        get_or_create_service "glance" "image" "Glance Image Service (nova-lite-image)"
        get_or_create_endpoint "image" "$REGION_NAME" "$NOVA_LITE_GLANCE_URL"
    fi
}

function init_nova_lite {
    recreate_database $NOVA_LITE_DB_NAME
    recreate_database $NOVA_LITE_IMAGE_DB_NAME
    # NOTE: the image database first, as on an upgrade: its first sync
    # copies the images nova-lite's database held (migration 0014).
    nova_lite_manage image_db sync
    nova_lite_manage db sync
    nova_lite_manage bootstrap
}

function start_nova_lite {
    local bin=$NOVA_LITE_BIN_DIR
    local conf="--config-file $NOVA_LITE_CONF"
    run_process nl-img "$bin/nova-lite-image $conf"
    run_process nl-api "$bin/nova-lite-api $conf"
    run_process nl-cond "$bin/nova-lite-conductor $conf"
    run_process nl-sch "$bin/nova-lite-scheduler $conf"
    run_process nl-meta "$bin/nova-lite-metadata $conf"
    run_process nl-net "$bin/nova-lite-network $conf"
    run_process nl-cpu "$bin/nova-lite-compute $conf" $NOVA_LITE_LIBVIRT_GROUP
}

# The network servers get by default ("networks": "auto").
function create_nova_lite_network {
    if nova_lite_manage network list | awk 'NR > 1 {print $2}' \
            | grep -qx "$NOVA_LITE_NETWORK_NAME"; then
        return
    fi
    local args=(--name $NOVA_LITE_NETWORK_NAME --cidr $NOVA_LITE_NETWORK_CIDR
        --provider-network-type $NOVA_LITE_NETWORK_TYPE)
    if [[ $NOVA_LITE_NETWORK_TYPE != vxlan ]]; then
        args+=(--provider-physical-network $NOVA_LITE_NETWORK_PHYSNET)
    fi
    if [[ -n $NOVA_LITE_NETWORK_SEGMENT ]]; then
        args+=(--provider-segment $NOVA_LITE_NETWORK_SEGMENT)
    fi
    if [[ $NOVA_LITE_NETWORK_SNAT == True ]]; then
        args+=(--snat)
    fi
    nova_lite_manage network create "${args[@]}"
}

# The test guest in nl-img, public. NOTE: the image commands send
# $OS_AUTH_TOKEN; under Keystone it must be an administrator's.
function import_test_guest_nova_lite {
    local token=${OS_AUTH_TOKEN:-}
    wait_for_service 60 $NOVA_LITE_GLANCE_URL
    if is_service_enabled keystone; then
        token=$(openstack --os-cloud devstack-admin token issue -f value -c id)
    fi
    OS_AUTH_TOKEN=$token nova_lite_manage image import-test-guest
}

function stop_nova_lite {
    local service
    for service in $NOVA_LITE_SERVICES; do
        stop_process $service
    done
    if is_service_enabled nl-cpu; then
        nova_lite_destroy_guests
    fi
}

# An extended regular expression of the domain names [DEFAULT]
# instance_name_template gives: its text, any printf conversion of the
# instance's id as hexadecimal digits.
function nova_lite_domain_pattern {
    local template=$1
    echo "^$(sed -e 's/[].[^$*+?(){}|\\]/\\&/g' \
        -e 's/%[-#0 +]*[0-9]*[diuxX]/[0-9a-fA-F]+/g' <<< "$template")\$"
}

# The guests of nova-lite on this host: destroyed and undefined, as
# devstack's Nova does with its own.
function nova_lite_destroy_guests {
    local virsh="sudo virsh -c $NOVA_LITE_LIBVIRT_URI"
    local template pattern domain
    template=$(iniget $NOVA_LITE_CONF DEFAULT instance_name_template 2>/dev/null)
    pattern=$(nova_lite_domain_pattern "${template:-instance-%08x}")
    for domain in $($virsh list --all --name | grep -E "$pattern"); do
        $virsh destroy $domain || true
        $virsh undefine --managed-save --nvram $domain || \
            $virsh undefine --managed-save $domain || true
    done
}

# What nova-lite's networks left on this host: the network host's part
# (bridges, uplinks, dnsmasq, gateway addresses, NAT rules, from its
# records in state_path) and a compute's bridges and their VXLAN and VLAN
# uplinks.
function nova_lite_remove_networks {
    local prefix bridge device
    sudo $NOVA_LITE_BIN_DIR/nova-lite-manage --config-file $NOVA_LITE_CONF \
        network teardown-host || true
    prefix=$(iniget $NOVA_LITE_CONF network bridge_prefix 2>/dev/null)
    prefix=${prefix:-brq}
    for bridge in $(ip -o link show type bridge | awk -F': ' '{print $2}' \
            | cut -d@ -f1 | grep "^$prefix"); do
        for device in $(ip -o link show master $bridge \
                | awk -F': ' '{print $2}' | cut -d@ -f1); do
            case $device in
                vxlan-*|*.*) sudo ip link delete $device || true ;;
            esac
        done
        sudo ip link delete $bridge || true
    done
}

function nova_lite_drop_database {
    # NOTE: clean.sh stops the database server before this (unstack.sh
    # --all) and removes it after; the drop matters for a database that
    # stays (another DATABASE_HOST).
    local name
    for name in $NOVA_LITE_DB_NAME $NOVA_LITE_IMAGE_DB_NAME; do
        case $DATABASE_TYPE in
            mysql)
                mysql -u$DATABASE_USER -p$DATABASE_PASSWORD -h$MYSQL_HOST \
                    -e "DROP DATABASE IF EXISTS $name;" || true
                ;;
            postgresql)
                psql -h$DATABASE_HOST -U$DATABASE_USER -dtemplate1 \
                    -c "DROP DATABASE IF EXISTS $name" || true
                ;;
        esac
    done
}

function cleanup_nova_lite {
    if [[ -f $NOVA_LITE_CONF ]] && is_service_enabled nl-net nl-cpu; then
        nova_lite_remove_networks
    fi
    if nova_lite_is_controller; then
        nova_lite_drop_database
    fi
    sudo rm -rf $NOVA_LITE_STATE_PATH $NOVA_LITE_CONF_DIR
    sudo rm -f $NOVA_LITE_SUDOERS
}


if is_service_enabled $NOVA_LITE_SERVICES; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing nova-lite"
        install_nova_lite
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Configuring nova-lite"
        configure_nova_lite
    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        echo_summary "Starting nova-lite"
        if nova_lite_is_controller; then
            init_nova_lite
        fi
        start_nova_lite
        if nova_lite_is_controller && [[ $NOVA_LITE_CREATE_NETWORK == True ]]; then
            create_nova_lite_network
        fi
        if is_service_enabled nl-img && [[ $NOVA_LITE_IMPORT_TEST_GUEST == True ]]; then
            import_test_guest_nova_lite
        fi
    fi

    if [[ "$1" == "unstack" ]]; then
        stop_nova_lite
    fi

    if [[ "$1" == "clean" ]]; then
        cleanup_nova_lite
    fi
fi

$_XTRACE_NOVA_LITE
