"""Login rate limiting: after too many failures for one username from one address, that
pair is refused until the window ends.

Counted in the ``ratelimit`` cache, which every web process must share (else each would
allow its own quota): Redis when REDIS_URL is set, otherwise a table in the database
(``DatabaseCache``; ``migrate`` creates it, see ``builder.apps``). Keyed by username
*and* address so that an attacker cannot lock a victim out from elsewhere by failing on
purpose; the counter expires with its window, so no clean-up is needed.

The count is kept as numbered slots, each taken with ``add()``: that is atomic on every
backend (Redis ``SET NX``; an insert under the database table's primary key), whereas
``incr()`` on the database cache is a read and a write that two processes can interleave,
losing failures.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.core.cache import BaseCache, caches
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

CACHE_ALIAS = "ratelimit"
DEFAULT_MAX_FAILURES = 5
DEFAULT_WINDOW_SECONDS = 15 * 60


def _limits() -> tuple[int, int]:
    conf = settings.BUILDER
    return (
        int(conf.get("LOGIN_MAX_FAILURES", DEFAULT_MAX_FAILURES)),
        int(conf.get("LOGIN_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS)),
    )


def counter_cache() -> BaseCache:
    """The cache failures are counted in (``default`` for settings without the alias)."""
    return caches[CACHE_ALIAS if CACHE_ALIAS in settings.CACHES else "default"]


def client_address(request: HttpRequest) -> str:
    """The caller's address. REMOTE_ADDR only: X-Forwarded-For is set by the client
    unless a trusted proxy rewrites it, and trusting it would let anyone pick their key."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _slots(username: str, address: str, limit: int) -> list[str]:
    """Cache keys of the failures of the pair; slot 0 holds when its window started."""
    digest = hashlib.sha256(f"{username.strip().lower()}\n{address}".encode()).hexdigest()
    return [f"login-failures:{digest}:{i}" for i in range(limit)]


def seconds_locked(username: str, address: str) -> int:
    """Seconds until this username may try again from this address (0: it may now)."""
    limit, window = _limits()
    slots = _slots(username, address, limit)
    taken = counter_cache().get_many(slots)
    if len(taken) < limit:
        return 0
    since = taken.get(slots[0])
    if not isinstance(since, int | float):
        return window
    return max(1, int(since + window - time.time()))


def record_failure(username: str, address: str) -> None:
    """Count one failure (atomically, whichever process records it)."""
    limit, window = _limits()
    cache = counter_cache()
    slots = _slots(username, address, limit)
    taken = cache.get_many(slots)
    now = time.time()
    since = taken.get(slots[0])
    # Every slot expires when the window does: it starts at the first failure and is
    # not extended by later ones.
    remaining = window if not isinstance(since, int | float) else max(1, since + window - now)
    for slot in slots:
        if slot in taken:
            continue
        # add() fails when another process took the slot meanwhile: try the next one.
        if cache.add(slot, now, timeout=remaining if slot != slots[0] else window):
            return
    # Every slot is taken: the pair is locked already and needs no further count.


def reset(username: str, address: str) -> None:
    limit, _window = _limits()
    counter_cache().delete_many(_slots(username, address, limit))


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed login attempts. Try again in {minutes} {unit}."


def limit_login(
    request: HttpRequest,
    attempt: Callable[[], HttpResponse],
    locked: Callable[[str, str], HttpResponse],
) -> HttpResponse:
    """Run a login ``attempt`` under the lockout of its username+address pair.

    A locked pair gets ``locked(username, message)`` (a 429) *before* the password is
    checked, so guesses learn nothing; a success clears the count, a failure adds one.
    """
    username = str(request.POST.get("username", ""))[:150]
    address = client_address(request)
    if seconds_locked(username, address):
        return locked(username, lockout_message(seconds_locked(username, address)))
    response = attempt()
    if request.user.is_authenticated:
        reset(username, address)
        return response
    record_failure(username, address)
    if seconds_locked(username, address):
        return locked(username, lockout_message(seconds_locked(username, address)))
    return response


class RateLimitedLoginView(auth_views.LoginView):
    """Django's login view, refusing (429) a username+address pair that failed too often."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return limit_login(
            request,
            lambda: super(RateLimitedLoginView, self).post(request, *args, **kwargs),
            self._locked,
        )

    def _locked(self, username: str, message: str) -> HttpResponse:
        # An unbound form: a bound one would validate, i.e. check the password, again.
        form = self.get_form_class()(self.request, initial={"username": username})
        context = self.get_context_data(form=form, lockout=message)
        return self.render_to_response(context, status=429)


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """``/admin/login/`` under the same lockout as ``/login/`` (one count for both)."""
    if request.method != "POST":
        return admin.site.login(request, extra_context)

    def locked(username: str, message: str) -> HttpResponse:
        messages.error(request, message)
        context = {
            **admin.site.each_context(request),
            "title": "Log in",
            "form": AdminAuthenticationForm(request, initial={"username": username}),
            "app_path": request.get_full_path(),
            "username": username,
        }
        return TemplateResponse(request, "admin/login.html", context, status=429)

    return limit_login(request, lambda: admin.site.login(request, extra_context), locked)
