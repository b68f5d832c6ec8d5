"""The reference graphs on Switchyard's runtime (GRAPHS_CONFIG: graphs.json)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import runtime

sys.path.insert(0, str(Path(__file__).parent))
from logic import build

_graphs = build(SimpleNamespace(**{n: getattr(runtime, n) for n in runtime.__all__}))
chat = _graphs["chat"]
asker = _graphs["asker"]
ticker = _graphs["ticker"]
