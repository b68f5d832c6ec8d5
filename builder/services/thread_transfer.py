"""Thread export and import: one JSON document that replays exactly elsewhere.

The export carries the checkpoints and blobs as stored (serialised blob text included), so an
import reproduces state and history byte for byte without re-serialising anything; the
events keep their seq and timestamps; runs get new ids (run ids are global) and the
events are re-pointed at them. The graph comes along as its version's spec, and the
import recreates it in the target workspace (reusing an identical one when present).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from builder.checkpointer import DjangoCheckpointer
from builder.models import (
    AuditEntry,
    CheckpointComment,
    CheckpointWrite,
    Graph,
    GraphSource,
    GraphVersion,
    Run,
    RunEvent,
    RunStatus,
    Thread,
    ThreadStatus,
    Workspace,
)
from builder.services.audit import audit_record
from builder.services.errors import InvalidInput
from builder.services.graphs import graph_create, graph_version_publish

FORMAT = "switchyard.thread"
FORMAT_VERSION = 1
SERDE_TAG = "__sy__"

_RUN_FIELDS = (
    "status",
    "input",
    "command",
    "stream_mode",
    "config",
    "metadata",
    "multitask_strategy",
    "interrupt_before",
    "interrupt_after",
    "checkpoint_id",
    "start_checkpoint_id",
    "error",
    "attempt",
)
_RUN_TIMES = ("created_at", "started_at", "finished_at")
_WRITE_FIELDS = ("checkpoint_ns", "checkpoint_id", "task_id", "idx", "channel", "data")


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def graph_snapshot(thread: Thread) -> dict[str, Any] | None:
    graph = thread.graph
    if graph is None:
        return None
    last_run = thread.runs.exclude(graph_version=None).select_related("graph_version").first()
    version = last_run.graph_version if last_run else graph.versions.order_by("-number").first()
    return {
        "name": graph.name,
        "slug": graph.slug,
        "source": graph.source,
        "code_ref": graph.code_ref,
        "version": version.number if version else None,
        "spec": None
        if graph.source == GraphSource.CODE
        else (version.spec if version else graph.draft),
    }


def thread_export(*, thread: Thread) -> dict[str, Any]:
    """Everything needed to replay ``thread`` in the debugger, as one JSON object."""
    tid = str(thread.pk)
    checkpoints, blobs = DjangoCheckpointer().export_history(tid)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "thread": {
            "thread_id": tid,
            "status": thread.status,
            "metadata": thread.metadata,
            "values": thread.values,
            "interrupts": thread.interrupts,
            "created_at": _iso(thread.created_at),
        },
        "graph": graph_snapshot(thread),
        "runs": [
            {
                "run_id": str(run.pk),
                **{f: getattr(run, f) for f in _RUN_FIELDS},
                **{f: _iso(getattr(run, f)) for f in _RUN_TIMES},
            }
            for run in thread.runs.order_by("created_at")
        ],
        "checkpoints": checkpoints,
        "blobs": blobs,
        "writes": DjangoCheckpointer().export_writes(tid),
        "events": [
            {
                "seq": e.seq,
                "type": e.type,
                "run_id": str(e.run_id) if e.run_id else None,
                "ts": _iso(e.created_at),
                "data": e.payload,
            }
            for e in RunEvent.objects.filter(thread_id=tid).order_by("seq")
        ],
        "audit": [
            {
                "action": a.action,
                "actor": _username(a.actor),
                "detail": a.detail,
                "created_at": _iso(a.created_at),
            }
            for a in AuditEntry.objects.filter(thread_id=tid)
            .select_related("actor")
            .order_by("created_at", "id")
        ],
        "comments": [
            {
                "checkpoint_id": c.checkpoint_id,
                "author": _username(c.author),
                "body": c.body,
                "created_at": _iso(c.created_at),
            }
            for c in CheckpointComment.objects.filter(thread=thread).select_related("author")
        ],
    }


# --- import -----------------------------------------------------------------------------


def _list(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = doc.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InvalidInput(f"{key} must be a list of objects")
    return items


def _check_serialised(text: Any, where: str) -> None:
    """Refuse serialised values that would make the server import a module it has not
    loaded: the checkpoint serialiser rebuilds dataclasses by importing their class, and
    an uploaded file must not choose what gets imported."""
    if text is None:
        return
    if not isinstance(text, str):
        raise InvalidInput(f"{where}: serialised data must be a string")

    def hook(obj: dict[str, Any]) -> dict[str, Any]:
        if obj.get(SERDE_TAG) in ("dataclass", "pydantic"):
            module = str(obj.get("cls", "")).partition(":")[0]
            if module not in sys.modules:
                raise InvalidInput(f"{where}: refers to {module!r}, which is not loaded here")
        return obj

    try:
        json.loads(text, object_hook=hook)
    except ValueError as exc:
        raise InvalidInput(f"{where}: not valid serialised JSON") from exc


def _when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(str(value)) if isinstance(value, str) else None
    if parsed is None:
        raise InvalidInput(f"not a timestamp: {value!r}")
    return parsed


def _graph_for(workspace: Workspace, part: dict[str, Any] | None, user: Any):
    """(graph, version) in ``workspace`` for the exported graph: an identical spec
    version already there is reused; otherwise a new graph is created and published."""
    if part is None:
        return None, None
    if not isinstance(part, dict):
        raise InvalidInput("graph must be an object")
    name = str(part.get("name") or "Imported graph")[:200]
    if part.get("source") == GraphSource.CODE:
        code_ref = str(part.get("code_ref") or part.get("slug") or "")
        graph = Graph.objects.filter(
            workspace=workspace, source=GraphSource.CODE, code_ref=code_ref
        ).first()
        if graph is None:
            graph = graph_create(
                workspace=workspace,
                name=name,
                slug=_free_slug(workspace, part.get("slug") or code_ref),
                source=GraphSource.CODE,
                code_ref=code_ref,
                user=user,
            )
        return graph, None
    spec = part.get("spec")
    if not isinstance(spec, dict):
        raise InvalidInput("graph.spec must be the graph's spec (a JSON object)")
    same = (
        GraphVersion.objects.filter(graph__workspace=workspace, graph__source=GraphSource.SPEC)
        .select_related("graph")
        .order_by("-created_at")
    )
    for version in same.filter(graph__slug=part.get("slug") or ""):
        if version.spec == spec:
            return version.graph, version
    graph = graph_create(
        workspace=workspace,
        name=name,
        slug=_free_slug(workspace, part.get("slug") or name),
        spec=spec,
        user=user,
    )
    version = graph_version_publish(graph=graph, user=user, note="imported with a thread")
    return graph, version


def _free_slug(workspace: Workspace, wanted: str) -> str:
    base = slugify(str(wanted))[:90] or "graph"
    slug, n = base, 1
    while Graph.objects.filter(workspace=workspace, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def thread_import(*, workspace: Workspace, document: Any, user: Any = None) -> Thread:
    """Recreate an exported thread (new id) in ``workspace``; see the module docstring."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(f"not a thread export (expected format {FORMAT!r})")
    if document.get("format_version") != FORMAT_VERSION:
        raise InvalidInput(f"unsupported format_version (this server reads {FORMAT_VERSION})")
    source = document.get("thread")
    if not isinstance(source, dict):
        raise InvalidInput("thread must be an object")
    runs, events = _list(document, "runs"), _list(document, "events")
    checkpoints, blobs = _list(document, "checkpoints"), _list(document, "blobs")
    writes, audit = _list(document, "writes"), _list(document, "audit")
    comments = _list(document, "comments")
    for i, blob in enumerate(blobs):
        _check_serialised(blob.get("data"), f"blobs/{i}")
    for i, write in enumerate(writes):
        _check_serialised(write.get("data"), f"writes/{i}")
    for i, checkpoint in enumerate(checkpoints):
        _check_serialised(json.dumps(checkpoint.get("metadata") or {}), f"checkpoints/{i}")

    try:
        with transaction.atomic():
            return _import(workspace, document, source, user, runs, events, checkpoints, blobs,
                           writes, audit, comments)  # fmt: skip
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"the export is incomplete or malformed: {exc}") from exc


def _import(
    workspace: Workspace,
    document: dict[str, Any],
    source: dict[str, Any],
    user: Any,
    runs: list[dict[str, Any]],
    events: list[dict[str, Any]],
    checkpoints: list[dict[str, Any]],
    blobs: list[dict[str, Any]],
    writes: list[dict[str, Any]],
    audit: list[dict[str, Any]],
    comments: list[dict[str, Any]],
) -> Thread:
    graph, version = _graph_for(workspace, document.get("graph"), user)
    status = source.get("status") if source.get("status") in ThreadStatus.values else "idle"
    thread = Thread.objects.create(
        workspace=workspace,
        graph=graph,
        # A busy thread's run cannot continue here: it arrives stopped.
        status=ThreadStatus.IDLE if status == ThreadStatus.BUSY else status,
        metadata=source.get("metadata") or {},
        values=source.get("values"),
        interrupts=source.get("interrupts") or {},
        created_by=user if getattr(user, "is_authenticated", False) else None,
        next_event_seq=max([int(e["seq"]) for e in events], default=0) + 1,
    )
    tid = str(thread.pk)
    run_ids: dict[str, uuid.UUID] = {}
    new_runs = []
    for item in runs:
        run = Run(thread=thread, graph_version=version, **{f: item[f] for f in _RUN_FIELDS})
        if run.status in (RunStatus.PENDING, RunStatus.RUNNING):
            run.status = RunStatus.CANCELLED
        run_ids[str(item["run_id"])] = run.pk
        new_runs.append(run)
    Run.objects.bulk_create(new_runs)
    _keep_times(new_runs, runs, _RUN_TIMES)

    DjangoCheckpointer().import_history(tid, checkpoints, blobs)
    CheckpointWrite.objects.bulk_create(
        CheckpointWrite(thread_id=tid, **{f: w[f] for f in _WRITE_FIELDS}) for w in writes
    )
    new_events = RunEvent.objects.bulk_create(
        RunEvent(
            thread=thread,
            run_id=run_ids.get(str(e.get("run_id"))),
            seq=int(e["seq"]),
            type=str(e["type"])[:64],
            payload=e.get("data") or {},
        )
        for e in events
    )
    _keep_times(new_events, [{"created_at": e.get("ts")} for e in events], ("created_at",))
    new_audit = AuditEntry.objects.bulk_create(
        AuditEntry(
            workspace=workspace,
            thread=thread,
            action=str(a["action"])[:64],
            # The actors are people of the exporting workspace: kept by name only.
            detail={**(a.get("detail") or {}), "actor": a.get("actor"), "imported": True},
        )
        for a in audit
    )
    _keep_times(new_audit, audit, ("created_at",))
    new_comments = CheckpointComment.objects.bulk_create(
        CheckpointComment(
            thread=thread,
            checkpoint_id=str(c["checkpoint_id"])[:64],
            body=f"{c.get('author') or 'someone'}: {c['body']}"[:4000],
        )
        for c in comments
    )
    _keep_times(new_comments, comments, ("created_at",))
    audit_record(
        workspace=workspace,
        actor=user,
        thread=thread,
        action="thread.imported",
        detail={"source_thread_id": str(source.get("thread_id") or "")},
    )
    return thread


def _keep_times(rows: list[Any], items: list[dict[str, Any]], fields: tuple[str, ...]) -> None:
    """Restore exported timestamps (auto_now_add set them to now on insert)."""
    changed = []
    for row, item in zip(rows, items, strict=True):
        values = {f: _when(item.get(f)) for f in fields}
        values = {f: v for f, v in values.items() if v is not None}
        if values:
            for f, v in values.items():
                setattr(row, f, v)
            changed.append(row)
    if changed:
        type(rows[0]).objects.bulk_update(changed, list(fields), batch_size=500)
