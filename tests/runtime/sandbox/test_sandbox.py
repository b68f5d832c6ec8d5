"""The template/expression sandbox: normal use works, escapes and resource abuse are refused."""

from __future__ import annotations

import time

import pytest

from runtime import sandbox
from runtime.sandbox import ExpressionError, SandboxViolation, evaluate, render

STATE = {"state": {"a": 2, "name": "Ada", "items": [1, 2, 3], "msgs": [{"role": "user"}]}}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("state.a + 1", 3),
        ("state.name == 'Ada'", True),
        ("state.items | sum", 6),
        ("state.items[-1]", 3),
        ("(state.msgs | last).tool_calls", None),
        ("state.missing", None),
        (
            "[{'role': 'assistant', 'content': state.name}]",
            [{"role": "assistant", "content": "Ada"}],
        ),
        ("'x' * 3", "xxx"),
        ("state.name ~ '!'", "Ada!"),
        ("'{} {}'.format(1, 2)", "1 2"),
        ("'%s-%s' % (1, 2)", "1-2"),
        ("2 ** 10", 1024),
        ("range(3) | length", 3),
        ("range(2, 10, 3) | list", [2, 5, 8]),
        ("'{0.name}'.format(state)", "Ada"),
    ],
)
def test_expressions_evaluate(source, expected):
    assert evaluate(source, STATE) == expected


def test_templates_render():
    src = "Hi {{ state.name }}{% for i in state.items %} {{ i }}{% endfor %} {{ state.items | tojson }}"
    assert render(src, STATE) == "Hi Ada 1 2 3 [1, 2, 3]"


def test_compile_expression_returns_reusable_callable():
    fn = sandbox.compile_expression("state.a * 10")
    assert fn({"state": {"a": 1}}) == 10
    assert fn({"state": {"a": 4}}) == 40


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        ("state.__class__", "__class__"),
        ("state.items.__class__.__mro__", "__mro__"),
        ("state['__globals__']", "__globals__"),
        ("state.name.__class__.__subclasses__()", "__subclasses__"),
        ("state | attr('__class__')", "private"),
        ("self", "self"),
        ("_sy_iter", "_sy_iter"),
        ("state.items.append", "append"),
        ("state.fn.__globals__", "__globals__"),
    ],
)
def test_escapes_are_refused(source, needle):
    with pytest.raises(SandboxViolation) as info:
        evaluate(source, {"state": {"items": [], "name": "x", "fn": len}})
    assert needle in str(info.value)


def test_dynamic_private_item_is_refused():
    with pytest.raises(SandboxViolation, match="__class__"):
        evaluate("state[state.key]", {"state": {"key": "__class__"}})


@pytest.mark.parametrize(
    "source",
    [
        "{% import 'os' as os %}",
        "{% from 'x' import y %}",
        "{% include 'x' %}",
        "{% extends 'x' %}",
        "{% macro f() %}{% endmacro %}",
        "{% block b %}{% endblock %}",
        "{{ self._TemplateReference__context }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_template_escapes_are_refused(source):
    with pytest.raises(SandboxViolation):
        render(source, STATE)


@pytest.mark.parametrize(
    "source",
    [
        "range(10 ** 9) | list",
        "'a' * 1000000000",
        "[1] * 100000000",
        "'a' | center(1000000000)",
        "'a' | indent(1000000000)",
        "'{:>1000000000}'.format(1)",
        "'%1000000000d' % 1",
        "'a'.ljust(1000000000)",
        "10 ** 1000000",
        "(2 ** 4000) * (2 ** 4000) * (2 ** 4000)",
        "'ab' | replace('', 'x' * 999999)",
        "[1, 2] | batch(1000000000, 0) | list",
    ],
)
def test_resource_abuse_is_refused_quickly(source):
    started = time.monotonic()
    with pytest.raises(SandboxViolation):
        evaluate(source, STATE)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        "{% for i in range(10000) %}{{ 'x' * 1000 }}{% endfor %}",
        "{% set x = 'a' * 1000 %}" + "{% set x = x ~ x %}" * 12 + "{{ x }}",
        "{{ lipsum(100000) }}",
    ],
)
def test_template_work_and_output_are_bounded(source):
    started = time.monotonic()
    with pytest.raises(ExpressionError):
        render(source, STATE)
    assert time.monotonic() - started < 5


def test_syntax_error_has_position():
    with pytest.raises(ExpressionError) as info:
        sandbox.parse_expression("state.a == )")
    assert (info.value.line, info.value.column) == (1, 12)


def test_trailing_chunk_is_reported_with_position():
    with pytest.raises(ExpressionError) as info:
        sandbox.parse_expression("state.a state.b")
    assert info.value.column == 9


def test_template_syntax_error_has_line():
    with pytest.raises(ExpressionError) as info:
        sandbox.parse_template("line one\n{% if %}")
    assert info.value.line == 2


def test_state_fields_used():
    tree = sandbox.parse_expression("state.a + state['b'] + (state.c | length)")
    assert sorted(n for n, _ in sandbox.state_fields_used(tree)) == ["a", "b", "c"]


def test_no_eval_or_exec_where_specs_run():
    import pathlib

    runtime_dir = pathlib.Path(sandbox.__file__).parents[1]
    folders = ("sandbox", "graphspec", "providers", "examples")
    for path in (p for folder in folders for p in (runtime_dir / folder).rglob("*.py")):
        text = path.read_text()
        assert "eval(" not in text.replace("evaluate(", "").replace("_eval(", ""), path
        assert "exec(" not in text.replace("exec_module(", ""), path
