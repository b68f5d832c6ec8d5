"""Run the SDK scenarios against ``langgraph dev`` and Switchyard, diff what they answer,
and write docs/compatibility.md.

Not part of CI (``langgraph dev`` is a development-only reference server). Usage:

    python -m tests.clients.compare --reference http://127.0.0.1:2024 \\
        --switchyard http://127.0.0.1:8000/api --api-key KEY [--only NAME ...] [--write]

Both servers must serve the graphs of tests/clients/reference (langgraph.json and
graphs.json). Ids and timestamps differ by nature: they are replaced by placeholders,
numbered in order of first appearance, before the answers are compared.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import traceback
from pathlib import Path
from typing import Any

from langgraph_sdk import get_sync_client

from tests.clients.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]
ID = re.compile(
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}"
    r"|call-[0-9a-f]{8}|run-[0-9a-f-]{36}|lc_run--[0-9a-f-]{36}|[a-z]+-[0-9a-f]{8}"
    r"|[a-z_]+:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
# Differences explained: (text in a difference line, why). A call whose differences are
# all explained "works"; the table says why it differs.
EXPLAINED: list[tuple[str, str]] = [
    ("extra key 'workspace'", "Switchyard adds the thread's workspace"),
    ("extra key 'interrupts'", "Switchyard always sends interrupts and error"),
    ("extra key 'error'", "Switchyard always sends interrupts and error"),
    ("extra key 'values'", "Switchyard always sends values (null when none)"),
    (
        "metadata: extra key 'assistant_id'",
        "a Switchyard thread is bound to its graph's assistant from creation",
    ),
    ("config: missing key 'configurable'", "LangGraph's server-internal config keys"),
    ("missing key 'langgraph_", "LangGraph's server-internal keys (version, plan, auth)"),
    ("missing key '__request_start", "LangGraph's server-internal keys"),
    ("missing key '__after_seconds__'", "LangGraph's server-internal keys"),
    ("missing key 'user_id'", "LangGraph's auth user (Switchyard authenticates by API key)"),
    ("kwargs: missing key", "run kwargs LangGraph keeps for its queue"),
    ("kwargs.config: missing key", "run kwargs LangGraph keeps for its queue"),
    ("extra key 'duration_ms'", "Switchyard times each task"),
    ("extra key 'raised'", "Switchyard refuses what it cannot honour or what changes nothing"),
    ("extra key 'status'", "Switchyard refuses what it cannot honour or what changes nothing"),
    ('reference {"raised": "InternalServerError"', "LangGraph's server fails (500)"),
    ('reference [{"event": "metadata"', "Switchyard refuses feedback_keys (no LangSmith)"),
    ("items, reference 0", "Switchyard replays a finished run's persisted stream"),
    ("missing key 'ls_integration'", "LangChain's tracing keys"),
    ("missing key 'langsmith_session_name'", "LangSmith, which Switchyard does not use"),
    ("kwargs: extra key", "Switchyard's run kwargs also say the checkpoint and delay given"),
    ("extra key 'attempt'", "Switchyard's run says its attempt (and why it was cancelled)"),
    ("extra key 'cancel_reason'", "Switchyard's run says its attempt (and why it was cancelled)"),
    ("metadata: extra key 'nodes'", "engine: checkpoint metadata names the nodes that ran"),
    ('langgraph_path[0]: "pull"', "engine: task path kinds are named pull/push"),
]


class Normalizer:
    """Replaces ids and timestamps with stable placeholders: the same id gets the same
    placeholder, named for the key it first appears under and numbered per key, walking
    dict keys in sorted order (so an extra key on one side shifts no other numbers)."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def __call__(self, value: Any, key: str = "id") -> Any:
        if isinstance(value, dict):
            return {
                self(k, "key") if isinstance(k, str) else k: self(value[k], str(k))
                for k in sorted(value, key=str)
            }
        if isinstance(value, list | tuple):
            return [self(v, key) for v in value]
        if isinstance(value, str):
            if ID.match(value):
                if value not in self.ids:
                    self.counts[key] = self.counts.get(key, 0) + 1
                    self.ids[value] = f"<{key}{self.counts[key]}>"
                return self.ids[value]
            if TIME.match(value):
                return "<time>"
        return value


def differences(ref: Any, ours: Any, path: str = "") -> list[str]:
    """What Switchyard answers differently from the reference, one line per place."""
    where = path or "."
    if isinstance(ref, dict) and isinstance(ours, dict):
        out = []
        for key in ref:
            if key not in ours:
                out.append(f"{where}: missing key {key!r}")
            else:
                out += differences(ref[key], ours[key], f"{path}.{key}")
        out += [f"{where}: extra key {key!r}" for key in ours if key not in ref]
        return out
    if isinstance(ref, list) and isinstance(ours, list):
        out = []
        if len(ref) != len(ours):
            out.append(f"{where}: {len(ours)} items, reference {len(ref)}")
        for i, (a, b) in enumerate(zip(ref, ours, strict=False)):
            out += differences(a, b, f"{path}[{i}]")
        return out
    if ref != ours:
        return [f"{where}: {_short(ours)}, reference {_short(ref)}"]
    return []


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def run_scenario(name: str, url: str, api_key: str | None) -> list[tuple[str, Any]]:
    client = get_sync_client(url=url, api_key=api_key)
    try:
        steps = SCENARIOS[name](client)
    except Exception as exc:
        steps = [("scenario failed", {"error": f"{type(exc).__name__}: {exc}"})]
        traceback.print_exc()
    # One numbering per step: an extra id early in one answer must not shift the rest.
    return [
        (step, Normalizer()(json.loads(json.dumps(payload, default=str))))
        for step, payload in steps
    ]


def compare(name: str, reference: str, switchyard: str, key: str) -> list[dict[str, Any]]:
    ref = dict(run_scenario(name, reference, None))
    ours = dict(run_scenario(name, switchyard, key))
    rows = []
    for step in [*ref, *(s for s in ours if s not in ref)]:
        if step not in ours or step not in ref:
            diffs = [f"step only on {'the reference' if step in ref else 'Switchyard'}"]
        else:
            diffs = differences(ref[step], ours[step])
        rows.append({"scenario": name, "step": step, "diffs": diffs})
    return rows


# Calls Switchyard refuses on purpose (a 4xx), and why.
REFUSED = {
    "checkpoint_during": "refused (422): runs here always checkpoint after every step",
    "stream feedback_keys": "refused (422): feedback needs LangSmith; LangGraph's server "
    "accepts it and then fails the run (LangSmithConnectionError)",
    "late resume": "refused (409), nothing changes; LangGraph's server answers the old "
    "values as if the resume had done something",
}


def explain(diffs: list[str], step: str = "") -> tuple[str, list[str]]:
    """The verdict for a call ("same", "works" when every difference is explained,
    "refused" on purpose, "differs") and the reasons or differences to show."""
    if not diffs:
        return "same", []
    if step in REFUSED:
        return "refused", [REFUSED[step]]
    reasons: list[str] = []
    unexplained: list[str] = []
    for line in diffs:
        why = next((why for text, why in EXPLAINED if text in line), None)
        if why is None:
            unexplained.append(line)
        elif why not in reasons:
            reasons.append(why)
    if unexplained:
        return "differs", unexplained[:3] + reasons
    return "works", reasons


REMOTE_GRAPH = """
## RemoteGraph

LangGraph's own `RemoteGraph` (langgraph 1.2.24), run by `tests/clients/remote_check.py`
against both servers: invoke (pausing at an interrupt), get_state, get_state_history,
update_state, stream, a stateless invoke, get_graph, and as a subgraph of a local
LangGraph graph (invoked and streamed with `subgraphs=True`): 9 of 9 work on both.
Switchyard's `runtime.pregel.remote.RemoteGraph` does the same for runtime graphs, in CI
(`tests/clients/test_remote_graph.py`).
"""


def markdown(rows: list[dict[str, Any]]) -> str:
    verdicts = [explain(r["diffs"], r["step"])[0] for r in rows]
    lines = [
        "# LangGraph Server compatibility (Python SDK)",
        "",
        "Generated by `python -m tests.clients.compare --write`: each call of",
        "`tests/clients/scenarios.py` made with `langgraph_sdk` 0.4 (sync client) against",
        "`langgraph dev` (langgraph-api 0.16, in-memory, LangGraph 1.2.24) and against",
        "Switchyard serving the same graphs (`tests/clients/reference`), answers compared",
        "with ids and timestamps replaced by placeholders. The same calls run in CI against",
        "Switchyard with the sync and async clients (`tests/clients/test_python_sdk.py`),",
        "RemoteGraph in `tests/clients/test_remote_graph.py`, the JS SDK in",
        "`tests/clients/test_js_sdk.py`.",
        "",
        f"{verdicts.count('same')} of {len(rows)} calls answer exactly the same, "
        f"{verdicts.count('works')} work with the differences explained, "
        f"{verdicts.count('refused')} are refused on purpose, "
        f"{verdicts.count('differs')} differ.",
        "",
        "What still differs comes from the engine (runtime/), not the API layer: the tasks",
        "of past checkpoints carry no results, a task's start no metadata, and the configs",
        "the checkpoints and debug modes stream only the thread's ids; LangGraph's",
        "supersteps add the checkpoint and thread ids to each update's metadata.",
        "",
        "| scenario | call | Python SDK | differences, and why |",
        "| --- | --- | --- | --- |",
    ]
    for row, verdict in zip(rows, verdicts, strict=True):
        text = "; ".join(explain(row["diffs"], row["step"])[1]).replace("|", "\\|")
        lines.append(f"| {row['scenario']} | {row['step']} | {verdict} | {text} |")
    return "\n".join(lines) + "\n" + REMOTE_GRAPH


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", default="http://127.0.0.1:2024")
    parser.add_argument("--switchyard", default="http://127.0.0.1:8000/api")
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--write", action="store_true", help="write docs/compatibility.md")
    parser.add_argument("--verbose", action="store_true", help="print both answers")
    args = parser.parse_args(argv)
    rows = []
    for name in args.only or list(SCENARIOS):
        found = compare(name, args.reference, args.switchyard, args.api_key)
        rows += found
        for row in found:
            mark = "ok  " if not row["diffs"] else "DIFF"
            print(f"{mark} {name} / {row['step']}")
            for line in row["diffs"][: 12 if args.verbose else 4]:
                print("       " + line)
    if args.write:
        (ROOT / "docs" / "compatibility.md").write_text(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
