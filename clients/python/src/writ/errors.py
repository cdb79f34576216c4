"""One error hierarchy: every exception this client raises is a `WritError` — a problem+json
answer (`ProblemError` and its subclasses), a request that got no answer (`TransportError`), an
intent that ended without a warrant (`IntentEnded`), a wait that ran out (`StillPending`), or a
warrant that failed offline verification (`WarrantInvalid`)."""
from __future__ import annotations

from typing import Any, Optional


class WritError(Exception):
    """Base of every error this client raises."""


class ProblemError(WritError):
    """An RFC 9457 problem the server answered with."""

    def __init__(self, status: int, problem: dict[str, Any]):
        self.status = status
        self.problem = problem
        self.type: str = str(problem.get("type", "about:blank"))
        self.title: str = str(problem.get("title", ""))
        self.detail: str = str(problem.get("detail", ""))
        self.errors: list[dict[str, Any]] = list(problem.get("errors") or [])
        fields = "; ".join(f"{error.get('path', '')}: {error.get('message', '')}" for error in self.errors if isinstance(error, dict))
        super().__init__(f"{status} {self.title}: {self.detail}".strip() + (f" ({fields})" if fields else ""))

    @property
    def kind(self) -> str:
        """The problem's name without the `urn:writ:problem:` prefix."""
        return self.type.removeprefix("urn:writ:problem:")


class BadRequest(ProblemError):
    """400: the request could not be read."""


class Unauthorized(ProblemError):
    """401: the API key is missing, malformed, unknown, revoked or expired."""


class QuotaExceeded(ProblemError):
    """402: the plan's quota is used up."""

    @property
    def quota(self) -> str:
        """The quota used up, e.g. `intents_per_month`."""
        return self.kind.removeprefix("quota-exceeded:")


class Forbidden(ProblemError):
    """403: the key may not do this."""


class NotFound(ProblemError):
    """404: no such intent or warrant (in this organisation)."""


class Conflict(ProblemError):
    """409: the state does not allow it (already decided, already redeemed, …)."""


class InvalidRequest(ProblemError):
    """422: the body or query is invalid; `errors` names each field by JSON pointer."""


class IdempotencyKeyReused(InvalidRequest):
    """422: the idempotency key was used with another body."""


class RateLimited(ProblemError):
    """429: too many requests; retry after `retry_after` seconds."""

    def __init__(self, status: int, problem: dict[str, Any], retry_after: Optional[float]):
        super().__init__(status, problem)
        self.retry_after = retry_after


class Unavailable(ProblemError):
    """503: the server or its database is unavailable for a moment."""

    def __init__(self, status: int, problem: dict[str, Any], retry_after: Optional[float]):
        super().__init__(status, problem)
        self.retry_after = retry_after


class ServerError(ProblemError):
    """Any other status."""


class TransportError(WritError):
    """The request got no answer: the connection failed, broke or timed out (after the client's
    retries). `__cause__` is the underlying `httpx` error."""


class IntentEnded(WritError):
    """An intent ended without a warrant; `intent` is its last state, `decisions` the approvers'
    decisions when the server sent them."""

    def __init__(self, intent: Any, message: str):
        super().__init__(message)
        self.intent = intent
        self.decisions: list[Any] = list(getattr(intent, "decisions", None) or [])


class Denied(IntentEnded):
    """The policy denies the action: nobody can approve it."""


class Rejected(IntentEnded):
    """An approver (or the board) rejected the intent; `comment` is what they wrote, if anything."""

    @property
    def comment(self) -> Optional[str]:
        """The rejecting approvers' comments, joined; `None` when none wrote one."""
        comments = [d.comment for d in self.decisions if getattr(d, "decision", "") == "reject" and getattr(d, "comment", None)]
        return "; ".join(comments) or None


class Expired(IntentEnded):
    """Nobody decided before the deadline."""


class Cancelled(IntentEnded):
    """The intent was withdrawn."""


class StillPending(WritError):
    """The wait ended while the intent still waits for approval."""

    def __init__(self, intent: Any):
        super().__init__(f"intent {intent.id} is still pending approval ({intent.tier})")
        self.intent = intent


class WarrantInvalid(WritError):
    """A warrant failed offline verification."""


def problem_error(status: int, body: Any, retry_after: Optional[str]) -> ProblemError:
    """The exception for an error answer."""
    problem = body if isinstance(body, dict) else {"title": "Error", "detail": str(body)[:500]}
    kind = str(problem.get("type", "")).removeprefix("urn:writ:problem:")
    wait = float(retry_after) if retry_after and retry_after.strip().isdigit() else None
    if status == 429:
        return RateLimited(status, problem, wait)
    if status == 503:
        return Unavailable(status, problem, wait)
    if status == 422 and kind == "idempotency-key-reused":
        return IdempotencyKeyReused(status, problem)
    by_status = {400: BadRequest, 401: Unauthorized, 402: QuotaExceeded, 403: Forbidden, 404: NotFound, 409: Conflict, 422: InvalidRequest}
    return by_status.get(status, ServerError)(status, problem)
