"""The RequestContext: who is asking, carried from the API to every service."""

from oslo_context import context

from nova_lite import policy


class RequestContext(context.RequestContext):
    """Identity, roles and request id of one API request.

    It crosses RPC through ``to_dict``/``from_dict`` (see ``rpc.py``), so the
    request id of the API call shows in the logs of every service it touches.
    """

    def __init__(self, *args, read_deleted='no', service_catalog=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.read_deleted = read_deleted
        self.service_catalog = service_catalog or []
        if self.is_admin is None:
            self.is_admin = policy.check_is_admin(self)

    def to_dict(self):
        values = super().to_dict()
        values.update(read_deleted=self.read_deleted,
                      service_catalog=self.service_catalog,
                      user_id=self.user_id, project_id=self.project_id)
        return values

    @classmethod
    def from_dict(cls, values):
        return super().from_dict(
            values, read_deleted=values.get('read_deleted', 'no'),
            service_catalog=values.get('service_catalog'),
            user_id=values.get('user_id'),
            project_id=values.get('project_id'),
            is_admin=values.get('is_admin'))

    def elevated(self, read_deleted=None):
        """A copy with admin rights, for internal work on behalf of a user."""
        ctx = self.from_dict(self.to_dict())
        ctx.is_admin = True
        if 'admin' not in ctx.roles:
            ctx.roles = list(ctx.roles) + ['admin']
        if read_deleted is not None:
            ctx.read_deleted = read_deleted
        return ctx

    def can(self, action, target=None, fatal=True):
        """Check policy ``action``; raise PolicyNotAuthorized when denied."""
        if target is None:
            target = {'project_id': self.project_id, 'user_id': self.user_id}
        return policy.authorize(self, action, target, fatal=fatal)


def get_admin_context(read_deleted='no'):
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          roles=['admin'], read_deleted=read_deleted,
                          overwrite=False)
