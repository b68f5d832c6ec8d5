"""Long-term memory for graphs: ``BaseStore`` and ``InMemoryStore``."""

from runtime.store.base import BaseStore, Item
from runtime.store.memory import InMemoryStore

__all__ = ["BaseStore", "InMemoryStore", "Item"]
