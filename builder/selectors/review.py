"""Reads for live viewing and review: who may watch a thread, what waits for an answer.

Pending interrupts are read from the event log rather than by compiling the graph: the
``interrupt`` events of the run that paused, minus the ones already answered. That keeps
the inbox a couple of indexed queries, whatever the graph.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from builder import permissions
from builder.eventlog import event_as_dict
from builder.execution.graphs import GraphLoadError, run_spec
from builder.models import (
    ApiKey,
    InterruptResolution,
    Run,
    RunEvent,
    RunStatus,
    Thread,
    ThreadStatus,
)
from builder.selectors.threads import events_after

# A pause at a static breakpoint (interrupt_before/after) has no interrupt id of its own;
# answering it is recorded under this one so that races are settled the same way.
BREAKPOINT_ID = "breakpoint"


@dataclass(frozen=True)
class ThreadAccess:
    """What a caller may do with one thread (None from ``thread_access``: nothing)."""

    thread_id: str
    workspace_id: int
    role: str
    username: str

    @property
    def can_act(self) -> bool:
        return permissions.allows(self.role, "act")


def thread_access(user: Any, api_key: ApiKey | None, thread_id: str) -> ThreadAccess | None:
    """The caller's access to the thread, or None when it does not exist *or* belongs to
    a workspace they cannot see (the two are indistinguishable on purpose)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        pk = uuid.UUID(str(thread_id))
    except ValueError:
        return None
    workspace_id = Thread.objects.filter(pk=pk).values_list("workspace_id", flat=True).first()
    if workspace_id is None:
        return None
    role = permissions.role_in(user, workspace_id, api_key)
    if not permissions.allows(role, "read"):
        return None
    assert role is not None
    return ThreadAccess(str(pk), workspace_id, role, user.get_username())


def caller_reload(user: Any, api_key: ApiKey | None) -> tuple[Any, ApiKey | None] | None:
    """The caller as the database has it now, or None when it no longer authenticates
    (user deleted or deactivated, key revoked or deleted).

    A socket authenticates once, at its handshake; it calls this when told that access
    changed, so it also drops a superuser flag or a key that are gone.
    """
    fresh = get_user_model().objects.filter(pk=user.pk, is_active=True).first()
    if fresh is None or api_key is None:
        return (fresh, None) if fresh is not None else None
    key = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).first()
    if key is None:
        return None
    key.user = fresh
    return fresh, key


def caller_still_reads(user: Any, api_key: ApiKey | None, thread_id: str) -> bool:
    """Whether the caller (reloaded: the key may be revoked, the user deactivated) may
    still read the thread; what an open stream asks every few seconds."""
    caller = caller_reload(user, api_key)
    return caller is not None and thread_access(caller[0], caller[1], thread_id) is not None


def events_page(thread_id: str, after_seq: int, before_seq: int | None = None) -> list[dict]:
    """Events with ``after_seq < seq < before_seq`` in order: a page of a replay, or
    exactly the events missing from a gap (bounded in SQL: gaps are usually one or two)."""
    if before_seq is None:
        return events_after(thread_id=thread_id, after_seq=after_seq)
    rows = RunEvent.objects.filter(thread_id=thread_id, seq__gt=after_seq, seq__lt=before_seq)
    return [event_as_dict(e) for e in rows.order_by("seq")[:1000]]


def paused_run(thread: Thread) -> Run | None:
    """The run the thread is paused in, when it is waiting for review."""
    if thread.status != ThreadStatus.INTERRUPTED:
        return None
    return (
        Run.objects.filter(thread=thread, status=RunStatus.INTERRUPTED)
        .order_by("-created_at")
        .first()
    )


def run_interrupts(run: Run) -> list[dict[str, Any]]:
    """The interrupts a run paused at, ``{"id", "value", "ns", "seq"}`` in order.

    A run that paused with no ``interrupt`` event stopped at a static breakpoint; it is
    reported as one interrupt with id ``breakpoint``.
    """
    found: list[dict[str, Any]] = []
    rows = RunEvent.objects.filter(run=run, type="interrupt").order_by("seq")
    for seq, payload in rows.values_list("seq", "payload"):
        item = (payload or {}).get("interrupt") or {}
        if isinstance(item, dict) and item.get("id"):
            found.append(
                {
                    "id": str(item["id"]),
                    "value": item.get("value"),
                    "ns": payload.get("ns"),
                    "seq": seq,
                }
            )
    if not found:
        found.append({"id": BREAKPOINT_ID, "value": None, "ns": [], "seq": None})
    return found


def pending_interrupts(thread: Thread, run: Run | None = None) -> list[dict[str, Any]]:
    """Interrupts of the paused run that nobody has answered yet."""
    run = run or paused_run(thread)
    if run is None:
        return []
    answered = set(
        InterruptResolution.objects.filter(run=run).values_list("interrupt_id", flat=True)
    )
    return [i for i in run_interrupts(run) if i["id"] not in answered]


def form_of(value: Any) -> dict[str, Any] | None:
    """The JSON Schema an interrupt's answer must satisfy, when its payload carries one."""
    if not isinstance(value, dict):
        return None
    form = value.get("form", value.get("form_schema"))
    return form if isinstance(form, dict) else None


def review_workspace_ids(user: Any, api_key: ApiKey | None = None) -> list[int]:
    """Workspaces in which the caller may answer reviews (reviewer role or higher)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = permissions.visible_workspaces(user, api_key).values_list("pk", flat=True)
    return [pk for pk in ids if permissions.can(user, pk, "act", api_key)]


def inbox_items(workspace_ids: list[int]) -> list[dict[str, Any]]:
    """One item per unanswered interrupt in the workspaces, oldest waiting first."""
    threads = (
        Thread.objects.filter(workspace_id__in=workspace_ids, status=ThreadStatus.INTERRUPTED)
        .select_related("graph", "workspace")
        .order_by("updated_at")
    )
    items: list[dict[str, Any]] = []
    for thread in threads[:200]:
        run = paused_run(thread)
        if run is None:
            continue
        labels = _node_labels(run)
        for interrupt in pending_interrupts(thread, run):
            value = interrupt["value"]
            prompt = value if isinstance(value, dict) else {}
            node = prompt.get("node")
            items.append(
                {
                    "thread_id": str(thread.pk),
                    "run_id": str(run.pk),
                    "workspace": thread.workspace.slug,
                    "graph_id": str(thread.graph_id) if thread.graph_id else None,
                    "graph_name": thread.graph.name if thread.graph else None,
                    "node": node,
                    "node_label": labels.get(node, node) if isinstance(node, str) else None,
                    "title": prompt.get("title") or (value if isinstance(value, str) else None),
                    "preview": interrupt_preview(value),
                    "status": thread.status,
                    "created_at": (run.finished_at or run.updated_at).isoformat(),
                    "interrupt_id": interrupt["id"],
                    "interrupt": value,
                }
            )
    return items


PREVIEW_LENGTH = 240


def _node_labels(run: Run) -> dict[str, str]:
    """Node id -> label of the graph the run executes (ids of canvas graphs are opaque)."""
    try:
        _graph, spec = run_spec(run)
    except GraphLoadError:
        return {}
    nodes = (spec or {}).get("nodes") or []
    return {n["id"]: n.get("label") or n["id"] for n in nodes if isinstance(n, dict) and "id" in n}


def interrupt_preview(value: Any) -> str:
    """A line of what the reviewer is asked about: the shown fields (``name: value``), else
    the prompt text, cut to PREVIEW_LENGTH characters."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, dict) and isinstance(value.get("fields"), dict):
        # What the case is about first, then what the reviewer may edit (a jsonb column
        # does not keep the configured order of the fields).
        editable = set(value.get("editable_fields") or [])
        fields = sorted(value["fields"].items(), key=lambda kv: kv[0] in editable)
        text = " · ".join(f"{k}: {_short(v)}" for k, v in fields)
    elif isinstance(value, dict):
        text = str(value.get("instructions") or value.get("question") or "")
    else:
        text = "" if value is None else _short(value)
    return text if len(text) <= PREVIEW_LENGTH else text[: PREVIEW_LENGTH - 1] + "…"


def _short(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
