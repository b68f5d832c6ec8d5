"""Graph specs: the JSON format the builder saves, its validation and compilation.

>>> from runtime.graphspec import compile_spec, validate_spec
>>> problems = validate_spec(spec)          # every problem, each with a JSON pointer
>>> graph = compile_spec(spec, checkpointer=InMemoryCheckpointer())
"""

from __future__ import annotations

from runtime.graphspec.code_graphs import GraphsConfigError, ensure_compiled, load_graphs_config
from runtime.graphspec.compiler import build_graph, compile_spec
from runtime.graphspec.kinds import catalog
from runtime.graphspec.mermaid import spec_to_mermaid
from runtime.graphspec.problems import Problem, SpecError
from runtime.graphspec.registry import Registry, default_registry
from runtime.graphspec.schema import graphspec_schema
from runtime.graphspec.validate import validate_spec
from runtime.providers.tools import Tool, ToolRegistry, default_tools
from runtime.sandbox import (
    ExpressionError,
    SandboxViolation,
    compile_expression,
    compile_template,
)

__all__ = [
    "ExpressionError",
    "GraphsConfigError",
    "Problem",
    "Registry",
    "SandboxViolation",
    "SpecError",
    "Tool",
    "ToolRegistry",
    "build_graph",
    "catalog",
    "compile_expression",
    "compile_spec",
    "compile_template",
    "default_registry",
    "default_tools",
    "ensure_compiled",
    "graphspec_schema",
    "load_graphs_config",
    "spec_to_mermaid",
    "validate_spec",
]
