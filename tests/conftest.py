"""Session-wide rules for every test directory.

With ``FAIL_ON_SKIP=1`` (CI sets it) a skipped test fails the session unless its reason
contains a phrase the README lists as allowed in CI: everything CI needs is there, so a
skip there means a test that silently stopped testing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[1] / "README.md"
_ALLOWED = re.compile(
    r"<!-- skips allowed in CI: begin -->(.*?)<!-- skips allowed in CI: end -->", re.S
)


def allowed_skip_phrases(readme: str) -> list[str]:
    """The phrases of the README's allowed-skips list: ``- `phrase`: why``."""
    found = _ALLOWED.search(readme)
    if found is None:
        return []
    return re.findall(r"^- `([^`]+)`", found.group(1), re.M)


def unexplained_skips(reports: list[Any], allowed: list[str]) -> list[str]:
    """``nodeid: reason`` of every skip whose reason contains no allowed phrase."""
    found = []
    for report in reports:
        reason = str(report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr)
        if not any(phrase in reason for phrase in allowed):
            found.append(f"{report.nodeid}: {reason}")
    return found


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    if os.environ.get("FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    bad = unexplained_skips(skipped, allowed_skip_phrases(README.read_text()))
    if bad:
        reporter.write_line("FAIL_ON_SKIP: skipped without a reason the README allows:", red=True)
        for line in bad:
            reporter.write_line(f"  {line}", red=True)
        session.exitstatus = 1
