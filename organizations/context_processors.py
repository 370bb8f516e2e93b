from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .caching import person_figures
from .navigation import menu_for
from .permissions import can
from .scoping import grants_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # The login page lists the demo accounts only on a development machine.
        return {"demo_hint": settings.DEBUG}
    grants = grants_for(user)
    return {
        "nav_roles": sorted({str(label) for label in _role_labels(grants)}),
        "nav_can_import": can(user, "organization", "import"),
        "nav_can_run_jobs": can(user, "job", "run"),
        # The main menu of this user's roles (organizations.navigation): no query beyond the grants.
        "nav_menu": menu_for(user, getattr(getattr(request, "resolver_match", None), "view_name", "") or ""),
        # Unread notifications: one query when the page shows it, kept a minute per person (afresh after their
        # own writes, such as marking one read: organizations.caching).
        "nav_unread": SimpleLazyObject(lambda: person_figures(
            user, "unread", lambda: user.notifications.filter(read_at__isnull=True).count()).value),
    }


def _role_labels(grants):
    from .roles import Role

    return [Role(role).label for role in grants.roles()]
