"""The portal as an app on a phone's home screen: the web app manifest and the service worker.

The service worker is served from the site's root (a worker's scope is the folder it is served from);
its code is the static file js/sw.js. See static/js/offline.js for what is kept while offline.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME = "#b71c1c"


@require_GET
@cache_control(max_age=3600)
def manifest(request):
    return JsonResponse({
        "name": _("Grassroots Party organization rectification ledger"),
        "short_name": _("Rectification ledger"),
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
             "purpose": "any maskable"}
            for size in (192, 512)
        ],
    }, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    path = finders.find("js/sw.js")
    if not path:  # pragma: no cover - the file is part of the repository
        raise Http404
    with open(path, encoding="utf-8") as handle:
        return HttpResponse(handle.read(), content_type="application/javascript; charset=utf-8")
