"""Channels: the slots that hold state and control flow between super-steps."""

from runtime.channels.barrier import NamedBarrierValue
from runtime.channels.base import MISSING, BaseChannel
from runtime.channels.binop import BinaryOperatorAggregate
from runtime.channels.last_value import Input, LastValue, Trigger
from runtime.channels.topic import Topic

__all__ = [
    "MISSING",
    "BaseChannel",
    "BinaryOperatorAggregate",
    "Input",
    "LastValue",
    "NamedBarrierValue",
    "Topic",
    "Trigger",
]
