#!/bin/bash
# devstack plugin for nova-lite: installs the package, writes one config
# file shared by every service on the node, syncs the database on the
# controller and runs each enabled service under devstack's process manager.
# nl-img (nova-lite-image) runs on the controller; every node reaches it
# through [glance] api_servers, as Nova reaches Glance.

function install_nova_lite {
    setup_develop $NOVA_LITE_DIR libvirt
}

function configure_nova_lite {
    sudo install -d -o $STACK_USER $NOVA_LITE_CONF_DIR $NOVA_LITE_STATE_PATH
    rm -f $NOVA_LITE_CONF
    iniset $NOVA_LITE_CONF DEFAULT state_path $NOVA_LITE_STATE_PATH
    iniset $NOVA_LITE_CONF DEFAULT host $(hostname)
    iniset $NOVA_LITE_CONF DEFAULT my_ip $HOST_IP
    iniset $NOVA_LITE_CONF DEFAULT compute_driver $NOVA_LITE_VIRT_DRIVER
    iniset $NOVA_LITE_CONF DEFAULT osapi_compute_listen_port $NOVA_LITE_API_PORT
    iniset_rpc_backend nova-lite $NOVA_LITE_CONF DEFAULT
    iniset $NOVA_LITE_CONF libvirt virt_type $NOVA_LITE_VIRT_TYPE
    iniset $NOVA_LITE_CONF libvirt connection_uri qemu:///system
    iniset $NOVA_LITE_CONF glance api_servers $NOVA_LITE_GLANCE_URL
    iniset $NOVA_LITE_CONF image_service bind_port $NOVA_LITE_IMAGE_PORT
    # Networks span the nodes over VXLAN between their HOST_IPs; the
    # network host (nl-net) and the metadata API (nl-meta) sit on the
    # controller and share the proxies' secret.
    iniset $NOVA_LITE_CONF network local_ip $HOST_IP
    iniset $NOVA_LITE_CONF metadata nova_metadata_host $SERVICE_HOST
    iniset $NOVA_LITE_CONF metadata metadata_proxy_shared_secret \
        $NOVA_LITE_METADATA_SECRET
    if is_service_enabled nl-api nl-cond nl-sch nl-img nl-meta nl-net; then
        iniset $NOVA_LITE_CONF database connection \
            $(database_connection_url nova_lite)
    fi
}

function init_nova_lite {
    if is_service_enabled nl-api; then
        recreate_database nova_lite
        $NOVA_LITE_BIN_DIR/nova-lite-manage --config-file $NOVA_LITE_CONF db sync
        $NOVA_LITE_BIN_DIR/nova-lite-manage --config-file $NOVA_LITE_CONF bootstrap
    fi
}

function start_nova_lite {
    local bin=$NOVA_LITE_BIN_DIR
    run_process nl-api "$bin/nova-lite-api --config-file $NOVA_LITE_CONF"
    run_process nl-cond "$bin/nova-lite-conductor --config-file $NOVA_LITE_CONF"
    run_process nl-sch "$bin/nova-lite-scheduler --config-file $NOVA_LITE_CONF"
    run_process nl-img "$bin/nova-lite-image --config-file $NOVA_LITE_CONF"
    run_process nl-meta "$bin/nova-lite-metadata --config-file $NOVA_LITE_CONF"
    # NOTE: bridges, dnsmasq and iptables need root until the privileged
    # operations go through oslo.privsep.
    run_process nl-net "sudo $bin/nova-lite-network --config-file $NOVA_LITE_CONF"
    run_process nl-cpu "$bin/nova-lite-compute --config-file $NOVA_LITE_CONF" \
        $LIBVIRT_GROUP
}

function import_test_guest_nova_lite {
    if is_service_enabled nl-img && [[ "$NOVA_LITE_IMPORT_TEST_GUEST" == "True" ]]; then
        wait_for_service 60 $NOVA_LITE_GLANCE_URL
        $NOVA_LITE_BIN_DIR/nova-lite-manage --config-file $NOVA_LITE_CONF \
            image import-test-guest
    fi
}

function stop_nova_lite {
    local service
    for service in nl-api nl-cond nl-sch nl-img nl-meta nl-net nl-cpu; do
        stop_process $service
    done
}

NOVA_LITE_BIN_DIR=$(get_python_exec_prefix)

if [[ "$1" == "stack" && "$2" == "install" ]]; then
    install_nova_lite
elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
    configure_nova_lite
elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
    init_nova_lite
    start_nova_lite
    import_test_guest_nova_lite
fi
if [[ "$1" == "unstack" ]]; then
    stop_nova_lite
fi
