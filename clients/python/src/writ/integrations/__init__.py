"""Writ in agent frameworks. Each module imports its framework only when it is imported itself:

- `writ.integrations.langchain`: `governed_tool`, a LangChain tool whose refusals are a
  `ToolException` the model reads (and, with `interrupt=True`, a LangGraph pause while approval
  is pending);
- `writ.integrations.langgraph`: `require_approval`, for a LangGraph node: files the intent once
  (its key from the thread) and pauses the graph with `interrupt()` until it is decided;
- `writ.integrations.openai_agents`: `governed_function_tool`, an OpenAI Agents SDK function tool
  whose failures tell the model what happened, with approval through the SDK's own
  human-in-the-loop interruptions (`resolve_interruptions`).

`explain(error)` is the text they hand a model for a `WritError`: what happened and whether
calling again can help.
"""
from __future__ import annotations

from ..errors import Cancelled, Denied, Expired, Rejected, StillPending, TransportError, WritError
from ..governed import ended_message


def explain(error: WritError) -> str:
    """What a model is told when a governed tool did not run: denied by policy, rejected by a
    person, waiting for approval (calling again with the same arguments continues the same
    request), or Writ unreachable — never a bare "try again"."""
    if isinstance(error, Denied):
        return (f"Denied by policy: Writ does not allow this call, and no approval can change that "
                f"({ended_message(error.intent)}). Nothing was run. Do not call it again; tell the user.")
    if isinstance(error, Rejected):
        return (f"Rejected: a person reviewing this call said no ({ended_message(error.intent)}). Nothing was run. "
                "Do not call it again unless the user asks; tell the user.")
    if isinstance(error, Expired):
        return (f"Not approved in time: nobody decided before the deadline ({ended_message(error.intent)}). Nothing was run. "
                "Tell the user; call it again only if they ask.")
    if isinstance(error, Cancelled):
        return f"Withdrawn: the request was cancelled ({ended_message(error.intent)}). Nothing was run."
    if isinstance(error, StillPending):
        intent = error.intent
        return (f"Waiting for approval: Writ intent {intent.id} ({intent.tier}, {intent.action} on {intent.resource}) needs a "
                "person's approval, which has been requested. Nothing was run yet. Tell the user it awaits approval; calling "
                "this tool again with the same arguments continues this same request (it does not ask again).")
    if isinstance(error, TransportError):
        return f"Not run: Writ, which must approve this call, could not be reached ({error}). Nothing was run."
    return f"Not run: Writ refused the request ({error}). Nothing was run."
