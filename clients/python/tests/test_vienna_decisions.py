"""What Vienna OS's SDKs read about a policy decision (issue Clients II, item 7): the decision
says whether approval is required, and a denial's reason names the rules that decided."""
from __future__ import annotations

from vienna_os import Intent, ViennaClient
from vienna_sdk import ViennaClient as SDKClient
from vienna_sdk.types import IntentStatus


def test_a_t1_intent_waiting_for_approval_is_not_allowed_by_policy(org):
    vienna = ViennaClient(base_url=org.node, agent_id=org.agent_id, api_key=org.agent_key)
    pending = vienna.submit_intent(Intent(action="crm.contacts.update", payload={"contact": 41}))
    assert pending.pipeline == "pending_approval" and pending.policy_evaluation.decision == "require_approval"
    read = vienna.submit_intent(Intent(action="s3.objects.read", payload={"resource": "bucket/41"}))
    assert read.policy_evaluation.decision == "allow"
    simulated = vienna.simulate("crm.contacts.update", {"contact": 42})
    assert simulated.policy_evaluation.decision == "require_approval"


def test_a_denials_reason_names_each_rule_once(org):
    sdk = SDKClient(api_key=org.agent_key, base_url=org.node, agent_id=org.agent_id, retries=0)
    denied = sdk.submit_intent("db.drop", {"resource": "prod/orders"})
    assert denied.status == IntentStatus.DENIED
    reasons = denied.reason.split("; ")
    assert reasons and all(":" in reason for reason in reasons), denied.reason
    assert any(reason.startswith("no-drops: ") for reason in reasons), denied.reason
    assert len(reasons) == len(set(reasons)), denied.reason
