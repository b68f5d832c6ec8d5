"""How ``DjangoCheckpointer`` packs a checkpoint row's text columns, and the row as read
(``Row``); no database here.

``blobs``: ``[[channel, kind code, length, base?], ...]`` as JSON, a newline, then the
serialised values concatenated, so values stay as ``serde`` wrote them (``length`` -1 for
none; ``base`` 0 means the parent). ``writes``: saves concatenated, each ``[task,
[[idx, channel, length], ...]]``, a newline, the values. ``versions``: the changed channel
versions as JSON, the row's own id written as 0 and a removed channel as null.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

KIND_CODES = {"full": "f", "delta": "d", "empty": "e"}
KINDS = {code: kind for kind, code in KIND_CODES.items()}

BlobKey = tuple[str, str]  # (channel, version)
RawBlob = tuple[str, str | None, str | None]  # (kind, serialised data, base)


@dataclass(slots=True)
class Row:
    """A checkpoint row as read (raw columns)."""

    thread_id: str
    checkpoint_ns: str
    checkpoint_id: str
    parent_id: str | None
    ts: str
    metadata: Any
    depth: int
    versions: str
    blobs: str | None
    writes: str | None


def json_value(value: Any) -> Any:
    """A JSON column as read: text on some backends, already decoded on others."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def unpack_blobs(text: str | None, parent_id: str | None) -> dict[str, RawBlob]:
    """channel -> (kind, serialised data, base) from a row's ``blobs``."""
    if not text:
        return {}
    head, _, body = text.partition("\n")
    out: dict[str, RawBlob] = {}
    at = 0
    for channel, code, length, *base in json.loads(head):
        data = None
        if length >= 0:
            data = body[at : at + length]
            at += length
        kind = KINDS[code]
        out[channel] = (kind, data, (parent_id if base[0] == 0 else base[0]) if base else None)
    return out


def blob_channels(text: str | None) -> list[str]:
    """The channels of a row's ``blobs``: their version is the row's id."""
    if not text:
        return []
    return [entry[0] for entry in json.loads(text.partition("\n")[0])]


def encode_versions(
    changed: dict[str, str | None],
    checkpoint_id: str,
    versions: dict[str, str],
    own: Iterable[str],
) -> str:
    """A row's ``versions``: ``changed`` less the channels its own blobs imply (version =
    the row's id); its own id as 0, a removed channel as null."""
    out: dict[str, Any] = {
        c: (0 if v == checkpoint_id else v) for c, v in changed.items() if c not in own
    }
    for c in own:
        if versions.get(c) != checkpoint_id:  # a blob the versions do not name: say so
            out[c] = versions.get(c)
    return json.dumps(out, separators=(",", ":"))


def pack_writes(task_id: str, writes: list[tuple[int, str, str]]) -> str:
    """One task's save, framed so that saves concatenate: ``[task, [[idx, channel,
    length], ...]]``, a newline, the serialised values."""
    head = [task_id, [[idx, channel, len(data)] for idx, channel, data in writes]]
    return json.dumps(head, separators=(",", ":")) + "\n" + "".join(d for _i, _c, d in writes)


def unpack_writes(text: str) -> list[tuple[str, int, str, str]]:
    """(task, idx, channel, serialised value) of concatenated saves."""
    out: list[tuple[str, int, str, str]] = []
    at = 0
    while at < len(text):
        newline = text.index("\n", at)
        task_id, entries = json.loads(text[at:newline])
        at = newline + 1
        for idx, channel, length in entries:
            out.append((task_id, idx, channel, text[at : at + length]))
            at += length
    return out
