"""The reference graphs on LangGraph itself, for ``langgraph dev`` (langgraph.json)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

from langgraph.graph import END, START, StateGraph, add_messages
from langgraph.types import interrupt

sys.path.insert(0, str(Path(__file__).parent))
from logic import build

_lib = SimpleNamespace(
    StateGraph=StateGraph, START=START, END=END, interrupt=interrupt, add_messages=add_messages
)
_graphs = build(_lib)
chat = _graphs["chat"].compile()
asker = _graphs["asker"].compile()
ticker = _graphs["ticker"].compile()
