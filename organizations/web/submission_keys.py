"""Exactly once for a form sent again: the kernel's ``submit`` claims the form's ``submission_key``.

A phone that lost its connection keeps the form (static/js/offline.js) and sends it when the connection
returns; if the first sending reached the server but its answer was lost, the phone sends it again. The
key, made by the browser when the form was shown, is claimed in the same transaction as the write: the
second arrival finds it taken, writes nothing and goes where the first went. A key belongs to one person;
a malformed key is ignored (the form is then an ordinary one).
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ..models import SubmissionKey

FIELD = "submission_key"
PATTERN = re.compile(r"[A-Za-z0-9-]{16,64}")


def key_of(request) -> str | None:
    value = request.POST.get(FIELD, "")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not PATTERN.fullmatch(value):
        return None
    return value


def claim(request, key: str) -> bool:
    """Take the key for this write; False if it was taken (sent before, or being sent right now)."""
    try:
        with transaction.atomic():
            SubmissionKey.objects.create(user=request.user, key=key, path=request.path[:300])
    except IntegrityError:
        return False
    return True


def record_result(request, key: str, url) -> None:
    SubmissionKey.objects.filter(user=request.user, key=key).update(result_url=str(url)[:300])


def already_received(request, key: str):
    earlier = SubmissionKey.objects.filter(user=request.user, key=key).first()
    messages.info(request, _("This form had already been received; it was not recorded a second time."))
    return redirect(earlier.result_url if earlier and earlier.result_url else request.path)
