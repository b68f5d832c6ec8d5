"""Checkpointers: ``BaseCheckpointer`` and the in-memory reference implementation."""

from runtime.checkpoint.base import BaseCheckpointer, Blob, Checkpoint, CheckpointTuple
from runtime.checkpoint.memory import InMemoryCheckpointer, InMemorySaver, MemorySaver

__all__ = [
    "BaseCheckpointer",
    "Blob",
    "Checkpoint",
    "CheckpointTuple",
    "InMemoryCheckpointer",
    "InMemorySaver",
    "MemorySaver",
]
