"""writ.integrations.langchain and .langgraph in LangGraph's own agent loop (`create_react_agent`,
`ToolNode`, a checkpointer, `interrupt`/`Command(resume=…)`), driven by langchain-core's scripted
chat model, against a live Writ."""
from __future__ import annotations

import warnings
from typing import TypedDict

import pytest

pytest.importorskip("langgraph")

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel  # noqa: E402
from langchain_core.messages import AIMessage  # noqa: E402
from langchain_core.runnables import RunnableConfig  # noqa: E402
from langchain_core.utils.function_calling import convert_to_openai_tool  # noqa: E402
from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402
from langgraph.graph import START, StateGraph  # noqa: E402
from langgraph.types import Command  # noqa: E402

import writ  # noqa: E402
from writ import Writ  # noqa: E402
from writ.integrations.langchain import governed_tool  # noqa: E402
from writ.integrations.langgraph import require_approval  # noqa: E402

from .test_governed import decide, intents_on  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from langgraph.prebuilt import create_react_agent  # noqa: E402


def scripted_agent(tools, *steps, checkpointer=None):
    """The prebuilt ReAct agent with a chat model that answers `steps` in turn (tool calls, then text)."""
    model = GenericFakeChatModel(messages=iter(steps)).bind(tools=[convert_to_openai_tool(tool) for tool in tools])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_react_agent(model, tools, checkpointer=checkpointer)


def calls(*calls: tuple[str, dict]) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"call-{i}"} for i, (name, args) in enumerate(calls)])


def test_the_model_reads_a_denial_or_a_pending_approval_as_the_tools_answer(org):
    ran: list[str] = []
    with Writ(org.node, org.agent_key) as client:
        @governed_tool(client, action="db.drop", resource=lambda table: f"prod/{table}")
        def drop_table(table: str) -> str:
            """Drops a table."""
            ran.append(table)
            return "dropped"

        @governed_tool(client, action="crm.update", resource=lambda customer, plan: f"customer/{customer}", timeout=0)
        def change_plan(customer: str, plan: str) -> str:
            """Changes a customer's plan."""
            ran.append(customer)
            return "changed"

        agent = scripted_agent([drop_table, change_plan], calls(("drop_table", {"table": "users"}), ("change_plan", {"customer": "7", "plan": "gold"})),
                               AIMessage(content="Dropping is forbidden; the plan change awaits approval."))
        result = agent.invoke({"messages": [("user", "drop users and move customer 7 to gold")]},
                              {"configurable": {"thread_id": "chat-1"}})
    answers = {message.name: message for message in result["messages"] if message.type == "tool"}
    assert answers["drop_table"].status == "error" and answers["drop_table"].content.startswith("Denied by policy")
    assert "no-drops" in answers["drop_table"].content and "try again" not in answers["drop_table"].content.lower()
    assert answers["change_plan"].content.startswith("Waiting for approval") and "same arguments" in answers["change_plan"].content
    assert result["messages"][-1].content == "Dropping is forbidden; the plan change awaits approval." and ran == []


def test_a_pending_tool_call_pauses_the_graph_and_resumes_under_the_same_intent(org):
    ran: list[tuple] = []
    with Writ(org.node, org.agent_key) as client:
        @governed_tool(client, action="k8s.deployment.scale", resource=lambda deployment, replicas, config: f"staging/{deployment}",
                       interrupt=True)
        def scale(deployment: str, replicas: int, config: RunnableConfig) -> str:
            """Scales a deployment."""
            ran.append((deployment, replicas, config["configurable"]["api_token"]))
            return f"{deployment} scaled to {replicas}"

        agent = scripted_agent([scale], calls(("scale", {"deployment": "web", "replicas": 40})), AIMessage(content="Scaled web to 40."),
                               checkpointer=InMemorySaver())
        thread = {"configurable": {"thread_id": "ticket-42", "api_token": "sk-lc-SECRET"}}
        paused = agent.invoke({"messages": [("user", "scale web to 40")]}, thread)
        [interruption] = paused["__interrupt__"]
        intent_id = interruption.value["writ_intent"]
        assert interruption.value["tier"] == "T1" and interruption.value["status"] == "pending_approval" and ran == []

        still = agent.invoke(Command(resume=True), thread)  # resumed too early: pauses again, same intent
        assert still["__interrupt__"][0].value["writ_intent"] == intent_id and ran == []

        decide(org, intent_id)
        done = agent.invoke(Command(resume=True), thread)
    assert done["messages"][-1].content == "Scaled web to 40." and ran == [("web", 40, "sk-lc-SECRET")]
    [intent] = intents_on(org, "staging/web")
    assert intent["id"] == intent_id and intent["status"] == "executed" and intent["params"] == {"deployment": "web", "replicas": 40}


class Order(TypedDict, total=False):
    plan: str
    done: str


def test_require_approval_files_once_per_thread_and_interrupts_until_approved(org):
    ran: list[str] = []
    with Writ(org.node, org.agent_key) as client:
        def change(state: Order) -> Order:
            intent = require_approval(client, "crm.update", "customer/77", {"plan": state["plan"]}, justification="upgrade")
            ran.append(intent.id)
            client.report(intent.id, "executed", f"plan {state['plan']}", keep=True)
            return {"done": intent.id}

        graph = StateGraph(Order).add_node("change", change).add_edge(START, "change").compile(checkpointer=InMemorySaver())
        first, second = {"configurable": {"thread_id": "order-1"}}, {"configurable": {"thread_id": "order-2"}}
        paused = graph.invoke({"plan": "gold"}, first)
        intent_id = paused["__interrupt__"][0].value["writ_intent"]
        other = graph.invoke({"plan": "gold"}, second)["__interrupt__"][0].value["writ_intent"]
        assert other != intent_id  # another thread is another action
        assert graph.invoke(Command(resume="not yet"), first)["__interrupt__"][0].value["writ_intent"] == intent_id

        decide(org, intent_id)
        assert graph.invoke(Command(resume=True), first)["done"] == intent_id and ran == [intent_id]
        decide(org, other, "reject", comment="one upgrade is enough")
        with pytest.raises(writ.Rejected, match="one upgrade is enough"):
            graph.invoke(Command(resume=True), second)
    assert sorted(i["status"] for i in intents_on(org, "customer/77")) == ["executed", "rejected"]
