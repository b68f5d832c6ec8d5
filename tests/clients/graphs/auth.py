"""A langgraph.json ``auth`` handler as LangGraph Server users write one
(tests/clients/test_custom_auth.py): bearer tokens map to identities."""

from __future__ import annotations

from langgraph_sdk import Auth

auth = Auth()

TOKENS = {"token-of-js": "js"}


@auth.authenticate
async def authenticate(authorization: str | None, headers: dict[bytes, bytes]) -> dict:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or token not in TOKENS:
        raise Auth.exceptions.HTTPException(status_code=401, detail="unknown bearer token")
    assert headers[b"authorization"] == authorization.encode()
    return {"identity": TOKENS[token], "permissions": []}
