"""Switchyard's engine: LangGraph-compatible graphs with checkpoints, interrupts and streaming.

Code written for LangGraph's StateGraph ports by changing imports::

    from runtime import StateGraph, START, END, Send, Command, interrupt
    from runtime.checkpoint import InMemoryCheckpointer
"""

from runtime.constants import END, START
from runtime.graph.message import push_message
from runtime.graph.state import StateGraph
from runtime.messages import REMOVE_ALL_MESSAGES, MessagesState, RemoveMessage, add_messages
from runtime.pregel.context import (
    get_config,
    get_message_writer,
    get_store,
    get_stream_writer,
    interrupt,
    once,
)
from runtime.pregel.graph import CompiledStateGraph
from runtime.pregel.task import configure
from runtime.types import (
    Command,
    Interrupt,
    Overwrite,
    PregelTask,
    RetryPolicy,
    Runtime,
    Send,
    StateSnapshot,
)

__all__ = [
    "END",
    "REMOVE_ALL_MESSAGES",
    "START",
    "Command",
    "CompiledStateGraph",
    "Interrupt",
    "MessagesState",
    "Overwrite",
    "PregelTask",
    "RemoveMessage",
    "RetryPolicy",
    "Runtime",
    "Send",
    "StateGraph",
    "StateSnapshot",
    "add_messages",
    "configure",
    "get_config",
    "get_message_writer",
    "get_store",
    "get_stream_writer",
    "interrupt",
    "once",
    "push_message",
]
