"""The one safe language of graph specs: sandboxed Jinja2 templates and expressions.

``expressions`` parses, checks and evaluates them; ``limits`` holds the work budget and
the size-checked helpers it wires into the environment.
"""

from __future__ import annotations

from runtime.sandbox.expressions import (
    Limits,
    compile_expression,
    compile_template,
    evaluate,
    free_names,
    names_used,
    parse_expression,
    parse_template,
    render,
    state_fields_used,
)
from runtime.sandbox.limits import ExpressionError, SandboxViolation

__all__ = [
    "ExpressionError",
    "Limits",
    "SandboxViolation",
    "compile_expression",
    "compile_template",
    "evaluate",
    "free_names",
    "names_used",
    "parse_expression",
    "parse_template",
    "render",
    "state_fields_used",
]
