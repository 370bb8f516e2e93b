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
