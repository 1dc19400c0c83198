"""The server-group API: the project's groups, their quota, and joining
one at boot."""

from oslo_utils import uuidutils

from nova_lite import conf
from nova_lite import exception
from nova_lite import objects
from nova_lite import quota

CONF = conf.CONF


class ServerGroupAPI:
    """Server groups: the project's, their quota, and joining one at boot.
    """

    @staticmethod
    def get(context, group_uuid):
        """A group the caller may see (any project's for an admin).

        :raises: InstanceGroupNotFound
        """
        if not uuidutils.is_uuid_like(group_uuid):
            raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
        project_id = None if context.is_admin else context.project_id
        return objects.InstanceGroup.get_by_uuid(context, group_uuid,
                                                 project_id=project_id)

    @staticmethod
    def get_all(context, all_projects=False, limit=None, offset=None):
        """The project's groups, or every project's; at most ``[api]
        max_limit`` of them."""
        max_limit = CONF.api.max_limit
        limit = max_limit if limit is None else min(limit, max_limit)
        return objects.InstanceGroupList.get_all(
            context, project_id=None if all_projects else context.project_id,
            limit=limit, offset=offset)

    @staticmethod
    def create(context, name, policy, rules):
        """:raises: ServerGroupLimitExceeded (403) past the quota."""
        limit = quota.limit_of(context.project_id, 'server_groups')
        if limit >= 0 and objects.InstanceGroupList.get_count_by_project(
                context, context.project_id) >= limit:
            raise exception.ServerGroupLimitExceeded()
        group = objects.InstanceGroup(
            context=context, name=name, user_id=context.user_id,
            project_id=context.project_id, policy=policy, rules=rules)
        group.create()
        return group

    @staticmethod
    def delete(context, group):
        group.destroy()

    @classmethod
    def get_for_create(cls, context, scheduler_hints, max_count):
        """The group a server create asks to join (hint ``group``), or None.

        :raises: InstanceGroupNotFoundForCreate (400) for a group the
            caller cannot see, ServerGroupMembersLimitExceeded (403) when
            ``max_count`` more members would pass the user's quota.
        """
        hint = (scheduler_hints or {}).get('group')
        if isinstance(hint, list):
            hint = hint[0] if hint else None
        if not hint:
            return None
        try:
            group = cls.get(context, hint)
        except exception.InstanceGroupNotFound:
            raise exception.InstanceGroupNotFoundForCreate(group_uuid=hint)
        limit = quota.limit_of(context.project_id, 'server_group_members')
        if limit >= 0 and objects.InstanceGroup.get_member_count(
                context, group.uuid, user_id=context.user_id) + \
                max_count > limit:
            raise exception.ServerGroupMembersLimitExceeded()
        return group
