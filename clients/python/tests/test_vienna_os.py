"""Vienna OS's published `vienna-os==0.1.0`, unchanged, against Writ's `/api/v1` routes: every
method of its client (docs/vienna-compatibility.md). It builds its objects with `**dict`, so any
missing or extra key in an answer fails these tests."""
from __future__ import annotations

import pytest
from vienna_os import Intent, ViennaClient
from vienna_os.errors import AuthError, ViennaError


def agent(org) -> ViennaClient:
    return ViennaClient(base_url=org.node, agent_id=org.agent_id, api_key=org.agent_key)


def operator(org) -> ViennaClient:
    """The operator through the SDK: its one bearer token is the person's session token."""
    return ViennaClient(base_url=org.node, agent_id=org.agent_id, api_key=org.operator.http.cookies.get("writ_session"))


def status(org, intent_id: str) -> str:
    return org.admin.call("GET", f"/v1/intents/{intent_id}").json()["status"]


def test_a_t0_intent_runs_the_pipeline_and_its_warrant_verifies_until_revoked(org):
    vienna = agent(org)
    result = vienna.submit_intent(Intent(action="s3.objects.read", payload={"resource": "bucket/a"}))
    assert result.pipeline == "executed" and result.proposal.state == "approved" and result.proposal.risk_tier == "T0"
    assert result.policy_evaluation.decision == "allow" and result.policy_evaluation.matched_rule == "reads"
    assert result.warrant.signature.count(".") == 2 and result.warrant.expires_at
    verified = vienna.verify_warrant(result.warrant.id, result.warrant.signature)
    assert verified.valid and not verified.revoked and verified.warrant_id == result.warrant.id
    assert vienna.verify_warrant(result.warrant.id).valid
    assert not vienna.verify_warrant(result.warrant.id, result.warrant.signature[:-4] + "AAAA").valid
    vienna.revoke_warrant(result.warrant.id, reason="no longer needed")
    revoked = vienna.verify_warrant(result.warrant.id, result.warrant.signature)
    assert revoked.revoked and not revoked.valid


def test_an_operator_approves_through_the_sdk_and_an_agent_cannot(org):
    result = agent(org).submit_intent(Intent(action="crm.contacts.update", payload={"contact": 1}))
    assert result.pipeline == "pending_approval" and result.warrant is None and result.policy_evaluation.matched_rule == "default"
    with pytest.raises(ViennaError) as refused:
        agent(org).approve_proposal(result.proposal.id)
    assert refused.value.status == 403
    warrant = operator(org).approve_proposal(result.proposal.id, reason="looks right")
    # No part of the agent's token: with the claims every member can read and the fixed header, the
    # signature alone would rebuild it (security review II, finding 4).
    assert warrant.id and warrant.expires_at and not warrant.signature
    assert status(org, result.proposal.id) == "approved"


def test_deny_is_a_cancellation_by_the_agent_and_a_rejection_by_a_person(org):
    vienna = agent(org)
    withdrawn = vienna.submit_intent(Intent(action="crm.contacts.update", payload={"contact": 2}))
    vienna.deny_proposal(withdrawn.proposal.id, reason="changed my mind")
    assert status(org, withdrawn.proposal.id) == "cancelled"
    rejected = vienna.submit_intent(Intent(action="crm.contacts.update", payload={"contact": 3}))
    operator(org).deny_proposal(rejected.proposal.id, reason="not today")
    assert status(org, rejected.proposal.id) == "rejected"
    denied = vienna.submit_intent(Intent(action="db.drop", payload={}))
    assert denied.pipeline == "denied" and denied.policy_evaluation.decision == "deny" and denied.warrant is None


def test_simulation_stores_nothing(org):
    simulated = agent(org).simulate("k8s.deployment.scale", {"replicas": 50})
    assert simulated.simulation and simulated.pipeline == "simulated" and simulated.proposal.risk_tier == "T1"
    assert simulated.policy_evaluation.matched_rule == "scale-big"
    assert org.admin.call("GET", "/v1/intents").json()["items"] == []


def test_agents_audit_trail_and_status(org):
    vienna = agent(org)
    agents = vienna.list_agents()
    assert [(a.id, a.display_name, a.status) for a in agents] == [(org.agent_id, "deployer", "active")]
    submitted = vienna.submit_intent(Intent(action="s3.objects.read", payload={}))
    trail = vienna.get_audit_trail(limit=10)
    assert trail["entries"] and {entry["subject"]["id"] for entry in trail["entries"]} == {submitted.proposal.id}
    seqs = [entry["seq"] for entry in trail["entries"]]
    assert seqs == sorted(seqs)
    assert vienna.get_system_status()["status"] == "ok"
    with pytest.raises(AuthError):
        ViennaClient(base_url=org.node, agent_id=org.agent_id, api_key="writ_notakey").list_agents()
    with pytest.raises(ViennaError) as mismatch:
        ViennaClient(base_url=org.node, agent_id="someone-else", api_key=org.agent_key).submit_intent(Intent(action="s3.objects.read"))
    assert mismatch.value.status == 403 and mismatch.value.code == "FORBIDDEN"
