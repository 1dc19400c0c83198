"""What the benchmarks share: an HTTP client for the Compute API, the
percentile they report, the table they print, and their common
options."""

import argparse
import json
import statistics
import threading

import requests

HTTP_TIMEOUT = 60


class ApiClient:
    """Compute API requests with one keep-alive session per thread."""

    def __init__(self, endpoint, token, microversion):
        self.endpoint = endpoint.rstrip('/')
        self.headers = {'X-Auth-Token': token,
                        'Accept': 'application/json',
                        'Content-Type': 'application/json'}
        if microversion:
            self.headers['OpenStack-API-Version'] = 'compute ' + microversion
            self.headers['X-OpenStack-Nova-API-Version'] = microversion
        self._local = threading.local()

    @property
    def session(self):
        session = getattr(self._local, 'session', None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def request(self, method, path, body=None, params=None, expected=None):
        url = path if path.startswith('http') else self.endpoint + path
        response = self.session.request(
            method, url, params=params, headers=self.headers,
            data=json.dumps(body) if body is not None else None,
            timeout=HTTP_TIMEOUT)
        if expected and response.status_code not in expected:
            raise RuntimeError('%s %s -> %d: %s' % (
                method, url, response.status_code, response.text[:500]))
        return response


def percentile(values, pct):
    """Nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def print_table(title, rows):
    """``title``, then (figure, value, n, notes) rows in columns."""
    print('\n' + title)
    header = ('figure', 'value', 'n', 'notes')
    table = [header] + [tuple(str(c) for c in row) for row in rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for index, row in enumerate(table):
        print('  '.join(cell.ljust(width)
                        for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            print('  '.join('-' * width for width in widths))


def summary(note, label, values, detail=''):
    """Note the median and p95 of ``values`` (seconds) as two figures."""
    note('%s median (s)' % label, '%.2f' % statistics.median(values),
         len(values), detail)
    note('%s p95 (s)' % label, '%.2f' % percentile(values, 95),
         len(values))


def guest_parser(description):
    """An argument parser with the options of every real-guest benchmark:
    --endpoint, --token and --image (the test guest)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--endpoint', required=True,
                        help='compute endpoint, e.g. '
                             'http://127.0.0.1:8774/v2.1')
    parser.add_argument('--token', required=True,
                        help='X-Auth-Token (nova-lite noauth: user:project)')
    parser.add_argument('--image', required=True,
                        help='the test guest image (nova-lite-manage image '
                             'import-test-guest prints its id)')
    return parser


def add_wait_options(parser, poll_help='seconds between API polls'):
    """--poll and --timeout: how often and how long every wait polls."""
    parser.add_argument('--poll', type=float, default=0.1, help=poll_help)
    parser.add_argument('--timeout', type=float, default=300)
