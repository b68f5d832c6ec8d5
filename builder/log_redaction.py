"""Share and invitation tokens never reach a log.

They are bearer secrets carried in URL paths (``/share/<token>/``,
``/api/share/<token>/thread/``, ``/invite/<token>/``), so any access log line would hand
them to whoever reads the logs. Two places write paths: daphne's access log (patched
here, since daphne offers no hook) and Django's loggers (``django.request`` warns with
the path of every 4xx), which get a logging filter.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"
_TOKEN_PATH = re.compile(r"(/(?:api/)?(?:share|invite)/)[^/\s?\"']+")


def redact(text: str) -> str:
    """``text`` with the token of every share or invitation path replaced."""
    return _TOKEN_PATH.sub(r"\1" + REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrites a record's message (with its arguments merged in) without tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_access_log_redaction() -> None:
    """Make daphne's access log (when daphne is the server) write redacted paths."""
    try:
        from daphne.access import AccessLogGenerator
    except ImportError:  # another ASGI server: it has its own access log settings
        return
    original = AccessLogGenerator.write_entry
    if getattr(original, "redacts_tokens", False):
        return

    def write_entry(self: Any, host: Any, date: Any, request: str, *args: Any, **kw: Any) -> Any:
        return original(self, host, date, redact(request), *args, **kw)

    write_entry.redacts_tokens = True  # type: ignore[attr-defined]
    AccessLogGenerator.write_entry = write_entry  # type: ignore[method-assign]
