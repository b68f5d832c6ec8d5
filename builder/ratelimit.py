"""Login rate limiting: after too many failures for one username from one address, that
pair is refused until the window ends.

Counted in Django's cache (local memory by default, Redis when REDIS_URL is set, which
makes the limit hold across processes). Keyed by username *and* address so that an
attacker cannot lock a victim out from elsewhere by failing on purpose; the counter
expires with its window, so no clean-up is needed.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

DEFAULT_MAX_FAILURES = 5
DEFAULT_WINDOW_SECONDS = 15 * 60


def _limits() -> tuple[int, int]:
    conf = settings.BUILDER
    return (
        int(conf.get("LOGIN_MAX_FAILURES", DEFAULT_MAX_FAILURES)),
        int(conf.get("LOGIN_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS)),
    )


def client_address(request: HttpRequest) -> str:
    """The caller's address. REMOTE_ADDR only: X-Forwarded-For is set by the client
    unless a trusted proxy rewrites it, and trusting it would let anyone pick their key."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}\n{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


def seconds_locked(username: str, address: str) -> int:
    """Seconds until this username may try again from this address (0: it may now)."""
    limit, window = _limits()
    key = _key(username, address)
    count = cache.get(key) or 0
    if count < limit:
        return 0
    since = cache.get(f"{key}:since")
    if since is None:
        return window
    return max(1, int(since + window - time.time()))


def record_failure(username: str, address: str) -> None:
    _limit, window = _limits()
    key = _key(username, address)
    # add() only sets when absent: the window starts at the first failure and is not
    # extended by later ones.
    cache.add(f"{key}:since", time.time(), timeout=window)
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)


def reset(username: str, address: str) -> None:
    key = _key(username, address)
    cache.delete_many([key, f"{key}:since"])


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed login attempts. Try again in {minutes} {unit}."


class RateLimitedLoginView(auth_views.LoginView):
    """Django's login view, refusing (429) a username+address pair that failed too often."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150]
        address = client_address(request)
        if seconds_locked(username, address):
            # Refused before the password is checked, so guesses learn nothing.
            return self._locked(username, address)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            reset(username, address)
            return response
        record_failure(username, address)
        return self._locked(username, address) if seconds_locked(username, address) else response

    def _locked(self, username: str, address: str) -> HttpResponse:
        # An unbound form: a bound one would validate, i.e. check the password, again.
        form = self.get_form_class()(self.request, initial={"username": username})
        message = lockout_message(seconds_locked(username, address))
        context = self.get_context_data(form=form, lockout=message)
        return self.render_to_response(context, status=429)
