"""writ.integrations.openai_agents in the OpenAI Agents SDK's own loop (`Runner.run`, function
tools, `needs_approval` interruptions and `RunState` approve/reject), driven by the SDK's
scripted model (`agents.testing.ScriptedModel`, no network), against a live Writ."""
from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("agents")

from agents import Agent, RunConfig, RunContextWrapper, Runner  # noqa: E402
from agents.testing import ScriptedModel, assistant_message, function_call  # noqa: E402

import writ  # noqa: E402
from writ import AsyncWrit  # noqa: E402
from writ.integrations.openai_agents import governed_function_tool, resolve_interruptions  # noqa: E402

from .test_governed import decide, intents_on  # noqa: E402

QUIET = RunConfig(tracing_disabled=True)


def tool_outputs(model: ScriptedModel, call: int) -> dict[str, str]:
    """The tool outputs the model was given in its `call`-th request, by call id."""
    items = model.calls[call].input
    return {item["call_id"]: item["output"] for item in items if isinstance(item, dict) and item.get("type") == "function_call_output"}


def test_the_model_is_told_denied_by_policy_or_waiting_for_approval_not_try_again(org):
    ran: list[str] = []

    async def main() -> None:
        async with AsyncWrit(org.node, org.agent_key) as client:
            @governed_function_tool(client, action="db.drop", resource=lambda ctx, table: f"prod/{table}")
            async def drop_table(ctx: RunContextWrapper[dict], table: str) -> str:
                """Drops a table."""
                ran.append(table)
                return "dropped"

            @governed_function_tool(client, action="crm.update", resource=lambda customer, plan: f"customer/{customer}", timeout=0)
            async def change_plan(customer: str, plan: str) -> str:
                """Changes a customer's plan."""
                ran.append(customer)
                return "changed"

            model = ScriptedModel([[function_call("drop_table", {"table": "users"}, call_id="call-drop"),
                                    function_call("change_plan", {"customer": "7", "plan": "gold"}, call_id="call-plan")],
                                   [assistant_message("Dropping is forbidden; the plan change awaits approval.")]])
            agent = Agent(name="dba", instructions="Help with the database.", model=model, tools=[drop_table, change_plan])
            result = await Runner.run(agent, "drop users, move 7 to gold", context={"user_token": "sk-oa-SECRET"}, run_config=QUIET)
            assert result.final_output == "Dropping is forbidden; the plan change awaits approval."
            outputs = tool_outputs(model, 1)
            assert outputs["call-drop"].startswith("Denied by policy") and "no-drops" in outputs["call-drop"]
            assert outputs["call-plan"].startswith("Waiting for approval")
            assert not any("try again" in output.lower() for output in outputs.values())
    asyncio.run(main())
    assert ran == []
    assert [i["params"] for i in intents_on(org, "prod/users")] == [{"table": "users"}]  # filed once, the context not recorded


def test_approval_goes_through_the_sdks_interruptions_under_one_intent(org):
    ran: list[tuple] = []

    async def main() -> None:
        async with AsyncWrit(org.node, org.agent_key) as client:
            @governed_function_tool(client, action="crm.update", resource=lambda ctx, customer, plan: f"customer/{customer}",
                                    approval=True, scope=lambda ctx: ctx.context["conversation"])
            async def change_plan(ctx: RunContextWrapper[dict], customer: str, plan: str) -> str:
                """Changes a customer's plan."""
                ran.append((customer, plan, ctx.context["user_token"]))
                return f"{customer} is on {plan}"

            @governed_function_tool(client, action="s3.objects.read", resource=lambda key: f"bucket/{key}", approval=True)
            async def read(key: str) -> str:
                """Reads an object."""
                return f"contents of {key}"

            model = ScriptedModel([
                [function_call("read", {"key": "a"}, call_id="call-read")],   # T0: no interruption
                [function_call("change_plan", {"customer": "7", "plan": "gold"}, call_id="call-1"),
                 function_call("change_plan", {"customer": "8", "plan": "gold"}, call_id="call-2")],
                [assistant_message("Customer 7 is on gold; 8 was refused.")]])
            agent = Agent(name="crm", instructions="Manage plans.", model=model, tools=[read, change_plan])
            context = {"conversation": "c-1", "user_token": "sk-oa-SECRET"}
            result = await Runner.run(agent, "move 7 and 8 to gold", context=context, run_config=QUIET)
            assert sorted(item.call_id for item in result.interruptions) == ["call-1", "call-2"] and ran == []
            assert tool_outputs(model, 1) == {"call-read": "contents of a"}
            with pytest.raises(writ.StillPending):
                await resolve_interruptions(result, timeout=0)

            [seven], [eight] = intents_on(org, "customer/7"), intents_on(org, "customer/8")
            decide(org, seven["id"])
            decide(org, eight["id"], "reject", comment="8 stays on silver")
            state = await resolve_interruptions(result, timeout=10)
            result = await Runner.run(agent, state, run_config=QUIET)
            assert result.final_output == "Customer 7 is on gold; 8 was refused."
            outputs = tool_outputs(model, 2)
            assert outputs["call-1"] == "7 is on gold" and "8 stays on silver" in outputs["call-2"]
    asyncio.run(main())
    assert ran == [("7", "gold", "sk-oa-SECRET")]
    assert [(i["status"], i["params"]) for i in intents_on(org, "customer/7")] == [("executed", {"customer": "7", "plan": "gold"})]
    assert [i["status"] for i in intents_on(org, "customer/8")] == ["rejected"]
    assert [i["status"] for i in intents_on(org, "bucket/a")] == ["executed"]
