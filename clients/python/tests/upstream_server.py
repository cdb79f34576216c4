"""A small upstream MCP server for the gateway's tests, over stdio or (`--http PORT`) streamable
HTTP: every call it receives is appended to the file named by UPSTREAM_LOG, with the warrant the
gateway passed along."""
import json
import os

from mcp.server.mcpserver import Context, MCPServer

server = MCPServer("demo")


def record(tool: str, arguments: dict, context: Context) -> None:
    meta = context.request_context.meta if context.request_context else None
    if meta is not None and not isinstance(meta, dict):
        meta = meta.model_dump(by_alias=True)
    warrant = (meta or {}).get("io.writ/warrant")
    with open(os.environ["UPSTREAM_LOG"], "a") as log:
        log.write(json.dumps({"tool": tool, "arguments": arguments, "warrant": warrant}) + "\n")


@server.tool()
def echo(text: str, context: Context) -> str:
    """Repeats the text."""
    record("echo", {"text": text}, context)
    return f"echo: {text}"


@server.tool()
def restart(service: str, context: Context) -> str:
    """Restarts a service."""
    record("restart", {"service": service}, context)
    return f"restarted {service}"


@server.tool()
def drop_table(table: str, context: Context) -> str:
    """Drops a table."""
    record("drop_table", {"table": table}, context)
    return f"dropped {table}"


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "--http":  # streamable HTTP on 127.0.0.1:PORT/mcp
        server.run("streamable-http", port=int(sys.argv[2]))
    else:
        server.run()
