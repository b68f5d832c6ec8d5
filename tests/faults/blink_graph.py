"""A chain of nodes that count their executions in a side table, for fault tests.

Every node appends a row ``(thread_id, node)`` to the table ``BLINK_SIDE_TABLE`` of the
database at ``BLINK_SIDE_URL`` (not the one the test takes down) when it starts, so a
node executed twice shows as two rows. Node ``hold`` waits until the file
``BLINK_RELEASE`` exists: the test takes the database down while it is running.
"""

from __future__ import annotations

import operator
import os
import time
from pathlib import Path
from typing import Annotated, Any, TypedDict

import psycopg
from psycopg import sql

from runtime import END, START, StateGraph

NODES = ("first", "second", "hold", "fourth", "fifth", "last")


class BlinkState(TypedDict, total=False):
    steps: Annotated[list[str], operator.add]


def count_execution(thread_id: str, node: str) -> None:
    table = sql.Identifier(os.environ["BLINK_SIDE_TABLE"])
    with psycopg.connect(os.environ["BLINK_SIDE_URL"], autocommit=True) as conn:
        conn.execute(
            sql.SQL("INSERT INTO {} (thread_id, node) VALUES (%s, %s)").format(table),
            (thread_id, node),
        )


def make_node(name: str) -> Any:
    def node(state: BlinkState, config: dict[str, Any]) -> dict[str, list[str]]:
        count_execution(str(config["configurable"]["thread_id"]), name)
        if name == "hold":
            release = Path(os.environ["BLINK_RELEASE"])
            while not release.exists():
                time.sleep(0.05)
        return {"steps": [name]}

    return node


builder = StateGraph(BlinkState)
for name in NODES:
    builder.add_node(name, make_node(name))
for before, after in zip((START, *NODES), (*NODES, END), strict=True):
    builder.add_edge(before, after)

# Uncompiled: the host compiles it with its own checkpointer.
blink_graph = builder
