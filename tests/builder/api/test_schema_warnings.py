"""The OpenAPI schema is generated without a warning or error: every view says what it
takes and answers, so /api/docs/ shows every request and response body."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_generates_cleanly(tmp_path, capsys):
    out = tmp_path / "schema.json"
    # --fail-on-warn raises on any warning or error (e.g. "unable to guess serializer").
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(out),
    )
    captured = capsys.readouterr()
    assert "Warning" not in captured.err and "Error" not in captured.err, captured.err
    schema = json.loads(out.read_text())
    keys = schema["paths"]["/api/keys/"]["post"]
    assert "requestBody" in keys and "201" in keys["responses"]
    review = schema["paths"]["/api/threads/{thread_id}/review/"]["post"]
    assert "requestBody" in review
    links = schema["paths"]["/api/threads/{thread_id}/share-links/"]
    assert links["post"]["responses"]["201"]["content"]
