"""The instance-action API: the recorded actions of instances and their
events, as os-instance-actions reads them."""

from nova_lite import objects


class InstanceActionAPI:
    """The recorded actions of instances and their events."""

    def actions_get(self, context, instance, limit=None, marker=None,
                    filters=None):
        """:returns: the actions on ``instance``, newest first.

        :param limit, marker: paging (2.58): at most ``limit`` actions
            after the one of request id ``marker``.
        :param filters: ``changes-since``/``changes-before`` datetimes.
        :raises: MarkerNotFound for an unknown marker.
        """
        filters = filters or {}
        if limit is None and marker is None and not filters:
            return objects.InstanceActionList.get_by_instance_uuid(
                context, instance.uuid)
        return objects.InstanceActionList.get_page_by_instance_uuid(
            context, instance.uuid, limit=limit, marker=marker,
            changes_since=filters.get('changes-since'),
            changes_before=filters.get('changes-before'))

    def action_get_by_request_id(self, context, instance, request_id):
        """:returns: the action of ``request_id`` on ``instance``, or None."""
        return objects.InstanceAction.get_by_request_id(
            context, instance.uuid, request_id)

    def action_events_get(self, context, instance, action_id):
        """:returns: the events of action ``action_id``."""
        return objects.InstanceActionEventList.get_by_action(context,
                                                             action_id)
