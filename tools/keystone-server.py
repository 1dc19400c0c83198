"""Serves Keystone's WSGI application over HTTP for the functional tests.

Run by the Python of Keystone's own virtualenv (tools/install-keystone.sh),
never imported by nova-lite's: ``python keystone-server.py HOST PORT``.
Keystone finds its configuration file through ``OS_KEYSTONE_CONFIG_FILES``.

NOTE: the standard library's WSGI server, one thread per request: enough
for tests, nothing to build, and auth_token's validation calls never queue
behind a slow client request.
"""

import socketserver
import sys
from wsgiref import simple_server


class ThreadingWSGIServer(socketserver.ThreadingMixIn,
                          simple_server.WSGIServer):
    daemon_threads = True


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    # NOTE: Keystone parses the command line as its own options.
    del sys.argv[1:]
    from keystone.wsgi import api
    server = simple_server.make_server(host, port, api.application,
                                       server_class=ThreadingWSGIServer)
    print('Keystone listening on http://%s:%d' % (host, port), flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()
