"""Personas shared by every resource's policy defaults, as Nova names them.

Keystone's bootstrap makes three roles, ``admin`` implying ``member``
implying ``reader``; a token lists every role it implies, and nova-lite's
noauth mode hands out the same roles (see ``nova_lite/auth.py``). So:

========================  =============================================
``ADMIN``                 role ``admin``, in any project
``PROJECT_MEMBER``        role ``member`` in the target's project
``PROJECT_READER``        role ``reader`` in the target's project
``PROJECT_MEMBER_OR_ADMIN``  write a project's resources (or an admin)
``PROJECT_READER_OR_ADMIN``  read a project's resources (or an admin)
``RULE_ADMIN_API``        Nova's legacy ``is_admin:True`` rule
========================  =============================================
"""

from oslo_policy import policy

RULE_ADMIN_API = 'rule:admin_api'
RULE_ANY = '@'
RULE_NOBODY = '!'

ADMIN = 'rule:context_is_admin'
PROJECT_MEMBER = 'rule:project_member_api'
PROJECT_READER = 'rule:project_reader_api'
PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin'
PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin'
# NOTE: key pairs belong to a user, not a project (Nova's keypairs rule).
ADMIN_OR_OWNER_USER = '(%s) or user_id:%%(user_id)s' % ADMIN

rules = [
    policy.RuleDefault(
        'context_is_admin', 'role:admin',
        'Who is an administrator: what makes a context is_admin.'),
    policy.RuleDefault(
        'admin_api', 'is_admin:True',
        'Legacy administrator rule: a context that is_admin.'),
    policy.RuleDefault(
        'project_member_api', 'role:member and project_id:%(project_id)s',
        'A member of the project that owns the target.'),
    policy.RuleDefault(
        'project_reader_api', 'role:reader and project_id:%(project_id)s',
        'A reader of the project that owns the target.'),
    policy.RuleDefault(
        'project_member_or_admin',
        'rule:project_member_api or rule:context_is_admin',
        'Changes a project\'s resources: its member, or an admin.'),
    policy.RuleDefault(
        'project_reader_or_admin',
        'rule:project_reader_api or rule:context_is_admin',
        'Reads a project\'s resources: its reader, or an admin.'),
]


def list_rules():
    return rules
