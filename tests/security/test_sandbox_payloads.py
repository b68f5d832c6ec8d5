"""Hostile templates and expressions are refused before they build anything big.

Each payload runs in a separate worker process with a deadline and an address-space
limit, so a regression shows up as a failed test instead of a frozen or swapping test
run. The worker reports the error and the peak of Python allocations (tracemalloc)
during the evaluation: a refusal that came *after* building the value would show there.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

import pytest

from runtime.sandbox import evaluate, render

DEADLINE = 20.0  # seconds for one payload, generous for a busy shared machine
PEAK_LIMIT = 64 * 1024 * 1024  # bytes a refused payload may allocate on its way to refusal
ADDRESS_SPACE = 3 * 1024**3  # the worker is killed by the kernel before it can swap the box


def _limit_memory() -> None:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[0])
    used = pages * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (used + ADDRESS_SPACE, resource.RLIM_INFINITY))


def _probe(kind: str, source: str) -> dict[str, Any]:
    tracemalloc.start()
    try:
        (evaluate if kind == "expression" else render)(source, {"state": {}})
        outcome: dict[str, Any] = {"error": None, "message": ""}
    except Exception as exc:  # the test inspects whatever was raised
        outcome = {"error": type(exc).__name__, "message": str(exc)}
    outcome["peak"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome


@pytest.fixture(scope="module")
def worker() -> Iterator[Pool]:
    pool = multiprocessing.get_context("fork").Pool(1, initializer=_limit_memory)
    yield pool
    pool.terminate()
    pool.join()


BIG = "([range(10000) | list] * 1000)"  # 10 M items behind 1000 references: cheap to make

EXPRESSIONS = [
    ("'%999999999s' | format(1)", "format widths"),
    ("'%.999999999f' | format(1.5)", "format widths"),
    ("'%*d' % (999999999, 1)", "format widths"),
    ("'%0999999999d' % 1", "format widths"),
    ("'{:>999999999}'.format(1)", "format widths"),
    ("'{:.999999999f}'.format(1.5)", "format widths"),
    ("'{x:>999999999}'.format_map({'x': 1})", "format widths"),
    ("'{0:{1}}'.format(1, 999999999)", "nested fields"),
    ("'{:{w}}'.format(1, w=999999999)", "nested fields"),
    ("('{0}' * 1000).format('x' * 900000)", "the formatted string"),
    ("('%s' * 1000) % (('x' * 900000,) * 1000)", "the formatted string"),
    (f"'%s' % ({BIG},)", "a format argument"),
    (f"{BIG} | tojson", "input of the 'tojson' filter"),
    ("([('x' * 900000) | e] * 1000) | tojson", "input of the 'tojson' filter"),
    ("('[' * 3000 ~ ']' * 3000) | fromjson | tojson", "deep"),
    ("([range(1000) | list] * 2000) | sum(start=[])", "the summed list"),
    ("'a' * 999999999", "the repeated sequence"),
    ("[0] * 999999999", "the repeated sequence"),
    ("'ab' | center(999999999)", "too large"),
    ("'ab' | indent(999999999)", "too large"),
    ("('a b ' * 200000) | wordwrap(1)", "the wrapped string"),
    ("(range(10000) | map('string') | list) | join('y' * 1000)", "the joined string"),
    (f"{BIG} | join(',')", "the joined string"),
    ("'x'.ljust(999999999)", "str.ljust()"),
    ("('\\t' * 500000).expandtabs(100)", "str.expandtabs()"),
    ("('a' * 1000000) | replace('a', 'bb')", "the replaced string"),
    ("'x' * 900000 ~ 'y' * 900000", "the joined string"),
    (f"{BIG} ~ ''", "a joined value"),
    ("2 ** 999999999", "too large to compute"),
    ("range(999999999) | list", "range()"),
    ("range(10000) | batch(999999999) | list", "a count of"),
    (f"{BIG} | string", "input of the 'string' filter"),
    (f"{BIG} | upper", "input of the 'upper' filter"),
    (BIG, "the expression's value"),
]

TEMPLATES = [
    ("{% for i in range(10000) %}{% for j in range(10000) %}x{% endfor %}{% endfor %}", "work"),
    ("{{ " + BIG + " }}", "the printed value"),
    ("{% for i in range(10000) %}{{ 'x' * 900 }}{% endfor %}", "output exceeds"),
]


def _assert_refused(worker: Pool, kind: str, source: str, fragment: str) -> None:
    outcome = worker.apply_async(_probe, (kind, source)).get(timeout=DEADLINE)
    assert outcome["error"] == "SandboxViolation", outcome
    assert fragment in outcome["message"], outcome
    assert outcome["peak"] < PEAK_LIMIT, outcome


@pytest.mark.parametrize(("source", "fragment"), EXPRESSIONS)
def test_hostile_expression_is_refused_before_it_builds(worker, source, fragment):
    _assert_refused(worker, "expression", source, fragment)


@pytest.mark.parametrize(("source", "fragment"), TEMPLATES)
def test_hostile_template_is_refused_before_it_builds(worker, source, fragment):
    _assert_refused(worker, "template", source, fragment)


@pytest.mark.parametrize(
    ("source", "size"),
    [
        ("'%9999s' | format(1)", 9999),
        ("'{:>9999}'.format(1)", 9999),
        ("'order 12345: {}'.format(7)", 14),
        ("([range(100) | list] * 100) | sum(start=[]) | length", 10000),
        ("([range(100) | list] * 100) | tojson | length", 39200),
    ],
)
def test_work_up_to_the_limits_is_allowed(source, size):
    value = evaluate(source, {"state": {}})
    assert (value if isinstance(value, int) else len(value)) == size


def _run_with_env(env: dict[str, str], source: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\nfrom runtime.sandbox import ExpressionError, evaluate\n"
        "try:\n    print(evaluate(sys.argv[1], {}))\n"
        "except ExpressionError as exc:\n    print('refused:', exc)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, source],
        env={**os.environ, **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_limits_are_set_from_the_environment():
    source = "'%60s' | format(1) | length"
    assert _run_with_env({}, source).stdout.strip() == "60"
    tight = _run_with_env({"SWITCHYARD_SANDBOX_MAX_WIDTH": "50"}, source)
    assert tight.stdout.startswith("refused: format widths and precisions above 50"), tight


def test_a_bad_limit_setting_is_named():
    bad = _run_with_env({"SWITCHYARD_SANDBOX_MAX_OPS": "lots"}, "1")
    assert bad.returncode != 0
    assert "SWITCHYARD_SANDBOX_MAX_OPS must be a positive integer, not 'lots'" in bad.stderr
