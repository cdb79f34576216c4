"""Fuzzing: schemathesis generates requests for every operation of the served `/openapi.json`
(coverage and fuzzing phases, a fixed seed) as a signed-in admin's session with its CSRF token and
as a key of each scope (admin, intents, warrants), and fails on any answer of 500 or above, any
status the document does not list for the operation, and any response whose content type or body
does not match the document. Then bytes the HTTP parser refuses must get a problem+json 400.

Usage: fuzz_test.py WRIT_BINARY SOCKET_DIR DATABASE EXAMPLES SEED
Prints one summary line per credential; exits non-zero when schemathesis finds a server error.
"""
import os
import json
import re
import signal
import socket
import subprocess
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from served import agent_key, call, environment, signup, start  # noqa: E402

binary, socket_dir, database, examples, seed = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
server, node = start(binary, socket_dir, database, environment())
admin = signup(node, "Fuzz", "fuzz@example.com")
admin_key = call(node, "POST", "/v1/api-keys", {"name": "fuzz", "scopes": ["admin"]}, admin)[1]["key"]
_, agent = agent_key(node, admin, "fuzzed")
warrants_key = call(node, "POST", "/v1/api-keys", {"name": "executor", "scopes": ["warrants"], "audiences": ["s3"]}, admin)[1]["key"]
# A second admin's session, so that the fuzzer signing itself out or changing nothing it should
# not cannot take the other credentials with it.
session = signup(node, "Fuzz session", "session@example.com")
credentials = [
    ("session (with CSRF)", [f"Cookie: {session['Cookie']}", f"X-CSRF-Token: {session['X-CSRF-Token']}"]),
    ("admin key", [f"Authorization: Bearer {admin_key}"]),
    ("intents key", [f"Authorization: {agent['Authorization']}"]),
    ("warrants key", [f"Authorization: Bearer {warrants_key}"]),
]
schemathesis = os.path.join(os.path.dirname(sys.executable), "st")
# Server errors, undocumented statuses, wrong content types and bodies that break their schema.
checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
failed = False
total = 0
# One process per credential, side by side, each with one worker: hypothesis describes its filters
# by parsing their source, and CPython's parser is not safe across threads ("AST constructor
# recursion depth mismatch" with -w 2).
runs = []
for name, headers in credentials:
    command = [schemathesis, "run", f"{node}/openapi.json", "--checks", checks, "--max-examples", examples, "--seed", seed,
               "-w", "1", "--phases", "coverage,fuzzing",
               # A long-poll (`?wait=` up to 60 s) on an intent the fuzzer found is an answer, not a hang.
               "--request-timeout", "75",
               # A valid request to the event stream is answered with a stream that stays open; its
               # refusals are covered by the Swift suite's EventStreamTests.
               "--exclude-operation-id", "streamEvents"]
    for header in headers:
        command += ["-H", header]
    runs.append((name, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
for name, run in runs:
    stdout, _ = run.communicate()
    generated = re.search(r"(\d+) generated", stdout)
    total += int(generated.group(1)) if generated else 0
    print(f"fuzz_test: as {name}: {generated.group(1) if generated else '?'} requests, exit {run.returncode}")
    if run.returncode != 0:
        failed = True
        print(stdout[-6000:], file=sys.stderr)
print(f"fuzz_test: {total} generated requests over {len(credentials)} credentials; checks {checks}")

# Boundary values (security review II): every integer and time parameter the document lists, in
# the query, in a request body and on the event stream, at its limits and beyond. No answer may be
# a server error, and the node must still be up afterwards (an overflow trap kills the process).
INTEGERS = ["0", "-1", "9223372036854775807", "9223372036854775806", "9223372036854775808", "18446744073709551616",
            "9" * 400, "1e3", "0x10", ""]
TIMES = ["0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
         "10000-01-01T00:00:00Z", "+275760-09-13T00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-01T24:00:00+25:00"]
TIME_NAMES = {"since", "until", "expires_at", "timestamp"}


def resolve(document, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema if isinstance(schema, dict) else {}


def boundary_probes(document, ids):
    """(probes, failures) over every operation's integer and time inputs."""
    probes, failures = 0, []
    headers = {**admin}
    for template, item in sorted(document["paths"].items()):
        path = template
        for name, value in ids.items():
            path = path.replace("{" + name + "}", value)
        path = re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path)
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete") or template == "/v1/events":
                continue
            credential = {"Authorization": agent["Authorization"]} if template.startswith("/api/v1") else headers
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                kind = parameter.get("schema", {}).get("type")
                values = INTEGERS if kind == "integer" else TIMES if parameter["name"] in TIME_NAMES else []
                for value in values:
                    status = call(node, method.upper(), f"{path}?{parameter['name']}={urllib.parse.quote(value)}", headers=credential)[0]
                    probes += 1
                    if status >= 500:
                        failures.append(f"{method.upper()} {path}?{parameter['name']}={value[:30]} → {status}")
            body = resolve(document, operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"))
            for field, schema in body.get("properties", {}).items():
                schema = resolve(document, schema)
                kind = schema.get("type")
                if kind == "integer" or kind == "number":
                    values = [int(v) if v.lstrip("-").isdigit() else v for v in INTEGERS]
                elif field in TIME_NAMES or schema.get("format") == "date-time":
                    values = TIMES
                else:
                    continue
                for value in values:
                    status = call(node, method.upper(), path, {field: value}, headers=credential)[0]
                    probes += 1
                    if status >= 500:
                        failures.append(f"{method.upper()} {path} {{{field}: {str(value)[:30]}}} → {status}")
    # The event stream: only the status line is read (a valid position opens a stream that stays open).
    host, port = node.removeprefix("http://").split(":")
    for value in INTEGERS:
        for request in (f"GET /v1/events?after={urllib.parse.quote(value)} HTTP/1.1\r\n",
                        f"GET /v1/events HTTP/1.1\r\nLast-Event-ID: {value}\r\n"):
            with socket.create_connection((host, int(port)), timeout=10) as connection:
                connection.sendall(f"{request}Host: x\r\n{agent_header}\r\nAccept: text/event-stream\r\n\r\n".encode())
                line = connection.recv(4096).split(b"\r\n", 1)[0].decode()
            probes += 1
            if not re.match(r"HTTP/1.1 (200|4\d\d)", line):
                failures.append(f"/v1/events {request.splitlines()[0]} → {line}")
    if call(node, "GET", "/healthz")[0] != 200:
        failures.append("the node is down after the boundary probes")
    return probes, failures


document = json.loads(urllib.request.urlopen(f"{node}/openapi.json", timeout=10).read())
agent_header = f"Authorization: {agent['Authorization']}"
submitted = call(node, "POST", "/v1/intents", {"action": "s3.read", "resource": "fuzz/1"}, {"Authorization": agent["Authorization"]})[1]
tenant_id = call(node, "GET", "/v1/me", headers=admin)[1].get("tenant", {}).get("id", "")
probes, boundary_failures = boundary_probes(document, {"id": submitted.get("id", ""), "tenant_id": tenant_id, "version": "1"})
for failure in boundary_failures:
    print(f"fuzz_test: boundary: {failure}", file=sys.stderr)
failed = failed or bool(boundary_failures)
print(f"fuzz_test: {probes} boundary integers and times (query, body, event stream): {len(boundary_failures)} failures")


def raw_exchange(request):
    """Status line, headers and body of the answer to bytes the HTTP parser must refuse."""
    host, port = node.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.decode(), body


# HTTP-level garbage the parser refuses: a problem+json 400, never an empty answer.
malformed = [b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
             b"POST /v1/signup HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
             b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"]
for request in malformed:
    head, body = raw_exchange(request)
    try:
        problem = json.loads(body)
    except ValueError:
        problem = {}
    if not head.startswith("HTTP/1.1 400") or "application/problem+json" not in head or problem.get("status") != 400:
        failed = True
        print(f"fuzz_test: {request[:40]!r} answered {head!r} {body[:80]!r}", file=sys.stderr)
print(f"fuzz_test: {len(malformed)} requests the HTTP parser refuses, each answered with a problem+json 400")
server.send_signal(signal.SIGTERM)
server.wait(timeout=30)
if failed:
    sys.exit("fuzz_test: schemathesis found server errors, or malformed HTTP got no problem")
