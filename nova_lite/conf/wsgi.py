"""Options of the [wsgi] group: how the HTTP services serve their clients.

They apply to every eventlet.wsgi server of nova-lite: the Compute API,
the metadata API and the image service.
"""

from oslo_config import cfg

wsgi_group = cfg.OptGroup('wsgi', title='WSGI server options',
                          help='How the HTTP services serve their clients.')

wsgi_opts = [
    cfg.IntOpt('default_pool_size',
               default=1000, min=1,
               help="""
Client connections each HTTP server serves at once (Nova's option and
default). When all are taken, a new client does not wait: the connection
idle between requests the longest is closed to make room for it, so idle
clients cannot lock the others out.

Related options:

* ``client_socket_timeout``: how long an idle connection lives anyway.
"""),
    cfg.IntOpt('client_socket_timeout',
               default=60, min=0,
               help="""
Seconds a client connection may stay silent before the server closes it:
idle between requests (keep-alive), or stalled in the middle of sending a
request or reading an answer. 0 waits forever.

Nova's default is 900; nova-lite's is 60, so that a crowd of idle or
trickling clients frees its connections within a minute. HTTP clients
reconnect by themselves for their next request; raise it only for a
client that sends a large upload slower than one packet a minute.
"""),
    cfg.IntOpt('max_header_line',
               default=16384, min=1,
               help="""
Longest header line, in bytes, a request may carry; a longer one is
answered 400 in the service's own error format (Nova's option and
default). Keystone tokens carried in headers (PKI, Fernet with many
roles) are what may need more.
"""),
]


def register_opts(conf):
    conf.register_group(wsgi_group)
    conf.register_opts(wsgi_opts, group=wsgi_group)


def list_opts():
    return {wsgi_group: wsgi_opts}
