"""Managed values: state keys the engine fills in for each node instead of a channel.

``remaining_steps: RemainingSteps`` tells a node how many super-steps the run may still
take before ``recursion_limit`` stops it; ``is_last_step: IsLastStep`` is True on the last.
"""

from __future__ import annotations

from typing import Annotated

__all__ = ("IsLastStep", "ManagedValue", "RemainingSteps")


class ManagedValue:
    """A value computed from the step being run: ``get(step, stop)``."""

    @staticmethod
    def get(step: int, stop: int) -> object:
        raise NotImplementedError


class RemainingStepsManager(ManagedValue):
    @staticmethod
    def get(step: int, stop: int) -> int:
        return stop - step


class IsLastStepManager(ManagedValue):
    @staticmethod
    def get(step: int, stop: int) -> bool:
        return step == stop - 1


RemainingSteps = Annotated[int, RemainingStepsManager]
IsLastStep = Annotated[bool, IsLastStepManager]


def managed_of(annotation: object) -> type[ManagedValue] | None:
    """The ManagedValue an annotation declares (under Required/NotRequired too), or None."""
    from typing import get_args, get_origin

    while get_origin(annotation) is not None and get_origin(annotation) is not Annotated:
        name = getattr(get_origin(annotation), "_name", None) or str(get_origin(annotation))
        if "Required" not in str(name):
            return None
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is Annotated:
        for meta in get_args(annotation)[1:]:
            if isinstance(meta, type) and issubclass(meta, ManagedValue):
                return meta
    return None
