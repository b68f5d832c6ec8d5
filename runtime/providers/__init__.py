"""LLM providers behind the ``llm`` node: one function ``chat(request, emit) -> reply`` each.

Messages are OpenAI-style dicts; each provider converts them to its own wire format and
streams text and tool-call pieces through ``emit`` as they arrive.
"""

from __future__ import annotations

from collections.abc import Callable

from runtime.providers.base import ChatReply, ChatRequest, Emit, ProviderError, check_base_url

__all__ = ["ChatReply", "ChatRequest", "Emit", "ProviderError", "check_base_url", "get_provider"]


def get_provider(name: str) -> Callable[[ChatRequest, Emit], ChatReply]:
    """The chat function of a provider; imports its client package only when used."""
    if name == "fake":
        from runtime.providers.fake import chat
    elif name == "openai":
        from runtime.providers.openai_chat import chat
    elif name == "anthropic":
        from runtime.providers.anthropic_chat import chat
    else:
        raise ProviderError(f"unknown LLM provider {name!r}")
    return chat
