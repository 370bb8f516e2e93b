"""The page of a refused form (CSRF check failed): in Chinese, saying what to do, for every form of the site.

Django's own page is half English and technical. The reason (bad origin, missing cookie, expired token)
is logged by Django's CSRF middleware; the person is told to go back, reload the page and send it again,
and, on a phone, to open the link in an ordinary browser with cookies allowed.
"""

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def csrf_failure(request, reason: str = ""):
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
