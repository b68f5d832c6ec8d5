"""Pages reached by a link token: a shared thread (public, read-only) and an invitation.

The share page needs no account: the token is the credential, resolved on every request
so a revoked or expired link stops working at once. It mounts the app with
``{"page": "share", "token", "threadId"}`` and also renders the history server-side
(autoescaped), so it is readable without JavaScript.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from builder.models import Invitation
from builder.selectors.teams import shared_thread
from builder.services import sharing, teams


def _private(response: HttpResponse) -> HttpResponse:
    # The URL is a secret: keep it out of Referer headers and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


@never_cache
@require_GET
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    thread = sharing.sharelink_resolve(token)
    if thread is None:
        response = render(request, "share/unavailable.html", status=404)
        return _private(response)
    data = shared_thread(thread)
    props = {"page": "share", "token": token, "threadId": str(thread.pk), "user": None}
    graph = data["graph"] or {}
    nodes = (graph.get("spec") or {}).get("nodes") or []
    context = {
        "page_props_json": json.dumps(props),
        "thread": data["thread"],
        "graph": graph,
        "nodes": [n for n in nodes if isinstance(n, dict)],
        "values_json": _pretty(data["thread"]["values"]),
        "history": [
            {
                "checkpoint_id": (s.get("checkpoint") or {}).get("checkpoint_id"),
                "step": (s.get("metadata") or {}).get("step"),
                "source": (s.get("metadata") or {}).get("source"),
                "next": s.get("next") or [],
                "values_json": _pretty(s.get("values")),
            }
            for s in data["history"]
        ],
        "events": [{**e, "data_json": _pretty(e.get("data"))[:2000]} for e in data["events"]],
        "comments": data["comments"],
        "audit": data["audit"],
    }
    return _private(render(request, "share/thread.html", context))


def _invitation_page(
    request: HttpRequest, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, "share/invite.html", context, status=status)
    # same-origin, not no-referrer: the token stays off other sites, and the join and
    # sign-up forms post with a real Origin header, which CSRF checking needs (a browser
    # sends "Origin: null" for a form posted from a no-referrer page).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _joined(invitation: Invitation) -> HttpResponse:
    """Where a new member lands: the graphs of the workspace they just joined."""
    return redirect(f"/app/graphs?workspace={invitation.workspace.slug}")


@never_cache
@require_http_methods(["GET", "POST"])
def invite_page(request: HttpRequest, token: str) -> HttpResponse:
    """Show the invitation. A logged-in user joins with a POST; a visitor without an
    account creates one here and joins in the same step, or logs in first. Both forms
    are CSRF-protected, so no other site can make someone join a workspace."""
    invitation = teams.invitation_find(token)
    problem = teams.invitation_problem(invitation)
    if problem is not None or invitation is None:
        return _invitation_page(request, {"problem": problem}, status=404)
    login_url = f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}"
    context: dict[str, Any] = {"invitation": invitation, "login_url": login_url}
    if request.method == "GET":
        context["form"] = None if request.user.is_authenticated else UserCreationForm()
        return _invitation_page(request, context)
    try:
        if request.user.is_authenticated:
            teams.invitation_accept(token=token, user=request.user)
            return _joined(invitation)
        form = UserCreationForm(request.POST)
        if not form.is_valid():
            return _invitation_page(request, {**context, "form": form}, status=400)
        user = teams.invitation_sign_up(
            token=token,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
        )
    except teams.InvitationUnusable as exc:
        return _invitation_page(request, {"problem": str(exc)}, status=404)
    login(request, user)
    return _joined(invitation)
