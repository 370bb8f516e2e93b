"""Every page of the portal, found from the URL resolver, for the tests that walk all pages.

``page_routes()``
    ``(name, takes_pk)`` for every named page route outside the API, the admin, language switching, logout,
    the health check and static files: routes without URL arguments and routes taking exactly one ``pk``.
    A new page joins every test that uses it without being listed anywhere.

``page_urls_for(username)``
    Concrete URLs for one demo user: every route without arguments, plus every ``pk`` route for which an
    object exists in that user's scope. The object's model is the view's own declaration, the one the
    tenancy matrix reads too: a class-based view's ``model`` (or ``queryset.model``), a function view's
    ``@scoped_to(Model)``. The object is the lowest pk of ``Model.objects.visible_to(user)`` (the kernel's
    one scoping mechanism); a notification is the user's own. No object in scope: the route is left out.
    Whether that object suits the page (a POST-only action, a page for another state) is the page's answer:
    the URL may give a 405, a redirect or the 403 page, and a caller takes what it needs.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse

SKIP_PREFIXES = ("api/", "admin/", "i18n/", "accounts/logout", "healthz", "static/", "media/")


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            if not route.startswith(SKIP_PREFIXES):
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _page_patterns():
    """name -> (pattern, takes_pk) for the routes with no URL argument or exactly one ``pk``."""
    found = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        converters = set(pattern.pattern.converters)
        if name not in found and converters <= {"pk"}:
            found[name] = (pattern, bool(converters))
    return found


def page_routes() -> list[tuple[str, bool]]:
    """(name, takes a pk) for every named page route outside the API and the admin."""
    return [(name, takes_pk) for name, (_pattern, takes_pk) in _page_patterns().items()]


def model_of(callback, view_class=None):
    """The model a view's ``pk`` refers to, as the view declares it (None when it does not); ``view_class``
    defaults to the callback's own (an API view passes its DRF class)."""
    view_class = view_class or getattr(callback, "view_class", None)
    if view_class is not None:
        if getattr(view_class, "model", None) is not None:
            return view_class.model
        queryset = getattr(view_class, "queryset", None)
        if queryset is not None:
            return queryset.model
    return getattr(callback, "scoped_model", None)


def object_in_scope(model, user):
    """The lowest-pk object of ``model`` the user may see, or None."""
    from organizations.models.notifications import Notification

    if model is Notification:
        queryset = Notification.objects.filter(user=user)
    elif hasattr(model.objects, "visible_to"):
        queryset = model.objects.visible_to(user)
    else:
        return None
    return queryset.order_by("pk").first()


def page_urls_for(username: str) -> list[tuple[str, str]]:
    """(route name, URL) of every page for ``username``: argument-free routes and pk routes with an object
    in the user's scope (one object per model, looked up once)."""
    from organizations.models import User

    user = User.objects.get(username=username)
    urls, objects = [], {}
    for name, (pattern, takes_pk) in _page_patterns().items():
        if not takes_pk:
            urls.append((name, reverse(name)))
            continue
        model = model_of(pattern.callback)
        if model is None:
            continue
        if model not in objects:
            objects[model] = object_in_scope(model, user)
        if objects[model] is not None:
            urls.append((name, reverse(name, kwargs={"pk": objects[model].pk})))
    return urls
