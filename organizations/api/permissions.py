from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from ..permissions import can


class ScopedRolePermission(BasePermission):
    """Authenticated users read their scope; writes follow the role table of organizations/permissions.py.

    Views declare ``permission_resource``; the object check runs after the object has been
    fetched from the scoped queryset, so an out-of-scope id is already a 404.
    """

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        resource = getattr(view, "permission_resource", None)
        action = _action_for(request.method)
        return bool(resource) and can(request.user, resource, action)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        resource = getattr(view, "permission_resource", None)
        return bool(resource) and can(request.user, resource, _action_for(request.method), obj)


def _action_for(method: str) -> str:
    return {"POST": "create", "PUT": "change", "PATCH": "change", "DELETE": "delete"}.get(method, "change")


class ServiceChecked(IsAuthenticated):
    """Authenticated users read their scope; every write is checked by the service it calls.

    For viewsets whose writes are service calls (actions, custom create/update): the service's
    ``require`` is the permission check, and the scoped queryset has already made an id outside
    the scope a 404.
    """
