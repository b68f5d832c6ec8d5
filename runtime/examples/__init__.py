"""Demo graphs that run offline on the fake provider (JSON specs plus one code graph)."""

from __future__ import annotations

from pathlib import Path

DEMOS_DIR = Path(__file__).resolve().parent
SPEC_FILES = ("support_triage.json", "research_agent.json", "map_reduce.json")
GRAPHS_CONFIG = DEMOS_DIR / "graphs.json"
