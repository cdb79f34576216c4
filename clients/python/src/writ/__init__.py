"""Writ's Python client: submit execution intents, wait for their approval, verify and redeem
warrants, and govern tool functions with `@governed`."""

__version__ = "0.6.0"

from .aio import AsyncWrit  # noqa: E402
from .client import Writ  # noqa: E402
from .errors import (  # noqa: E402
    BadRequest, Cancelled, Conflict, Denied, Expired, Forbidden, IdempotencyKeyReused, IntentEnded, InvalidRequest, NotFound,
    ProblemError, QuotaExceeded, RateLimited, Rejected, ServerError, StillPending, TransportError, Unauthorized, Unavailable,
    WarrantInvalid, WritError,
)
from .governed import governed, intent_key  # noqa: E402
from .models import ApprovalDecision, Decision, Intent, Rule  # noqa: E402
from .warrants import WarrantVerifier, action_digest, verify_warrant  # noqa: E402

__all__ = [
    "ApprovalDecision", "AsyncWrit", "BadRequest", "Cancelled", "Conflict", "Decision", "Denied", "Expired", "Forbidden",
    "IdempotencyKeyReused", "Intent", "IntentEnded", "InvalidRequest", "NotFound", "ProblemError", "QuotaExceeded", "RateLimited",
    "Rejected", "Rule", "ServerError", "StillPending", "TransportError", "Unauthorized", "Unavailable", "WarrantInvalid",
    "WarrantVerifier", "WritError", "Writ", "action_digest", "governed", "intent_key", "verify_warrant",
]
