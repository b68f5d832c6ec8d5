"""Reviewer actions on a thread: answer an interrupt, edit state, fork, cancel, start.

One entry point, ``review_act``, serves both the websocket and ``POST
/api/threads/{id}/review/``: it validates the message, checks the caller's role and the
thread's state, writes through the run services, records an audit entry and returns the
acknowledgement. Refusals raise ``ReviewRefused`` with a sentence meant for the reviewer.

Two reviewers answering one interrupt are settled by the database: the thread row is
locked while the answer is checked, and ``InterruptResolution``'s unique constraint
refuses a second answer even if the lock were bypassed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonschema
from django.db import IntegrityError, transaction

from builder.eventlog import event_record
from builder.models import (
    ACTIVE_RUN_STATUSES,
    ApiKey,
    Checkpoint,
    InterruptResolution,
    Run,
    Thread,
    ThreadStatus,
)
from builder.selectors.review import (
    BREAKPOINT_ID,
    form_of,
    paused_run,
    pending_interrupts,
    run_interrupts,
    thread_access,
)
from builder.selectors.state_schema import graph_and_spec, state_problems
from builder.services.audit import audit_record
from builder.services.errors import ServiceError
from builder.services.runs import run_cancel, run_start

ACTIONS = ("resume", "update_state", "fork", "cancel", "start_run")


class ReviewRefused(ServiceError):
    """A reviewer action that was not carried out; ``str()`` says why, ``field`` (a JSON
    pointer into the message) names the member at fault when there is one."""

    def __init__(self, reason: str, status_code: int = 409, field: str | None = None) -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.field = field


@dataclass(frozen=True)
class Reviewer:
    """Who is acting: the user, and the API key they authenticated with (if any)."""

    user: Any
    api_key: ApiKey | None = None

    @property
    def name(self) -> str:
        return str(self.user.get_username())


def review_act(*, thread_id: str, reviewer: Reviewer, message: Any) -> dict[str, Any]:
    """Carry out one reviewer action; return the ack (``{"type": "ack", ...}``).

    Who may act is settled before what they sent is read: a thread of another workspace
    is a 404 whatever the message, a watcher's message a 403."""
    access = thread_access(reviewer.user, reviewer.api_key, thread_id)
    if access is None:
        raise ReviewRefused(f"Thread {thread_id} was not found.", 404)
    if not access.can_act:
        raise ReviewRefused(
            f"Your role in this workspace ({access.role}) can watch but not act; "
            "reviewers, editors and owners can.",
            403,
        )
    if not isinstance(message, dict):
        raise ReviewRefused("A review message must be a JSON object.", 400, field="")
    action = message.get("action")
    if action not in ACTIONS:
        raise ReviewRefused(
            f"Unknown action {action!r}: use one of {', '.join(ACTIONS)}.", 400, field="/action"
        )
    try:
        # Each handler makes its own transaction: a state edit compiles the graph, whose
        # checkpointer may write from another connection (SQLite would deadlock on ours).
        detail = _HANDLERS[action](access.thread_id, reviewer, message)
    except ServiceError as exc:
        if isinstance(exc, ReviewRefused):
            raise
        raise ReviewRefused(str(exc), exc.status_code) from exc
    audit = {**detail, "request_id": message.get("request_id")}
    comment = _comment_of(message)
    if comment:
        audit["comment"] = comment  # the audit trail says why, not only what
    audit_record(
        workspace=access.workspace_id,
        actor=reviewer.user,
        thread=Thread(pk=access.thread_id),
        action=f"review.{action}",
        detail=audit,
    )
    return {"type": "ack", "request_id": message.get("request_id"), "action": action, **detail}


MAX_AUDIT_COMMENT = 2000


def _comment_of(message: dict[str, Any]) -> str:
    """The reviewer's comment, from the answer (``value``/``resume``) or the message."""
    value = message.get("value", message.get("resume"))
    comment = value.get("comment") if isinstance(value, dict) else message.get("comment")
    return comment[:MAX_AUDIT_COMMENT] if isinstance(comment, str) else ""


# --- resume --------------------------------------------------------------------------


def _resume_value(message: dict[str, Any]) -> tuple[str, Any]:
    """(decision, value to resume with). ``value`` (or ``resume``, the frontend's name)
    is the answer; a ``decision`` is merged into an object answer or becomes
    ``{"decision": ...}`` when no answer is given."""
    value = message.get("value", message.get("resume"))
    decision = message.get("decision")
    if decision is not None and not isinstance(decision, str):
        raise ReviewRefused(
            "decision must be a string such as 'approve' or 'reject'.", 400, field="/decision"
        )
    if decision:
        if value is None:
            value = {"decision": decision}
        elif isinstance(value, dict):
            value = {**value, "decision": decision}
    elif isinstance(value, dict) and isinstance(value.get("decision"), str):
        decision = value["decision"]
    return decision or "", value


def _check_form(form: dict[str, Any] | None, value: Any) -> None:
    if form is None:
        return
    try:
        jsonschema.validate(value, form)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path)
        at = f" (at {where})" if where else ""
        raise ReviewRefused(
            f"The answer does not fit the form: {exc.message}{at}.",
            422,
            field="/value" + "".join(f"/{p}" for p in exc.absolute_path),
        ) from exc
    except jsonschema.SchemaError as exc:
        raise ReviewRefused(
            f"The interrupt's form is not a valid JSON Schema: {exc.message}.", 422
        ) from exc


def _winner(run: Run, interrupt_id: str) -> str | None:
    found = (
        InterruptResolution.objects.filter(run=run, interrupt_id=interrupt_id)
        .select_related("resolved_by")
        .first()
    )
    if found is None:
        return None
    return found.resolved_by.get_username() if found.resolved_by else "someone"


def _resume(thread_id: str, reviewer: Reviewer, message: dict[str, Any]) -> dict[str, Any]:
    decision, value = _resume_value(message)
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread_id)
        run = _latest_paused_run(thread)
        interrupts = run_interrupts(run) if run is not None else []
        interrupt_id = str(message.get("interrupt_id") or "")
        if not interrupt_id and len(interrupts) == 1:
            interrupt_id = interrupts[0]["id"]
        if run is not None and interrupt_id:
            winner = _winner(run, interrupt_id)
            if winner is not None:
                raise ReviewRefused(f"already resolved by {winner}")
        if thread.status != ThreadStatus.INTERRUPTED or run is None:
            raise ReviewRefused(f"The thread is not waiting for review (it is {thread.status}).")
        by_id = {i["id"]: i for i in interrupts}
        if not interrupt_id:
            raise ReviewRefused(
                "The run paused at several interrupts; say which one with interrupt_id "
                f"({', '.join(by_id)}).",
                400,
            )
        if interrupt_id not in by_id:
            raise ReviewRefused(f"Interrupt {interrupt_id} is not pending on this thread.", 404)
        _check_form(form_of(by_id[interrupt_id]["value"]), value)
        try:
            with transaction.atomic():
                InterruptResolution.objects.create(
                    thread=thread,
                    run=run,
                    interrupt_id=interrupt_id,
                    resolved_by=reviewer.user,
                    decision=decision[:64],
                    value=value,
                )
        except IntegrityError:
            raise ReviewRefused(f"already resolved by {_winner(run, interrupt_id)}") from None
        event_record(
            thread.pk,
            run.pk,
            "review.resolved",
            {"by": reviewer.name, "decision": decision, "interrupt_id": interrupt_id},
        )
        # A breakpoint is continued with no input; an interrupt() is answered by id, which
        # also works when several interrupts are pending.
        command = None if interrupt_id == BREAKPOINT_ID else {"resume": {interrupt_id: value}}
        # The run goes on with its breakpoints (or those the message sends: the canvas's
        # now), so a later breakpoint still stops it.
        resumed = run_start(
            thread=thread,
            assistant=thread.assistant,
            command=command,
            user=reviewer.user,
            **_breakpoints(message, run),
        )
    detail = {"interrupt_id": interrupt_id, "decision": decision, "run_id": str(resumed.pk)}
    edited = _edited_fields(by_id[interrupt_id]["value"], value)
    # Edit-and-continue is an edit as much as a decision: the audit trail says which.
    return {**detail, "edited_fields": edited} if edited else detail


def _edited_fields(prompt: Any, answer: Any) -> list[str]:
    """The editable fields of a human review whose answer differs from what was shown."""
    if not isinstance(prompt, dict) or not isinstance(answer, dict):
        return []
    shown = prompt.get("fields") if isinstance(prompt.get("fields"), dict) else {}
    editable = prompt.get("editable_fields") or []
    return [
        name
        for name in editable
        if isinstance(name, str) and name in answer and answer[name] != shown.get(name)
    ]


def _latest_paused_run(thread: Thread) -> Run | None:
    """The paused run, also after the thread moved on (to name who answered first)."""
    run = paused_run(thread)
    if run is not None:
        return run
    return (
        Run.objects.filter(thread=thread, resolutions__isnull=False).order_by("-created_at").first()
    )


# --- edit state, fork, cancel, start --------------------------------------------------


def _update_state(thread_id: str, reviewer: Reviewer, message: dict[str, Any]) -> dict[str, Any]:
    values = message.get("values")
    if not isinstance(values, dict):
        raise ReviewRefused(
            "update_state needs 'values', a JSON object of fields to set.", 400, field="/values"
        )
    as_node = _optional_str(message, "as_node")
    checkpoint_id = _optional_str(message, "checkpoint_id")
    thread = Thread.objects.get(pk=thread_id)
    _check_state(thread, values, "values")
    config = _state_update(thread, reviewer, values, as_node, checkpoint_id)
    new_checkpoint = config.get("configurable", {}).get("checkpoint_id")
    run = _run_on(
        thread, reviewer, checkpoint_id=new_checkpoint or "", **_breakpoints(message, None)
    )
    return {"checkpoint_id": new_checkpoint, "run_id": str(run.pk)}


def _fork(thread_id: str, reviewer: Reviewer, message: dict[str, Any]) -> dict[str, Any]:
    checkpoint_id = _optional_str(message, "checkpoint_id")
    if not checkpoint_id:
        raise ReviewRefused(
            "fork needs 'checkpoint_id', the checkpoint to rewind to.", 400, field="/checkpoint_id"
        )
    values = message.get("values")
    if values is not None and not isinstance(values, dict):
        raise ReviewRefused("fork's 'values' must be a JSON object or null.", 400, field="/values")
    thread = Thread.objects.get(pk=thread_id)
    exists = Checkpoint.objects.filter(
        thread_id=str(thread.pk), checkpoint_ns="", checkpoint_id=checkpoint_id
    ).exists()
    if not exists:
        raise ReviewRefused(f"Checkpoint {checkpoint_id} does not exist on this thread.", 404)
    start_from = checkpoint_id
    if values:
        _check_state(thread, values, "values")
        as_node = _optional_str(message, "as_node")
        config = _state_update(thread, reviewer, values, as_node, checkpoint_id)
        start_from = config.get("configurable", {}).get("checkpoint_id") or checkpoint_id
    run = _run_on(thread, reviewer, checkpoint_id=start_from, **_breakpoints(message, None))
    # The audit trail names the checkpoint rewound to; the new checkpoint holding the
    # edited values (when there are any) is the fork.
    forked = {"fork_checkpoint_id": start_from} if start_from != checkpoint_id else {}
    return {"checkpoint_id": checkpoint_id, **forked, "run_id": str(run.pk)}


def _cancel(thread_id: str, reviewer: Reviewer, message: dict[str, Any]) -> dict[str, Any]:
    run_id = _optional_str(message, "run_id")
    runs = Run.objects.filter(thread_id=thread_id)
    if run_id:
        try:
            run = runs.filter(pk=run_id).first()
        except Exception:  # a malformed UUID
            run = None
        if run is None:
            raise ReviewRefused(f"Run {run_id} was not found on this thread.", 404)
    else:
        run = runs.filter(status__in=ACTIVE_RUN_STATUSES).order_by("created_at").first()
        if run is None:
            raise ReviewRefused("There is no active run to cancel on this thread.")
    if run.status not in ACTIVE_RUN_STATUSES:
        raise ReviewRefused(f"Run {run.pk} has already finished ({run.status}).")
    action = message.get("cancel_action") or "interrupt"
    run_cancel(run=run, user=reviewer.user, action=action)
    return {"run_id": str(run.pk)}


def _start_run(thread_id: str, reviewer: Reviewer, message: dict[str, Any]) -> dict[str, Any]:
    thread = Thread.objects.select_related("assistant").get(pk=thread_id)
    if thread.graph_id is None and thread.assistant_id is None:
        raise ReviewRefused("This thread has no graph to run yet.", 400)
    value = message.get("input")
    if value is not None and not isinstance(value, dict):
        raise ReviewRefused("start_run's 'input' must be a JSON object or null.", 400, "/input")
    draft = message.get("draft", False)
    if not isinstance(draft, bool):
        raise ReviewRefused("start_run's 'draft' must be true or false.", 400, "/draft")
    if value:
        _check_state(thread, value, "input", draft=draft)
    checkpoint_id = _optional_str(message, "checkpoint_id") or ""
    if value is not None and not checkpoint_id and message.get("drop_review") is not True:
        _refuse_dropping_reviews(thread)
    run = run_start(
        thread=thread,
        assistant=thread.assistant,
        input=message.get("input"),
        checkpoint_id=checkpoint_id,
        user=reviewer.user,
        draft=draft,
        **_breakpoints(message, None),
    )
    return {"run_id": str(run.pk)}


def _refuse_dropping_reviews(thread: Thread) -> None:
    """New input at the head of a thread waiting for review would leave the question
    unanswered for good: refuse unless the caller says so (``drop_review``)."""
    waiting = [i for i in pending_interrupts(thread) if i["id"] != BREAKPOINT_ID]
    if waiting:
        raise ReviewRefused(
            f"This thread is waiting for a review ({len(waiting)} open): a new run would "
            "drop it. Answer the review first, or start over with 'drop_review': true.",
            409,
            field="/drop_review",
        )


def _breakpoints(message: dict[str, Any], paused: Run | None) -> dict[str, Any]:
    """``interrupt_before`` / ``interrupt_after`` for a run an action starts: what the
    message sends (a list of node names, or ``"*"``), else those of ``paused``, the run it
    continues."""
    out: dict[str, Any] = {}
    for key in ("interrupt_before", "interrupt_after"):
        value = message.get(key, getattr(paused, key, None))
        if value is None or value == "*":
            out[key] = value
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ReviewRefused(
                f"'{key}' must be a list of node names or \"*\".", 400, field=f"/{key}"
            )
        out[key] = value
    return out


def _check_state(
    thread: Thread, values: dict[str, Any], member: str, *, draft: bool = False
) -> None:
    """A spec graph's state is typed: refuse values that break its schema, naming the
    first place (code graphs declare no types and are not checked)."""
    if thread.graph_id is None and thread.assistant_id is None:
        return
    problems = state_problems(values, graph_and_spec(thread, None, draft=draft)[1], member)
    if problems:
        parts, reason = problems[0]
        field = "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)
        raise ReviewRefused(reason, 400, field=field)


def _state_update(
    thread: Thread,
    reviewer: Reviewer,
    values: dict[str, Any],
    as_node: str | None,
    checkpoint_id: str | None,
) -> dict[str, Any]:
    # The API's update_state service owns how a state edit becomes a checkpoint.
    from builder.services.api_threads import thread_state_update

    try:
        return thread_state_update(
            thread=thread,
            values=values,
            as_node=as_node,
            checkpoint_id=checkpoint_id,
            user=reviewer.user,
        )
    except (KeyError, ValueError, TypeError) as exc:  # the engine refused the update
        raise ReviewRefused(f"The state could not be updated: {exc}.", 422) from exc


def _run_on(thread: Thread, reviewer: Reviewer, *, checkpoint_id: str, **breakpoints: Any) -> Run:
    """Continue the thread from ``checkpoint_id`` with no input (and ``breakpoints``)."""
    return run_start(
        thread=thread,
        assistant=thread.assistant,
        checkpoint_id=checkpoint_id,
        user=reviewer.user,
        **breakpoints,
    )


def _optional_str(message: dict[str, Any], key: str) -> str | None:
    value = message.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ReviewRefused(f"'{key}' must be a string.", 400, field=f"/{key}")
    return value


_HANDLERS = {
    "resume": _resume,
    "update_state": _update_state,
    "fork": _fork,
    "cancel": _cancel,
    "start_run": _start_run,
}
