"""Names the engine reserves. START and END match LangGraph's strings."""

from __future__ import annotations

START = "__start__"
END = "__end__"

# Channels the engine adds next to the state channels.
TASKS = "__pregel_tasks"  # Send packets waiting to run in the next step
TRIGGER_PREFIX = "branch:to:"  # one per node: set when an edge points at it
JOIN_PREFIX = "join:"  # one per add_edge([a, b], c): a barrier that waits for a and b
INTERRUPT = "__interrupt__"

# The first element of a task's path: a node its triggers started, or a Send packet.
PULL = "__pregel_pull"
PUSH = "__pregel_push"

# Config keys the engine passes to nested graphs and nodes.
CONF = "configurable"
NS_SEP = "|"
NS_END = ":"

RESERVED = frozenset({START, END, TASKS, INTERRUPT})
