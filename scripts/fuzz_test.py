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
