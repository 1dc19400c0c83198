"""The route table both WSGI apps share: path -> {method: (controller,
action)}, one controller instance per class, matched with ``routes``.

Each app keeps its own answers for an unknown path or method, since the
Compute API and the image service word their errors differently.
"""

import routes


class RouteTable:
    """Connect every path of ``route_list`` once, and under each prefix.

    :param route_list: (path, {method: (controller class, action)}) pairs.
    :param make_resource: wraps a controller instance as a WSGI app.
    :param prefixes: route templates also placed in front of each path
        (e.g. an optional project id); plain paths are connected first so
        a literal segment wins over a prefix that happens to look alike.
    """

    def __init__(self, route_list, make_resource, prefixes=()):
        self.map = routes.Mapper()
        resources = {}
        self._handlers = {}
        for path, methods in route_list:
            handlers = {}
            for method, (controller_cls, action) in methods.items():
                if controller_cls not in resources:
                    resources[controller_cls] = make_resource(
                        controller_cls())
                handlers[method] = (resources[controller_cls], action)
            self._handlers[path] = handlers
        # NOTE: routes keeps only strings in a match, so a route carries
        # its path and the handlers are looked up by it.
        for path in self._handlers:
            self.map.connect(path, _route=path)
        for prefix in prefixes:
            for path in self._handlers:
                self.map.connect(prefix + path.rstrip('/'), _route=path)

    def match(self, path_info):
        """``(handlers by method, routing arguments)``, or (None, None)."""
        match = self.map.match(path_info)
        if match is None:
            return None, None
        return self._handlers[match.pop('_route')], match
