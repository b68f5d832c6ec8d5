"""Problems found in a graph spec, and the one exception validation raises."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a spec.

    ``pointer`` is a JSON pointer (RFC 6901) into the spec, ``message`` a sentence a person
    understands, ``code`` a stable machine-readable name (the frontend keys help text on it).
    """

    pointer: str
    message: str
    severity: Severity = "error"
    code: str = "invalid"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.severity} at {self.pointer or '/'}: {self.message} [{self.code}]"


class SpecError(ValueError):
    """A spec (or a file naming specs) that cannot be compiled; carries every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"] or self.problems
        head = "; ".join(str(p) for p in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"invalid graph spec: {head}{more}")


def pointer(*parts: str | int) -> str:
    """Build a JSON pointer from path parts, escaping ``~`` and ``/`` as RFC 6901 says."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
