"""The client's own logic, without a server: the error hierarchy, what @governed records, its
idempotency keys and lineage, results kept when reporting fails, the gateway's resource templates
and environment, and what the framework integrations tell a model."""
from __future__ import annotations

import asyncio
import importlib
import inspect
import os
from typing import Any

import httpx
import pytest

import writ
from writ import AsyncWrit, Writ, governed
from writ.governed import Governance, is_framework_context

from .fake_writ import FakeWrit

CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens


# Transport failures are WritErrors.

def test_a_request_without_an_answer_is_a_transport_error_not_an_httpx_error():
    with Writ(CLOSED, "writ_x", retries=0) as client:
        with pytest.raises(writ.TransportError) as raised:
            client.get("00000000-0000-7000-8000-000000000000")
    assert isinstance(raised.value, writ.WritError) and isinstance(raised.value.__cause__, httpx.ConnectError)

    async def main() -> None:
        async with AsyncWrit(CLOSED, "writ_x", retries=0) as client:
            with pytest.raises(writ.TransportError):
                await client.submit("s3.objects.read", "b/1")
    asyncio.run(main())


def test_an_invalid_request_names_each_field_in_its_message():
    error = writ.errors.problem_error(422, {"title": "Invalid request", "detail": "The body is invalid.",
                                            "errors": [{"path": "/action", "message": "must not be empty"}]}, None)
    assert isinstance(error, writ.InvalidRequest) and "/action: must not be empty" in str(error)


def test_a_client_that_does_not_fit_the_function_is_refused_at_decoration():
    with pytest.raises(TypeError, match="AsyncWrit"):
        @governed(client=Writ(CLOSED, "writ_x"), action="a.b", resource="r")
        async def coroutine() -> None: ...
    with pytest.raises(TypeError, match="plain function"):
        @governed(client=AsyncWrit(CLOSED, "writ_x"), action="a.b", resource="r")
        def plain() -> None: ...


def test_an_intent_carries_its_decisions_warrant_claims_and_jti():
    intent = writ.Intent.from_json({"id": "i", "status": "approved", "warrant_claims": {"jti": "j1", "aud": "k8s"},
                                    "decisions": [{"user_id": "u", "email": "ops@example.com", "decision": "reject",
                                                   "comment": "not today", "mfa": False, "at": "2026-12-01T00:00:00Z"}]})
    assert intent.jti == "j1" and intent.warrant_claims["aud"] == "k8s" and intent.decisions[0].comment == "not today"
    rejected = writ.Rejected(intent, "rejected")
    assert rejected.comment == "not today"


# What @governed records.

class RunContextWrapper:
    """Stands in for the OpenAI Agents SDK's class where the SDK is not installed: matched by name and module."""

    def __init__(self, context: Any) -> None:
        self.context = context


RunContextWrapper.__module__ = "agents.run_context"


def test_framework_context_is_never_recorded_even_when_the_framework_is_not_installed():
    def tool(ctx: "RunContextWrapper", city: str, config: "RunnableConfig" = None) -> None: ...  # noqa: F821
    governance = Governance(client=None, function=tool, action="weather.read", resource="r")
    config = {"configurable": {"thread_id": "t1", "api_token": "sk-secret"}}
    recorded = governance.recorded((RunContextWrapper({"user_token": "u-secret"}), "Vienna"), {"config": config})
    assert recorded == {"city": "Vienna"}
    assert is_framework_context(RunContextWrapper(None)) and not is_framework_context({"configurable": {}})


def test_real_framework_types_are_never_recorded():
    pytest.importorskip("langchain_core")
    pytest.importorskip("agents")
    from agents import RunContextWrapper as SDKWrapper
    from agents.tool_context import ToolContext
    from langchain_core.runnables import RunnableConfig

    def chain_tool(query: str, config: RunnableConfig) -> None: ...

    def agent_tool(ctx: SDKWrapper[dict], query: str) -> None: ...

    def untyped(query, ctx) -> None: ...

    secret = {"configurable": {"api_token": "sk-secret"}}
    assert Governance(client=None, function=chain_tool, action="a.b", resource="r").recorded(("q",), {"config": secret}) == {"query": "q"}
    wrapper = SDKWrapper(context={"user_token": "u-secret"})
    assert Governance(client=None, function=agent_tool, action="a.b", resource="r").recorded((wrapper, "q"), {}) == {"query": "q"}
    tool_context = ToolContext(context={"user_token": "u-secret"}, tool_name="t", tool_call_id="c", tool_arguments="{}")
    assert Governance(client=None, function=untyped, action="a.b", resource="r").recorded(("q", tool_context), {}) == {"query": "q"}


def test_params_exclude_and_redact_choose_what_is_recorded():
    def transfer(to: str, amount: int, password: str, debug: bool = False) -> None: ...
    arguments = ("acct-1", 50, "hunter2")
    base = dict(client=None, function=transfer, action="payments.transfer", resource="r")
    assert Governance(**base, exclude=("debug",), redact=("password",)).recorded(arguments, {}) == \
        {"to": "acct-1", "amount": 50, "password": "[redacted]"}
    assert Governance(**base, params={"account": "to", "cents": lambda to, amount, *_: amount * 100}).recorded(arguments, {}) == \
        {"account": "acct-1", "cents": 5000}
    assert Governance(**base, params=lambda to, *_: {"to": to}).recorded(arguments, {}) == {"to": "acct-1"}
    with pytest.raises(TypeError, match="passwrd"):
        Governance(**base, redact=("passwrd",))  # a typo must not record the secret silently


# Idempotency keys and their lineage.

def test_the_idempotency_key_is_stable_and_depends_on_every_part_of_the_call():
    key = writ.intent_key("db.read", "db/users", {"a": 1, "b": [1, 2]}, scope="thread-1")
    assert key == writ.intent_key("db.read", "db/users", {"b": [1, 2], "a": 1}, scope="thread-1") and len(key) <= 255
    others = [writ.intent_key("db.read", "db/users", {"a": 1, "b": [1, 2]}, scope="thread-2"),
              writ.intent_key("db.read", "db/users", {"a": 2, "b": [1, 2]}, scope="thread-1"),
              writ.intent_key("db.read", "db/orders", {"a": 1, "b": [1, 2]}, scope="thread-1"),
              writ.intent_key("db.read", "db/users", {"a": 1, "b": [1, 2]}, scope="thread-1", target="pg")]
    assert len({key, *others}) == 5


def test_a_repeated_call_finds_its_open_intent_and_a_call_after_it_ran_files_a_new_one():
    fake = FakeWrit(status="pending_approval")
    ran: list[int] = []
    with Writ("http://writ.test", "writ_x", transport=fake.transport) as client:
        @governed(client=client, action="crm.update", resource="customer/1", timeout=0)
        def update(value: int) -> int:
            ran.append(value)
            return value

        with pytest.raises(writ.StillPending) as first:
            update(1)
        with pytest.raises(writ.StillPending) as second:
            update(1)
        assert first.value.intent.id == second.value.intent.id and len(fake.intents) == 1
        fake.approve(first.value.intent.id)
        assert update(1) == 1 and ran == [1]
        with pytest.raises(writ.StillPending) as third:  # the first ran: this is a new action
            update(1)
        assert third.value.intent.id != first.value.intent.id and len(fake.intents) == 2
    # A new client (a restarted process) walks the lineage to the open intent.
    with Writ("http://writ.test", "writ_x", transport=fake.transport) as restarted:
        again = governed(client=restarted, action="crm.update", resource="customer/1", timeout=0)(lambda value: value)
        with pytest.raises(writ.StillPending) as fourth:
            again(1)
        assert fourth.value.intent.id == third.value.intent.id and len(fake.intents) == 2


def test_a_long_lineage_ends_in_a_one_off_intent(monkeypatch):
    monkeypatch.setattr(importlib.import_module("writ.governed"), "MAX_LINEAGE", 3)
    fake = FakeWrit(status="denied")
    with Writ("http://writ.test", "writ_x", transport=fake.transport) as client:
        read = governed(client=client, action="db.drop", resource="db/x")(lambda: None)
        for _ in range(5):
            with pytest.raises(writ.Denied):
                read()
    with Writ("http://writ.test", "writ_x", transport=fake.transport) as restarted:
        with pytest.raises(writ.Denied):
            governed(client=restarted, action="db.drop", resource="db/x")(lambda: None)()
    # One submission a call while the process remembers; after a restart, the walk stops after 3 and files a one-off.
    assert len(fake.submissions) == 5 + 4 and "#" not in fake.submissions[-1] and fake.submissions[-2].endswith("#2")


# Results are never lost to a failed report.

def test_a_failed_report_keeps_the_result_and_is_sent_on_the_next_call():
    fake = FakeWrit()
    ran: list[str] = []
    with Writ("http://writ.test", "writ_x", transport=fake.transport) as client:
        @governed(client=client, action="notes.write", resource="notes/1")
        def write(text: str) -> str:
            ran.append(text)
            return f"wrote {text}"

        fake.failing_results = 1
        assert write("a") == "wrote a" and ran == ["a"]
        [kept] = client.unreported
        assert fake.intents[kept.intent_id]["status"] == "approved" and kept.outcome == "executed"
        assert write("b") == "wrote b"  # sends the kept report first
        assert client.unreported == [] and sorted(i["status"] for i in fake.intents.values()) == ["executed", "executed"]
        # A failed report of a failed action does not hide the action's own error.
        fake.failing_results = 1

        @governed(client=client, action="notes.write", resource="notes/2")
        def broken() -> None:
            raise ValueError("disk full")
        with pytest.raises(ValueError, match="disk full"):
            broken()
        assert [report.outcome for report in client.unreported] == ["failed"]
    assert client.unreported == []  # close() delivered it
    assert sorted(i["status"] for i in fake.intents.values()) == ["executed", "executed", "failed"]


def test_the_async_client_keeps_a_failed_report_too():
    fake = FakeWrit()

    async def main() -> None:
        async with AsyncWrit("http://writ.test", "writ_x", transport=fake.transport) as client:
            @governed(client=client, action="notes.write", resource="notes/1")
            async def write(text: str) -> str:
                return text
            fake.failing_results = 1
            assert await write("a") == "a" and len(client.unreported) == 1
            assert await client.flush_reports() == 0
    asyncio.run(main())
    assert [i["status"] for i in fake.intents.values()] == ["executed"]


# The gateway's resource templates and upstream environment.

def test_resource_templates_refuse_missing_arguments_separators_and_dot_segments():
    gateway = pytest.importorskip("writ.mcp_gateway")
    assert gateway.fill("prod/{table}", {"table": "users"}) == "prod/users"
    for arguments, named in [({}, "missing"), ({"table": None}, "missing"), ({"table": "a/b"}, "one plain name"),
                             ({"table": ".."}, "one plain name"), ({"table": "*"}, "one plain name"), ({"table": ["x"]}, "one plain name")]:
        with pytest.raises(gateway.Refused, match=named) as refused:
            gateway.fill("prod/{table}", arguments)
        assert "'table'" in str(refused.value)
    assert gateway.check_template("prod/{table.__class__}") and gateway.check_template("prod/{0}") and not gateway.check_template("a/{b}")


def test_the_gateway_gives_upstreams_a_minimal_environment_and_never_writs_variables(monkeypatch):
    gateway = pytest.importorskip("writ.mcp_gateway")
    monkeypatch.setenv("WRIT_API_KEY", "writ_secret")
    monkeypatch.setenv("UPSTREAM_TOKEN", "t-1")
    monkeypatch.setenv("UNRELATED", "x")
    settings = gateway.parse(["--writ-url", "http://writ.test", "--upstream", "a=cmd", "--upstream", "b=cmd2",
                              "--env", "UPSTREAM_TOKEN", "--env", "b:MODE=fast"])
    assert gateway.upstream_env(settings, "a") == {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ} | {"UPSTREAM_TOKEN": "t-1"}
    assert gateway.upstream_env(settings, "b")["MODE"] == "fast" and "MODE" not in gateway.upstream_env(settings, "a")
    assert gateway.upstream_target("cmd --flag", gateway.upstream_env(settings, "a")).env == gateway.upstream_env(settings, "a")
    for refused in (["--env", "WRIT_API_KEY"], ["--env", "writ_url=x"], ["--resource", "t=prod/{a.b}"]):
        with pytest.raises(SystemExit):
            gateway.parse(["--writ-url", "http://writ.test", "--upstream", "a=cmd", *refused])


# What a model is told.

def test_models_are_told_what_happened_not_to_try_again():
    from writ.integrations import explain
    intent = writ.Intent.from_json({"id": "i-1", "status": "denied", "action": "db.drop", "resource": "prod/users", "tier": None,
                                    "decision": {"rules": [{"id": "no-drops", "reason": "never"}]}})
    assert explain(writ.Denied(intent, "denied")).startswith("Denied by policy") and "no-drops" in explain(writ.Denied(intent, ""))
    pending = writ.Intent.from_json({"id": "i-2", "status": "pending_approval", "tier": "T1", "action": "a", "resource": "r"})
    assert explain(writ.StillPending(pending)).startswith("Waiting for approval") and "i-2" in explain(writ.StillPending(pending))
    for error in (writ.Denied(intent, ""), writ.StillPending(pending), writ.TransportError("down")):
        assert "try again" not in explain(error).lower()


def test_every_public_name_has_a_docstring():
    for name in writ.__all__:
        value = getattr(writ, name)
        assert inspect.getdoc(value), name
        for member_name, member in vars(value).items() if isinstance(value, type) else []:
            if not member_name.startswith("_") and (inspect.isfunction(member) or isinstance(member, (property, staticmethod))):
                assert inspect.getdoc(member), f"{name}.{member_name}"
    modules = [importlib.import_module("writ.integrations")]
    for module in ("langchain", "langgraph", "openai_agents"):
        try:
            modules.append(importlib.import_module(f"writ.integrations.{module}"))
        except ImportError:
            pass
    for module in modules:
        assert module.__doc__
        for name, value in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(value) and value.__module__ == module.__name__:
                assert inspect.getdoc(value), f"{module.__name__}.{name}"

