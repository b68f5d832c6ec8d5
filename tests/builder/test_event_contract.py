"""One event contract: docs/events.md, the Python definitions (builder/eventtypes.py) and
the generated TypeScript and JSON Schema (frontend/src/api/) agree, and events that do
not fit their definition are refused where they are built."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from builder.eventtypes import EVENT_TYPES, UnknownEventType, event_data
from builder.execution.driver import stream_part_events
from builder.management.commands.export_event_types import TS_FILE, rendered

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def _docs_rows() -> dict[str, str]:
    """``type -> data column`` of the event table in docs/events.md."""
    text = DOCS.read_text()
    table = text[text.index("| type ") : text.index("## The thread websocket")]
    return dict(re.findall(r"^\| `([a-z.]+)`\s*\| (.*)\|\s*$", table, re.M))


def test_the_docs_list_exactly_the_defined_types():
    assert sorted(_docs_rows()) == sorted(EVENT_TYPES)


@pytest.mark.parametrize("kind", sorted(EVENT_TYPES))
def test_the_docs_name_every_member_of_each_type(kind):
    named = set(re.findall(r"`([a-z_]+)`", _docs_rows()[kind]))
    assert set(EVENT_TYPES[kind].model_fields) <= named


def test_the_generated_files_are_current():
    stale = [str(path) for path, text in rendered().items() if path.read_text() != text]
    assert stale == [], "run: python manage.py export_event_types"


def test_the_typescript_union_has_every_type():
    text = TS_FILE.read_text()
    assert sorted(re.findall(r'^  type: "([a-z.]+)";$', text, re.M)) == sorted(EVENT_TYPES)


def test_a_server_built_event_is_checked():
    data = {"run_id": "r1", "attempt": 1, "worker": "host:1"}
    assert event_data("run.started", data) == data
    with pytest.raises(ValidationError, match="attempt"):
        event_data("run.started", {"run_id": "r1", "attempt": "first", "worker": "h"})
    with pytest.raises(ValidationError, match="extra"):
        event_data("thread.status", {"status": "idle", "colour": "red"})
    with pytest.raises(UnknownEventType, match="run.exploded"):
        event_data("run.exploded", {})


def test_engine_events_keep_what_the_engine_adds():
    task = {"id": "t1", "name": "llm", "input": {"q": 1}, "triggers": ["start:llm"], "step": 3}
    ((kind, data),) = stream_part_events(("sub:1",), "tasks", task)
    assert kind == "task.started"
    assert data == {"ns": ["sub:1"], **task}
    ((kind, data),) = stream_part_events((), "tasks", {**task, "result": [], "error": "Boom"})
    assert kind == "task.failed" and data["error"] == "Boom"
