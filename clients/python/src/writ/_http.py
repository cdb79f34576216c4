"""What the sync and the async client share: requests, answers, retries."""
from __future__ import annotations

import random
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any, Optional

import httpx

from . import __version__
from .errors import ProblemError, RateLimited, ServerError, TransportError, Unavailable, WritError, problem_error

#: Statuses a retry may cure: the server refused before doing anything.
RETRYABLE = (429, 503)


@dataclass(frozen=True)
class Call:
    """One request as the clients send it."""

    method: str
    path: str
    json: Optional[dict[str, Any]] = None
    headers: Optional[dict[str, str]] = None
    params: Optional[dict[str, Any]] = None
    #: Whether a request whose answer was lost may be sent again (reads; submissions with their key).
    repeatable: bool = False


def headers(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}", "User-Agent": f"writ-client/{__version__}", "Accept": "application/json"}


def submission(action: str, resource: str, params: Optional[dict[str, Any]], target: Optional[str],
               justification: Optional[str], idempotency_key: Optional[str]) -> Call:
    body: dict[str, Any] = {"action": action, "resource": resource, "params": dict(params or {})}
    if target is not None:
        body["target"] = target
    if justification is not None:
        body["justification"] = justification
    # One key for every attempt of this call: a retry after a lost answer returns the same intent.
    key = idempotency_key or f"writ-py-{uuid.uuid4()}"
    return Call("POST", "/v1/intents", json=body, headers={"Idempotency-Key": key}, repeatable=True)


def readable(summary: Optional[str]) -> Optional[str]:
    """`summary` as Writ takes it: control characters (newlines, tabs) as spaces, trimmed, at
    most 2,000 characters; None when nothing is left."""
    if summary is None:
        return None
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in summary).strip()
    return text[:2000].rstrip() or None


def report(intent_id: str, outcome: str, summary: Optional[str]) -> Call:
    body: dict[str, Any] = {"status": outcome}
    if (text := readable(summary)) is not None:
        body["summary"] = text
    return Call("POST", f"/v1/intents/{intent_id}/result", json=body)


def parse(response: httpx.Response) -> Any:
    """The JSON of a 2xx answer; raises the typed problem otherwise."""
    try:
        body = response.json() if response.content else {}
    except ValueError:
        body = response.text
    if response.status_code >= 400:
        raise problem_error(response.status_code, body, response.headers.get("retry-after"))
    return body


def backoff(attempt: int, error: Optional[ProblemError]) -> float:
    """Seconds to wait before attempt `attempt + 1`: the server's Retry-After, else 0.5 s doubling, with jitter."""
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        return min(float(retry_after), 30.0)
    return min(0.5 * 2 ** attempt, 8.0) * (0.8 + random.random() * 0.4)


def may_retry(error: Exception, call: Call) -> bool:
    if isinstance(error, ProblemError):
        return error.status in RETRYABLE
    if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout)):
        return True  # nothing reached the server
    return call.repeatable and isinstance(error, httpx.TransportError)


def transport_error(error: httpx.RequestError) -> TransportError:
    """`error` as this client's `TransportError` (raised `from` it)."""
    return TransportError(f"no answer from Writ ({type(error).__name__}: {error or 'no detail'})")


def transient(error: WritError) -> bool:
    """Whether a later attempt may succeed: no answer, throttled, unavailable or a server error."""
    return isinstance(error, (TransportError, RateLimited, Unavailable)) or (isinstance(error, ServerError) and error.status >= 500)
