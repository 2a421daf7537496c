"""The demo's extra members (`seed_demo --admin/--viewer`): the browser tests give each test
file people of its own in the demo workspace."""

from hexa.core.demo import DEMO_PASSWORD, seed_members
from hexa.user_management.models import User
from hexa.workspaces.models import WorkspaceMembership, WorkspaceMembershipRole


def test_extra_members_log_in_with_the_demo_password_in_their_role_once(roles):
    workspace = roles["workspace"]
    admins, viewers = ["e2e-a@openhexa.org", "e2e-b@openhexa.org"], ["e2e-a-viewer@openhexa.org"]
    seed_members(workspace, admins, WorkspaceMembershipRole.ADMIN)
    seed_members(workspace, viewers, WorkspaceMembershipRole.VIEWER)
    seed_members(workspace, admins, WorkspaceMembershipRole.ADMIN)  # again: nothing more
    for emails, role in ((admins, WorkspaceMembershipRole.ADMIN), (viewers, WorkspaceMembershipRole.VIEWER)):
        for email in emails:
            user = User.objects.get(email=email)
            assert user.check_password(DEMO_PASSWORD)
            assert not user.is_staff
            assert workspace.role_of(user) == role
    assert WorkspaceMembership.objects.filter(workspace=workspace, user__email__startswith="e2e-").count() == 3
