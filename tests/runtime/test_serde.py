"""Type-tagged JSON for checkpoints and writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import uuid

import pytest

from runtime import Interrupt, Send
from runtime.checkpoint import serde


@dataclasses.dataclass
class Ticket:
    id: int
    tags: list


def test_round_trip_of_tagged_types():
    value = {
        "bytes": b"\x01\x02",
        "dt": dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC),
        "date": dt.date(2026, 11, 28),
        "time": dt.time(12, 30),
        "delta": dt.timedelta(seconds=90),
        "uuid": uuid.uuid4(),
        "dec": decimal.Decimal("1.10"),
        "set": {3, 1, 2},
        "frozen": frozenset({"a"}),
        "ticket": Ticket(7, ["bug"]),
        "send": Send("worker", {"n": 1}),
        "interrupt": Interrupt({"q": "ok?"}, "abc"),
    }
    assert serde.loads(serde.dumps(value)) == value


def test_pydantic_models_round_trip():
    import pydantic  # installed with the openai package

    class Model(pydantic.BaseModel):
        name: str
        size: int = 1

    globals()["Model"] = Model  # importable by qualified name, as a module-level model is
    Model.__qualname__ = "Model"
    restored = serde.loads(serde.dumps({"m": Model(name="x")}))
    assert restored["m"] == Model(name="x")


def test_unserialisable_value_names_its_type():
    class Opaque:
        pass

    with pytest.raises(TypeError, match="Opaque"):
        serde.dumps({"x": Opaque()})


def test_a_users_dict_with_the_tag_key_comes_back_as_the_same_dict():
    hostile = {
        "__sy__": "dataclass",
        "cls": "antigravity:fly",  # not imported: loading must never import it
        "v": {"x": 1},
        "nested": [{"__sy__": "bytes", "v": "AAAA"}],
    }
    value = {
        "input": hostile,
        "when": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "send": Send("n", hostile),
    }
    restored = serde.loads(serde.dumps(value))
    assert restored == value
    import sys

    assert "antigravity" not in sys.modules


def test_tagged_classes_are_only_rebuilt_from_modules_already_imported():
    text = '{"__sy__": "dataclass", "cls": "antigravity:Thing", "v": {"a": 1}}'
    assert serde.loads(text) == {"a": 1}
    import sys

    assert "antigravity" not in sys.modules
    assert serde.loads('{"__sy__": "bytes", "v": 12}') == {"__sy__": "bytes", "v": 12}  # malformed


def test_a_users_tag_key_beside_tagged_objects_still_round_trips():
    from langchain_core.messages import AIMessage

    value = {
        "when": dt.date(2026, 1, 2),
        "mine": {serde.TAG: "bytes", "v": "not really bytes"},
        "messages": [AIMessage("hi", id="a1", additional_kwargs={serde.TAG: "x"})],
        "text": serde.TAG,
    }
    assert serde.loads(serde.dumps(value)) == value
