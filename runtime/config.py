"""``langgraph.config``'s names: what a running node can ask for."""

from __future__ import annotations

from runtime.pregel.context import get_config, get_store, get_stream_writer

__all__ = ["get_config", "get_store", "get_stream_writer"]
