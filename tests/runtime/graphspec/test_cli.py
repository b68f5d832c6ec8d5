"""``python -m runtime`` as a subprocess: messages and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.runtime.graphspec.conftest import DEMOS, base_spec

ROOT = Path(__file__).resolve().parents[3]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runtime", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


@pytest.fixture
def bad_spec(tmp_path):
    spec = base_spec()
    spec["edges"][1]["target"] = "ghost"
    spec["nodes"][0]["kind"] = "teleport"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(spec))
    return path


def test_validate_ok():
    result = cli("validate", str(DEMOS / "support_triage.json"))
    assert result.returncode == 0
    assert "ok (6 nodes, 0 warnings)" in result.stdout


def test_validate_reports_every_problem_with_pointer(bad_spec):
    result = cli("validate", str(bad_spec))
    assert result.returncode == 1
    assert f"{bad_spec}:/edges/1/target: error: Edge 'e2' points to 'ghost'" in result.stderr
    assert "/nodes/0/kind: error: 'teleport' is not a node kind" in result.stderr
    assert "invalid (" in result.stderr


def test_validate_json_output(bad_spec):
    result = cli("validate", "--json", str(bad_spec))
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert {"pointer", "message", "severity", "code"} <= set(problems[0])


def test_run_prints_final_state():
    result = cli(
        "run", str(DEMOS / "map_reduce.json"), "--input", '{"documents": ["A b. C.", "D e. F."]}'
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summaries"] == ["A b.", "D e."]


def test_run_streams_a_mode_as_json_lines():
    result = cli(
        "run",
        str(DEMOS / "research_agent.json"),
        "--input",
        '{"messages": [{"role": "user", "content": "What is Python?"}]}',
        "--stream",
        "updates",
        "--thread",
        "t-cli",
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [next(iter(e)) for e in events] == ["agent", "tools", "agent", "tools", "agent"]


def test_run_resumes_interrupts():
    path = str(DEMOS / "support_triage.json")
    paused = cli("run", path, "--input", '{"ticket": "How do I export?"}')
    assert paused.returncode == 0 and "--resume" in paused.stderr
    assert "__interrupt__" in paused.stdout
    done = cli("run", path, "--input", '{"ticket": "How do I export?"}', "--resume", '"approve"')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["status"] == "sent"


def test_run_invalid_spec_exits_1(bad_spec):
    result = cli("run", str(bad_spec))
    assert result.returncode == 1
    assert "not a node kind" in result.stderr


def test_run_failure_exits_1_without_traceback(tmp_path):
    spec = base_spec()
    spec["nodes"][0]["config"] = {"set": [{"field": "count", "expression": "1 // 0"}]}
    path = tmp_path / "fails.json"
    path.write_text(json.dumps(spec))
    result = cli("run", str(path))
    assert result.returncode == 1
    assert result.stderr.startswith("run failed:") and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("frobnicate",),
        ("run",),
        ("run", str(DEMOS / "map_reduce.json"), "--input", "{not json"),
        ("validate", "/no/such/file.json"),
        ("run", str(DEMOS / "map_reduce.json"), "--stream", "telepathy"),
    ],
)
def test_usage_errors_exit_2(args):
    result = cli(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "error" in result.stderr


def test_spec_file_that_is_not_json_exits_1(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{oops")
    result = cli("validate", str(path))
    assert result.returncode == 1 and "not valid JSON" in result.stderr


def test_mermaid():
    result = cli("mermaid", str(DEMOS / "support_triage.json"))
    assert result.returncode == 0
    assert result.stdout.startswith("flowchart TD")
    assert 'n_classify -.->|"bug"| n_escalate' in result.stdout


def test_catalog():
    result = cli("catalog")
    assert result.returncode == 0
    assert [e["kind"] for e in json.loads(result.stdout)][0] == "llm"
