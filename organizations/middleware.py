"""Chinese first: the interface is in LANGUAGE_CODE unless the user chose another language.

Django's LocaleMiddleware follows the browser's Accept-Language, so an English-language
browser would get English without anyone choosing it. Here only the language cookie set
by the switch (django.views.i18n.set_language) changes the language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulCharactersMiddleware:
    """A NUL character in the query string or a form field is a 400 page before any view runs: PostgreSQL refuses
    it in every string ("unsupported Unicode escape sequence"), which made every filter and search a 500 there
    (and, inside a transaction, every query after it). No real input holds one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request.GET) or (request.method == "POST" and request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data") and _holds_nul(request.POST)):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse
                from django.utils.translation import gettext as _

                return JsonResponse({"detail": _("Null characters are not allowed.")}, status=400)
            from django.shortcuts import render

            return render(request, "400.html", status=400)
        return self.get_response(request)


def _holds_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


class ProjectNotFoundPageMiddleware:
    """Under DEBUG (``make run``) a missing page is still the project's Chinese 404 page, not Django's English
    technical one: a page raising Http404 (an object outside the scope, a bad id) and an address no route
    matches. ``DEBUG_TECHNICAL_404 = True`` (env ``DJANGO_DEBUG_TECHNICAL_404``) brings the technical page
    back for a developer who wants the URL list. Without DEBUG Django already uses the project's handler.

    It sits after CommonMiddleware, so a missing slash is still redirected first; the API keeps its JSON 404s.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _active() -> bool:
        return settings.DEBUG and not getattr(settings, "DEBUG_TECHNICAL_404", False)

    def _not_found(self, request, exception):
        from django.urls import get_resolver

        handler = get_resolver(getattr(request, "urlconf", None)).resolve_error_handler(404)
        return handler(request, exception)

    def __call__(self, request):
        if self._active():
            from django.urls import Resolver404, get_resolver

            try:
                get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
            except Resolver404 as exception:
                return self._not_found(request, exception)
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404

        if isinstance(exception, Http404) and self._active():
            return self._not_found(request, exception)
        return None
