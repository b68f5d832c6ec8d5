"""Websocket consumers: ``/ws/threads/<id>/`` (live events, reviewer actions, presence)
and ``/ws/inbox/`` (interrupts waiting for the user's review).

They stay thin: authenticate (``auth``), authorise and read through selectors, write
through services, and forward events that the per-process fan-out (``hub``) hands them.
"""
