"""Node caches: where ``CachePolicy`` keeps a node's writes (LangGraph's ``langgraph.cache``)."""

from runtime.cache.base import BaseCache
from runtime.cache.memory import InMemoryCache

__all__ = ["BaseCache", "InMemoryCache"]
