from importlib import import_module

from django.contrib.auth.backends import BaseBackend


class PermissionsBackend(BaseBackend):
    """`user.has_perm("<app>.<name>", obj)` calls `name(user, obj)` in `hexa/<app>/permissions.py`.

    Superusers are granted everything by Django before this backend is asked; inactive
    users nothing. A permission that no module defines is denied, never an error.
    """

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or "." not in perm:
            return False
        app_label, codename = perm.split(".", 1)
        try:
            module = import_module(f"hexa.{app_label}.permissions")
        except ModuleNotFoundError:
            return False
        check = getattr(module, codename, None)
        if check is None or not callable(check):
            return False
        return bool(check(user_obj, obj) if obj is not None else check(user_obj))


_BACKEND = PermissionsBackend()


def has_member_perm(user, perm, obj=None) -> bool:
    """`user.has_perm(perm, obj)` without Django's rule that an active superuser has every
    permission: for what OpenHEXA reserves to a workspace's members by role (the assistant's
    conversations, budgets), a superuser who is not a member is refused like anyone else."""
    return bool(getattr(user, "is_active", False)) and _BACKEND.has_perm(user, perm, obj)
