"""A multi-node nova-lite lab on one Linux machine: ``tools/lab``.

As root, ``up`` stands up a controller in the root network namespace (it
uses the machine's RabbitMQ and MariaDB or PostgreSQL on 127.0.0.1) and N
compute hosts ``cpu1..cpuN``, each in a network + mount + UTS namespace of
its own with its own libvirtd, virtlogd, hostname, ``my_ip`` and
instance directory, joined to the controller by veth pairs on a lab
bridge::

    root namespace (controller, my_ip 10.233.0.1)
      nl-lab   bridge 10.233.0.1/24  <- nl-cpuN-l  == eth0 10.233.0.(10+N)
      nl-phys  bridge, no IP         <- nl-cpuN-p  == eth1 (physnet1)
                                     <- nl-ctl-p   == nlphys-ctl (the
                                        controller's physnet1 interface)
      nova-lite-{image,api,conductor,scheduler,metadata,network}
    netns nl-cpuN + a mount and UTS namespace held by a "holder" process
      hostname cpuN; tmpfs /run; per-host /var/lib/libvirt,
      /var/log/libvirt, /var/cache/libvirt, /etc/libvirt, /etc/hosts and
      /var/lib/nova-lite (the compute's state_path)
      virtlogd, libvirtd --listen, nova-lite-compute

Computes reach RabbitMQ, which listens on 127.0.0.1 only, through a DNAT
of 10.233.0.1:5672 on nl-lab (``route_localnet``); the lab has a RabbitMQ
vhost and a database of its own. Everything the lab makes is recorded in
its state directory (default /var/tmp/nova-lite-lab): ``lab.json``, each
host's config (``<host>/nova-lite.conf`` and ``nova-lite.conf.d/``),
logs (``<host>/logs/``) and pid files (``<host>/pids/``). ``down``
removes all of it, also from a lab that was made only half way.

The API and the image service run noauth (``X-Auth-Token admin:admin``),
or, with ``up --keystone FILE``, validate tokens with a Keystone the
controller reaches (its ``[keystone_authtoken]`` from FILE); the lab's
own calls (is every compute up? the test guest's import) then take a
token of FILE's admin. ``tools/run-tempest.py --lab`` (``tox -e
tempest-libvirt``) runs tempest against such a lab.

One lab per machine: its bridge, namespace, vhost and database names are
fixed (the bridge's alias names the state directory of the lab that owns
it).
"""
