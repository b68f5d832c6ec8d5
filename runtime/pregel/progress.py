"""LangChain callback events as progress for a node's idle timeout (``refresh_on="auto"``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import BaseCallbackHandler

if TYPE_CHECKING:
    from runtime.pregel.context import TaskContext


class ProgressHandler(BaseCallbackHandler):
    """Any event of a chat model, chain, tool or retriever the node calls is progress."""

    run_inline = True

    def __init__(self, ctx: TaskContext) -> None:
        self.ctx = ctx

    def _progress(self, *_args: Any, **_kwargs: Any) -> None:
        self.ctx.heartbeat()

    on_llm_start = on_chat_model_start = on_llm_new_token = on_llm_end = _progress
    on_chain_start = on_chain_end = on_tool_start = on_tool_end = _progress
    on_retriever_start = on_retriever_end = on_custom_event = _progress
