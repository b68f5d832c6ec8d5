"""Stream writers for nodes: ``get_stream_writer`` (custom) and ``get_message_writer`` (LLM tokens)."""

from runtime.pregel.context import get_message_writer, get_stream_writer

__all__ = ["get_message_writer", "get_stream_writer"]
