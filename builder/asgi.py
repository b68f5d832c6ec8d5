"""ASGI entry point: ``builder.asgi:application`` serves HTTP, SSE and websockets."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings")

from django.core.asgi import get_asgi_application

# Django must be set up before the routing (and its consumers' models) is imported.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from builder.cron_ticker import start_cron_ticker  # noqa: E402
from builder.log_redaction import install_access_log_redaction  # noqa: E402
from builder.routing import websocket_urlpatterns  # noqa: E402


def _start_inline_sweeper() -> None:
    from django.conf import settings

    from builder.execution.dispatch import InlineExecutor, get_executor

    if settings.BUILDER["RUN_EXECUTOR"] == "inline":
        executor = get_executor()
        if isinstance(executor, InlineExecutor):
            executor.start_sweeper()


# Only the web process runs the inline executor, so only it sweeps and fires crons (not
# management commands, which never import this module).
_start_inline_sweeper()
start_cron_ticker()
install_access_log_redaction()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)
