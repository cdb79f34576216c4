"""@governed and the client against a live Writ, for what agents trip over: a result that must
survive a failed report, retries that must find their intent, context objects and secrets that
must stay out of the audit log, and rejections that must say who and why."""
from __future__ import annotations

import asyncio
import glob
import os
import time

import pytest

import writ
from writ import AsyncWrit, Writ, governed

from .relay import Relay


def decide(org, intent_id: str, decision: str = "approve", comment: str | None = None) -> None:
    body = {"decision": decision, **({"comment": comment} if comment else {})}
    response = org.operator.call("POST", f"/v1/intents/{intent_id}/decisions", body)
    assert response.status_code == 200, response.text


def intents_on(org, resource: str) -> list[dict]:
    return [item for item in org.admin.call("GET", "/v1/intents?limit=100").json()["items"] if item["resource"] == resource]


def status_of(org, intent_id: str) -> str:
    return org.admin.call("GET", f"/v1/intents/{intent_id}").json()["status"]


def approval_mails(org) -> int:
    mails = [open(path, encoding="utf-8", newline="").read() for path in glob.glob(os.path.join(os.environ["WRIT_TEST_MAIL"], "*.eml"))]
    return sum(1 for text in mails if f"\r\nTo: {org.operator_email}\r\n" in text and "X-Writ-Kind: approval.requested" in text)


def test_governed_returns_its_result_when_writ_goes_away_before_the_report_and_reports_it_later(org):
    relay = Relay(org.node)
    ran: list[int] = []
    try:
        with Writ(relay.url, org.agent_key, retries=0) as client:
            @governed(client=client, action="k8s.deployment.scale", resource=lambda deployment, replicas: f"staging/{deployment}")
            def scale(deployment: str, replicas: int) -> str:
                ran.append(replicas)
                if replicas == 3:
                    relay.cut()  # Writ restarts (or the network drops) while the action runs
                return f"{deployment} scaled to {replicas}"

            assert scale("web", 3) == "web scaled to 3" and ran == [3]
            [kept] = client.unreported
            assert kept.outcome == "executed" and status_of(org, kept.intent_id) == "approved"
            relay.restore()
            assert scale("web", 4) == "web scaled to 4" and ran == [3, 4]  # the kept report goes first
            assert client.unreported == [] and status_of(org, kept.intent_id) == "executed"
    finally:
        relay.close()


def test_the_async_client_keeps_the_result_and_the_report_too(org):
    relay = Relay(org.node)

    async def main() -> None:
        async with AsyncWrit(relay.url, org.agent_key, retries=0) as client:
            @governed(client=client, action="s3.objects.read", resource=lambda key: f"bucket/{key}")
            async def read(key: str) -> str:
                relay.cut()
                return f"contents of {key}"
            assert await read("a") == "contents of a"
            [kept] = client.unreported
            relay.restore()
            assert await client.flush_reports() == 0 and status_of(org, kept.intent_id) == "executed"
    try:
        asyncio.run(main())
    finally:
        relay.close()


def test_any_result_is_reported_whatever_its_text(org):
    with Writ(org.node, org.agent_key) as client:
        @governed(client=client, action="s3.objects.read", resource=lambda key, text: f"bucket/{key}")
        def read(key: str, text: str) -> str:
            return text

        for key, text in [("multi", '{\n  "timezone": "UTC",\n\t"ok": true\n}'), ("empty", ""), ("long", "x" * 5000)]:
            assert read(key, text) == text
            [intent] = intents_on(org, f"bucket/{key}")
            assert intent["status"] == "executed", (key, client.unreported)


def test_a_retried_call_waits_for_the_same_intent_and_asks_for_approval_once(org):
    ran: list[str] = []
    with Writ(org.node, org.agent_key) as client:
        def tool(scope: str | None = None):
            @governed(client=client, action="crm.update", resource=lambda customer, plan: f"customer/{customer}", timeout=1, scope=scope)
            def update(customer: str, plan: str) -> str:
                ran.append(plan)
                return f"{customer} is on {plan}"
            return update

        update = tool()
        with pytest.raises(writ.StillPending) as first:
            update("7", "gold")
        with pytest.raises(writ.StillPending) as second:  # the agent retries: same intent, no second request
            update("7", "gold")
        assert second.value.intent.id == first.value.intent.id
        assert [item["id"] for item in intents_on(org, "customer/7")] == [first.value.intent.id]
        for _ in range(100):
            if approval_mails(org):
                break
            time.sleep(0.05)
        time.sleep(0.5)
        assert approval_mails(org) == 1

        # Another process (a restarted agent) finds it too, and once approved the call runs once.
        with Writ(org.node, org.agent_key) as restarted:
            decide(org, first.value.intent.id)

            @governed(client=restarted, action="crm.update", resource=lambda customer, plan: f"customer/{customer}")
            def update_after_restart(customer: str, plan: str) -> str:
                ran.append(plan)
                return f"{customer} is on {plan}"
            assert update_after_restart("7", "gold") == "7 is on gold" and ran == ["gold"]
        assert status_of(org, first.value.intent.id) == "executed"

        # Once it ran, the same call is a new action; another scope is another action too.
        with pytest.raises(writ.StillPending) as third:
            update("7", "gold")
        with pytest.raises(writ.StillPending) as other_thread:
            tool(scope="thread-2")("7", "gold")
        assert len({first.value.intent.id, third.value.intent.id, other_thread.value.intent.id}) == 3
        for pending in (third, other_thread):
            client.cancel(pending.value.intent.id)
    assert ran == ["gold"]


def test_framework_context_and_chosen_secrets_never_reach_the_audit_log(org):
    from agents import RunContextWrapper
    from langchain_core.runnables import RunnableConfig

    with Writ(org.node, org.agent_key) as client:
        @governed(client=client, action="s3.objects.read", resource=lambda key, config: f"bucket/{key}")
        def read(key: str, config: RunnableConfig) -> str:
            return f"read {key} as {config['configurable']['user']}"

        @governed(client=client, action="s3.objects.read", resource=lambda ctx, key, password, verbose=False: f"bucket/{key}",
                  redact=("password",), exclude=("verbose",))
        def fetch(ctx: RunContextWrapper[dict], key: str, password: str, verbose: bool = False) -> str:
            return f"fetched {key}"

        assert read("k1", {"configurable": {"thread_id": "t-1", "user": "ada", "api_token": "sk-lc-SECRET"}}) == "read k1 as ada"
        assert fetch(RunContextWrapper(context={"user_token": "sk-oa-SECRET"}), "k2", "hunter2-SECRET", verbose=True) == "fetched k2"
    assert [item["params"] for item in intents_on(org, "bucket/k1")] == [{"key": "k1"}]
    assert [item["params"] for item in intents_on(org, "bucket/k2")] == [{"key": "k2", "password": "[redacted]"}]
    export = org.admin.http.get("/v1/audit/export").text
    assert '"bucket/k2"' in export and "SECRET" not in export


def test_a_rejection_says_who_rejected_and_why_and_intents_carry_decisions_and_warrant_claims(org):
    with Writ(org.node, org.agent_key, issuer=org.issuer) as client, Writ(org.node, org.executor_key, issuer=org.issuer) as executor:
        rejected = client.submit("crm.update", "customer/9")
        decide(org, rejected.id, "reject", comment="not before the audit")
        with pytest.raises(writ.Rejected) as raised:
            client.wait_for_warrant(rejected.id, timeout=10)
        assert raised.value.comment == "not before the audit"
        assert org.operator_email in str(raised.value) and "not before the audit" in str(raised.value)

        @governed(client=client, action="crm.update", resource="customer/9", timeout=5)
        def update() -> None:
            raise AssertionError("must not run")
        pending = client.submit("k8s.deployment.scale", "staging/web", {"replicas": 30})
        decide(org, pending.id, comment="go ahead")
        approved = client.wait_for_warrant(pending.id, timeout=10)
        assert [(d.decision, d.email, d.comment) for d in approved.decisions] == [("approve", org.operator_email, "go ahead")]
        claims = executor.verify_warrant(approved.warrant, action="k8s.deployment.scale", resource="staging/web",
                                         params={"replicas": 30}, audience="k8s")
        assert approved.jti == claims["jti"] == approved.warrant_claims["jti"] and approved.warrant_claims["aud"] == "k8s"
        assert client.submit("s3.objects.read", "bucket/r", idempotency_key="replay-1").replayed is False
        assert client.submit("s3.objects.read", "bucket/r", idempotency_key="replay-1").replayed is True

    # The same through @governed: the rejection names the approver's comment.
    with Writ(org.node, org.agent_key) as client:
        @governed(client=client, action="crm.update", resource="customer/11", timeout=0)
        def change() -> None:
            raise AssertionError("must not run")
        with pytest.raises(writ.StillPending) as waiting:
            change()
        decide(org, waiting.value.intent.id, "reject", comment="wrong customer")
        with pytest.raises(writ.Rejected, match="wrong customer") as raised:
            change()
        assert raised.value.comment == "wrong customer"
