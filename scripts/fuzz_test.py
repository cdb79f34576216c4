"""Fuzzing: schemathesis generates requests for every operation of the served `/openapi.json`
(coverage, fuzzing and stateful phases, a fixed seed) as an admin key and as an agent key, and
fails on any answer of 500 or above.

Usage: fuzz_test.py WRIT_BINARY SOCKET_DIR DATABASE EXAMPLES SEED
Prints one summary line per credential; exits non-zero when schemathesis finds a server error.
"""
import os
import re
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from served import agent_key, call, environment, signup, start  # noqa: E402

binary, socket_dir, database, examples, seed = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
server, node = start(binary, socket_dir, database, environment())
admin = signup(node, "Fuzz", "fuzz@example.com")
admin_key = call(node, "POST", "/v1/api-keys", {"name": "fuzz", "scopes": ["admin"]}, admin)[1]["key"]
_, agent = agent_key(node, admin, "fuzzed")
schemathesis = os.path.join(os.path.dirname(sys.executable), "st")
failed = False
for name, authorization in [("admin key", f"Bearer {admin_key}"), ("agent key", agent["Authorization"])]:
    run = subprocess.run([schemathesis, "run", f"{node}/openapi.json", "-H", f"Authorization: {authorization}",
                          "--checks", "not_a_server_error", "--max-examples", examples, "--seed", seed, "-w", "2"],
                         capture_output=True, text=True)
    generated = re.search(r"(\d+) generated", run.stdout)
    print(f"fuzz_test: as {name}: {generated.group(1) if generated else '?'} requests, exit {run.returncode}")
    if run.returncode != 0:
        failed = True
        print(run.stdout[-4000:], file=sys.stderr)
server.send_signal(signal.SIGTERM)
server.wait(timeout=30)
if failed:
    sys.exit("fuzz_test: schemathesis found server errors")
