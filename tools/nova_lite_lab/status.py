"""``tools/lab status``: what runs, what answers, what is down."""

import json

from nova_lite_lab import consts
from nova_lite_lab import hosts
from nova_lite_lab import layout
from nova_lite_lab import net
from nova_lite_lab import system


def process_status(lab, host, name):
    record = lab.pid(host, name)
    return {'pid': record[0] if record else None,
            'alive': system.alive(record), 'log': lab.log_path(host, name)}


def collect_status(lab):
    """The lab's state as a dict; ``problems`` lists what is down."""
    problems = []
    status = {'state_dir': lab.state_dir, 'lab': lab.exists,
              'api': lab.api_endpoint, 'problems': problems}
    if not lab.exists:
        problems.append('no lab in %s' % lab.state_dir)
        return status
    services = {}
    for service in consts.CONTROLLER_SERVICES:
        info = process_status(lab, consts.CONTROLLER, service.name)
        info['script'] = service.script
        if info['pid'] is None and service.optional:
            info['note'] = 'not installed when the lab came up'
        elif not info['alive']:
            problems.append('controller: %s is not running'
                            % service.script)
        services[service.name] = info
    status['controller'] = {'ip': lab.controller_ip, 'services': services}
    api = hosts.compute_services(lab)
    if api is None:
        problems.append('the Compute API does not answer')
    spaces = net.netns_list()
    status['hosts'] = {host: compute_status(lab, host, spaces, api, problems)
                       for host in lab.computes()}
    return status


def compute_status(lab, host, spaces, api, problems):
    """One compute host's processes, libvirtd and service state.

    :param api: {host: os-services entry}, None if the API is down.
    """
    info = {'ip': lab.host_ip(host), 'netns': net.netns(host) in spaces}
    if not info['netns']:
        problems.append('%s: netns %s is missing' % (host, net.netns(host)))
    for name in ('holder', 'virtlogd', 'libvirtd', 'compute'):
        info[name] = process_status(lab, host, name)
        if not info[name]['alive']:
            problems.append('%s: %s is not running' % (host, name))
    info['libvirt_answering'] = False
    info['domains'] = None
    if info['libvirtd']['alive']:
        out = hosts.virsh(lab, host, 'list', '--all', '--name',
                          check=False, timeout=15)
        if out.returncode == 0:
            info['libvirt_answering'] = True
            info['domains'] = len(out.stdout.split())
    if not info['libvirt_answering']:
        problems.append('%s: libvirtd does not answer' % host)
    service = (api or {}).get(host, {})
    info['service_state'] = service.get('state')
    info['service_status'] = service.get('status')
    if api is not None and service.get('state') != 'up':
        problems.append('%s: the compute service is %s'
                        % (host, service.get('state', 'unregistered')))
    return info


def cmd_status(args):
    lab = layout.Lab(args.state_dir)
    status = collect_status(lab)
    if args.json:
        status['ok'] = not status['problems']
        print(json.dumps(status, indent=2, sort_keys=True))
        return 1 if status['problems'] else 0
    if not lab.exists:
        print('No lab in %s' % lab.state_dir)
        return 1
    print('Lab in %s; API %s' % (lab.state_dir, lab.api_endpoint))
    ctl = status['controller']
    print('controller %s' % ctl['ip'])
    for service in ctl['services'].values():
        print('  %-20s %s' % (service['script'], _proc_line(service)))
    for host, info in status['hosts'].items():
        print('%s %s  netns %s  compute service %s/%s  domains %s' % (
            host, info['ip'], 'present' if info['netns'] else 'MISSING',
            info['service_state'], info['service_status'],
            info['domains'] if info['domains'] is not None else '?'))
        for name in ('holder', 'virtlogd', 'libvirtd', 'compute'):
            extra = ''
            if name == 'libvirtd':
                extra = (', answering' if info['libvirt_answering']
                         else ', NOT answering')
            print('  %-20s %s%s' % (name, _proc_line(info[name]), extra))
    if status['problems']:
        print('DOWN: ' + '; '.join(status['problems']))
        return 1
    print('OK')
    return 0


def _proc_line(info):
    if info['pid'] is None:
        return info.get('note', 'not started')
    return 'pid %-7d %s' % (info['pid'],
                            'running' if info['alive'] else 'DEAD')
