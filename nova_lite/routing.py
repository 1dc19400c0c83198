"""The route table both WSGI apps share: path -> {method: (controller,
action)}, one controller instance per class, matched with ``routes``.

A route may name a tuple of controller classes instead of one: its
resource then serves the first and dispatches the others' server actions
too (Nova's ``POST /servers/{id}/action``).

Each app keeps its own answers for an unknown path or method, since the
Compute API and the image service word their errors differently.
"""

import routes


class RouteTable:
    """Connect every path of ``route_list`` once, and under each prefix.

    :param route_list: (path, {method: (controller class, action)}) pairs;
        a tuple of classes in place of one class is served by one resource.
    :param make_resource: wraps controller instances (one, or those of a
        tuple in order) as a WSGI app.
    :param prefixes: route templates also placed in front of each path
        (e.g. an optional project id); plain paths are connected first so
        a literal segment wins over a prefix that happens to look alike.
    """

    def __init__(self, route_list, make_resource, prefixes=()):
        self.map = routes.Mapper()
        controllers = {}
        resources = {}
        self._handlers = {}

        def controller(cls):
            if cls not in controllers:
                controllers[cls] = cls()
            return controllers[cls]

        for path, methods in route_list:
            handlers = {}
            for method, (controller_spec, action) in methods.items():
                if controller_spec not in resources:
                    classes = (controller_spec
                               if isinstance(controller_spec, tuple)
                               else (controller_spec,))
                    resources[controller_spec] = make_resource(
                        *[controller(cls) for cls in classes])
                handlers[method] = (resources[controller_spec], action)
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
