"""Vienna OS's published `vienna-sdk==0.1.0`, unchanged, against Writ's `/api/v1` routes: every
method of its client and framework adapters (docs/vienna-compatibility.md)."""
from __future__ import annotations

import json

import httpx
import pytest
from vienna_sdk import ViennaClient, create_autogen_adapter, create_crewai_adapter, create_langchain_adapter, create_openclaw_adapter
from vienna_sdk.errors import ViennaAuthError, ViennaForbiddenError, ViennaNotFoundError
from vienna_sdk.types import IntentStatus, RiskTier

import writ
from .test_client import approve_when_pending


def client(org, **options) -> ViennaClient:
    return ViennaClient(api_key=org.agent_key, base_url=org.node, agent_id=options.pop("agent_id", org.agent_id), retries=0, **options)


def intent(org, intent_id: str) -> dict:
    return org.admin.call("GET", f"/v1/intents/{intent_id}").json()


def test_a_t0_intent_is_approved_with_a_warrant_that_verifies_offline_and_its_execution_is_recorded(org):
    vienna = client(org, signing_key=org.signing_secret)
    result = vienna.submit_intent("s3.objects.read", {"resource": "bucket/report", "key": "q3.csv"}, objective="read the report")
    assert result.status == IntentStatus.APPROVED and result.risk_tier == RiskTier.T0
    assert result.warrant and result.warrant.warrant_id == result.warrant_id and result.warrant.allowed_actions == ["s3.objects.read"]
    claims = writ.verify_warrant(result.warrant.signature, action="s3.objects.read", resource="bucket/report",
                                 params={"resource": "bucket/report", "key": "q3.csv"}, audience="s3", issuer=org.issuer,
                                 tenant=org.tenant, verifier=writ.WarrantVerifier(org.node, issuer=org.issuer, tenant=org.tenant))
    assert claims["jti"] == result.warrant_id and claims["intent"] == result.intent_id
    assert intent(org, result.intent_id)["justification"] == "read the report"
    report = vienna.report_execution(result.warrant_id, success=True, output="42 rows")
    assert report.verified and report.recorded and report.execution_id == result.intent_id
    assert vienna.report_execution(result.warrant_id, success=True, output="42 rows").recorded  # a retried report
    stored = intent(org, result.intent_id)
    assert stored["status"] == "executed"
    checked = vienna.check_intent(result.intent_id)
    assert checked.status == IntentStatus.APPROVED and checked.warrant.signature == result.warrant.signature


def test_a_pending_intent_is_polled_until_an_operator_approves(org):
    vienna = client(org)
    result = vienna.submit_intent("crm.contacts.update", {"contact": 7})
    assert result.status == IntentStatus.PENDING and result.risk_tier == RiskTier.T1 and result.warrant is None
    assert result.approval_required == 1 and result.poll_url == f"/api/v1/intents/{result.intent_id}"
    thread = approve_when_pending(org, result.intent_id)
    approved = vienna.wait_for_approval(result.intent_id, timeout_seconds=30, poll_interval=0.5)
    thread.join()
    assert approved.status == IntentStatus.APPROVED and approved.warrant.signature.count(".") == 2
    failed = vienna.report_execution(approved.warrant_id, success=False, error="the CRM timed out")
    assert failed.recorded and intent(org, result.intent_id)["status"] == "failed"


def test_a_denied_intent_names_the_rule(org):
    result = client(org).submit_intent("db.drop", {"resource": "prod/orders"})
    assert result.status == IntentStatus.DENIED and result.warrant is None and result.risk_tier == RiskTier.T3
    assert "no-drops" in json.dumps(intent(org, result.intent_id)["decision"]) and result.reason


def test_a_retried_post_finds_the_first_intent(org):
    vienna = client(org, signing_key=org.signing_secret)
    body = {"agent_id": org.agent_id, "framework": "python", "action": "crm.contacts.update", "params": {"contact": 9},
            "objective": "retry", "metadata": {}, "timestamp": "2026-12-02T10:00:00.123456+00:00"}
    first = vienna._request("POST", "/api/v1/intents", body)
    second = vienna._request("POST", "/api/v1/intents", body)
    assert first["intent_id"] == second["intent_id"]
    listed = org.admin.call("GET", "/v1/intents?limit=100").json()["items"]
    assert [item["id"] for item in listed].count(first["intent_id"]) == 1 and len(listed) == 1


def test_signatures_and_agent_names_are_checked(org):
    with pytest.raises(ViennaAuthError):
        client(org, signing_key="wsk_not-the-secret").submit_intent("s3.objects.read", {})
    with pytest.raises(ViennaForbiddenError):
        client(org, agent_id="python-sdk").submit_intent("s3.objects.read", {})
    assert client(org, agent_id=org.agent_name).submit_intent("s3.objects.read", {}).status == IntentStatus.APPROVED
    body = json.dumps({"agent_id": org.agent_id, "action": "s3.objects.read", "params": {}}).encode()
    refused = httpx.post(f"{org.node}/api/v1/intents", content=body, headers={
        "Authorization": f"Bearer {org.agent_key}", "Content-Type": "application/json",
        "X-Vienna-Signature": "hmac-sha256:" + "0" * 64})
    assert refused.status_code == 401 and refused.json()["code"] == "INVALID_SIGNATURE" and refused.json()["error"]
    assert len(org.admin.call("GET", "/v1/intents?limit=100").json()["items"]) == 1


def test_register_and_heartbeat_mark_the_agent_seen_without_changing_it(org):
    vienna = client(org, signing_key=org.signing_secret)
    registered = vienna.register("a new name", capabilities=["deploy"], config={"region": "eu"})
    assert registered["registered"] and registered["name"] == "deployer"
    first = org.admin.call("GET", f"/v1/agents/{org.agent_id}").json()
    assert first["name"] == "deployer" and first["labels"] == {} and first["last_seen_at"]
    vienna.heartbeat({"cpu": 0.4, "queue": 3})
    later = org.admin.call("GET", f"/v1/agents/{org.agent_id}").json()
    assert later["last_seen_at"] >= first["last_seen_at"]
    with pytest.raises(ViennaForbiddenError):
        vienna._request("POST", "/api/v1/agents/someone-else/heartbeat", {})


def test_verify_warrant_follows_revocation_and_list_policies_shows_the_rules(org):
    vienna = client(org)
    result = vienna.submit_intent("s3.objects.read", {"resource": "bucket/x"})
    state = vienna.verify_warrant(result.warrant_id)
    assert state["valid"] and not state["revoked"] and state["intent_id"] == result.intent_id
    assert state["warrant"]["signature"] == result.warrant.signature
    assert org.admin.call("POST", f"/v1/warrants/{result.warrant_id}/revoke").status_code == 204
    assert vienna.verify_warrant(result.warrant_id)["revoked"] is True
    with pytest.raises(ViennaNotFoundError):
        vienna.verify_warrant("unknown-warrant-0000000000")
    policies = vienna.list_policies()
    assert {rule["id"]: rule["tier"] for rule in policies}["no-drops"] == "deny"


def test_every_framework_adapter_governs_through_writ(org):
    for factory, framework in [(create_langchain_adapter, "langchain"), (create_crewai_adapter, "crewai"),
                               (create_autogen_adapter, "autogen"), (create_openclaw_adapter, "openclaw")]:
        adapter = factory(org.agent_key, base_url=org.node, agent_id=org.agent_id, retries=0, signing_key=org.signing_secret)
        assert adapter.client.framework == framework
        adapter.register(f"{framework} agent", capabilities=["read"])
        adapter.heartbeat({"ok": True})
        result = adapter.submit_intent("s3.objects.read", {"resource": f"bucket/{framework}"}, objective=f"via {framework}")
        assert result.status == IntentStatus.APPROVED
        assert adapter.wait_for_approval(result.intent_id, timeout_seconds=5).status == IntentStatus.APPROVED
        assert adapter.report_execution(result.warrant_id, success=True, output="done").recorded
        assert intent(org, result.intent_id)["status"] == "executed"
