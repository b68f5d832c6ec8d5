"""The one safe language of graph specs: sandboxed Jinja2 templates and expressions.

Specs come from browsers, so everything they can run is untrusted. We never use Python's
``eval``/``exec``; templates and expressions go through an ImmutableSandboxedEnvironment
subclass that additionally bounds the *work* a render may do:

- a static check refuses private names and attributes (``__class__``, ``_x``), ``self``,
  and statements that reach outside one template (macros, includes, imports, blocks);
- every call, attribute/item access, loop iteration and intercepted operator spends from a
  per-render budget, so nested loops cannot spin forever;
- ``range`` is capped, ``*``/``**``/``+``/``%``/``~`` and size-taking filters and string
  methods check the size of what they would build *before* building it;
- the rendered output is streamed and cut off at a maximum length.

Parsing is cheap and cached; compilation to Python bytecode (Jinja's own codegen) happens
lazily on first use and is cached too, which keeps validation of large specs fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError
from jinja2.filters import FILTERS
from jinja2.lexer import TOKEN_EOF, TokenStream, ignored_tokens
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from runtime.sandbox.limits import (
    BUDGET,
    GUARDED_FILTERS,
    MAX_DEPTH,
    MAX_INT_BITS,
    MAX_OPS,
    MAX_OUTPUT,
    MAX_RANGE,
    MAX_SOURCE,
    MAX_WIDTH,
    SAFE_FILTERS,
    Budget,
    ExpressionError,
    SandboxViolation,
    budget_concat,
    budget_iter,
    check_format,
    check_int_bits,
    check_size,
    checked_str_format,
    filter_guard,
    finalize,
    fromjson,
    guard_str_method,
    safe_range,
    safe_sum,
    spend,
    value_size,
)

# -- the environment ----------------------------------------------------------------------


class SwitchyardSandbox(ImmutableSandboxedEnvironment):
    """ImmutableSandboxedEnvironment that also bounds the work and size of a render."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

    def __init__(self) -> None:
        super().__init__(
            undefined=ChainableUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            finalize=finalize,
        )
        self.globals.clear()
        self.globals.update({"range": safe_range, "dict": dict})
        self.filters = {n: filter_guard(n) for n in SAFE_FILTERS if n in FILTERS}
        self.filters.update({n: filter_guard(n, pre) for n, pre in GUARDED_FILTERS.items()})
        self.filters["sum"] = filter_guard("sum", original=safe_sum)
        self.filters["fromjson"] = fromjson
        self.tests = dict(self.tests)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        # The default returns an Undefined that fails only when used; with chainable
        # undefineds that would be silent. Refuse at the point of access instead.
        raise SandboxViolation(
            f"access to attribute {attribute!r} of a {type(obj).__name__!r} is not allowed"
        )

    def getattr(self, obj: Any, attribute: str) -> Any:
        spend()
        # Keys win over dict methods, so a field named 'items' or 'values' reads the field.
        if isinstance(obj, dict) and attribute in obj and not attribute.startswith("_"):
            return obj[attribute]
        if isinstance(obj, str) and attribute in ("format", "format_map"):
            return checked_str_format(obj, attribute, super().getattr(obj, attribute))
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        spend()
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        spend()
        guard_str_method(__obj, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str | list):
            check_size(len(result), "the result of a call")
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        spend()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int):
                    check_size(len(seq) * n, "the repeated sequence")
            check_int_bits(left, right)
        elif operator == "**":
            check_int_bits(left, right)
            if isinstance(right, int) and isinstance(left, int) and abs(left) > 1:
                if right * max(abs(left).bit_length(), 1) > MAX_INT_BITS:
                    raise SandboxViolation("the power is too large to compute")
        elif operator == "+":
            if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
                check_size(len(left) + len(right), "the concatenation")
        elif operator == "%" and isinstance(left, str):
            args = right if isinstance(right, tuple) else (right,)
            check_format(left, list(right.values()) if isinstance(right, dict) else args, "%")
        return super().call_binop(context, operator, left, right)


_env = SwitchyardSandbox()

# -- static checks and AST rewriting -------------------------------------------------------

_FORBIDDEN_STATEMENTS: dict[type[nodes.Node], str] = {
    nodes.Macro: "macros",
    nodes.CallBlock: "call blocks",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.Extends: "extends",
    nodes.Block: "blocks",
}


def _refuse(message: str, node: nodes.Node) -> SandboxViolation:
    return SandboxViolation(message, line=getattr(node, "lineno", None))


def _static_check(tree: nodes.Node) -> None:
    for node in _walk(tree):
        for kind, label in _FORBIDDEN_STATEMENTS.items():
            if isinstance(node, kind):
                raise _refuse(f"{label} are not allowed in templates", node)
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            raise _refuse(f"access to attribute {node.attr!r} is not allowed", node)
        if (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str)
            and node.arg.value.startswith("_")
        ):
            raise _refuse(f"access to item {node.arg.value!r} is not allowed", node)
        if isinstance(node, nodes.Name) and (node.name.startswith("_") or node.name == "self"):
            raise _refuse(f"the name {node.name!r} is not allowed", node)
        if isinstance(node, nodes.Filter | nodes.Test):
            if node.name == "attr" and any(
                isinstance(a, nodes.Const) and str(a.value).startswith("_") for a in node.args
            ):
                raise _refuse("access to private attributes is not allowed", node)
            table = _env.filters if isinstance(node, nodes.Filter) else _env.tests
            if node.name not in table:
                what = "filter" if isinstance(node, nodes.Filter) else "test"
                raise _refuse(f"there is no {what} named {node.name!r}", node)


class _Rewrite(NodeTransformer):
    """Routes loop iterables and ``~`` through budgeted helpers."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Call(
            nodes.Name("_sy_iter", "load"), [node.iter], [], None, None, lineno=node.lineno
        )
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Call(
            nodes.Name("_sy_concat", "load"), list(node.nodes), [], None, None, lineno=node.lineno
        )


_HELPERS = {"_sy_iter": budget_iter, "_sy_concat": budget_concat}


# -- parsing (with positions) --------------------------------------------------------------


def _positioned_stream(source: str, state: str | None) -> tuple[TokenStream, dict[int, int]]:
    """Tokenise ``source`` remembering each token's character offset.

    Jinja tokens carry only line numbers; expressions are usually one line, so a column is
    what a person needs to find the mistake.
    """
    offsets: dict[int, int] = {}
    position = {"raw": 0}
    lexer = _env.lexer

    def raw() -> Iterator[tuple[int, str, str]]:
        try:
            for lineno, kind, value in lexer.tokeniter(source, None, None, state):
                start = position["raw"]
                position["raw"] = start + len(value)
                position["start"] = start
                yield lineno, kind, value
        except TemplateSyntaxError:
            # The lexer stopped at the first character it could not use.
            offsets[-2] = position["raw"] + _leading_space(source, position["raw"])
            raise

    def wrapped() -> Iterator[Any]:
        for token in lexer.wrap(_skip_ignored(raw())):
            offsets[id(token)] = position.get("start", 0)
            yield token

    stream = TokenStream(wrapped(), None, None)
    offsets[-1] = len(source)
    return stream, offsets


def _skip_ignored(stream: Iterable[tuple[int, str, str]]) -> Iterator[tuple[int, str, str]]:
    for item in stream:
        if item[1] not in ignored_tokens:
            yield item


def _leading_space(source: str, offset: int) -> int:
    return len(source[offset:]) - len(source[offset:].lstrip())


def _column_of(source: str, offset: int) -> int:
    line_start = source.rfind("\n", 0, offset) + 1
    return offset - line_start + 1


@lru_cache(maxsize=4096)
def parse_expression(source: str) -> nodes.Expr:
    """Parse and statically check an expression; raises ExpressionError with a position."""
    if len(source) > MAX_SOURCE:
        raise ExpressionError(f"the expression is longer than {MAX_SOURCE} characters")
    if not source.strip():
        raise ExpressionError("the expression is empty", line=1, column=1)
    parser = Parser(_env, "", state="variable")
    try:
        parser.stream, offsets = _positioned_stream(source, "variable")
        expr = parser.parse_expression()
        if not parser.stream.eos:
            raise TemplateSyntaxError(
                f"unexpected {parser.stream.current.value!r} after the expression",
                parser.stream.current.lineno,
            )
    except TemplateSyntaxError as exc:
        current = parser.stream.current
        if -2 in offsets:
            offset = offsets[-2]
        elif current.type == TOKEN_EOF:
            offset = len(source.rstrip())
        else:
            offset = offsets.get(id(current), 0)
        message = (exc.message or "syntax error").replace("end of template", "end of expression")
        raise ExpressionError(
            message,
            line=exc.lineno,
            column=_column_of(source, offset),
        ) from None
    _static_check(expr)
    return expr


@lru_cache(maxsize=4096)
def parse_template(source: str) -> nodes.Template:
    """Parse and statically check a template; raises ExpressionError with its line."""
    if len(source) > MAX_SOURCE:
        raise ExpressionError(f"the template is longer than {MAX_SOURCE} characters")
    try:
        tree = Parser(_env, source).parse()
    except TemplateSyntaxError as exc:
        raise ExpressionError(exc.message or "syntax error", line=exc.lineno) from None
    _static_check(tree)
    return tree


def state_fields_used(tree: nodes.Node, root: str = "state") -> list[tuple[str, int]]:
    """The ``state.X`` / ``state['X']`` names a parsed template or expression reads."""
    used: list[tuple[str, int]] = []
    for node in _walk(tree):
        if not isinstance(node, nodes.Getattr | nodes.Getitem):
            continue
        target = node.node
        if isinstance(target, nodes.Name) and target.name == root:
            if isinstance(node, nodes.Getattr):
                used.append((node.attr, node.lineno))
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                used.append((node.arg.value, node.lineno))
    return used


def _walk(tree: nodes.Node) -> list[nodes.Node]:
    """Every node of the tree, the root included (find_all() skips the root).

    Parsed trees are cached and never mutated (compilation rewrites a copy), so the walk
    is memoised on the root; a hand-rolled loop is several times faster than find_all().
    """
    cached = _walks.get(id(tree))
    if cached is not None and cached[0] is tree:
        return cached[1]
    out: list[nodes.Node] = []
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        for name in node.fields:
            child = getattr(node, name, None)
            if isinstance(child, nodes.Node):
                stack.append(child)
            elif isinstance(child, list):
                stack.extend(c for c in child if isinstance(c, nodes.Node))
    if len(_walks) > 8192:
        _walks.clear()
    _walks[id(tree)] = (tree, out)
    return out


_walks: dict[int, tuple[nodes.Node, list[nodes.Node]]] = {}


def free_names(tree: nodes.Node) -> set[str]:
    """Names loaded by the tree that it does not itself assign (set / for targets)."""
    names = [n for n in _walk(tree) if isinstance(n, nodes.Name)]
    stored = {n.name for n in names if n.ctx in ("store", "param")}
    loaded = {n.name for n in names if n.ctx == "load"}
    return loaded - stored - {"loop", "range", "dict", "true", "false", "none"}


@lru_cache(maxsize=4096)
def names_used(source: str, kind: str = "expression") -> tuple[tuple[str, ...], frozenset[str]]:
    """(state fields read, free names) of an expression or template; parses, may raise."""
    tree = parse_expression(source) if kind == "expression" else parse_template(source)
    fields = tuple(dict.fromkeys(name for name, _ in state_fields_used(tree)))
    return fields, frozenset(free_names(tree))


# -- compiling and evaluating ---------------------------------------------------------------


def _compile(body: list[nodes.Node]) -> Any:
    tree = nodes.Template(body, lineno=1)
    tree = _Rewrite().visit(tree)
    template = _env.from_string(tree, globals=_HELPERS)
    return template


@lru_cache(maxsize=4096)
def _compiled_expression(source: str) -> Any:
    expr = parse_expression(source)
    # The parsed tree is cached and shared, so rewrite a copy rather than the original.
    body: list[nodes.Node] = [nodes.Assign(nodes.Name("result", "store"), _copy(expr), lineno=1)]
    return _compile(body)


@lru_cache(maxsize=4096)
def _compiled_template(source: str) -> Any:
    tree = parse_template(source)
    return _compile(list(_copy(tree).body))


def _copy(node: Any) -> Any:
    import copy

    return copy.deepcopy(node)


class _Sandboxed:
    """One work budget per evaluation, and every failure inside it told as the sandbox's own.

    A class rather than @contextmanager: it wraps every expression a run evaluates.
    """

    __slots__ = ("what", "source", "token")

    _TOLD_AS_FAILURE = (
        TemplateError,
        ArithmeticError,
        AttributeError,
        TypeError,
        ValueError,
        LookupError,
    )

    def __init__(self, what: str, source: str | None = None) -> None:
        self.what = what  # "the expression" / "the template"
        self.source = source  # an expression is quoted in its failure; a template is not

    def __enter__(self) -> None:
        self.token = BUDGET.set(Budget())

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        BUDGET.reset(self.token)
        if exc is None or isinstance(exc, ExpressionError):
            return
        if isinstance(exc, SecurityError):
            raise SandboxViolation(str(exc)) from None
        if isinstance(exc, self._TOLD_AS_FAILURE):
            failed = (
                f"evaluating {self.source!r} failed"
                if self.source is not None
                else "rendering the template failed"
            )
            raise ExpressionError(f"{failed}: {exc}") from None
        if isinstance(exc, RecursionError):
            raise SandboxViolation(f"{self.what} recurses too deeply") from None


def evaluate(source: str, variables: Mapping[str, Any]) -> Any:
    """Evaluate an expression to a native value (undefined becomes None)."""
    template = _compiled_expression(source)
    with _Sandboxed("the expression", source):
        context = template.new_context(dict(variables))
        for _ in template.root_render_func(context):
            pass
        result = context.vars.get("result")
    if isinstance(result, ChainableUndefined):
        return None
    # Sized deeply: '[big] * 1000' is short but would explode when stored or sent.
    value_size(result, "the expression's value")
    return result


def render(source: str, variables: Mapping[str, Any]) -> str:
    """Render a template to a string, refusing output longer than MAX_OUTPUT."""
    template = _compiled_template(source)
    parts: list[str] = []
    size = 0
    with _Sandboxed("the template"):
        for chunk in template.generate(dict(variables)):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise SandboxViolation(f"the template's output exceeds {MAX_OUTPUT} characters")
            parts.append(chunk)
    return "".join(parts)


def compile_expression(source: str) -> Callable[[Mapping[str, Any]], Any]:
    """Check an expression now and return a function evaluating it over variables."""
    parse_expression(source)

    def run(variables: Mapping[str, Any]) -> Any:
        return evaluate(source, variables)

    return run


def compile_template(source: str) -> Callable[[Mapping[str, Any]], str]:
    """Check a template now and return a function rendering it over variables."""
    parse_template(source)

    def run(variables: Mapping[str, Any]) -> str:
        return render(source, variables)

    return run


@dataclass(frozen=True, slots=True)
class Limits:
    """The sandbox limits, for documentation and the catalog API."""

    max_output: int = MAX_OUTPUT
    max_range: int = MAX_RANGE
    max_ops: int = MAX_OPS
    max_source: int = MAX_SOURCE
    max_int_bits: int = MAX_INT_BITS
    max_width: int = MAX_WIDTH
    max_depth: int = MAX_DEPTH
