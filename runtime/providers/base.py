"""What every provider shares: the request, the reply, the stream callback, the error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from runtime.providers.tools import Tool

# emit(text_delta, tool_call_chunks): called for every piece the model streams.
Emit = Callable[[str, list[dict[str, Any]]], None]


class ProviderError(RuntimeError):
    """A provider that is not configured, unreachable, or answered nonsense."""


@dataclass
class ChatRequest:
    """One chat completion to make."""

    model: str
    messages: list[dict[str, Any]]
    tools: list[Tool] = field(default_factory=list)
    temperature: float | None = None
    max_tokens: int | None = None
    response_schema: dict[str, Any] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    timeout: float = 60.0
    script: dict[str, Any] | None = None  # the fake provider's reply for this turn


@dataclass
class ChatReply:
    """The model's answer: text and OpenAI-style ``{"id", "name", "args"}`` tool calls."""

    content: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


def check_base_url(settings: dict[str, Any]) -> None:
    """Run the host's check of ``base_url`` (``settings["url_check"]``, a callable that
    raises for a URL the server must not call), right before a request: the address a
    host name resolves to can change after the URL was first accepted."""
    check = settings.get("url_check")
    base_url = settings.get("base_url")
    if callable(check) and base_url:
        try:
            check(base_url)
        except Exception as exc:
            raise ProviderError(f"the provider's base URL is refused: {exc}") from exc
