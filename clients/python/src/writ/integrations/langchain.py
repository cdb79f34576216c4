"""LangChain tools governed by Writ (needs `langchain-core`; `interrupt=True` needs `langgraph`).

    from writ.integrations.langchain import governed_tool

    @governed_tool(writ, action="k8s.deployment.scale", resource=lambda name, replicas: f"prod/{name}")
    def scale(name: str, replicas: int) -> str:
        \"\"\"Scales a deployment.\"\"\"
        return kubectl_scale(name, replicas)

    agent = create_react_agent(model, [scale], checkpointer=InMemorySaver())

A call that Writ does not approve raises a `ToolException` the tool hands to the model as its
answer (`handle_tool_error=True`): "Denied by policy: …", "Rejected: …", "Waiting for approval:
…" (see `writ.integrations.explain`). The idempotency key's scope is the run's
`configurable.thread_id` (or `scope=`), so the model calling the tool again in the same thread
continues the same request. With `interrupt=True`, inside a LangGraph graph with a checkpointer,
a pending call pauses the graph with `interrupt()` instead; resume it (`Command(resume=…)`) once
the intent is decided, and the tool finds the same intent and runs.

The run's `RunnableConfig` (with its `configurable` values, API tokens among them), callback
managers and injected LangGraph state are never recorded as params.
"""
from __future__ import annotations

import inspect
import typing
from collections.abc import Collection
from typing import Any, Callable, Optional, Union

try:
    from langchain_core.runnables import RunnableConfig
    from langchain_core.tools import BaseTool, StructuredTool, ToolException
except ImportError as error:  # pragma: no cover - the framework is missing
    raise ImportError("writ.integrations.langchain needs langchain-core: pip install langchain-core") from error

from ..errors import WritError
from ..governed import Governance, Params, check_client, summarize
from . import explain


def thread_id(config: Optional[RunnableConfig]) -> Optional[str]:
    """The run's `configurable.thread_id` (a LangGraph thread), or None."""
    value = ((config or {}).get("configurable") or {}).get("thread_id")
    return None if value is None else str(value)


def governed_tool(client: Any, *, action: str, resource: Union[str, Callable[..., str]], name: Optional[str] = None,
                  description: Optional[str] = None, timeout: float = 30.0, interrupt: bool = False,
                  scope: Union[str, Callable[[RunnableConfig], Optional[str]], None] = thread_id,
                  target: Optional[str] = None, justification: Optional[str] = None, params: Optional[Params] = None,
                  exclude: Collection[str] = (), redact: Collection[str] = (),
                  summary: Optional[Callable[[Any], str]] = summarize) -> Callable[[Callable[..., Any]], BaseTool]:
    """Makes a function a LangChain tool that runs only with Writ's warrant for the call.

    The tool's name, description and argument schema come from the function (or `name` and
    `description`). It waits up to `timeout` seconds for a decision; with `interrupt=True` it
    does not wait but pauses the LangGraph graph while the intent is pending (`interrupt()` with
    `{"writ_intent", "status", "tier", "action", "resource", "message"}`). `scope` is a string or
    a function of the run's `RunnableConfig` (default: its thread id). `resource`, `params`,
    `exclude`, `redact`, `summary`, `target` and `justification` are as for `@governed`.
    `Writ` makes a sync tool of a plain function, `AsyncWrit` an async one of a coroutine
    function.
    """

    def decorate(function: Callable[..., Any]) -> BaseTool:
        check_client(client, function)
        governance = Governance(client=client, function=function, action=action, resource=resource,
                                timeout=0.0 if interrupt else timeout, target=target, justification=justification, params=params,
                                exclude=exclude, redact=redact, summary=summary)
        shape = StructuredTool.from_function(function, name=name, description=description)
        wants_config = [parameter for parameter, annotation in _hints(function).items() if annotation is RunnableConfig]

        def scope_of(config: RunnableConfig) -> Optional[str]:
            return scope(config) if callable(scope) else scope

        if inspect.iscoroutinefunction(function):
            async def arun(config: RunnableConfig, **kwargs: Any) -> Any:
                kwargs.update({parameter: config for parameter in wants_config})
                pending = None
                if interrupt:
                    from .langgraph import _interrupt_while_pending_async
                    pending = _interrupt_while_pending_async(client)
                try:
                    return await governance.arun((), kwargs, scope=scope_of(config), pending=pending)
                except WritError as error:
                    raise ToolException(explain(error)) from error
            return StructuredTool(name=shape.name, description=shape.description, args_schema=shape.args_schema, coroutine=arun,
                                  handle_tool_error=True)

        def run(config: RunnableConfig, **kwargs: Any) -> Any:
            kwargs.update({parameter: config for parameter in wants_config})
            pending = None
            if interrupt:
                from .langgraph import _interrupt_while_pending
                pending = _interrupt_while_pending(client)
            try:
                return governance.run((), kwargs, scope=scope_of(config), pending=pending)
            except WritError as error:
                raise ToolException(explain(error)) from error
        return StructuredTool(name=shape.name, description=shape.description, args_schema=shape.args_schema, func=run,
                              handle_tool_error=True)

    return decorate


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(function)
    except Exception:
        return {}
