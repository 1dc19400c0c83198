#!/usr/bin/env bash
# Makes sure the RabbitMQ, MariaDB and PostgreSQL servers the functional
# tests use are running on this machine (they are on CI and dev machines;
# this only restarts one that stopped).
set -uo pipefail

wait_port() {
    for _ in $(seq 1 60); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 1
    done
    echo "port $1 did not open" >&2
    return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5672 && command -v rabbitmq-server >/dev/null; then
    rabbitmq-server -detached
    wait_port 5672
fi
if ! port_open 3306 && [ -x /usr/sbin/mariadbd ]; then
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    wait_port 3306
fi
if ! port_open 5432 && command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    wait_port 5432
fi
# Each functional deployment runs several services with a connection pool
# each; MariaDB's default ceiling of 151 is too low for a run of them.
if port_open 3306 && command -v mysql >/dev/null; then
    mysql -uroot -h 127.0.0.1 -e \
        'SET GLOBAL max_connections = GREATEST(@@max_connections, 1000)' \
        2>/dev/null || true
fi
exit 0
