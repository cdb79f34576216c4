"""The client against a live Writ: submissions, waits, typed errors, retries, warrants, @governed."""
from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

import writ
from writ import AsyncWrit, Writ, governed


def approve_when_pending(org, intent_id: str, decision: str = "approve") -> threading.Thread:
    """The operator decides `intent_id` from another thread once it waits (as a person would)."""
    def decide() -> None:
        time.sleep(1.0)
        response = org.operator.call("POST", f"/v1/intents/{intent_id}/decisions", {"decision": decision, "comment": "from the sdk tests"})
        assert response.status_code == 200, response.text
    thread = threading.Thread(target=decide)
    thread.start()
    return thread


def test_t0_submission_carries_a_warrant_that_verifies_offline_and_redeems_once(org):
    with Writ(org.node, org.agent_key, issuer=org.issuer) as client, Writ(org.node, org.executor_key, issuer=org.issuer) as executor:
        intent = client.submit("k8s.deployment.scale", "staging/web", {"replicas": 3}, justification="traffic")
        assert intent.status == "approved" and intent.tier == "T0" and intent.warrant
        assert [rule.id for rule in intent.decision.rules] == ["scale-small"]
        claims = executor.verify_warrant(intent.warrant, action="k8s.deployment.scale", resource="staging/web",
                                         params={"replicas": 3}, audience="k8s")
        assert claims["intent"] == intent.id and claims["tenant"] == org.tenant
        with pytest.raises(writ.WarrantInvalid, match="action_digest"):
            executor.verify_warrant(intent.warrant, action="k8s.deployment.scale", resource="staging/web", params={"replicas": 300}, audience="k8s")
        with pytest.raises(writ.WarrantInvalid):
            executor.verify_warrant(intent.warrant, action="k8s.deployment.scale", resource="staging/web", params={"replicas": 3}, audience="s3")
        with pytest.raises(writ.WarrantInvalid):
            executor.verify_warrant(intent.warrant[:-4] + "AAAA", action="k8s.deployment.scale", resource="staging/web",
                                    params={"replicas": 3}, audience="k8s")
        # The module-level check, pinned to the issuer and the tenant: keys from there only.
        assert writ.verify_warrant(intent.warrant, action="k8s.deployment.scale", resource="staging/web", params={"replicas": 3},
                                   audience="k8s", issuer=org.issuer, tenant=org.tenant,
                                   verifier=writ.WarrantVerifier(org.node, issuer=org.issuer, tenant=org.tenant))["jti"] == claims["jti"]
        assert executor.redeem(claims["jti"])
        with pytest.raises(writ.Conflict):
            executor.redeem(claims["jti"])


def test_wait_returns_when_an_operator_approves_and_report_records_the_result(org):
    with Writ(org.node, org.agent_key, issuer=org.issuer) as client:
        intent = client.submit("k8s.deployment.scale", "staging/web", {"replicas": 40})
        assert intent.pending and intent.tier == "T1" and intent.warrant is None
        decider = approve_when_pending(org, intent.id)
        started = time.monotonic()
        approved = client.wait_for_warrant(intent.id, timeout=30)
        decider.join()
        assert approved.approved and time.monotonic() - started < 20
        done = client.report(intent.id, "executed", "scaled to 40")
        assert done.status == "executed"


def test_wait_gives_up_at_its_timeout_and_cancel_withdraws(org):
    with Writ(org.node, org.agent_key) as client:
        intent = client.submit("crm.update", "customer/7")
        with pytest.raises(writ.StillPending):
            client.wait_for_warrant(intent.id, timeout=2)
        assert client.cancel(intent.id).status == "cancelled"
        with pytest.raises(writ.Cancelled):
            client.wait_for_warrant(intent.id, timeout=2)


def test_problems_become_typed_exceptions(org):
    with Writ(org.node, org.agent_key) as client:
        with pytest.raises(writ.InvalidRequest) as invalid:
            client.submit("", "staging/web")
        assert any(error["path"] == "/action" for error in invalid.value.errors)
        with pytest.raises(writ.NotFound):
            client.get("00000000-0000-7000-8000-000000000000")
        client.submit("s3.objects.read", "b/1", idempotency_key="same-key-1")
        with pytest.raises(writ.IdempotencyKeyReused):
            client.submit("s3.objects.read", "b/2", idempotency_key="same-key-1")
        with pytest.raises(writ.Forbidden):
            client.redeem("some-jti-that-an-agent-key-may-not-redeem")
    with Writ(org.node, "writ_" + "x" * 30, retries=0) as stranger:
        with pytest.raises(writ.Unauthorized):
            stranger.submit("s3.objects.read", "b/1")


def test_problem_mapping_covers_quota_rate_limit_and_unavailability():
    quota = writ.errors.problem_error(402, {"type": "urn:writ:problem:quota-exceeded:intents_per_month", "title": "Quota"}, None)
    assert isinstance(quota, writ.QuotaExceeded) and quota.quota == "intents_per_month"
    limited = writ.errors.problem_error(429, {"type": "urn:writ:problem:rate-limited"}, "3")
    assert isinstance(limited, writ.RateLimited) and limited.retry_after == 3
    assert isinstance(writ.errors.problem_error(503, {}, None), writ.Unavailable)


class LosesFirstAnswer(httpx.BaseTransport):
    """Sends every request, but loses the answer to the first submission (as a dropped connection would)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.submissions = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path == "/v1/intents":
            self.submissions += 1
            if self.submissions == 1:
                response.read()
                raise httpx.ReadError("connection reset after the server answered", request=request)
        return response


def test_a_retry_after_a_lost_answer_returns_the_same_intent(org):
    transport = LosesFirstAnswer()
    with Writ(org.node, org.agent_key, transport=transport) as client:
        intent = client.submit("s3.objects.read", "bucket/lost-answer")
    assert transport.submissions == 2
    listed = org.admin.call("GET", "/v1/intents?limit=100").json()["items"]
    assert [item["id"] for item in listed if item["resource"] == "bucket/lost-answer"] == [intent.id]


def test_governed_runs_the_tool_only_with_a_warrant(org):
    calls: list[int] = []
    with Writ(org.node, org.agent_key, issuer=org.issuer) as client:
        @governed(client=client, action="k8s.deployment.scale", resource=lambda deployment, replicas: f"staging/{deployment}", timeout=30)
        def scale(deployment: str, replicas: int) -> str:
            calls.append(replicas)
            return f"{deployment} scaled to {replicas}"

        @governed(client=client, action="db.drop", resource="prod/users")
        def drop() -> None:
            calls.append(-1)

        assert scale("web", 2) == "web scaled to 2"  # T0: at once
        pending = threading.Thread(target=lambda: calls.append(int(scale("api", 20).split()[-1])))
        pending.start()
        time.sleep(1.5)
        waiting = org.admin.call("GET", "/v1/intents?status=pending_approval").json()["items"]
        assert len(waiting) == 1 and waiting[0]["params"] == {"deployment": "api", "replicas": 20}
        approve_when_pending(org, waiting[0]["id"]).join()
        pending.join(timeout=30)
        assert calls == [2, 20, 20]
        assert client.get(waiting[0]["id"]).status == "executed"
        with pytest.raises(writ.Denied, match="no-drops|deny"):
            drop()
        assert -1 not in calls


def test_governed_raises_on_rejection_without_running(org):
    ran = []
    with Writ(org.node, org.agent_key) as client:
        @governed(client=client, action="crm.update", resource="customer/9", timeout=30)
        def update() -> None:
            ran.append(True)

        def reject_when_pending() -> None:
            for _ in range(100):
                waiting = org.admin.call("GET", "/v1/intents?status=pending_approval").json()["items"]
                if waiting:
                    approve_when_pending(org, waiting[0]["id"], decision="reject").join()
                    return
                time.sleep(0.1)
        rejecter = threading.Thread(target=reject_when_pending)
        rejecter.start()
        with pytest.raises(writ.Rejected):
            update()
        rejecter.join()
    assert not ran


def test_the_async_client_and_async_tools(org):
    async def main() -> None:
        async with AsyncWrit(org.node, org.agent_key, issuer=org.issuer) as client:
            intent = await client.submit("s3.objects.read", "bucket/async")
            assert intent.approved
            assert client.verify_warrant(intent.warrant, action="s3.objects.read", resource="bucket/async", params={}, audience="s3")

            @governed(client=client, action="s3.objects.read", resource="bucket/tool")
            async def read(key: str) -> str:
                return f"read {key}"
            assert await read("k1") == "read k1"
            with pytest.raises(writ.NotFound):
                await client.get("00000000-0000-7000-8000-000000000000")
    asyncio.run(main())
