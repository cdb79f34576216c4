"""`@governed`: a tool function that runs only with an approved warrant for exactly its call.

What it records: the call's arguments become the intent's `params` — shown to approvers, bound
into the warrant's `action_digest`, part of the tenant's audit trail and evidence packs, and
never editable afterwards. Framework context objects (LangChain's `RunnableConfig` and callback
managers, LangGraph's injected state, store and runtime, the OpenAI Agents SDK's
`RunContextWrapper`/`ToolContext`, an MCP server's `Context`) are never recorded; `params=`,
`exclude=` and `redact=` choose the rest.

How retries find their intent: every call carries an idempotency key derived from the action,
the resource, the recorded params, the target, the justification and a `scope` (a conversation,
a LangGraph thread). A call repeated while its intent is still usable (pending; approved and not
run here; rejected or cancelled before its deadline and not yet raised here) finds that intent
again, so an agent that retries after `StillPending` waits for the same approval instead of
asking anew, and learns its outcome. Once the intent is over (run, denied, expired, its outcome
delivered), the next call with the same key is a new action and files a new intent (the key's
next generation).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import re
import time
import typing
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Optional, TypeVar, Union

import rfc8785

from ._ledger import log
from .errors import Cancelled, Denied, Expired, Rejected, StillPending, WritError
from .models import APPROVED, CARRIED_OUT, PENDING, Intent

F = TypeVar("F", bound=Callable[..., Any])

#: What `redact=` records in place of a value.
REDACTED = "[redacted]"
#: A key's lineage is walked at most this far in one call (then a one-off key is used).
MAX_LINEAGE = 100

# Framework types whose instances carry run context (configuration, callbacks, credentials):
# matched by class name within these modules, so no framework is imported to find them.
_CONTEXT_MODULES = ("langchain_core.", "langchain.", "langgraph.", "agents.", "mcp.")
_CONTEXT_CLASSES = frozenset({
    "RunnableConfig", "CallbackManagerForToolRun", "AsyncCallbackManagerForToolRun", "BaseCallbackManager", "ToolRuntime",
    "Runtime", "BaseStore", "InjectedToolArg", "InjectedToolCallId", "InjectedState", "InjectedStore", "RunContextWrapper",
    "ToolContext", "Context", "RequestContext",
})
# In an annotation left as text (and not resolvable), only names no user class is likely to share.
_CONTEXT_WORDS = re.compile(r"\b(RunnableConfig|(Async)?CallbackManagerForToolRun|ToolRuntime|InjectedToolArg|InjectedToolCallId|"
                            r"InjectedState|InjectedStore|RunContextWrapper|ToolContext)\b")

Params = Union[Callable[..., Mapping[str, Any]], Mapping[str, Union[str, Callable[..., Any]]]]


def is_framework_context(value: Any) -> bool:
    """Whether `value` is a framework's context object (by its class or a base class: name and module)."""
    return any(_is_context_class(cls) for cls in type(value).__mro__)


def _is_context_class(cls: Any) -> bool:
    return (isinstance(cls, type) and cls.__name__ in _CONTEXT_CLASSES
            and str(getattr(cls, "__module__", "")).startswith(_CONTEXT_MODULES))


def _is_context_annotation(annotation: Any) -> bool:
    """Whether a parameter's annotation names a framework context type (also inside Optional,
    generics such as `RunContextWrapper[Ctx]`, and `Annotated[…, InjectedToolArg()]`)."""
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        return bool(_CONTEXT_WORDS.search(annotation))
    if isinstance(annotation, type) and any(_is_context_class(cls) for cls in annotation.__mro__):
        return True  # RunnableConfig is a TypedDict: its values are plain dicts, only the annotation tells
    origin = typing.get_origin(annotation)
    if isinstance(origin, type) and _is_context_annotation(origin):
        return True  # a generic such as RunContextWrapper[Ctx]
    metadata = getattr(annotation, "__metadata__", ())
    if any(_is_context_annotation(item if isinstance(item, type) else type(item)) for item in metadata):
        return True
    return any(_is_context_annotation(argument) for argument in typing.get_args(annotation))


def context_parameters(function: Callable[..., Any]) -> frozenset[str]:
    """The names of `function`'s parameters annotated with a framework context type."""
    try:
        hints: dict[str, Any] = typing.get_type_hints(function, include_extras=True)
    except Exception:  # names only the framework defines, unresolvable here: read the text
        hints = {name: parameter.annotation for name, parameter in inspect.signature(function).parameters.items()}
    return frozenset(name for name, annotation in hints.items() if name != "return" and _is_context_annotation(annotation))


def intent_key(action: str, resource: str, params: Optional[Mapping[str, Any]] = None, *, scope: Optional[str] = None,
               target: Optional[str] = None, justification: Optional[str] = None) -> str:
    """The idempotency key of one logical call: the same action, resource, params, target,
    justification and scope always give the same key, any difference another."""
    canonical = rfc8785.dumps({"action": action, "resource": resource, "params": dict(params or {}), "target": target,
                               "justification": justification, "scope": scope})
    return "writ-py-" + hashlib.sha256(canonical).hexdigest()


def _lineage_key(key: str, generation: int) -> str:
    if len(key) > 240:
        key = "writ-py-" + hashlib.sha256(key.encode()).hexdigest()
    return key if generation == 0 else f"{key}#{generation}"


def _usable(intent: Intent, settled: Callable[[str], bool]) -> bool:
    """Whether a call that found `intent` again (by its key) continues with it: while it is pending;
    approved, with a warrant still valid, and not run here yet; or rejected or cancelled before its
    deadline and not yet reported to a caller here — the outcome an earlier call of the same action
    is waiting for. Carried out, denied or expired, it is over: the call is a new action."""
    if intent.status == PENDING:
        return True
    if settled(intent.id) or intent.status not in (APPROVED, "rejected", "cancelled"):
        return False
    if intent.status == APPROVED:  # with its warrant (an intent another key filed comes without)
        expires = (intent.warrant_claims or {}).get("exp")
        return intent.warrant is not None and (not isinstance(expires, (int, float)) or expires > time.time())
    return intent.expires_at is not None and _instant(intent.expires_at) > time.time()


def _instant(text: str) -> float:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def require_warrant(intent: Intent) -> Intent:
    """The intent if it is approved with a warrant; the matching exception otherwise."""
    if intent.approved:
        return intent
    ended = {"denied": Denied, "rejected": Rejected, "expired": Expired, "cancelled": Cancelled}.get(intent.status)
    if ended is not None:
        raise ended(intent, ended_message(intent))
    raise StillPending(intent)


def ended_message(intent: Intent) -> str:
    """Why an intent ended without a warrant, in words: the rules, and for a rejection who rejected and their comment."""
    what = f"intent {intent.id} ({intent.action} on {intent.resource})"
    rules = "; ".join(f"{rule.id}: {rule.reason}" for rule in intent.decision.rules) or "no rule matched"
    if intent.status == "rejected":
        by = [decision.email + (f": {decision.comment!r}" if decision.comment else "")
              for decision in intent.decisions or [] if decision.decision == "reject"]
        return f"{what} was rejected" + (f" by {'; '.join(by)}" if by else "") + f" (rules: {rules})"
    return f"{what} was {intent.status}: {rules}"


def summarize(value: Any) -> str:
    """The default result summary: the text, or the JSON, of the return value (2,000 characters at most)."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text[:2000]


@dataclass(frozen=True)
class Call:
    """One call as it is submitted: resource, recorded params and idempotency key."""

    resource: str
    params: dict[str, Any]
    key: str


_DERIVED: Any = object()


@dataclass
class Governance:
    """How one tool's calls are governed (what `@governed` builds; the integrations share it)."""

    client: Any
    function: Callable[..., Any]
    action: str
    resource: Union[str, Callable[..., str]]
    timeout: float = 300.0
    target: Optional[str] = None
    justification: Optional[str] = None
    scope: Union[str, Callable[..., Optional[str]], None] = None
    key: Union[str, Callable[..., str], None] = None
    params: Optional[Params] = None
    exclude: Collection[str] = ()
    redact: Collection[str] = ()
    summary: Optional[Callable[[Any], str]] = summarize
    signature: inspect.Signature = field(init=False, repr=False)
    contexts: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.signature = inspect.signature(self.function)
        self.contexts = context_parameters(self.function)
        names = set(self.signature.parameters)
        open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in self.signature.parameters.values())
        sources = [source for source in self.params.values() if isinstance(source, str)] if isinstance(self.params, Mapping) else []
        unknown = sorted({*self.exclude, *self.redact, *sources} - names)
        if unknown and not open_ended:
            raise TypeError(f"{self.function.__qualname__} has no parameter {', '.join(unknown)} (named in params/exclude/redact)")

    def describe(self, args: tuple[Any, ...], kwargs: dict[str, Any], scope: Any = _DERIVED) -> Call:
        """The resource, recorded params and idempotency key of a call with these arguments."""
        resource = self.resource(*args, **kwargs) if callable(self.resource) else self.resource
        params = self.recorded(args, kwargs)
        if scope is _DERIVED:
            scope = self.scope(*args, **kwargs) if callable(self.scope) else self.scope
        key = self.key(*args, **kwargs) if callable(self.key) else self.key
        return Call(resource, params, key or intent_key(self.action, resource, params, scope=None if scope is None else str(scope),
                                                        target=self.target, justification=self.justification))

    def recorded(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """The params recorded for a call: `params=` if given, else every argument but framework
        context; without `exclude=` names; `redact=` names as "[redacted]"; as JSON (values JSON
        cannot hold become their text)."""
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        if callable(self.params):
            chosen = dict(self.params(*args, **kwargs))
        elif isinstance(self.params, Mapping):
            chosen = {name: arguments.get(source) if isinstance(source, str) else source(*args, **kwargs)
                      for name, source in self.params.items()}
        else:
            chosen = {name: value for name, value in arguments.items()
                      if name not in self.contexts and not is_framework_context(value)}
        for name in self.exclude:
            chosen.pop(name, None)
        for name in self.redact:
            if name in chosen:
                chosen[name] = REDACTED
        return json.loads(json.dumps(chosen, default=str))

    def file(self, call: Call) -> Intent:
        """The intent of this call's key (see `file_intent`)."""
        return file_intent(self.client, self.action, call, target=self.target, justification=self.justification)

    async def afile(self, call: Call) -> Intent:
        """`file` for an `AsyncWrit` client."""
        return await afile_intent(self.client, self.action, call, target=self.target, justification=self.justification)

    def run(self, args: tuple[Any, ...], kwargs: dict[str, Any], *, scope: Any = _DERIVED,
            pending: Optional[Callable[[Intent], Intent]] = None, intent_id: Optional[str] = None) -> Any:
        """Files (or finds) the call's intent, waits up to `timeout` for its decision (then
        `pending(intent)`, if given), runs the function once approved and reports the outcome
        (kept for later when Writ cannot take it now). Raises `Denied`, `Rejected`, `Expired`,
        `Cancelled` or `StillPending` without running. `intent_id` names an intent already filed
        for exactly this call (it is read instead of filing)."""
        self.client.flush_reports()
        call = self.describe(args, kwargs, scope)
        while True:
            intent = self.client.get(intent_id) if intent_id else None
            if intent is None or intent.status in CARRIED_OUT:
                intent = self.file(call)
            intent_id = None
            if intent.pending and self.timeout > 0:
                intent = self.client.wait(intent.id, self.timeout)
            if intent.pending and pending is not None:
                intent = pending(intent)
            if intent.pending:
                raise StillPending(intent)
            if self.client._ledger.claim(intent.id):
                break  # else another call of this process settled it meanwhile: this call is the next action
        if intent.status == "rejected" and intent.decisions is None:
            with contextlib.suppress(WritError):
                intent = self.client.get(intent.id)
        require_warrant(intent)
        try:
            result = self.function(*args, **kwargs)
        except Exception as error:
            self._report_sync(intent, "failed", f"{type(error).__name__}: {error}")
            raise
        self._report_sync(intent, "executed", self._summary(result))
        return result

    async def arun(self, args: tuple[Any, ...], kwargs: dict[str, Any], *, scope: Any = _DERIVED,
                   pending: Optional[Callable[[Intent], Any]] = None, intent_id: Optional[str] = None) -> Any:
        """`run` for coroutine functions and an `AsyncWrit` client (`pending` may be a coroutine function)."""
        await self.client.flush_reports()
        call = self.describe(args, kwargs, scope)
        while True:
            intent = await self.client.get(intent_id) if intent_id else None
            if intent is None or intent.status in CARRIED_OUT:
                intent = await self.afile(call)
            intent_id = None
            if intent.pending and self.timeout > 0:
                intent = await self.client.wait(intent.id, self.timeout)
            if intent.pending and pending is not None:
                intent = pending(intent)
                intent = await intent if inspect.isawaitable(intent) else intent
            if intent.pending:
                raise StillPending(intent)
            if self.client._ledger.claim(intent.id):
                break
        if intent.status == "rejected" and intent.decisions is None:
            with contextlib.suppress(WritError):
                intent = await self.client.get(intent.id)
        require_warrant(intent)
        try:
            result = await self.function(*args, **kwargs)
        except Exception as error:
            await self._report_async(intent, "failed", f"{type(error).__name__}: {error}")
            raise
        await self._report_async(intent, "executed", self._summary(result))
        return result

    def _summary(self, result: Any) -> Optional[str]:
        try:
            return self.summary(result) if self.summary else None
        except Exception as error:  # a faulty summary must not cost the result
            log.warning("writ: the summary function of %s failed: %s", self.action, error)
            return None

    def _report_sync(self, intent: Intent, outcome: str, summary: Optional[str]) -> None:
        try:
            self.client.report(intent.id, outcome, summary, keep=True)
        except WritError as error:  # refused for good (e.g. already reported): the result still stands
            log.warning("writ: Writ refused the %s report of intent %s: %s", outcome, intent.id, error)

    async def _report_async(self, intent: Intent, outcome: str, summary: Optional[str]) -> None:
        try:
            await self.client.report(intent.id, outcome, summary, keep=True)
        except WritError as error:
            log.warning("writ: Writ refused the %s report of intent %s: %s", outcome, intent.id, error)


def _attempt(action: str, call: Call, generation: int, start: int, target: Optional[str],
             justification: Optional[str]) -> tuple[dict[str, Any], bool]:
    """The submission of one step of a key's lineage, and whether it is a one-off (the walk went too far)."""
    one_off = generation - start >= MAX_LINEAGE
    if one_off:
        log.warning("writ: %d ended intents share the key of this %s call: it files a one-off intent "
                    "(give it a scope per conversation)", MAX_LINEAGE, action)
    key = f"writ-py-{uuid.uuid4()}" if one_off else _lineage_key(call.key, generation)
    return {"action": action, "resource": call.resource, "params": call.params, "target": target,
            "justification": justification, "idempotency_key": key}, one_off


def _accept(ledger: Any, call: Call, generation: int, intent: Intent, one_off: bool) -> bool:
    """Whether a call continues with the answer to one step of its walk: a new intent, a usable one, or a one-off."""
    if intent.replayed and not one_off and not _usable(intent, ledger.claimed):
        return False
    ledger.reached(call.key, generation, None if one_off else intent.id)  # a later call starts here
    return True


def file_intent(client: Any, action: str, call: Call, *, target: Optional[str] = None, justification: Optional[str] = None) -> Intent:
    """The intent of `call.key`: the one an earlier call filed while it is still usable (see
    `_usable`: pending, or decided and not yet acted on here), else a new one under the key's next
    generation (`key`, `key#1`, `key#2`, …; the client remembers how far each key went)."""
    ledger = client._ledger
    start = generation = ledger.generation(call.key)
    while True:
        submission, one_off = _attempt(action, call, generation, start, target, justification)
        intent = client.submit(**submission)
        if _accept(ledger, call, generation, intent, one_off):
            return intent
        generation += 1


async def afile_intent(client: Any, action: str, call: Call, *, target: Optional[str] = None,
                       justification: Optional[str] = None) -> Intent:
    """`file_intent` for an `AsyncWrit` client."""
    ledger = client._ledger
    start = generation = ledger.generation(call.key)
    while True:
        submission, one_off = _attempt(action, call, generation, start, target, justification)
        intent = await client.submit(**submission)
        if _accept(ledger, call, generation, intent, one_off):
            return intent
        generation += 1


def check_client(client: Any, function: Callable[..., Any]) -> None:
    """A `TypeError` at decoration when a coroutine function meets a sync client or the reverse."""
    submit = getattr(client, "submit", None)
    if submit is None:
        raise TypeError(f"client must be a writ.Writ or writ.AsyncWrit, not {type(client).__name__}")
    if inspect.iscoroutinefunction(function) and not inspect.iscoroutinefunction(submit):
        raise TypeError(f"{function.__qualname__} is a coroutine function: govern it with an AsyncWrit client, "
                        f"not {type(client).__name__}")
    if not inspect.iscoroutinefunction(function) and inspect.iscoroutinefunction(submit):
        raise TypeError(f"{function.__qualname__} is a plain function: govern it with a Writ client "
                        "(AsyncWrit is for `async def` tools)")


def governed(*, client: Any, action: str, resource: Union[str, Callable[..., str]], timeout: float = 300.0,
             target: Optional[str] = None, justification: Optional[str] = None,
             scope: Union[str, Callable[..., Optional[str]], None] = None, key: Union[str, Callable[..., str], None] = None,
             params: Optional[Params] = None, exclude: Collection[str] = (), redact: Collection[str] = (),
             summary: Optional[Callable[[Any], str]] = summarize) -> Callable[[F], F]:
    """Runs the decorated tool only with an approved warrant for this call.

    The decorator submits the call as an intent, waits up to `timeout` seconds for the decision,
    runs the function, and reports `executed` (with `summary(result)`, by default its text; `None`
    records none) or `failed` (with the error). A denial, rejection, expiry or cancellation raises
    `Denied`, `Rejected`, `Expired` or `Cancelled`; a decision still pending after `timeout`
    raises `StillPending` — call again with the same arguments to keep waiting for the same
    intent. A report Writ cannot take now is kept and sent before the next call: the result is
    returned all the same. `Writ` governs plain functions, `AsyncWrit` coroutine functions (a
    mismatch is a `TypeError` here, at decoration).

    - `resource`: a string, or a function of the call's arguments.
    - `scope`: what separates one logical action from another with the same arguments — a
      conversation or thread id (a string, or a function of the call's arguments). `key` replaces
      the derived idempotency key altogether (a string or a function of the arguments).
    - What is recorded as `params` (and bound into the warrant's `action_digest`) — the audit log
      cannot be edited afterwards: by default every argument except framework context objects;
      `params=` a function of the call's arguments returning the mapping to record, or a mapping
      from recorded name to argument name (or to a function of the arguments); `exclude=`
      argument names never recorded; `redact=` argument names recorded as "[redacted]". Names
      that are not parameters of the function are a `TypeError` at decoration.
    """

    def decorate(function: F) -> F:
        check_client(client, function)
        governance = Governance(client=client, function=function, action=action, resource=resource, timeout=timeout, target=target,
                                justification=justification, scope=scope, key=key, params=params, exclude=exclude, redact=redact,
                                summary=summary)

        if inspect.iscoroutinefunction(function):
            @functools.wraps(function)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                return await governance.arun(args, kwargs)
            run_async.__writ__ = governance  # type: ignore[attr-defined]
            return run_async  # type: ignore[return-value]

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            return governance.run(args, kwargs)
        run.__writ__ = governance  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return decorate
