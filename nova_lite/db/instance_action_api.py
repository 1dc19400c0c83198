"""The database door of instance actions and their events, paged too
(os-instance-actions 2.58 and 2.66)."""

import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception


def action_start(values):
    with db_api.transaction() as session:
        row = models.InstanceAction(**values)
        session.add(row)
        session.flush()
        return row


def _action_by_request(session, instance_uuid, request_id):
    return session.scalars(
        sa.select(models.InstanceAction)
        .filter_by(instance_uuid=instance_uuid, request_id=request_id)
        .order_by(models.InstanceAction.id.desc())).first()


def action_get_by_request_id(instance_uuid, request_id):
    with db_api.transaction() as session:
        return _action_by_request(session, instance_uuid, request_id)


def action_get_by_instance(instance_uuid):
    with db_api.transaction() as session:
        return list(session.scalars(
            sa.select(models.InstanceAction)
            .filter_by(instance_uuid=instance_uuid)
            .order_by(models.InstanceAction.id.desc())))


@db_api.retry_on_conflict
def action_event_start(instance_uuid, request_id, event, host,
                       start_time=None):
    with db_api.transaction() as session:
        action = _action_by_request(session, instance_uuid, request_id)
        if action is None:
            raise exception.InstanceActionNotFound(
                request_id=request_id, instance_uuid=instance_uuid)
        row = models.InstanceActionEvent(
            action_id=action.id, event=event, host=host,
            start_time=start_time or db_api.now())
        session.add(row)
        action.updated_at = db_api.now()
        session.flush()
        return row


@db_api.retry_on_conflict
def action_event_finish(instance_uuid, request_id, event, result,
                        traceback=None, details=None):
    with db_api.transaction() as session:
        action = _action_by_request(session, instance_uuid, request_id)
        if action is None:
            raise exception.InstanceActionNotFound(
                request_id=request_id, instance_uuid=instance_uuid)
        row = session.scalars(
            sa.select(models.InstanceActionEvent)
            .filter_by(action_id=action.id, event=event)
            .order_by(models.InstanceActionEvent.id.desc())).first()
        now = db_api.now()
        if row is None:
            row = models.InstanceActionEvent(action_id=action.id,
                                             event=event, start_time=now)
            session.add(row)
        row.finish_time = now
        row.result = result
        row.traceback = traceback
        row.details = details
        action.updated_at = now
        if result.lower() == 'error':
            action.message = 'Error'
        session.flush()
        return row


def action_events_get(action_id):
    with db_api.transaction() as session:
        return list(session.scalars(
            sa.select(models.InstanceActionEvent)
            .filter_by(action_id=action_id)
            .order_by(models.InstanceActionEvent.id)))


def _changed_at():
    # NOTE: an action without events was never updated: its creation is
    # its last change.
    return sa.func.coalesce(models.InstanceAction.updated_at,
                            models.InstanceAction.created_at)


def action_get_page(instance_uuid, limit=None, marker=None,
                    changes_since=None, changes_before=None):
    """The actions of an instance, newest first.

    :param marker: the request id of the last action of the previous page.
    :param changes_since, changes_before: bounds (inclusive) on the time
        an action last changed.
    :raises: MarkerNotFound for a marker the instance has no action of.
    """
    action = models.InstanceAction
    with db_api.transaction() as session:
        query = sa.select(action).filter_by(instance_uuid=instance_uuid)
        if changes_since is not None:
            query = query.where(_changed_at() >= changes_since)
        if changes_before is not None:
            query = query.where(_changed_at() <= changes_before)
        if marker is not None:
            marker_row = session.scalars(
                sa.select(action).filter_by(instance_uuid=instance_uuid,
                                            request_id=marker)
                .order_by(action.id.desc())).first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(action.id < marker_row.id)
        query = query.order_by(action.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return list(session.scalars(query))
