"""What the server answers, as plain typed objects."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

PENDING = "pending_approval"
APPROVED = "approved"
ENDED_WITHOUT_WARRANT = ("denied", "rejected", "expired", "cancelled")


@dataclass(frozen=True)
class Rule:
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
        value = value if isinstance(value, dict) else {}
        rules = [Rule(str(rule.get("id", "")), str(rule.get("reason", ""))) for rule in value.get("rules") or []]
        return Decision(outcome=str(value.get("outcome", "")), tier=value.get("tier"), rules=rules, raw=value)

    @property
    def reasons(self) -> list[str]:
        return [rule.reason for rule in self.rules]


@dataclass(frozen=True)
class Intent:
    """An execution intent as the server last reported it."""

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

    @staticmethod
    def from_json(value: dict[str, Any]) -> "Intent":
        return Intent(
            id=str(value["id"]), status=str(value["status"]), tier=value.get("tier"), action=str(value.get("action", "")),
            resource=str(value.get("resource", "")), params=dict(value.get("params") or {}),
            decision=Decision.from_json(value.get("decision")), warrant=value.get("warrant"),
            expires_at=value.get("expires_at"), raw=value)

    @property
    def pending(self) -> bool:
        return self.status == PENDING

    @property
    def approved(self) -> bool:
        return self.status == APPROVED and self.warrant is not None
