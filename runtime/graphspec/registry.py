"""What the server provides to specs: functions, tools, provider settings, HTTP allow-list.

Specs name things; only the host decides what those names mean. Nothing in here comes
from a spec, so secrets (API keys) and code stay on the server.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from runtime.providers.tools import ToolRegistry, default_tools

ENTRY_POINT_GROUP = "switchyard.functions"

# Environment variables consulted when the host passes no provider settings.
_ENV_SETTINGS = {
    "openai": {"api_key": "OPENAI_API_KEY", "base_url": "OPENAI_BASE_URL"},
    "anthropic": {"api_key": "ANTHROPIC_API_KEY", "base_url": "ANTHROPIC_BASE_URL"},
}


@dataclass
class Registry:
    """Server-side names a spec may use.

    ``functions``: name -> callable for ``python`` nodes (plus the ``switchyard.functions``
    entry-point group when ``use_entry_points``); ``tools``: tools for ``llm``/``tools``
    nodes; ``providers``: provider -> settings such as ``{"api_key", "base_url"}``;
    ``http_allowed_hosts``: host names ``http`` nodes may call (empty: none).
    """

    functions: dict[str, Callable[..., Any]] = field(default_factory=dict)
    tools: ToolRegistry = field(default_factory=default_tools)
    providers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    http_allowed_hosts: list[str] = field(default_factory=list)
    use_entry_points: bool = True
    _entry_points: dict[str, Any] | None = field(default=None, repr=False)

    def function(self, name: str) -> Callable[..., Any] | None:
        """The function registered under ``name``, loading entry points on first miss."""
        if name in self.functions:
            return self.functions[name]
        entry = self._entry_point_map().get(name)
        if entry is None:
            return None
        fn = entry.load()
        self.functions[name] = fn
        return fn

    def function_names(self) -> list[str]:
        return sorted(set(self.functions) | set(self._entry_point_map()))

    def has_function(self, name: str) -> bool:
        return name in self.functions or name in self._entry_point_map()

    def _entry_point_map(self) -> dict[str, Any]:
        if not self.use_entry_points:
            return {}
        if self._entry_points is None:
            self._entry_points = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
        return self._entry_points

    def provider_settings(self, provider: str) -> dict[str, Any]:
        """Settings for an LLM provider: host-given values win over environment variables."""
        settings = {
            key: os.environ[var]
            for key, var in _ENV_SETTINGS.get(provider, {}).items()
            if os.environ.get(var)
        }
        settings.update(self.providers.get(provider, {}))
        return settings


_default: Registry | None = None


def default_registry() -> Registry:
    """A process-wide registry with the demo tools and entry-point functions."""
    global _default
    if _default is None:
        _default = Registry()
    return _default
