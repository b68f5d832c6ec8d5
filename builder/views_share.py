"""Pages reached by a link token: a shared thread (public, read-only) and an invitation.

The share page needs no account: the token is the credential, resolved on every request
so a revoked or expired link stops working at once. It mounts the app with
``{"page": "share", "token", "threadId"}`` and also renders the history server-side
(autoescaped), so it is readable without JavaScript.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

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


@never_cache
@require_http_methods(["GET", "POST"])
def invite_page(request: HttpRequest, token: str) -> HttpResponse:
    """Show the invitation; a logged-in user joins with a POST (CSRF-protected, so no
    other site can make someone join a workspace)."""
    invitation = teams.invitation_find(token)
    problem = teams.invitation_problem(invitation)
    if problem is not None:
        return _private(render(request, "share/invite.html", {"problem": problem}, status=404))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        try:
            teams.invitation_accept(token=token, user=request.user)
        except teams.InvitationUnusable as exc:
            context = {"problem": str(exc)}
            return _private(render(request, "share/invite.html", context, status=404))
        return redirect("/app/graphs")
    return _private(render(request, "share/invite.html", {"invitation": invitation}))
