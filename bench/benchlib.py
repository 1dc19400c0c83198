"""What the benchmarks share: an HTTP client for the Compute API, the
percentile they report, and the table they print."""

import json
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
