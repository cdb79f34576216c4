"""`writ-mcp-gateway`: an MCP server in front of upstream MCP servers in which every `tools/call`
is a Writ intent, forwarded upstream only once Writ issued its warrant.

    writ-mcp-gateway --writ-url https://writ.example.com \\
        --upstream db="python db_server.py" --upstream tickets=https://tickets.example.com/mcp \\
        --action db.drop_table=db.drop --resource db.drop_table="prod/{table}" --wait 30

The agent's key comes from `WRIT_API_KEY`. Upstream tools are listed unchanged. A call's action is
the `--action` mapping of `server.tool` (or `tool`), else `mcp.<server>.<tool>`; its resource the
`--resource` template filled from the arguments, else `<server>/<tool>`; its params the
arguments. An approved call goes upstream with the warrant in `_meta` (`io.writ/warrant`) and its
outcome is reported to Writ; a denied, rejected or expired one never reaches the upstream server.
(The gateway verifies nothing offline: each warrant is the answer to its own submission. An
upstream that verifies one pins the gateway's issuer and tenant, as every executor does.)
A call still pending after `--wait` seconds answers with a tool error naming the intent and where
it waits; the same call made again (same tool, same arguments) waits for that intent instead of
asking anew.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shlex
import sys
from dataclasses import dataclass, field
from typing import Any, Optional

try:
    import mcp_types as types
    from mcp import Client, StdioServerParameters
    from mcp.server.lowlevel import Server
    from mcp.server.stdio import stdio_server
except ImportError as error:  # pragma: no cover - the extra is missing
    raise SystemExit("writ-mcp-gateway needs the MCP SDK: pip install './clients/python[mcp]'") from error

from .aio import AsyncWrit
from .errors import WritError
from .models import Intent

WARRANT_META = "io.writ/warrant"


@dataclass
class Settings:
    writ_url: str
    api_key: str
    upstreams: dict[str, str]
    actions: dict[str, str] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)
    wait: float = 30.0
    console_url: Optional[str] = None


def _error(text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=True)


def _summary(result: types.CallToolResult) -> str:
    texts = [block.text for block in result.content if getattr(block, "type", None) == "text"]
    return (" ".join(texts) or ("error" if result.is_error else "ok"))[:2000]


class Gateway:
    """The tools of every upstream server, each call governed by Writ."""

    def __init__(self, settings: Settings, writ: AsyncWrit, upstreams: dict[str, Client]):
        self.settings = settings
        self.writ = writ
        self.upstreams = upstreams
        self.owner: dict[str, str] = {}
        self.tools: list[types.Tool] = []
        # Calls whose intent was still pending when they answered, by (tool, canonical arguments).
        self.pending: dict[tuple[str, str], str] = {}

    async def load_tools(self) -> None:
        for server, client in self.upstreams.items():
            cursor = None
            while True:
                page = await client.list_tools(cursor=cursor)
                for tool in page.tools:
                    if tool.name in self.owner:
                        raise SystemExit(f"writ-mcp-gateway: the tool {tool.name} is offered by {self.owner[tool.name]} and {server}")
                    self.owner[tool.name] = server
                    self.tools.append(tool)
                cursor = page.next_cursor
                if not cursor:
                    break

    def describe(self, server: str, tool: str, arguments: dict[str, Any]) -> tuple[str, str]:
        """The action and resource a call is submitted as."""
        qualified = f"{server}.{tool}"
        action = self.settings.actions.get(qualified) or self.settings.actions.get(tool) or f"mcp.{server}.{tool}"
        template = self.settings.resources.get(qualified) or self.settings.resources.get(tool)
        try:
            resource = template.format(**arguments) if template else f"{server}/{tool}"
        except (KeyError, IndexError, ValueError):
            resource = f"{server}/{tool}"
        return action, resource

    async def list_tools(self, ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=self.tools)

    async def call_tool(self, ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        server = self.owner.get(params.name)
        if server is None:
            return _error(f"Unknown tool {params.name}.")
        arguments = dict(params.arguments or {})
        action, resource = self.describe(server, params.name, arguments)
        key = (params.name, json.dumps(arguments, sort_keys=True, default=str))
        try:
            if key in self.pending:
                intent = await self.writ.get(self.pending[key])
            else:
                intent = await self.writ.submit(action, resource, arguments, justification=f"MCP tool call {server}.{params.name}")
            if intent.pending:
                intent = await self.writ.wait(intent.id, self.settings.wait)
        except WritError as error:
            return _error(f"Writ refused the call: {error}")
        if intent.pending:
            self.pending[key] = intent.id
            return _error(self.waiting(intent))
        self.pending.pop(key, None)
        if not intent.approved:
            rules = "; ".join(f"{rule.id}: {rule.reason}" for rule in intent.decision.rules) or "no rule matched"
            return _error(f"Not run: Writ {intent.status} this call ({action} on {resource}, intent {intent.id}): {rules}")
        result = await self.upstreams[server].call_tool(params.name, arguments, meta={WARRANT_META: intent.warrant})
        with contextlib.suppress(WritError):
            await self.writ.report(intent.id, "failed" if result.is_error else "executed", _summary(result))
        return result

    def waiting(self, intent: Intent) -> str:
        where = f" — {self.settings.console_url.rstrip('/')}/#/intents/{intent.id}" if self.settings.console_url else ""
        return (f"Approval pending: Writ intent {intent.id} ({intent.tier}, {intent.action} on {intent.resource}) waits for "
                f"approval{where}. Nothing was run. Call the tool again with the same arguments once it is approved.")


def parse(argv: Optional[list[str]] = None) -> Settings:
    parser = argparse.ArgumentParser(prog="writ-mcp-gateway", description=__doc__.split("\n\n")[0])
    parser.add_argument("--writ-url", default=os.environ.get("WRIT_URL"), help="the Writ server (or WRIT_URL)")
    parser.add_argument("--upstream", action="append", default=[], metavar="NAME=COMMAND|URL", help="an upstream MCP server (repeatable)")
    parser.add_argument("--action", action="append", default=[], metavar="[SERVER.]TOOL=ACTION", help="the action a tool's calls are")
    parser.add_argument("--resource", action="append", default=[], metavar="[SERVER.]TOOL=TEMPLATE", help="e.g. db.drop_table=prod/{table}")
    parser.add_argument("--wait", type=float, default=30.0, help="seconds a call waits for approval (default 30)")
    parser.add_argument("--console-url", default=None, help="where people approve (named in pending answers)")
    arguments = parser.parse_args(argv)

    def pairs(values: list[str], what: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for value in values:
            name, sep, rest = value.partition("=")
            if not sep or not name or not rest:
                parser.error(f"{what} must be NAME=VALUE, not {value!r}")
            found[name] = rest
        return found

    api_key = os.environ.get("WRIT_API_KEY")
    if not arguments.writ_url or not api_key:
        parser.error("give --writ-url (or WRIT_URL) and WRIT_API_KEY")
    upstreams = pairs(arguments.upstream, "--upstream")
    if not upstreams:
        parser.error("give at least one --upstream NAME=COMMAND or NAME=URL")
    return Settings(writ_url=arguments.writ_url, api_key=api_key, upstreams=upstreams, actions=pairs(arguments.action, "--action"),
                    resources=pairs(arguments.resource, "--resource"), wait=arguments.wait,
                    console_url=arguments.console_url or arguments.writ_url)


def upstream_target(spec: str) -> Any:
    if spec.startswith(("http://", "https://")):
        return spec
    command = shlex.split(spec)
    return StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))


async def serve(settings: Settings) -> None:
    async with contextlib.AsyncExitStack() as stack:
        writ = await stack.enter_async_context(AsyncWrit(settings.writ_url, settings.api_key))
        upstreams = {name: await stack.enter_async_context(Client(upstream_target(spec))) for name, spec in settings.upstreams.items()}
        gateway = Gateway(settings, writ, upstreams)
        await gateway.load_tools()
        server = Server("writ-mcp-gateway", instructions="Every tool call is governed by Writ: it runs once approved.",
                        on_list_tools=gateway.list_tools, on_call_tool=gateway.call_tool)
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())


def main(argv: Optional[list[str]] = None) -> None:
    settings = parse(argv)
    try:
        asyncio.run(serve(settings))
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
