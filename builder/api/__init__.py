"""The HTTP API under ``/api/``: builder resources and LangGraph-Server-compatible ones.

Views stay thin (parse with an Input serializer, authorise, call a service or selector,
render with an Output serializer); every error leaves through ``errors.exception_handler``
in one JSON shape.
"""
