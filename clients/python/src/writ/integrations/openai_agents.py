"""OpenAI Agents SDK function tools governed by Writ (needs `openai-agents`).

    from writ.integrations.openai_agents import governed_function_tool, resolve_interruptions

    @governed_function_tool(writ, action="payments.transfer", resource=lambda ctx, to, amount: f"accounts/{to}",
                            approval=True, scope=lambda ctx: ctx.context.conversation_id)
    async def transfer(ctx: RunContextWrapper[Session], to: str, amount: int) -> str:
        \"\"\"Transfers money.\"\"\"
        ...

    result = await Runner.run(agent, "pay the invoice")
    while result.interruptions:                      # T1–T3: the run stops until Writ decides
        state = await resolve_interruptions(result, timeout=300)
        result = await Runner.run(agent, state)

A refused call's tool output tells the model what happened ("Denied by policy: …", "Rejected:
…", "Waiting for approval: …", see `writ.integrations.explain`), never the SDK's default "Please
try again."

Approval through the SDK's human-in-the-loop (`approval=True`; the SDK's `needs_approval`, in
this version a callable `(run_context, arguments, call_id) -> bool`): before the tool runs, the
intent is filed; a T0 intent runs at once, a pending one interrupts the run (`result.interruptions`).
The approvers decide in Writ (console, mail, board links) — the agent's key cannot approve its
own intents — and `resolve_interruptions` waits for their decision and applies it to the run
state: approved becomes `state.approve(item)`, anything else `state.reject(item,
rejection_message=…)`. Resuming the run then executes the approved call under the same intent.

The run context (`RunContextWrapper`/`ToolContext`, with whatever it carries, user tokens
included) is never recorded as params.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import typing
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

try:
    from agents import FunctionTool, RunContextWrapper, function_tool
    from agents.function_schema import FuncSchema, function_schema
    from agents.tool_context import ToolContext
except ImportError as error:  # pragma: no cover - the framework is missing
    raise ImportError("writ.integrations.openai_agents needs the OpenAI Agents SDK: pip install openai-agents") from error

from ..errors import StillPending, WritError
from ..governed import Governance, Params, check_client, require_warrant, summarize
from ..models import Intent
from . import explain

Scope = Union[str, Callable[[RunContextWrapper[Any]], Optional[str]], None]


def _tool_error(ctx: RunContextWrapper[Any], error: Exception) -> str:
    """The tool output for a failed call: `explain(error)` for Writ's refusals, the error's type otherwise."""
    if isinstance(error, WritError):
        return explain(error)
    return f"The tool failed ({type(error).__name__}). Nothing more is known; do not assume it ran."


@dataclass
class _GovernedTool:
    """What `governed_function_tool` keeps on its `FunctionTool` (as `tool.writ`)."""

    governance: Governance
    schema: FuncSchema
    takes_context: bool
    scope: Scope
    #: Intents filed by `needs_approval`, by (tool call id, idempotency key): read by the call they were filed for.
    filed: OrderedDict[tuple[str, str], str] = field(default_factory=OrderedDict)

    def scope_of(self, ctx: RunContextWrapper[Any]) -> Optional[str]:
        """The key's scope for a call in this run context."""
        return self.scope(ctx) if callable(self.scope) else self.scope

    def known(self, ctx: ToolContext[Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Optional[str]:
        """The intent `needs_approval` filed for exactly this tool call, if any (forgotten once read)."""
        key = self.governance.describe(args, kwargs, scope=self.scope_of(ctx)).key
        return self.filed.pop((ctx.tool_call_id, key), None)

    def arguments(self, ctx: RunContextWrapper[Any], arguments: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The function's arguments for a tool call's JSON arguments, as the SDK makes them."""
        args, kwargs = self.schema.to_call_args(self.schema.params_pydantic_model(**arguments))
        return ((ctx, *args) if self.takes_context else tuple(args)), kwargs

    async def intent(self, ctx: RunContextWrapper[Any], arguments: dict[str, Any], call_id: Optional[str]) -> Intent:
        """The intent of a tool call: the one filed for it, else filed (or found) by its key."""
        client = self.governance.client
        args, kwargs = self.arguments(ctx, arguments)
        call = self.governance.describe(args, kwargs, scope=self.scope_of(ctx))
        known = self.filed.get((call_id or "", call.key))
        if known:
            return await client.get(known) if inspect.iscoroutinefunction(client.get) else await asyncio.to_thread(client.get, known)
        if inspect.iscoroutinefunction(client.submit):
            intent = await self.governance.afile(call)
        else:
            intent = await asyncio.to_thread(self.governance.file, call)
        if call_id:
            self.filed[(call_id, call.key)] = intent.id
            while len(self.filed) > 1000:
                self.filed.popitem(last=False)
        return intent


def governed_function_tool(client: Any, *, action: str, resource: Union[str, Callable[..., str]], approval: bool = False,
                           timeout: float = 30.0, scope: Scope = None, name: Optional[str] = None,
                           description: Optional[str] = None, target: Optional[str] = None, justification: Optional[str] = None,
                           params: Optional[Params] = None, exclude: Collection[str] = (), redact: Collection[str] = (),
                           summary: Optional[Callable[[Any], str]] = summarize) -> Callable[[Callable[..., Any]], FunctionTool]:
    """Makes a function an OpenAI Agents SDK `FunctionTool` that runs only with Writ's warrant for the call.

    The function may take the run context (`RunContextWrapper`/`ToolContext`) first, as any
    function tool may. Without `approval`, a call waits up to `timeout` seconds for the decision;
    still pending, the model is told it waits for approval. With `approval=True` a pending call
    interrupts the run instead (see the module's documentation). `scope` (a string or a function
    of the run context, e.g. its conversation id) keeps conversations apart in the idempotency
    key. `resource` (a string or a function of the function's arguments), `params`, `exclude`,
    `redact`, `summary`, `target` and `justification` are as for `@governed`. `Writ` governs plain
    functions, `AsyncWrit` coroutine functions.
    """

    def decorate(function: Callable[..., Any]) -> FunctionTool:
        check_client(client, function)
        governance = Governance(client=client, function=function, action=action, resource=resource, timeout=timeout, target=target,
                                justification=justification, params=params, exclude=exclude, redact=redact, summary=summary)
        signature = inspect.signature(function)
        hints = typing.get_type_hints(function, include_extras=True)
        parameters = list(signature.parameters.values())
        takes_context = bool(parameters) and _is_run_context(hints.get(parameters[0].name, parameters[0].annotation))
        rest = parameters[1:] if takes_context else parameters
        holder: list[_GovernedTool] = []

        if inspect.iscoroutinefunction(function):
            async def invoke(ctx: ToolContext[Any], *args: Any, **kwargs: Any) -> Any:
                governed, call_args = holder[0], ((ctx, *args) if takes_context else args)
                return await governance.arun(call_args, kwargs, scope=governed.scope_of(ctx),
                                             intent_id=governed.known(ctx, call_args, kwargs))
            wrapper: Callable[..., Any] = invoke
        else:
            def invoke_sync(ctx: ToolContext[Any], *args: Any, **kwargs: Any) -> Any:
                governed, call_args = holder[0], ((ctx, *args) if takes_context else args)
                return governance.run(call_args, kwargs, scope=governed.scope_of(ctx), intent_id=governed.known(ctx, call_args, kwargs))
            wrapper = invoke_sync
        # The tool's schema is the function's, with the tool context always first (for the scope and the call id).
        context = inspect.Parameter("writ_tool_context", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=ToolContext)
        wrapper.__signature__ = signature.replace(parameters=[context, *rest])  # type: ignore[attr-defined]
        wrapper.__annotations__ = {"writ_tool_context": ToolContext, **{p.name: hints[p.name] for p in rest if p.name in hints}}
        if "return" in hints:
            wrapper.__annotations__["return"] = hints["return"]
        wrapper.__name__, wrapper.__qualname__, wrapper.__doc__ = function.__name__, function.__qualname__, function.__doc__

        governed = _GovernedTool(governance=governance, schema=function_schema(wrapper, name_override=name),
                                takes_context=takes_context, scope=scope)
        holder.append(governed)

        async def needs_approval(ctx: RunContextWrapper[Any], arguments: dict[str, Any], call_id: str) -> bool:
            try:
                return (await governed.intent(ctx, arguments, call_id)).pending
            except Exception:  # invalid arguments or Writ unreachable: the call itself reports it to the model
                return False

        tool = function_tool(wrapper, name_override=name, description_override=description, failure_error_function=_tool_error,
                             needs_approval=needs_approval if approval else False)
        tool.writ = governed  # type: ignore[attr-defined]
        return tool

    return decorate


async def resolve_interruptions(result: Any, *, timeout: float = 60.0) -> Any:
    """The run state of an interrupted run (`Runner.run`'s result) with Writ's decision applied to
    each interruption of a governed tool: approved → `state.approve(item)`; denied, rejected,
    expired or cancelled → `state.reject(item, rejection_message=…)` (the model reads why).
    Waits up to `timeout` seconds for decisions; raises `StillPending` if one is still pending
    then (call again later with the same result). Other interruptions are left to the caller."""
    state = result.to_state()
    waiting: list[Intent] = []
    for item in result.interruptions:
        tool = next((t for t in getattr(item.agent, "tools", []) if getattr(t, "name", None) == item.tool_name), None)
        governed: Optional[_GovernedTool] = getattr(tool, "writ", None)
        if governed is None:
            continue
        intent = await governed.intent(result.context_wrapper, _arguments(item.arguments), item.call_id)
        client = governed.governance.client
        if intent.pending and timeout > 0:
            intent = await client.wait(intent.id, timeout) if inspect.iscoroutinefunction(client.wait) else \
                await asyncio.to_thread(client.wait, intent.id, timeout)
        if intent.pending:
            waiting.append(intent)
        elif intent.approved:
            state.approve(item)
        else:
            try:
                require_warrant(intent)
            except WritError as error:
                state.reject(item, rejection_message=explain(error))
    if waiting:
        raise StillPending(waiting[0])
    return state


def _arguments(text: Optional[str]) -> dict[str, Any]:
    value = json.loads(text or "{}")
    return value if isinstance(value, dict) else {}


def _is_run_context(annotation: Any) -> bool:
    origin = typing.get_origin(annotation) or annotation
    return isinstance(origin, type) and issubclass(origin, RunContextWrapper)
