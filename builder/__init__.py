"""Switchyard's Django side: models, services, API, websockets, executors."""
