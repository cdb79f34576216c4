"""`writ-mcp-gateway`: an MCP server in front of upstream MCP servers in which every `tools/call`
is a Writ intent, forwarded upstream only once Writ issued its warrant.

    writ-mcp-gateway --writ-url https://writ.example.com \\
        --upstream time=mcp-server-time --upstream tickets=https://tickets.example.com/mcp \\
        --action time.get_current_time=mcp.time.get_current_time.read --resource tickets.close=tickets/{id} --wait 30

The agent's key comes from `WRIT_API_KEY`; it is checked with `GET /v1/me` at start-up. Upstream
tools are listed unchanged. A call's action is the `--action` mapping of `server.tool` (or
`tool`), else `mcp.<server>.<tool>`; its resource the `--resource` template filled from the
arguments (a missing argument, or a value that is not one plain path segment, refuses the call),
else `<server>/<tool>`; its params the arguments. An approved call goes upstream with the warrant
in `_meta` (`io.writ/warrant`) and its outcome is reported to Writ; a denied, rejected or
expired one never reaches the upstream server. (The gateway verifies nothing offline: each
warrant is the answer to its own submission. An upstream that verifies one pins the gateway's
issuer and tenant, as every executor does.)

A call still pending after `--wait` seconds answers with a tool error naming the intent and where
it waits; the same call made again (same tool, same arguments, same `--scope`), even after the
gateway restarted, finds that intent through its idempotency key instead of asking anew.
Upstream commands start with a minimal environment: PATH and HOME (plus what the MCP SDK always
passes: LOGNAME, SHELL, TERM, USER) and the variables named by `--env`, never `WRIT_*`.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shlex
import string
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

from ._ledger import log
from .aio import AsyncWrit
from .errors import WritError
from .governed import Call, afile_intent, intent_key, require_warrant
from .integrations import explain
from .models import Intent

WARRANT_META = "io.writ/warrant"
#: What every upstream command inherits from the gateway's environment (besides `--env`).
INHERITED = ("PATH", "HOME")
#: Characters a resource may hold (as the server checks them), less the separator `/`.
_SEGMENT = re.compile(r"[A-Za-z0-9._\-:@+=]+")


class Refused(Exception):
    """A call the gateway refuses before asking Writ (its message is the tool error)."""


@dataclass
class Settings:
    writ_url: str
    api_key: str
    upstreams: dict[str, str]
    actions: dict[str, str] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)
    wait: float = 30.0
    console_url: Optional[str] = None
    #: Per upstream ("" for all): variables its command gets, by name.
    env: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Separates this gateway's calls from another's with the same arguments (in the idempotency key).
    scope: Optional[str] = None


def _error(text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=True)


def _summary(result: types.CallToolResult) -> str:
    texts = [block.text for block in result.content if isinstance(block, types.TextContent)]
    return (" ".join(texts) or ("error" if result.is_error else "ok"))[:2000]


def fill(template: str, arguments: dict[str, Any]) -> str:
    """The resource `template` names for these arguments. Each `{name}` must be an argument whose
    value is one plain path segment (letters, digits and `._-:@+=`, not `.` or `..`): a missing
    argument or a value holding `/`, `*` or a dot segment would make another resource — and
    another policy rule match — than the template means, so it is `Refused`, naming the argument."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(literal)
        if name is None:
            continue
        if name not in arguments or arguments[name] is None:
            raise Refused(f"Not run: the argument {name!r} is missing (the resource template {template!r} needs it).")
        value = arguments[name]
        text = str(value).lower() if isinstance(value, bool) else str(value) if isinstance(value, (str, int, float)) else None
        if text is None or not _SEGMENT.fullmatch(text) or text in (".", ".."):
            raise Refused(f"Not run: the argument {name!r} must be one plain name (letters, digits and ._-:@+=, "
                          f"no '/', not '.' or '..') to fill the resource template {template!r}.")
        parts.append(text)
    resource = "".join(parts)
    if any(segment in (".", "..") for segment in resource.split("/")):
        raise Refused(f"Not run: the arguments make a dot segment in the resource template {template!r}.")
    return resource


def check_template(template: str) -> Optional[str]:
    """Why `template` is not a resource template (`{name}` fields only), or None."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(template) if name is not None]
    except ValueError as error:
        return str(error)
    for name, spec, conversion in fields:
        if not name.isidentifier() or spec or conversion:
            return f"{{{name}}} is not a plain argument name"
    return None


class Gateway:
    """The tools of every upstream server, each call governed by Writ."""

    def __init__(self, settings: Settings, writ: AsyncWrit, upstreams: dict[str, Client]):
        self.settings = settings
        self.writ = writ
        self.upstreams = upstreams
        self.owner: dict[str, str] = {}
        self.tools: list[types.Tool] = []

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
        """The action and resource a call is submitted as (`Refused` when the template cannot be filled)."""
        qualified = f"{server}.{tool}"
        action = self.settings.actions.get(qualified) or self.settings.actions.get(tool) or f"mcp.{server}.{tool}"
        template = self.settings.resources.get(qualified) or self.settings.resources.get(tool)
        return action, fill(template, arguments) if template else f"{server}/{tool}"

    async def list_tools(self, ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=self.tools)

    async def call_tool(self, ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        server = self.owner.get(params.name)
        if server is None:
            return _error(f"Unknown tool {params.name}.")
        arguments = json.loads(json.dumps(dict(params.arguments or {}), default=str))
        try:
            action, resource = self.describe(server, params.name, arguments)
        except Refused as refused:
            return _error(str(refused))
        justification = f"MCP tool call {server}.{params.name}"
        key = intent_key(action, resource, arguments, scope=self.settings.scope, justification=justification)
        call = Call(resource, arguments, key)
        try:
            await self.writ.flush_reports()
            while True:
                intent = await afile_intent(self.writ, action, call, justification=justification)
                if intent.pending:
                    intent = await self.writ.wait(intent.id, self.settings.wait)
                if intent.pending:
                    return _error(self.waiting(intent))
                if self.writ._ledger.claim(intent.id):
                    break  # else another call settled it meanwhile: this call is the next action
            if intent.status == "rejected" and intent.decisions is None:
                intent = await self.writ.get(intent.id)
            require_warrant(intent)
        except WritError as error:  # refused, or Writ unreachable or refusing the request
            return _error(explain(error))
        try:
            result = await self.upstreams[server].call_tool(params.name, arguments, meta={WARRANT_META: intent.warrant})
        except Exception as error:  # the upstream server failed or went away: the call may or may not have run
            await self.report(intent, "failed", f"upstream error: {type(error).__name__}: {error}")
            return _error(f"The upstream server {server} failed: {type(error).__name__}: {error}")
        await self.report(intent, "failed" if result.is_error else "executed", _summary(result))
        return result

    async def report(self, intent: Intent, outcome: str, summary: str) -> None:
        """Reports the outcome, kept for later when Writ cannot take it now."""
        try:
            await self.writ.report(intent.id, outcome, summary, keep=True)
        except WritError as error:
            log.warning("writ-mcp-gateway: Writ refused the %s report of intent %s: %s", outcome, intent.id, error)

    def waiting(self, intent: Intent) -> str:
        where = f" — {self.settings.console_url.rstrip('/')}/#/intents/{intent.id}" if self.settings.console_url else ""
        return (f"Approval pending: Writ intent {intent.id} ({intent.tier}, {intent.action} on {intent.resource}) waits for "
                f"approval{where}. Nothing was run. Call the tool again with the same arguments once it is approved: "
                "that continues this request, it does not ask again.")


def parse(argv: Optional[list[str]] = None) -> Settings:
    parser = argparse.ArgumentParser(prog="writ-mcp-gateway", description=__doc__.split("\n\n")[0])
    parser.add_argument("--writ-url", default=os.environ.get("WRIT_URL"), help="the Writ server (or WRIT_URL)")
    parser.add_argument("--upstream", action="append", default=[], metavar="NAME=COMMAND|URL",
                        help="an upstream MCP server (repeatable)")
    parser.add_argument("--action", action="append", default=[], metavar="[SERVER.]TOOL=ACTION", help="the action a tool's calls are")
    parser.add_argument("--resource", action="append", default=[], metavar="[SERVER.]TOOL=TEMPLATE",
                        help="e.g. db.drop_table=prod/{table}")
    parser.add_argument("--wait", type=float, default=30.0, help="seconds a call waits for approval (default 30)")
    parser.add_argument("--console-url", default=None, help="where people approve (named in pending answers)")
    parser.add_argument("--env", action="append", default=[], metavar="[SERVER:]NAME[=VALUE]",
                        help="a variable for the upstream commands (or SERVER's only): NAME passes the gateway's own value on; "
                             "upstreams otherwise get only PATH and HOME (repeatable; never WRIT_*)")
    parser.add_argument("--scope", default=None,
                        help="keeps this gateway's calls apart from another's with the same arguments (e.g. one per user)")
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
    resources = pairs(arguments.resource, "--resource")
    for tool, template in resources.items():
        if problem := check_template(template):
            parser.error(f"--resource {tool}={template}: {problem}")
    env: dict[str, dict[str, str]] = {}
    for value in arguments.env:
        assignment, sep, given = value.partition("=")
        server, _, name = assignment.rpartition(":")
        if not name.isidentifier() or (server and server not in upstreams):
            parser.error(f"--env must be [SERVER:]NAME[=VALUE] with SERVER an --upstream, not {value!r}")
        if name.upper().startswith("WRIT_"):
            parser.error(f"--env {name}: Writ's variables (the agent's key among them) are never given to upstream servers")
        if not sep and name not in os.environ:
            parser.error(f"--env {name}: the gateway's environment has no {name} to pass on")
        env.setdefault(server, {})[name] = given if sep else os.environ[name]
    return Settings(writ_url=arguments.writ_url, api_key=api_key, upstreams=upstreams, actions=pairs(arguments.action, "--action"),
                    resources=resources, wait=arguments.wait, console_url=arguments.console_url or arguments.writ_url, env=env,
                    scope=arguments.scope)


def upstream_env(settings: Settings, server: str) -> dict[str, str]:
    """The environment of an upstream command: PATH and HOME, then the `--env` variables for all
    upstreams and for this one. (The MCP SDK adds LOGNAME, SHELL, TERM and USER.)"""
    inherited = {name: os.environ[name] for name in INHERITED if name in os.environ}
    return inherited | settings.env.get("", {}) | settings.env.get(server, {})


def upstream_target(spec: str, env: dict[str, str]) -> Any:
    """An upstream as the MCP client takes it: a URL, or a command started with exactly `env`."""
    if spec.startswith(("http://", "https://")):
        return spec
    command = shlex.split(spec)
    return StdioServerParameters(command=command[0], args=command[1:], env=env)


async def check_key(writ: AsyncWrit, url: str) -> None:
    """Exits unless Writ accepts the key as an agent's key with the `intents` scope (`GET /v1/me`)."""
    try:
        me = await writ.me()
    except WritError as error:
        raise SystemExit(f"writ-mcp-gateway: {url} did not accept WRIT_API_KEY: {error}") from error
    key = me.get("key") or {}
    if me.get("kind") != "api_key" or not me.get("agent") or "intents" not in (key.get("scopes") or []):
        raise SystemExit(f"writ-mcp-gateway: WRIT_API_KEY ({key.get('prefix', '?')}…) must be an agent's API key with the "
                         f"intents scope (it has {', '.join(key.get('scopes') or []) or 'none'})")


async def serve(settings: Settings) -> None:
    async with contextlib.AsyncExitStack() as stack:
        writ = await stack.enter_async_context(AsyncWrit(settings.writ_url, settings.api_key))
        await check_key(writ, settings.writ_url)
        upstreams = {name: await stack.enter_async_context(Client(upstream_target(spec, upstream_env(settings, name))))
                     for name, spec in settings.upstreams.items()}
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
