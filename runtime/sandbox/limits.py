"""Limits of the template sandbox: the work budget and size-checked helpers and filters.

Everything here runs *before* a value is built, so a template asking for a gigabyte
string is refused instead of allocating it. ``expressions.py`` wires these into the
environment.
"""

from __future__ import annotations

import contextvars
import json
import re
from collections.abc import Callable, Iterator, Sequence
from functools import wraps
from typing import Any

from jinja2 import Environment
from jinja2.filters import FILTERS
from jinja2.nodes import EvalContext

MAX_OUTPUT = 1_000_000  # characters of rendered output or of any string/list built
MAX_RANGE = 10_000  # items of one range()
MAX_OPS = 200_000  # calls + attribute/item reads + loop iterations per render
MAX_SOURCE = 50_000  # characters of one template or expression
MAX_INT_BITS = 4_096  # operands of * and ** beyond this are refused (bignum DoS)


class ExpressionError(ValueError):
    """A template or expression that does not parse, is refused, or fails to evaluate.

    ``line`` and ``column`` are 1-based positions in the source when known.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class SandboxViolation(ExpressionError):
    """Raised when a template reaches for something the sandbox does not allow."""


# -- the per-render work budget ------------------------------------------------------------


class Budget:
    __slots__ = ("ops",)

    def __init__(self) -> None:
        self.ops = 0

    def spend(self, n: int = 1) -> None:
        self.ops += n
        if self.ops > MAX_OPS:
            raise SandboxViolation(
                f"the template does too much work (more than {MAX_OPS} operations)"
            )


BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "switchyard_template_budget", default=None
)


def spend(n: int = 1) -> None:
    budget = BUDGET.get()
    if budget is not None:
        budget.spend(n)


def check_size(size: int, what: str) -> None:
    if size > MAX_OUTPUT:
        raise SandboxViolation(f"{what} would be too large ({size} > {MAX_OUTPUT} items)")


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict) else 0


# -- guarded globals, filters and string methods -------------------------------------------


class BudgetRange(Sequence[int]):
    """``range()`` for templates: capped in size, spending budget per item iterated."""

    def __init__(self, rng: range) -> None:
        self._range = rng

    def __len__(self) -> int:
        return len(self._range)

    def __getitem__(self, index: Any) -> Any:
        return self._range[index]

    def __iter__(self) -> Iterator[int]:
        for i in self._range:
            spend()
            yield i


def safe_range(*args: int) -> BudgetRange:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SandboxViolation(f"range() of {len(rng)} items exceeds the limit of {MAX_RANGE}")
    return BudgetRange(rng)


def budget_iter(value: Any) -> Iterator[Any]:
    # Wrapped around every {% for %} iterable by the AST transform below.
    for item in value:
        spend()
        yield item


def budget_concat(*parts: Any) -> str:
    strings = [str(p) for p in parts]
    check_size(sum(len(s) for s in strings), "the joined string")
    return "".join(strings)


_WIDTH_RE = re.compile(r"[0-9]{5,}|\*")


def check_format_spec(fmt: Any) -> None:
    # '%*d' and '{:>999999999}' build huge strings from tiny inputs; refuse wide fields.
    if isinstance(fmt, str) and _WIDTH_RE.search(fmt):
        raise SandboxViolation("format widths of 10000 or more (or '*') are not allowed")


def guard_str_method(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, str):  # JSON state holds no bytes
        return
    name = getattr(method, "__name__", "")
    values = list(args) + list(kwargs.values())
    if name in ("ljust", "rjust", "center", "zfill"):
        check_size(max([v for v in values if isinstance(v, int)] or [0]), f"str.{name}()")
    elif name == "expandtabs":
        tab = values[0] if values and isinstance(values[0], int) else 8
        check_size(len(owner) + owner.count("\t") * tab, "str.expandtabs()")
    elif name == "replace" and len(values) >= 2:
        old, new = values[0], values[1]
        hits = owner.count(old) if old else len(owner) + 1
        check_size(len(owner) + hits * _sized(new), "str.replace()")
    elif name == "join" and values:
        items = list(values[0]) if not isinstance(values[0], str) else list(values[0])
        check_size(sum(_sized(i) for i in items) + len(owner) * len(items), "str.join()")
    elif name in ("format", "format_map"):
        check_format_spec(owner)


def filter_guard(name: str, pre: Callable[..., None] | None = None) -> Callable[..., Any]:
    original = FILTERS[name]

    @wraps(original)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        spend()
        if pre is not None:
            pre(*args, **kwargs)
        result = original(*args, **kwargs)
        if isinstance(result, str | list):
            check_size(len(result), f"the result of the '{name}' filter")
        return result

    return guarded


def _value_arg(args: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
    # Filters marked pass_environment / pass_eval_context receive that object first.
    if len(args) > 1 and isinstance(args[0], EvalContext | Environment):
        return args[1], args[2:]
    return (args[0] if args else None), args[1:]


def _pre_width(*args: Any, **kwargs: Any) -> None:
    value, rest = _value_arg(args)
    width = rest[0] if rest else kwargs.get("width", 80)
    if isinstance(width, int):
        lines = str(value).count("\n") + 1
        check_size(len(str(value)) + width * lines, "the indented/centred string")
    elif isinstance(width, str):
        check_size(len(str(value)) + len(width) * (str(value).count("\n") + 1), "indent")


def _pre_count_arg(*args: Any, **kwargs: Any) -> None:
    _, rest = _value_arg(args)
    for v in list(rest) + list(kwargs.values()):
        if isinstance(v, int) and v > MAX_RANGE:
            raise SandboxViolation(f"a count of {v} exceeds the limit of {MAX_RANGE}")


def _pre_replace(*args: Any, **kwargs: Any) -> None:
    value, rest = _value_arg(args)
    s = str(value)
    old = str(rest[0]) if rest else ""
    new = str(rest[1]) if len(rest) > 1 else ""
    hits = s.count(old) if old else len(s) + 1
    check_size(len(s) + hits * len(new), "the replaced string")


def _pre_join(*args: Any, **kwargs: Any) -> None:
    value, rest = _value_arg(args)
    sep = str(rest[0]) if rest else str(kwargs.get("d", ""))
    items = list(value) if isinstance(value, list | tuple) else []
    check_size(sum(_sized(i) for i in items) + len(sep) * len(items), "the joined string")


def _pre_format(*args: Any, **kwargs: Any) -> None:
    value, _ = _value_arg(args)
    check_format_spec(value)


def _pre_wordwrap(*args: Any, **kwargs: Any) -> None:
    value, rest = _value_arg(args)
    wrap = kwargs.get("wrapstring") or (rest[2] if len(rest) > 2 else "\n")
    check_size(len(str(value)) * (1 + len(str(wrap))), "the wrapped string")


def _pre_tojson(*args: Any, **kwargs: Any) -> None:
    _, rest = _value_arg(args)
    indent = kwargs.get("indent", rest[0] if rest else None)
    if isinstance(indent, int) and indent > 16:
        raise SandboxViolation("tojson indent above 16 is not allowed")


def fromjson(value: Any) -> Any:
    spend()
    return json.loads(value)


SAFE_FILTERS = (
    "abs attr capitalize count d default dictsort e escape first float forceescape "
    "groupby int items last length list lower map max min reject rejectattr reverse "
    "round safe select selectattr sort string striptags sum title trim truncate unique "
    "upper urlencode wordcount xmlattr filesizeformat"
).split()
GUARDED_FILTERS: dict[str, Callable[..., None]] = {
    "center": _pre_width,
    "indent": _pre_width,
    "batch": _pre_count_arg,
    "slice": _pre_count_arg,
    "replace": _pre_replace,
    "join": _pre_join,
    "format": _pre_format,
    "wordwrap": _pre_wordwrap,
    "tojson": _pre_tojson,
}


def check_int_bits(left: Any, right: Any) -> None:
    for v in (left, right):
        if isinstance(v, int) and v.bit_length() > MAX_INT_BITS:
            raise SandboxViolation("numbers this large are not allowed")
