"""writ-mcp-gateway between an MCP client and a small upstream server, against a live Writ."""
from __future__ import annotations

import asyncio
import glob
import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from mcp import Client, StdioServerParameters

from writ import Writ

from .relay import Relay

UPSTREAM = pathlib.Path(__file__).resolve().parent / "upstream_server.py"


def gateway(org, log: str, wait: float, upstream: str = f"{sys.executable} {UPSTREAM}") -> StdioServerParameters:
    command = os.path.join(os.path.dirname(sys.executable), "writ-mcp-gateway")
    return StdioServerParameters(
        command=command,
        args=["--writ-url", org.node, "--upstream", f"demo={upstream}", "--action", "echo=notes.read",
              "--action", "demo.drop_table=db.drop", "--resource", "drop_table=prod/{table}", "--resource", "restart=services/{service}",
              "--wait", str(wait), "--env", "UPSTREAM_LOG"],
        env=dict(os.environ, WRIT_API_KEY=org.agent_key, UPSTREAM_LOG=log))


def upstream_calls(log: str) -> list[dict]:
    return [json.loads(line) for line in open(log)] if os.path.exists(log) else []


def approve_first_pending(org, resource: str, after: float) -> threading.Thread:
    def approve() -> None:
        time.sleep(after)
        for _ in range(100):
            for intent in org.admin.call("GET", "/v1/intents?status=pending_approval").json()["items"]:
                if intent["resource"] == resource:
                    response = org.operator.call("POST", f"/v1/intents/{intent['id']}/decisions", {"decision": "approve"})
                    assert response.status_code == 200, response.text
                    return
            time.sleep(0.1)
        raise AssertionError(f"no pending intent for {resource}")
    thread = threading.Thread(target=approve)
    thread.start()
    return thread


def text(result) -> str:
    return " ".join(block.text for block in result.content if getattr(block, "type", None) == "text")


def test_the_gateway_governs_every_tool_call(org):
    log = os.path.join(tempfile.mkdtemp(prefix="writ-mcp-"), "upstream.jsonl")

    async def session() -> None:
        async with Client(gateway(org, log, wait=4)) as client:
            tools = await client.list_tools()
            assert sorted(tool.name for tool in tools.tools) == ["drop_table", "echo", "restart"]
            assert next(tool for tool in tools.tools if tool.name == "drop_table").input_schema["required"] == ["table"]

            # T0 passes through at once, with its warrant.
            echoed = await client.call_tool("echo", {"text": "hello"})
            assert not echoed.is_error and "echo: hello" in text(echoed)

            # T1 waits within the call for the operator's approval.
            approver = approve_first_pending(org, "services/api", after=1.0)
            restarted = await client.call_tool("restart", {"service": "api"})
            approver.join()
            assert not restarted.is_error and "restarted api" in text(restarted)

            # A denied call never reaches the upstream server.
            dropped = await client.call_tool("drop_table", {"table": "users"})
            assert dropped.is_error and "denied" in text(dropped) and "no-drops" in text(dropped)

            # Still pending after the wait: a tool error naming where; the same call again, once approved, runs.
            pending = await client.call_tool("restart", {"service": "db"})
            assert pending.is_error and "Approval pending" in text(pending) and "/#/intents/" in text(pending)
            approve_first_pending(org, "services/db", after=0).join()
            again = await client.call_tool("restart", {"service": "db"})
            assert not again.is_error and "restarted db" in text(again)

    asyncio.run(session())
    calls = upstream_calls(log)
    assert [(call["tool"], call["arguments"]) for call in calls] == [
        ("echo", {"text": "hello"}), ("restart", {"service": "api"}), ("restart", {"service": "db"})]
    with Writ(org.node, org.agent_key, issuer=org.issuer) as writ:
        for call in calls:
            assert call["warrant"], call
            claims = writ.verify_warrant(call["warrant"], action="notes.read" if call["tool"] == "echo" else "mcp.demo.restart",
                                         resource="demo/echo" if call["tool"] == "echo" else f"services/{call['arguments']['service']}",
                                         params=call["arguments"], audience="notes" if call["tool"] == "echo" else "mcp")
            assert writ.get(claims["intent"]).status == "executed"
    intents = org.admin.call("GET", "/v1/intents?limit=50").json()["items"]
    assert sum(1 for intent in intents if intent["resource"] == "services/db") == 1
    assert [intent["status"] for intent in intents if intent["action"] == "db.drop"] == ["denied"]


def test_the_gateway_governs_a_streamable_http_upstream(org):
    log = os.path.join(tempfile.mkdtemp(prefix="writ-mcp-http-"), "upstream.jsonl")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    upstream = subprocess.Popen([sys.executable, str(UPSTREAM), "--http", str(port)], env=dict(os.environ, UPSTREAM_LOG=log),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)

        async def session() -> None:
            async with Client(gateway(org, log, wait=2, upstream=f"http://127.0.0.1:{port}/mcp")) as client:
                assert sorted(tool.name for tool in (await client.list_tools()).tools) == ["drop_table", "echo", "restart"]
                echoed = await client.call_tool("echo", {"text": "over http"})
                assert not echoed.is_error and "echo: over http" in text(echoed)
                dropped = await client.call_tool("drop_table", {"table": "orders"})
                assert dropped.is_error and "denied" in text(dropped)

        asyncio.run(session())
    finally:
        upstream.terminate()
        upstream.wait(timeout=10)
    assert [call["tool"] for call in upstream_calls(log)] == ["echo"]


def gateway_command() -> str:
    return os.path.join(os.path.dirname(sys.executable), "writ-mcp-gateway")


def environ_holding(marker: str) -> dict[str, str]:
    """The environment of the process whose environment holds `marker` (Linux /proc)."""
    for path in glob.glob("/proc/[0-9]*/environ"):
        try:
            raw = open(path, "rb").read()
        except OSError:
            continue
        if marker.encode() in raw:
            return dict(entry.split("=", 1) for entry in raw.decode(errors="replace").split("\0") if "=" in entry)
    raise AssertionError("no process holds the marker")


def test_the_gateway_governs_mcp_server_time_and_gives_it_none_of_writs_variables(org):
    marker = f"marker-{uuid.uuid4().hex}"
    time_server = os.path.join(os.path.dirname(sys.executable), "mcp-server-time")
    params = StdioServerParameters(
        command=gateway_command(),
        # The README's host configuration: read tools mapped onto `.read` actions, which the policy's `**.read` rule makes T0.
        args=["--writ-url", org.node, "--upstream", f"time={time_server} --local-timezone UTC",
              "--action", "time.get_current_time=mcp.time.get_current_time.read", "--env", f"TIME_MARKER={marker}", "--wait", "1"],
        env=dict(os.environ, WRIT_API_KEY=org.agent_key))

    async def session() -> None:
        async with Client(params) as client:
            assert sorted(tool.name for tool in (await client.list_tools()).tools) == ["convert_time", "get_current_time"]
            now = await client.call_tool("get_current_time", {"timezone": "Europe/Vienna"})
            assert not now.is_error and '"timezone": "Europe/Vienna"' in text(now)
            converted = await client.call_tool("convert_time", {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"})
            assert converted.is_error and "Approval pending" in text(converted)  # not mapped: mcp.time.convert_time, T1
            upstream = environ_holding(f"TIME_MARKER={marker}")
            assert not [name for name in upstream if name.upper().startswith("WRIT")], sorted(upstream)
            assert set(upstream) <= {"PATH", "HOME", "LOGNAME", "SHELL", "TERM", "USER", "TIME_MARKER"}, sorted(upstream)

    asyncio.run(session())
    intents = org.admin.call("GET", "/v1/intents?limit=10").json()["items"]
    assert sorted((i["action"], i["tier"], i["status"]) for i in intents) == [
        ("mcp.time.convert_time", "T1", "pending_approval"), ("mcp.time.get_current_time.read", "T0", "executed")]


def test_the_gateway_refuses_a_resource_template_it_cannot_fill(org):
    log = os.path.join(tempfile.mkdtemp(prefix="writ-mcp-"), "upstream.jsonl")

    async def session() -> None:
        async with Client(gateway(org, log, wait=1)) as client:
            for arguments, says in [({}, "'service' is missing"), ({"service": "api/../../prod/db"}, "'service' must be one plain name"),
                                    ({"service": ".."}, "'service' must be one plain name")]:
                refused = await client.call_tool("restart", arguments)
                assert refused.is_error and says in text(refused), text(refused)

    asyncio.run(session())
    assert upstream_calls(log) == [] and org.admin.call("GET", "/v1/intents?limit=10").json()["items"] == []


def test_the_gateway_answers_a_writ_outage_with_a_tool_error_and_recovers(org):
    log = os.path.join(tempfile.mkdtemp(prefix="writ-mcp-"), "upstream.jsonl")
    relay = Relay(org.node)
    params = gateway(org, log, wait=2)
    params.args[params.args.index("--writ-url") + 1] = relay.url

    async def session() -> None:
        async with Client(params) as client:
            assert not (await client.call_tool("echo", {"text": "before"})).is_error
            relay.cut()
            outage = await client.call_tool("echo", {"text": "during"})
            assert outage.is_error and "could not be reached" in text(outage) and "Nothing was run" in text(outage)
            relay.restore()
            after = await client.call_tool("echo", {"text": "during"})
            assert not after.is_error and "echo: during" in text(after)

    try:
        asyncio.run(session())
    finally:
        relay.close()
    assert [call["arguments"]["text"] for call in upstream_calls(log)] == ["before", "during"]


def test_the_gateway_checks_its_key_at_start_up(org):
    for key, says in [("writ_" + "x" * 30, "did not accept WRIT_API_KEY"), (org.executor_key, "must be an agent's API key")]:
        started = subprocess.run([gateway_command(), "--writ-url", org.node, "--upstream", f"demo={sys.executable} {UPSTREAM}"],
                                 env=dict(os.environ, WRIT_API_KEY=key), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                 timeout=60)
        assert started.returncode != 0 and says in started.stderr, started.stderr


def test_a_pending_call_survives_a_gateway_restart(org):
    log = os.path.join(tempfile.mkdtemp(prefix="writ-mcp-"), "upstream.jsonl")

    async def call() -> object:
        async with Client(gateway(org, log, wait=1)) as client:
            return await client.call_tool("restart", {"service": "db"})

    pending = asyncio.run(call())
    assert pending.is_error and "Approval pending" in text(pending)
    approve_first_pending(org, "services/db", after=0).join()
    ran = asyncio.run(call())  # a new gateway process: the idempotency key finds the approved intent
    assert not ran.is_error and "restarted db" in text(ran)
    intents = [i for i in org.admin.call("GET", "/v1/intents?limit=10").json()["items"] if i["resource"] == "services/db"]
    assert [i["status"] for i in intents] == ["executed"] and len(upstream_calls(log)) == 1
