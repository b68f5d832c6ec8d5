"""Limits of the template sandbox: the work budget and size-checked helpers and filters.

Everything here runs *before* a value is built, so a template asking for a gigabyte
string is refused instead of allocating it. ``expressions.py`` wires these into the
environment.
"""

from __future__ import annotations

import contextvars
import json
import os
import re
import string
from collections.abc import Callable, Iterator, Sequence
from functools import wraps
from typing import Any

from jinja2 import Environment, pass_environment
from jinja2.filters import FILTERS, make_attrgetter
from jinja2.nodes import EvalContext


def _limit(name: str, default: int) -> int:
    """A limit from ``SWITCHYARD_SANDBOX_<NAME>`` (a positive integer), else the default."""
    raw = os.environ.get(f"SWITCHYARD_SANDBOX_{name}")
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"SWITCHYARD_SANDBOX_{name} must be a positive integer, not {raw!r}")
    return value


# Characters of rendered output or of any string/list built (values are sized deeply).
MAX_OUTPUT = _limit("MAX_OUTPUT", 1_000_000)
MAX_RANGE = _limit("MAX_RANGE", 10_000)  # items of one range(), count of batch/slice
MAX_OPS = _limit("MAX_OPS", 200_000)  # calls + attribute/item reads + loop iterations per render
MAX_SOURCE = _limit("MAX_SOURCE", 50_000)  # characters of one template or expression
MAX_INT_BITS = _limit("MAX_INT_BITS", 4_096)  # operands of * and ** (bignum DoS)
MAX_WIDTH = _limit("MAX_WIDTH", 9_999)  # largest width or precision of one format field
MAX_DEPTH = _limit("MAX_DEPTH", 100)  # nesting of lists/dicts a value may have as text


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


def value_size(value: Any, what: str, memo: dict[int, int] | None = None) -> int:
    """About how many characters ``value`` takes as text, refusing before it is built.

    A list may hold the same big list a thousand times (``[big] * 1000`` is cheap), so
    its length says nothing about its text. Shared containers are sized once (memo by
    id; pass one ``memo`` when sizing several values) and the walk stops as soon as the
    sum passes MAX_OUTPUT, so it is bounded too.
    """
    if isinstance(value, list | tuple | dict):
        return _container_size(value, 0, {} if memo is None else memo, what)
    return len(value) if isinstance(value, str) else 1


def _container_size(value: Any, depth: int, memo: dict[int, int], what: str) -> int:
    known = memo.get(id(value))
    if known is not None:
        return known
    if depth >= MAX_DEPTH:
        raise SandboxViolation(f"{what} is nested deeper than {MAX_DEPTH} levels")
    total = len(value) + 2
    children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    for child in children:  # exact type tests: this loop runs over whole states
        kind = type(child)
        if kind is str:
            total += len(child)
        elif kind is int or kind is float or kind is bool or child is None:
            continue  # counted in len(value) above
        elif isinstance(child, str):  # Markup and other str subclasses
            total += len(child)
        elif isinstance(child, list | tuple | dict):
            total += _container_size(child, depth + 1, memo, what)
            check_size(total, what)
    check_size(total, what)
    memo[id(value)] = total
    return total


def finalize(value: Any) -> Any:
    # Every {{ }} output goes through here before str(): size containers up front.
    if isinstance(value, list | tuple | dict):
        value_size(value, "the printed value")
    return value


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
    memo: dict[int, int] = {}
    check_size(sum(value_size(p, "a joined value", memo) for p in parts), "the joined string")
    strings = [str(p) for p in parts]
    check_size(sum(len(s) for s in strings), "the joined string")
    return "".join(strings)


_PERCENT_FIELD_RE = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|[0-9]*)(?:\.(\*|[0-9]*))?[a-zA-Z%]")


def _check_width(number: str) -> None:
    if number == "*" or (number.isdigit() and int(number) > MAX_WIDTH):
        raise SandboxViolation(
            f"format widths and precisions above {MAX_WIDTH} (or '*') are not allowed"
        )


def _format_fields(fmt: str) -> int:
    """Check each field of a str.format string; return how many fields it has."""
    try:
        fields = [f for f in string.Formatter().parse(fmt) if f[1] is not None]
    except ValueError as exc:
        raise ExpressionError(f"bad format string: {exc}") from None
    for _, _, spec, _ in fields:
        if spec and "{" in spec:  # '{0:{1}}' takes its width from an argument
            raise SandboxViolation("nested fields inside a format spec are not allowed")
        for number in re.findall(r"[0-9]+", spec or ""):
            _check_width(number)
    return len(fields)


def _percent_fields(fmt: str) -> int:
    """Check each field of a printf-style string; return how many fields it has."""
    fields = _PERCENT_FIELD_RE.findall(fmt)
    for width, precision in fields:
        _check_width(width)
        _check_width(precision)
    return len(fields)


def check_format(fmt: Any, args: Sequence[Any], style: str) -> None:
    """Refuse a format call whose widths or arguments would build too much text.

    Each field may repeat an argument ('{0}{0}{0}'), so the estimate is the format's length
    plus fields × the largest argument.
    """
    if not isinstance(fmt, str):
        return
    count = _format_fields(fmt) if style == "{" else _percent_fields(fmt)
    if count and args:
        memo: dict[int, int] = {}
        largest = max(value_size(a, "a format argument", memo) for a in args)
        check_size(len(fmt) + count * largest, "the formatted string")


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
        items = list(values[0])
        check_size(sum(_sized(i) for i in items) + len(owner) * len(items), "str.join()")


def checked_str_format(owner: str, name: str, method: Callable[..., str]) -> Callable[..., str]:
    """Wrap the sandbox's ``str.format``/``format_map`` so fields and arguments are checked."""

    def checked(*args: Any, **kwargs: Any) -> str:
        values = list(args) + list(kwargs.values())
        if name == "format_map" and args and isinstance(args[0], dict):
            values = list(args[0].values())
        check_format(owner, values, "{")
        return method(*args, **kwargs)

    return checked


# Filters that turn their input into text: a container input is sized before that.
STRINGIFYING = frozenset(
    "capitalize center e escape forceescape indent lower replace safe string striptags "
    "title tojson trim truncate upper urlencode wordcount wordwrap".split()
)


def filter_guard(
    name: str, pre: Callable[..., None] | None = None, original: Callable[..., Any] | None = None
) -> Callable[..., Any]:
    original = original or FILTERS[name]
    stringifies = name in STRINGIFYING

    @wraps(original)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        spend()
        if stringifies:
            value_size(_value_arg(args)[0], f"the input of the '{name}' filter")
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
    total = len(sep) * len(items)
    memo: dict[int, int] = {}
    for item in items:  # checked as it goes: each item may be the same huge list
        total += value_size(item, "a joined item", memo)
        check_size(total, "the joined string")


def _pre_format(*args: Any, **kwargs: Any) -> None:
    value, rest = _value_arg(args)
    check_format(value, list(rest) + list(kwargs.values()), "%")


@pass_environment
def safe_sum(environment: Environment, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    """``|sum`` that adds lists in linear time: ``+`` in a loop copies the total each step."""
    items = list(iterable)
    if attribute is not None:
        items = list(map(make_attrgetter(environment, attribute), items))
    if not isinstance(start, list | tuple) or not all(type(i) is type(start) for i in items):
        return FILTERS["sum"](environment, items, start=start)
    check_size(len(start) + sum(len(i) for i in items), "the summed list")
    out = list(start)
    for item in items:
        spend()
        out.extend(item)
    return out if isinstance(start, list) else tuple(out)


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
