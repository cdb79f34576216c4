"""What the server answers, as plain typed objects."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

PENDING = "pending_approval"
APPROVED = "approved"
ENDED_WITHOUT_WARRANT = ("denied", "rejected", "expired", "cancelled")
#: States in which the intent's action was carried out (or tried): a later call is a new action.
CARRIED_OUT = ("executed", "failed")


@dataclass(frozen=True)
class Rule:
    """A policy rule that matched the intent, and why."""

    id: str
    reason: str


@dataclass(frozen=True)
class Decision:
    """Why the intent got its tier: every matching rule and its reason."""

    outcome: str
    tier: Optional[str]
    rules: list[Rule]
    raw: dict[str, Any] = field(repr=False)

    @staticmethod
    def from_json(value: Any) -> "Decision":
        """The decision as the server writes it (`{outcome, tier, rules, …}`)."""
        value = value if isinstance(value, dict) else {}
        rules = [Rule(str(rule.get("id", "")), str(rule.get("reason", ""))) for rule in value.get("rules") or []]
        return Decision(outcome=str(value.get("outcome", "")), tier=value.get("tier"), rules=rules, raw=value)

    @property
    def reasons(self) -> list[str]:
        """Each matching rule's reason."""
        return [rule.reason for rule in self.rules]


@dataclass(frozen=True)
class ApprovalDecision:
    """One person's decision on an intent: `decision` is "approve" or "reject"."""

    user_id: str
    email: str
    decision: str
    comment: Optional[str]
    mfa: bool
    at: str

    @staticmethod
    def from_json(value: dict[str, Any]) -> "ApprovalDecision":
        """A decision as the server writes it."""
        return ApprovalDecision(user_id=str(value.get("user_id", "")), email=str(value.get("email", "")),
                                decision=str(value.get("decision", "")), comment=value.get("comment"),
                                mfa=bool(value.get("mfa", False)), at=str(value.get("at", "")))


@dataclass(frozen=True)
class Intent:
    """An execution intent as the server last reported it.

    `warrant` (the compact JWS) is there for the submitting agent once the intent is approved;
    `warrant_claims` (what it says) for every reader. `decisions` lists the approvers' decisions
    when the answer carried them (reads of the intent do; submissions do not: `None`).
    `replayed` is true when a submission's idempotency key found an intent filed before."""

    id: str
    status: str
    tier: Optional[str]
    action: str
    resource: str
    params: dict[str, Any]
    decision: Decision
    warrant: Optional[str]
    expires_at: Optional[str]
    raw: dict[str, Any] = field(repr=False)
    target: Optional[str] = None
    warrant_claims: Optional[dict[str, Any]] = field(default=None, repr=False)
    decisions: Optional[list[ApprovalDecision]] = None
    replayed: bool = False

    @staticmethod
    def from_json(value: dict[str, Any], *, replayed: bool = False) -> "Intent":
        """The intent as the server writes it."""
        decisions = value.get("decisions")
        decisions = [ApprovalDecision.from_json(d) for d in decisions if isinstance(d, dict)] if isinstance(decisions, list) else None
        claims = value.get("warrant_claims")
        return Intent(
            id=str(value["id"]), status=str(value["status"]), tier=value.get("tier"), action=str(value.get("action", "")),
            resource=str(value.get("resource", "")), params=dict(value.get("params") or {}),
            decision=Decision.from_json(value.get("decision")), warrant=value.get("warrant"),
            expires_at=value.get("expires_at"), raw=value, target=value.get("target"),
            warrant_claims=dict(claims) if isinstance(claims, dict) else None,
            decisions=decisions,
            replayed=replayed)

    @property
    def pending(self) -> bool:
        """Whether it still waits for approval."""
        return self.status == PENDING

    @property
    def approved(self) -> bool:
        """Whether it is approved and this answer carries its warrant."""
        return self.status == APPROVED and self.warrant is not None

    @property
    def jti(self) -> Optional[str]:
        """The id of its warrant (what `redeem` takes), once one was issued."""
        return (self.warrant_claims or {}).get("jti")
