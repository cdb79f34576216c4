"""Writ approval inside LangGraph graphs (needs `langgraph`).

    from writ.integrations.langgraph import require_approval

    def deploy(state: State) -> dict:
        intent = require_approval(writ, "k8s.deployment.scale", "prod/web", {"replicas": state["replicas"]})
        result = kubectl_scale("web", state["replicas"])              # approved: run it
        writ.report(intent.id, "executed", result, keep=True)
        return {"result": result}

    graph = builder.compile(checkpointer=InMemorySaver())
    graph.invoke(inputs, {"configurable": {"thread_id": "ticket-42"}})   # pauses: __interrupt__ names the intent
    ...                                                                  # an operator approves in Writ
    graph.invoke(Command(resume=True), {"configurable": {"thread_id": "ticket-42"}})

The intent is filed once: its idempotency key is derived from the action, resource, params and
the thread id, so when LangGraph runs the node again on resumption the same intent is found (no
second intent, no second approval request). While it is pending the node calls `interrupt()`
with `{"writ_intent": id, "status", "tier", "action", "resource", "message"}`; the value the graph
is resumed with is not used — the intent's state decides.
"""
from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any, Awaitable, Callable, Optional

try:
    from langgraph.config import get_config
    from langgraph.types import interrupt
except ImportError as error:  # pragma: no cover - the framework is missing
    raise ImportError("writ.integrations.langgraph needs langgraph: pip install langgraph") from error

from ..errors import StillPending, WritError
from ..governed import Call, afile_intent, file_intent, intent_key, require_warrant
from ..models import Intent
from . import explain


def _payload(intent: Intent) -> dict[str, Any]:
    return {"writ_intent": intent.id, "status": intent.status, "tier": intent.tier, "action": intent.action,
            "resource": intent.resource, "message": explain(StillPending(intent))}


def _interrupt_while_pending(client: Any) -> Callable[[Intent], Intent]:
    """A hook for `Governance.run`: pauses the graph while the intent is pending, then reads it again."""
    def pending(intent: Intent) -> Intent:
        while intent.pending:
            interrupt(_payload(intent))
            intent = client.get(intent.id)
        return intent
    return pending


def _interrupt_while_pending_async(client: Any) -> Callable[[Intent], Awaitable[Intent]]:
    """`_interrupt_while_pending` for an `AsyncWrit` client."""
    async def pending(intent: Intent) -> Intent:
        while intent.pending:
            interrupt(_payload(intent))
            intent = await client.get(intent.id)
        return intent
    return pending


def _call(action: str, resource: str, params: Optional[Mapping[str, Any]], scope: Optional[str], target: Optional[str],
          justification: Optional[str]) -> Call:
    if scope is None:
        scope = ((get_config().get("configurable") or {}).get("thread_id"))
    recorded = json.loads(json.dumps(dict(params or {}), default=str))
    return Call(resource, recorded, intent_key(action, resource, recorded, scope=None if scope is None else str(scope), target=target,
                                               justification=justification))


def require_approval(client: Any, action: str, resource: str, params: Optional[Mapping[str, Any]] = None, *,
                     scope: Optional[str] = None, target: Optional[str] = None, justification: Optional[str] = None) -> Intent:
    """Inside a LangGraph node (or a tool it runs), with a `Writ` client: the approved intent for
    this action, with its warrant. Files it once per thread (`scope`, by default the run's
    `configurable.thread_id`), pauses the graph with `interrupt()` while it is pending, and
    raises `Denied`, `Rejected`, `Expired` or `Cancelled` when it ended without a warrant. Run the
    action after it returns, then report it (`client.report(intent.id, "executed", …, keep=True)`)."""
    call = _call(action, resource, params, scope, target, justification)
    while True:
        intent = _interrupt_while_pending(client)(file_intent(client, action, call, target=target, justification=justification))
        if client._ledger.claim(intent.id):
            break
    if intent.status == "rejected" and intent.decisions is None:
        with contextlib.suppress(WritError):
            intent = client.get(intent.id)
    return require_warrant(intent)


async def arequire_approval(client: Any, action: str, resource: str, params: Optional[Mapping[str, Any]] = None, *,
                            scope: Optional[str] = None, target: Optional[str] = None,
                            justification: Optional[str] = None) -> Intent:
    """`require_approval` for an `AsyncWrit` client, in async nodes."""
    call = _call(action, resource, params, scope, target, justification)
    while True:
        filed = await afile_intent(client, action, call, target=target, justification=justification)
        intent = await _interrupt_while_pending_async(client)(filed)
        if client._ledger.claim(intent.id):
            break
    if intent.status == "rejected" and intent.decisions is None:
        with contextlib.suppress(WritError):
            intent = await client.get(intent.id)
    return require_warrant(intent)
