"""Errors services raise at the boundary, with what was wrong and what to do instead."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base of the errors a caller can show to a user (the API maps them to 4xx)."""

    status_code = 400


class DraftConflict(ServiceError):
    """The draft was saved by someone else since ``base_revision`` was read.

    Carries the current draft and revision so the editor can merge or reload.
    """

    status_code = 409

    def __init__(self, graph_id: int, current_revision: int, current_draft: dict[str, Any]):
        super().__init__(
            f"graph {graph_id}: the draft is at revision {current_revision}; reload it, "
            "re-apply your change and save with that revision"
        )
        self.graph_id = graph_id
        self.current_revision = current_revision
        self.current_draft = current_draft


class ThreadBusy(ServiceError):
    """A run was started with ``multitask_strategy="reject"`` while another is active."""

    status_code = 409

    def __init__(self, thread_id: Any, active_run_id: Any):
        super().__init__(
            f"thread {thread_id} already has an active run ({active_run_id}); wait for it, "
            "cancel it, or start with multitask_strategy 'enqueue', 'interrupt' or 'rollback'"
        )
        self.thread_id = thread_id
        self.active_run_id = active_run_id


class NothingToResume(ServiceError):
    """A resume (``command.resume``) sent to a thread with no pending interrupt: the run it
    answers has finished, so there is nothing to answer and nothing changes."""

    status_code = 409

    def __init__(self, thread_id: Any, status: str):
        super().__init__(
            f"thread {thread_id} has no pending interrupt to resume (it is {status}): the "
            "run that asked has finished; start a new run with input instead"
        )


class InvalidInput(ServiceError):
    """Input that a service refuses, with the reason."""

    status_code = 422


class ReadOnlyGraph(InvalidInput):
    """An edit of a code-defined graph: its Python source is the truth, not the API."""

    status_code = 409

    def __init__(self, graph_id: Any, what: str = "edited") -> None:
        super().__init__(
            f"graph {graph_id} is code-defined and read-only: it cannot be {what} here; "
            "edit its Python source (GRAPHS_CONFIG) instead"
        )
