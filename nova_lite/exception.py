"""Every error nova-lite raises. API-facing errors carry their HTTP code.

The API's fault handler turns any of these with a code below 500 into
Nova's fault body; anything else is a logged 500 and a bug.
"""

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


class NovaException(Exception):
    """Base error: ``msg_fmt`` formatted with the keyword arguments."""

    msg_fmt = 'An unknown exception occurred.'
    code = 500
    headers = {}
    safe = False

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        self.kwargs.setdefault('code', self.code)
        if not message:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError, ValueError):
                # NOTE: a wrong argument set is a bug in the raiser; keep
                # the template rather than lose the original error.
                LOG.exception('Bad arguments for %s: %s',
                              self.__class__.__name__, kwargs)
                message = self.msg_fmt
        self.message = message
        super().__init__(message)

    def format_message(self):
        return self.args[0] if self.args else self.message


# ---- 400 -------------------------------------------------------------------

class Invalid(NovaException):
    msg_fmt = 'Bad request: %(reason)s'
    code = 400


class ValidationError(Invalid):
    msg_fmt = '%(detail)s'


class ResponseValidationError(NovaException):
    msg_fmt = ('The response of %(method)s does not match its schema: '
               '%(detail)s')


class InvalidInput(Invalid):
    msg_fmt = 'Invalid input received: %(reason)s'


class InvalidParameterValue(Invalid):
    msg_fmt = '%(err)s'


class InvalidAPIVersionString(Invalid):
    msg_fmt = ('API Version String %(version)s is of invalid format. Must '
               'be of format MajorNum.MinorNum.')


class InvalidSortKey(Invalid):
    msg_fmt = 'Sort key supplied was not valid.'


class MarkerNotFound(Invalid):
    msg_fmt = 'Marker %(marker)s could not be found.'


class FlavorNotFoundForCreate(Invalid):
    msg_fmt = 'Flavor %(flavor_id)s could not be found.'


class ImageNotFoundForCreate(Invalid):
    msg_fmt = 'Can not find requested image'


class ImageNotActive(Invalid):
    msg_fmt = 'Image %(image_id)s is not active.'


class FlavorMemoryTooSmall(Invalid):
    msg_fmt = "Flavor's memory is too small for requested image."


class FlavorDiskTooSmall(Invalid):
    msg_fmt = "Flavor's disk is too small for requested image."


class InvalidMetadata(Invalid):
    msg_fmt = 'Invalid metadata: %(reason)s'


class InvalidKeypair(Invalid):
    msg_fmt = 'Keypair data is invalid: %(reason)s'


class KeypairNotFoundForCreate(Invalid):
    msg_fmt = 'Invalid key_name provided.'


class AvailabilityZoneNotFound(Invalid):
    msg_fmt = 'The requested availability zone is not available'


class InvalidFlavor(Invalid):
    msg_fmt = 'Invalid flavor: %(reason)s'


class SecurityGroupExistsForInstance(Invalid):
    msg_fmt = ('Security group %(security_group_id)s is already associated '
               'with the instance %(instance_id)s')


class SecurityGroupNotExistsForInstance(Invalid):
    msg_fmt = ('Security group %(security_group_id)s not associated with '
               'the instance %(instance_id)s')


class SecurityGroupNoPorts(Invalid):
    msg_fmt = ('Instance %(instance_id)s has no ports to put in a security '
               'group')


# ---- 403 -------------------------------------------------------------------

class Forbidden(NovaException):
    msg_fmt = 'Forbidden'
    code = 403


class PolicyNotAuthorized(Forbidden):
    msg_fmt = "Policy doesn't allow %(action)s to be performed."


class OverQuota(Forbidden):
    msg_fmt = ('Quota exceeded for %(resources)s: Requested %(req)s, but '
               'already used %(used)s of %(allowed)s %(resources)s')


class TooManyInstances(OverQuota):
    pass


class KeypairLimitExceeded(OverQuota):
    msg_fmt = 'Quota exceeded, too many key pairs.'


class MetadataLimitExceeded(OverQuota):
    msg_fmt = 'Quota exceeded for metadata items: %(allowed)d allowed.'


class OnsetFileLimitExceeded(OverQuota):
    msg_fmt = 'Personality file limit exceeded'


class OnsetFilePathLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = 'Personality file path exceeds maximum %(allowed)s'


class OnsetFileContentLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = 'Personality file content exceeds maximum %(allowed)s'


# ---- 404 -------------------------------------------------------------------

class NotFound(NovaException):
    msg_fmt = 'Resource could not be found.'
    code = 404


class InstanceNotFound(NotFound):
    msg_fmt = 'Instance %(instance_id)s could not be found.'


class SecurityGroupNotFound(NotFound):
    msg_fmt = 'Security group %(security_group_id)s not found.'


class InstanceTagNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s has no tag '%(tag)s'"


class FlavorNotFound(NotFound):
    msg_fmt = 'Flavor %(flavor_id)s could not be found.'


class FlavorExtraSpecsNotFound(NotFound):
    msg_fmt = ('Flavor %(flavor_id)s has no extra specs with key '
               '%(extra_specs_key)s.')


class KeypairNotFound(NotFound):
    msg_fmt = 'Keypair %(name)s not found for user %(user_id)s'


class ImageNotFound(NotFound):
    msg_fmt = 'Image %(image_id)s could not be found.'


class ComputeHostNotFound(NotFound):
    msg_fmt = 'Compute host %(host)s could not be found.'


class ComputeNodeNotFound(NotFound):
    msg_fmt = 'Compute node for host %(host)s could not be found.'


class ServiceNotFound(NotFound):
    msg_fmt = 'Service %(service_id)s could not be found.'


class RequestSpecNotFound(NotFound):
    msg_fmt = 'RequestSpec not found for instance %(instance_uuid)s.'


class InstanceActionNotFound(NotFound):
    msg_fmt = ('Action for request_id %(request_id)s on instance '
               '%(instance_uuid)s not found')


class VersionNotFoundForAPIMethod(NotFound):
    msg_fmt = 'API version %(version)s is not supported on this method.'


class InstanceNotFoundOnHypervisor(NotFound):
    msg_fmt = 'Instance %(instance_id)s is not running on this hypervisor.'


class ConsoleNotAvailable(NotFound):
    msg_fmt = 'Guest does not have a console available.'


# ---- 409 -------------------------------------------------------------------

class Conflict(NovaException):
    msg_fmt = 'Conflict: %(reason)s'
    code = 409


class ServiceExists(Conflict):
    msg_fmt = 'Service %(binary)s on host %(host)s exists already.'


class InstanceInvalidState(Conflict):
    msg_fmt = ('Instance %(instance_uuid)s in %(attr)s %(state)s. Cannot '
               '%(method)s while the instance is in this state.')


class InstanceIsLocked(InstanceInvalidState):
    msg_fmt = 'Instance %(instance_uuid)s is locked'


# NOTE: Nova derives this from Invalid (400) yet every controller answers
# it with 409; here the class carries the code the API gives.
class InstanceNotReady(Conflict):
    msg_fmt = 'Instance %(instance_id)s is not ready'


# NOTE: a conflict with the deployment's state: mid rolling upgrade, the
# receiving service may be of a release that lacks the method.
class RPCVersionCapped(Conflict):
    msg_fmt = ('%(method)s needs version %(version)s of the %(topic)s RPC '
               'API, but [upgrade_levels] %(topic)s caps it at %(cap)s: '
               'upgrade the %(topic)s services first, then raise the cap.')


class KeyPairExists(Conflict):
    msg_fmt = "Key pair '%(key_name)s' already exists."


class FlavorExists(Conflict):
    msg_fmt = 'Flavor with name %(name)s already exists.'


class FlavorIdExists(Conflict):
    msg_fmt = 'Flavor with ID %(flavor_id)s already exists.'


class UnexpectedTaskStateError(Conflict):
    msg_fmt = ('Conflict updating instance %(instance_uuid)s. Expected: '
               '%(expected)s. Actual: %(actual)s')


class UnexpectedDeletingTaskStateError(UnexpectedTaskStateError):
    pass


class UnexpectedVMStateError(Conflict):
    msg_fmt = ('Conflict updating instance %(instance_uuid)s. Expected '
               'vm_state: %(expected)s. Actual: %(actual)s')


class ResourceProviderGenerationConflict(Conflict):
    msg_fmt = ('Compute node %(host)s changed while resources were being '
               'claimed on it; try again.')


# ---- 406 -------------------------------------------------------------------

class InvalidGlobalAPIVersion(NovaException):
    msg_fmt = ('Version %(req_ver)s is not supported by the API. Minimum is '
               '%(min_ver)s and maximum is %(max_ver)s.')
    code = 406


# ---- internal (never shown to an API user as such) -------------------------

class NoValidHost(NovaException):
    msg_fmt = 'No valid host was found. %(reason)s'


class MaxRetriesExceeded(NoValidHost):
    msg_fmt = 'Exceeded maximum number of retries. %(reason)s'


class RescheduledException(NovaException):
    msg_fmt = ('Build of instance %(instance_uuid)s was re-scheduled: '
               '%(reason)s')


class BuildAbortException(NovaException):
    msg_fmt = 'Build of instance %(instance_uuid)s aborted: %(reason)s'


class ConductorTimeout(NovaException):
    msg_fmt = ('No conductor answered the %(method)s request in time; '
               'nothing was changed, try again later.')
    code = 503


class InstanceBuildTimeout(NovaException):
    msg_fmt = ('Instance build timed out after %(timeout)d seconds. Set to '
               'error state.')


class OrphanedBuild(NovaException):
    msg_fmt = ('Build of instance %(instance_uuid)s was lost before it '
               'reached a host (no host after %(seconds)d seconds): '
               '%(reason)s')


class InstanceExists(NovaException):
    msg_fmt = 'Instance %(name)s already exists.'


class HypervisorUnavailable(NovaException):
    msg_fmt = 'Connection to the hypervisor is broken on host %(host)s.'


class VirtDriverNotFound(NovaException):
    msg_fmt = ('Could not load virt driver %(name)s: it is not an '
               'importable nova_lite.compute.drivers entry point.')


class ImageServiceUnavailable(NovaException):
    msg_fmt = 'No image service answered: %(reason)s'
    code = 503


class ImageServiceRequestFailed(NovaException):
    msg_fmt = ('The image service answered %(method)s %(url)s with '
               '%(status)s: %(reason)s')
    code = 502


class ImageImportFailed(NovaException):
    msg_fmt = 'Import of %(path)s failed: %(reason)s'


class InternalError(NovaException):
    msg_fmt = '%(err)s'


class DBRetryExhausted(NovaException):
    msg_fmt = 'Database transaction kept losing races: %(reason)s'


class ObjectActionError(NovaException):
    msg_fmt = 'Object action %(action)s failed because: %(reason)s'


class InstanceDeployFailure(NovaException):
    msg_fmt = 'Failed to deploy instance: %(reason)s'


# ---- API request handling (appended by the API) ----------------------------

class InvalidContentType(Invalid):
    msg_fmt = 'Invalid content type %(content_type)s.'


class MalformedRequestBody(Invalid):
    msg_fmt = 'Malformed message body: %(reason)s'


class InvalidName(Invalid):
    msg_fmt = ("An invalid 'name' value was provided. The name must be: "
               "%(reason)s")


class ApiVersionsIntersect(NovaException):
    msg_fmt = ("Version of %(name)s %(min_ver)s %(max_ver)s intersects "
               "with another versions.")


# ---- scheduler (appended by the scheduler) ---------------------------------

class SchedulerPluginNotFound(NovaException):
    msg_fmt = ('Scheduler %(kind)s %(name)s could not be loaded: it is '
               'not an importable %(namespace)s entry point.')


# ---- images on a compute host (appended by the libvirt driver) -------------

class ImageUnacceptable(Invalid):
    msg_fmt = 'Image %(image_id)s is unacceptable: %(reason)s'


class ImageChecksumMismatch(NovaException):
    # NOTE: what went wrong before the long hashes: a fault keeps only
    # the first 255 characters.
    msg_fmt = ('Image %(image_id)s failed verification: the %(algo)s of the '
               'downloaded data does not match the image service\'s (got '
               '%(actual)s, expected %(expected)s).')


class FlavorDiskSmallerThanImage(FlavorDiskTooSmall):
    msg_fmt = ('Flavor\'s disk is too small for requested image. Flavor disk '
               'is %(flavor_size)i bytes, image is %(image_size)i bytes.')


class FlavorDiskSmallerThanMinDisk(FlavorDiskTooSmall):
    msg_fmt = ('Flavor\'s disk is too small for requested image. Flavor disk '
               'is %(flavor_size)i bytes, minimum size is %(image_min_disk)i '
               'bytes.')


# ---- networks (appended by networking) -------------------------------------

class NetworkNotFound(NotFound):
    msg_fmt = 'Network %(network_id)s could not be found.'


class PortNotFound(NotFound):
    msg_fmt = 'Port %(port_id)s could not be found.'


class FixedIpNotFoundForAddress(NotFound):
    msg_fmt = 'Fixed IP not found for address %(address)s.'


class FixedIpNotFoundForNetwork(NotFound):
    msg_fmt = ('Fixed IP address (%(address)s) does not exist in network '
               '(%(network_uuid)s).')


class FixedIpInvalid(Invalid):
    msg_fmt = 'Fixed IP address %(address)s is invalid.'


class FixedIpReserved(Invalid):
    msg_fmt = ('Fixed IP address %(address)s is the network, broadcast or '
               'gateway address of network %(network_uuid)s and cannot be '
               'given to a server.')


class InvalidFixedIpAndMaxCountRequest(Invalid):
    msg_fmt = 'Failed to launch instances: %(reason)s'


class FixedIpAlreadyInUse(Conflict):
    msg_fmt = ('Fixed IP address %(address)s is already in use on instance '
               '%(instance_uuid)s.')


class NetworkExists(Conflict):
    msg_fmt = 'A network labelled %(label)s already exists.'


class NetworkInUse(Conflict):
    msg_fmt = 'Network %(network_id)s is still in use.'


class NetworkSegmentInUse(Conflict):
    msg_fmt = 'Network segment %(segment)s is in use by another network.'


class NetworkOverlaps(Conflict):
    msg_fmt = ('CIDR %(cidr)s overlaps %(other_cidr)s of network '
               '%(network_id)s.')


class NoMoreFixedIps(NovaException):
    msg_fmt = 'No fixed IP addresses available for network: %(net)s'


# ---- host aggregates and services (os-aggregates, os-services) -------------

class AggregateNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s could not be found.'


class AggregateHostNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s has no host %(host)s.'


class HostBinaryNotFound(NotFound):
    msg_fmt = 'Could not find binary %(binary)s on host %(host)s.'


class AggregateNameExists(Conflict):
    msg_fmt = 'Aggregate %(aggregate_name)s already exists.'


class AggregateHostExists(Conflict):
    msg_fmt = 'Aggregate %(aggregate_id)s already has host %(host)s.'


class InvalidAggregateAction(Invalid):
    msg_fmt = 'Unacceptable parameters.'


class InvalidAggregateActionUpdate(InvalidAggregateAction):
    msg_fmt = ('Cannot update aggregate %(aggregate_id)s. Reason: '
               '%(reason)s.')


class InvalidAggregateActionUpdateMeta(InvalidAggregateAction):
    msg_fmt = ('Cannot update metadata of aggregate %(aggregate_id)s. '
               'Reason: %(reason)s.')


class InvalidAggregateActionDelete(InvalidAggregateAction):
    msg_fmt = ('Cannot delete aggregate %(aggregate_id)s. Reason: '
               '%(reason)s.')


# NOTE: Nova's add_host answers this one with 409 (the others with 400),
# so it carries the code the API gives.
class InvalidAggregateActionAdd(InvalidAggregateAction):
    msg_fmt = ('Cannot add host to aggregate %(aggregate_id)s. Reason: '
               '%(reason)s.')
    code = 409


class ComputeServiceInUse(Conflict):
    msg_fmt = ('Unable to delete compute service that is hosting '
               'instances. Migrate or delete the instances first.')


class ComputeServiceUnavailable(Invalid):
    msg_fmt = 'Compute service of %(host)s is unavailable at this time.'


class HostUptimeNotAvailable(NovaException):
    msg_fmt = 'The uptime of host %(host)s is not available: %(reason)s'


# ---- resize and rebuild ----------------------------------------------------

class CannotResizeToSameFlavor(Invalid):
    msg_fmt = 'When resizing, instances must change flavor!'


class FlavorNotFoundForResize(Invalid):
    msg_fmt = 'Flavor %(flavor_id)s could not be found.'


class MigrationNotFound(NotFound):
    msg_fmt = 'Migration %(migration_id)s could not be found.'


class MigrationNotFoundByStatus(MigrationNotFound):
    msg_fmt = ('Migration not found for instance %(instance_id)s with '
               'status %(status)s.')


class ResizeError(NovaException):
    msg_fmt = 'Resize error: %(reason)s'


class ImageNotFoundForRebuild(Invalid):
    msg_fmt = 'Cannot find image for rebuild'


# ---- migrations: cold, live, evacuate ---------------------------------------

class MigrationError(NovaException):
    msg_fmt = 'Migration error: %(reason)s'


class MigrationPreCheckError(MigrationError):
    msg_fmt = 'Migration pre-check error: %(reason)s'
    code = 400


class UnableToMigrateToSelf(Invalid):
    msg_fmt = ('Unable to migrate instance (%(instance_id)s) to current '
               'host (%(host)s).')


class CannotMigrateToSameHost(Invalid):
    msg_fmt = 'Cannot migrate to the host where the server exists.'


class InvalidCPUInfo(Invalid):
    msg_fmt = 'Unacceptable CPU info: %(reason)s'


class InvalidLocalStorage(Invalid):
    msg_fmt = '%(path)s is not on local storage: %(reason)s'


class InvalidSharedStorage(Invalid):
    msg_fmt = '%(path)s is not on shared storage: %(reason)s'


class MigrationNotFoundForInstance(MigrationNotFound):
    msg_fmt = ('Migration %(migration_id)s not found for instance '
               '%(instance_id)s')


class InvalidMigrationState(Invalid):
    msg_fmt = ('Migration %(migration_id)s state of instance '
               '%(instance_uuid)s is %(state)s. Cannot %(method)s while the '
               'migration is in this state.')


class AbortQueuedLiveMigrationNotYetSupported(Conflict):
    msg_fmt = ('Aborting live migration %(migration_id)s with status '
               '%(status)s is not yet supported for this instance.')


class ComputeServiceStillUp(Invalid):
    msg_fmt = 'Compute service of %(host)s is still in use.'


class DiskTransferError(NovaException):
    msg_fmt = ('The disks of instance %(instance_uuid)s could not be copied '
               'from %(source)s: %(reason)s')


class LiveMigrationError(MigrationError):
    msg_fmt = 'Live migration of instance %(instance_uuid)s failed: %(reason)s'


# ---- server groups ----------------------------------------------------------

class InstanceGroupNotFound(NotFound):
    msg_fmt = 'Instance group %(group_uuid)s could not be found.'


class InstanceGroupNotFoundForCreate(Invalid):
    # NOTE: a server create naming an unknown group is the request's
    # fault: Nova answers 400, not 404.
    msg_fmt = 'Instance group %(group_uuid)s could not be found.'


class InvalidServerGroupRules(Invalid):
    msg_fmt = 'Invalid server group rules: %(reason)s'


class ServerGroupLimitExceeded(OverQuota):
    msg_fmt = 'Quota exceeded, too many server groups.'


class ServerGroupMembersLimitExceeded(OverQuota):
    msg_fmt = 'Quota exceeded, too many servers in group'


class GroupAffinityViolation(NovaException):
    """A claim would break its server group's policy (internal)."""

    msg_fmt = '%(policy)s instance group policy was violated: %(reason)s'


# ---- usage, flavor access, image proxy -----------------------------------

class InvalidStrTime(Invalid):
    msg_fmt = 'Invalid datetime string: %(reason)s'


class FlavorAccessExists(Conflict):
    msg_fmt = ('Flavor access already exists for flavor %(flavor_id)s and '
               'project %(project_id)s combination.')


class FlavorAccessNotFound(NotFound):
    msg_fmt = ('Flavor access not found for %(flavor_id)s / '
               '%(project_id)s combination.')


class ImageNotAuthorized(Forbidden):
    msg_fmt = 'Not authorized for image %(image_id)s.'


# ---- microversions 2.48-2.100 (servers create) ------------------------------

class AmbiguousHostnameForMultipleInstances(Invalid):
    msg_fmt = 'Unable to allocate a single hostname to multiple instances.'


# ---- shelve (unshelve to a host, 2.91) --------------------------------------

class UnshelveHostNotInAZ(Conflict):
    msg_fmt = ('Host "%(host)s" is not in the availability zone '
               '"%(availability_zone)s".')


# ---- task logs (instance usage audit) ---------------------------------------

class TaskAlreadyRunning(NovaException):
    msg_fmt = 'Task %(task_name)s is already running on host %(host)s'


class TaskNotRunning(NovaException):
    msg_fmt = 'Task %(task_name)s is not running on host %(host)s'
