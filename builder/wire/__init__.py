"""LangGraph Server's payloads, built in one place.

Every shape a LangGraph client reads (langgraph_sdk, the JS SDK, RemoteGraph, useStream)
is made here from our rows and the engine's values, and REST, SSE and webhooks all call
these functions, so a client sees one form whichever way it asks:

- ``messages``: chat messages in LangChain's serialized form (``type``, ``id``,
  ``content``, ``tool_calls``...), whatever form a node wrote them in;
- ``resources``: assistants, assistant versions, threads and runs;
- ``state``: checkpoints, interrupts, thread states (``ThreadState``) and what
  ``update_state`` answers.

Pure functions of rows and plain data: no request, no database writes. Services may
import them (a webhook carries a run), the API layers do.
"""
