"""`@governed`: a tool function that runs only with an approved warrant."""
from __future__ import annotations

import functools
import inspect
import json
from typing import Any, Callable, Optional, TypeVar

from .errors import Cancelled, Denied, Expired, Rejected, StillPending
from .models import Intent

F = TypeVar("F", bound=Callable[..., Any])


def require_warrant(intent: Intent) -> Intent:
    """The intent if it is approved with a warrant; the matching exception otherwise."""
    if intent.approved:
        return intent
    reasons = "; ".join(f"{rule.id}: {rule.reason}" for rule in intent.decision.rules) or "no rule matched"
    ended = {"denied": Denied, "rejected": Rejected, "expired": Expired, "cancelled": Cancelled}.get(intent.status)
    if ended is not None:
        raise ended(intent, f"intent {intent.id} ({intent.action} on {intent.resource}) was {intent.status}: {reasons}")
    raise StillPending(intent)


def _params(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The call's arguments by name, as JSON (values JSON cannot hold become their text)."""
    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    return json.loads(json.dumps(dict(bound.arguments), default=str))


def _summary(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text[:2000]


def governed(*, client: Any, action: str, resource: str | Callable[..., str], timeout: float = 300.0,
             target: Optional[str] = None, justification: Optional[str] = None) -> Callable[[F], F]:
    """Runs the decorated tool only with an approved warrant for this call.

    The call's arguments become the intent's `params`; `resource` is a string or a function of the
    same arguments. The decorator submits, waits up to `timeout` seconds for the decision, runs the
    function, and reports `executed` (with the result as summary) or `failed` (with the error).
    A denial, rejection, expiry or cancellation raises `Denied`, `Rejected`, `Expired` or
    `Cancelled`; a decision still pending after `timeout` raises `StillPending`. Works with `Writ`
    for plain functions and `AsyncWrit` for coroutine functions.
    """

    def decorate(function: F) -> F:
        def describe(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
            target_resource = resource(*args, **kwargs) if callable(resource) else resource
            return target_resource, _params(function, args, kwargs)

        if inspect.iscoroutinefunction(function):
            @functools.wraps(function)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                name, params = describe(args, kwargs)
                intent = await client.submit(action, name, params, target=target, justification=justification)
                if intent.pending:
                    intent = await client.wait(intent.id, timeout)
                require_warrant(intent)
                try:
                    result = await function(*args, **kwargs)
                except Exception as error:
                    await client.report(intent.id, "failed", f"{type(error).__name__}: {error}"[:2000])
                    raise
                await client.report(intent.id, "executed", _summary(result))
                return result
            return run_async  # type: ignore[return-value]

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            name, params = describe(args, kwargs)
            intent = client.submit(action, name, params, target=target, justification=justification)
            if intent.pending:
                intent = client.wait(intent.id, timeout)
            require_warrant(intent)
            try:
                result = function(*args, **kwargs)
            except Exception as error:
                client.report(intent.id, "failed", f"{type(error).__name__}: {error}"[:2000])
                raise
            client.report(intent.id, "executed", _summary(result))
            return result
        return run  # type: ignore[return-value]

    return decorate
