"""The createBackup server action: a snapshot kept in rotation."""

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import create_backup as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.policies import create_backup as cb_policies


class CreateBackupController(wsgi.Controller):
    """Backs a server up into an image, keeping ``rotation`` of a type."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 404, 409))
    @wsgi.action('createBackup')
    @validation.schema(schema.create_backup)
    @validation.response_body_schema(schema.create_backup_response,
                                     None, '2.44')
    @validation.response_body_schema(schema.create_backup_response_v245,
                                     '2.45')
    def _create_backup(self, req, id, body):
        """Back a server up; the oldest backups of the same
        ``backup_type`` beyond ``rotation`` are deleted once it is done.

        Before 2.45 the answer is 202 with the image's URL in
        ``Location`` (none when ``rotation`` is 0); from 2.45 a body
        ``{"image_id": ...}`` instead.
        """
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, id)
        context.can(cb_policies.BASE_POLICY_NAME,
                    target={'project_id': instance.project_id})
        entity = body['createBackup']
        rotation = int(entity['rotation'])
        metadata = entity.get('metadata', {})
        common.check_image_metadata_quota(req, self.compute_api, context,
                                          metadata)
        image = common.act_on_instance(
            'createBackup', id, self.compute_api.backup, context, instance,
            common.normalize_name(entity['name']), entity['backup_type'],
            rotation, metadata)
        image_id = str(image['id'])
        if api_version_request.is_supported(req, '2.45'):
            return wsgi.ResponseObject({'image_id': image_id}, code=202)
        response = wsgi.ResponseObject(None, code=202)
        if rotation > 0:
            response['Location'] = common.url_join(req.application_url,
                                                   'images', image_id)
        return response
