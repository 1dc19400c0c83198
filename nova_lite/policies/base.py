"""Personas shared by every resource's policy defaults."""

from oslo_policy import policy

RULE_ADMIN_API = 'rule:admin_api'
PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin'
PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin'
ADMIN_OR_OWNER_USER = 'rule:admin_or_owner_user'
RULE_ANY = '@'

rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       'Decides who is an administrator.'),
    policy.RuleDefault('admin_api', 'is_admin:True or role:admin',
                       'Rule for administrator-only APIs.'),
    policy.RuleDefault('project_member_or_admin',
                       'rule:admin_api or project_id:%(project_id)s',
                       'A member of the owning project, or an admin.'),
    policy.RuleDefault('project_reader_or_admin',
                       'rule:admin_api or project_id:%(project_id)s',
                       'A reader of the owning project, or an admin.'),
    policy.RuleDefault('admin_or_owner_user',
                       'rule:admin_api or user_id:%(user_id)s',
                       'The owning user, or an admin.'),
]


def list_rules():
    return rules
