"""Switchyard's Django side: models, services, API, websockets, run execution.

The Celery app is not imported here: ``import builder`` must stay light (the runtime's
purity test and management commands should not pay for Celery). ``celery -A builder``
finds ``builder.celery.app`` on its own, and the celery executor (builder.execution.dispatch) imports it when used.
"""
