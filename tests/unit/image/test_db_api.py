"""The image service's database functions on its own migrated database."""

import pytest

from nova_lite.image.service.db import api as image_api
from nova_lite import exception

IDS = ['00000000-0000-4000-8000-00000000000%d' % i for i in range(6)]


def _create(i, **values):
    values.setdefault('status', 'queued')
    values.setdefault('visibility', 'shared')
    values.setdefault('owner', 'p1')
    return image_api.image_create(dict(id=IDS[i], **values))


def test_create_get_update_destroy(image_database):
    image = image_api.image_create(
        {'id': IDS[0], 'status': 'queued', 'visibility': 'private',
         'owner': 'p1', 'name': 'n'}, {'hw_a': '1'}, ['t'])
    assert image['properties'] == {'hw_a': '1'}
    assert image['tags'] == ['t']
    assert image_api.image_get(IDS[0], 'p1') == image
    with pytest.raises(exception.ImageNotFound):
        image_api.image_get(IDS[0], 'p2')
    updated = image_api.image_update(IDS[0], {'name': 'm'},
                                     properties={'hw_b': '2'},
                                     tags=['u', 'v'])
    assert (updated['name'], updated['properties'], updated['tags']) == (
        'm', {'hw_b': '2'}, ['u', 'v'])
    with pytest.raises(exception.Conflict):
        image_api.image_update(IDS[0], {'status': 'active'},
                               from_state='saving')
    image_api.image_destroy(IDS[0])
    with pytest.raises(exception.ImageNotFound):
        image_api.image_get(IDS[0])
    with pytest.raises(exception.ImageNotFound):
        image_api.image_destroy(IDS[0])


def test_duplicate_id_is_a_conflict(image_database):
    _create(0)
    with pytest.raises(exception.Conflict):
        _create(0)


def test_pages_by_size_with_nulls_never_overlap(image_database):
    for i, size in enumerate([5, None, 3, 5, None, 1]):
        _create(i, size=size)
    seen, marker = [], None
    while True:
        page = image_api.image_get_all(
            'p1', marker=marker, limit=2, sort_keys=['size'],
            sort_dirs=['asc'])
        if not page:
            break
        seen += page
        marker = page[-1]['id']
    assert [image['size'] for image in seen] == [None, None, 1, 3, 5, 5]
    assert len({image['id'] for image in seen}) == 6


def test_marker_must_be_visible(image_database):
    _create(0, owner='p2', visibility='private')
    with pytest.raises(exception.MarkerNotFound):
        image_api.image_get_all('p1', marker=IDS[0])
    assert image_api.image_get_all(None, marker=IDS[0]) == []


def test_status_transition_happens_once(image_database):
    _create(0)
    moved = image_api.image_update(IDS[0], {'status': 'saving'},
                                   from_state='queued')
    assert moved['status'] == 'saving'
    with pytest.raises(exception.Conflict):
        image_api.image_update(IDS[0], {'status': 'saving'},
                               from_state='queued')
    with pytest.raises(exception.ImageNotFound):
        image_api.image_update(IDS[1], {'status': 'saving'},
                               from_state='queued')
