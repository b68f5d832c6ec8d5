"""RemoteGraph: a graph served by a LangGraph-compatible server, used like a local one.

LangGraph's name at LangGraph's path (``langgraph.pregel.remote.RemoteGraph``). It talks
to LangGraph Server or Switchyard's ``/api`` through the official client
(``langgraph_sdk``): ``invoke`` / ``stream`` start runs (on the thread named by
``config["configurable"]["thread_id"]``, created when missing; stateless without one),
``get_state`` / ``get_state_history`` / ``update_state`` read and write the thread.

Used as a node of a local graph, it runs the remote graph on the local run's thread id
(a UUID, as servers want) and returns its final values as the node's update. A remote
pause is not carried into the local graph: it raises RemoteException.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from runtime.types import Interrupt, StateSnapshot

# Config keys of the local run that mean nothing to the server.
_LOCAL_KEYS = ("checkpoint_id", "checkpoint_ns", "checkpoint_map", "thread_id")


class RemoteException(Exception):
    """The remote run failed, or paused where the caller cannot pause."""


class RemoteGraph:
    """A remote graph (``assistant_id``: an assistant id or a graph id on the server)."""

    def __init__(
        self,
        assistant_id: str,
        /,
        *,
        url: str | None = None,
        api_key: str | None = None,
        headers: dict[str, str] | None = None,
        client: Any = None,
        sync_client: Any = None,
        config: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        from langgraph_sdk import get_client, get_sync_client

        self.assistant_id = assistant_id
        self.name = name or assistant_id
        self.config = config or {}
        if client is None and url is not None:
            client = get_client(url=url, api_key=api_key, headers=headers)
        if sync_client is None and url is not None:
            sync_client = get_sync_client(url=url, api_key=api_key, headers=headers)
        self.client = client
        self.sync_client = sync_client

    # --- requests ---------------------------------------------------------------------

    def _run_args(
        self, input: Any, config: dict[str, Any] | None, **kwargs: Any
    ) -> tuple[str | None, dict[str, Any]]:
        """The thread id and the keyword arguments of a runs call."""
        merged = {**self.config, **(config or {})}
        configurable = dict(merged.get("configurable") or {})
        thread_id = configurable.get("thread_id")
        sent = {k: v for k, v in merged.items() if k in ("tags", "recursion_limit", "metadata")}
        sent["configurable"] = {
            k: v for k, v in configurable.items() if k not in _LOCAL_KEYS and not k.startswith("__")
        }
        args: dict[str, Any] = {"config": sent, **{k: v for k, v in kwargs.items() if v}}
        if input is not None and hasattr(input, "resume"):  # a Command
            command = {"resume": input.resume, "update": input.update, "goto": input.goto}
            args["command"] = {k: v for k, v in command.items() if v not in (None, ())}
        else:
            args["input"] = input
        if thread_id is not None:
            args["if_not_exists"] = "create"
            thread_id = str(thread_id)
        return thread_id, args

    def _thread_id(self, config: dict[str, Any]) -> str:
        thread_id = (config.get("configurable") or {}).get("thread_id")
        if thread_id is None:
            raise ValueError("a thread_id is needed in config['configurable']")
        return str(thread_id)

    # --- runs -------------------------------------------------------------------------

    def invoke(self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """The run's final values (``__interrupt__`` added when it paused)."""
        thread_id, args = self._run_args(input, config, **kwargs)
        return self.sync_client.runs.wait(thread_id, self.assistant_id, **args)

    async def ainvoke(self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        thread_id, args = self._run_args(input, config, **kwargs)
        return await self.client.runs.wait(thread_id, self.assistant_id, **args)

    def stream(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        stream_mode: str | list[str] | None = None,
        subgraphs: bool = False,
        **kwargs: Any,
    ) -> Iterator[Any]:
        """Chunks shaped as a local graph's: ``data``, ``(mode, data)`` for several
        modes, with the namespace first when ``subgraphs``."""
        modes, single = _modes(stream_mode)
        thread_id, args = self._run_args(input, config, **kwargs)
        parts = self.sync_client.runs.stream(
            thread_id, self.assistant_id, stream_mode=modes, stream_subgraphs=subgraphs, **args
        )
        for part in parts:
            chunk = _chunk(part.event, part.data, single, subgraphs)
            if chunk is not None:
                yield chunk

    async def astream(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        stream_mode: str | list[str] | None = None,
        subgraphs: bool = False,
        **kwargs: Any,
    ) -> AsyncIterator[Any]:
        modes, single = _modes(stream_mode)
        thread_id, args = self._run_args(input, config, **kwargs)
        parts = self.client.runs.stream(
            thread_id, self.assistant_id, stream_mode=modes, stream_subgraphs=subgraphs, **args
        )
        async for part in parts:
            chunk = _chunk(part.event, part.data, single, subgraphs)
            if chunk is not None:
                yield chunk

    async def __call__(self, state: Any, config: dict[str, Any]) -> Any:
        """As a node of a local graph: run on the local thread's id, return the values."""
        values = await self.ainvoke(state, config)
        if isinstance(values, dict) and values.get("__interrupt__"):
            raise RemoteException(
                f"remote graph {self.name!r} paused at an interrupt, which a local graph "
                "cannot carry: resume it on the server"
            )
        return values

    # --- threads ----------------------------------------------------------------------

    def get_state(self, config: dict[str, Any], *, subgraphs: bool = False) -> StateSnapshot:
        checkpoint_id = (config.get("configurable") or {}).get("checkpoint_id")
        state = self.sync_client.threads.get_state(
            self._thread_id(config), checkpoint_id=checkpoint_id, subgraphs=subgraphs
        )
        return _snapshot(state)

    def get_state_history(
        self,
        config: dict[str, Any],
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int = 10,
    ) -> Iterator[StateSnapshot]:
        kwargs: dict[str, Any] = {"limit": limit, "metadata": filter}
        if before is not None:
            kwargs["before"] = before.get("configurable", before)
        history = self.sync_client.threads.get_history(self._thread_id(config), **kwargs)
        return iter([_snapshot(s) for s in history])

    def update_state(
        self, config: dict[str, Any], values: Any, as_node: str | None = None
    ) -> dict[str, Any]:
        """Write ``values`` as ``as_node``; the new checkpoint's config."""
        checkpoint_id = (config.get("configurable") or {}).get("checkpoint_id")
        result = self.sync_client.threads.update_state(
            self._thread_id(config), values, as_node=as_node, checkpoint_id=checkpoint_id
        )
        return {"configurable": result["checkpoint"]}

    def get_graph(self, *, xray: bool | int = False) -> dict[str, Any]:
        """The server's drawing of the graph (``{nodes, edges}``)."""
        return self.sync_client.assistants.get_graph(self.assistant_id, xray=xray)


def _modes(stream_mode: str | list[str] | None) -> tuple[list[str], bool]:
    if stream_mode is None:
        return ["updates"], True
    if isinstance(stream_mode, str):
        return [stream_mode], True
    return list(stream_mode), False


def _chunk(event: str, data: Any, single: bool, subgraphs: bool) -> Any:
    """A server frame as a local stream chunk; None for frames that are not chunks."""
    if event == "error":
        raise RemoteException(data)
    mode, _, namespace = event.partition("|")
    if mode in ("metadata", "end"):
        return None
    if mode == "messages":
        data = tuple(data) if isinstance(data, list) else data
    if single and not subgraphs:
        return data
    ns = tuple(namespace.split("|")) if namespace else ()
    if single:
        return (ns, data)
    return (ns, mode, data) if subgraphs else (mode, data)


def _config(checkpoint: dict[str, Any] | None) -> dict[str, Any] | None:
    if not checkpoint:
        return None
    keys = ("thread_id", "checkpoint_ns", "checkpoint_id", "checkpoint_map")
    return {"configurable": {k: checkpoint[k] for k in keys if k in checkpoint}}


def _snapshot(state: dict[str, Any]) -> StateSnapshot:
    interrupts = tuple(
        Interrupt(i.get("value"), i.get("id", "")) for i in state.get("interrupts") or ()
    )
    return StateSnapshot(
        values=state.get("values") or {},
        next=tuple(state.get("next") or ()),
        config=_config(state.get("checkpoint")) or {},
        metadata=state.get("metadata"),
        created_at=state.get("created_at"),
        parent_config=_config(state.get("parent_checkpoint")),
        tasks=(),
        interrupts=interrupts,
    )
