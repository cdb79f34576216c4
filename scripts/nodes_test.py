"""Three `writ serve` processes against one database, as behind a load balancer:
- a long-poll on node A returns as soon as a decision lands on node B;
- a key revoked on node A, and an agent disabled on node A, are refused on node C within a second;
- the background jobs do each piece of work once: every approval notice is mailed, each in
  exactly one delivery attempt, however many nodes run.

Usage: nodes_test.py WRIT_BINARY SOCKET_DIR DATABASE
Prints one summary line; exits non-zero on any failure.
"""
import base64
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

binary, socket_dir, database = sys.argv[1], sys.argv[2], sys.argv[3]
mail = tempfile.mkdtemp(prefix="writ-nodes-mail-")
environment = dict(os.environ, WRIT_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(), WRIT_LOG_LEVEL="error",
                   WRIT_MAIL_DIR=mail)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def call(node, method, path, body=None, headers=None, timeout=10):
    request = urllib.request.Request(node + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"content-type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), error.headers


def start(index):
    port = random.randint(41000, 49000)
    command = [binary, "serve", "--database-url", f"postgresql://writ_app@/{database}?host={socket_dir}",
               "--migrate-database-url", f"postgresql://postgres@/{database}?host={socket_dir}",
               "--http-address", f"127.0.0.1:{port}", "--migrations-dir", "sql", "--static-dir", "web-static"]
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    node = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if call(node, "GET", "/readyz", timeout=1)[0] == 200:
                return process, node
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"nodes_test: node {index} did not become ready")


servers = []
for index in range(3):
    servers.append(start(index))  # one after the other: the first migrates
(_, a), (_, b), (_, c) = servers

status, signup, headers = call(a, "POST", "/v1/signup", {"organization": "Nodes", "email": "nodes@example.com",
                                                           "password": "three nodes password"})
admin = {"Cookie": headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": signup["csrf_token"]}
team = call(a, "POST", "/v1/teams", {"name": "ops"}, admin)[1]["id"]
agent = call(a, "POST", "/v1/agents", {"name": "bot", "team_id": team}, admin)[1]["id"]
key = {"Authorization": "Bearer " + call(a, "POST", "/v1/api-keys", {"name": "k", "agent_id": agent, "scopes": ["intents"]}, admin)[1]["key"]}
# A second admin decides: the first created the agent's key and never approves its intents.
call(a, "POST", "/v1/members", {"email": "second@example.com", "roles": ["admin"]}, admin)
token = ""
for _ in range(200):
    for path in pathlib.Path(mail).glob("*.eml"):
        text = path.read_text()
        if "To: second@example.com" in text and "X-Writ-Kind: member.invitation" in text:
            token = text.split("/invite#")[1].split()[0]
    if token:
        break
    time.sleep(0.05)
status, joined, headers = call(b, "POST", "/v1/invitations/accept", {"token": token, "password": "second admin password"})
check(status == 201, f"invitation accepted on node B: {status}")
second = {"Cookie": headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": joined.get("csrf_token", "")}

# 1. A long-poll on A ends when B decides.
intent = call(c, "POST", "/v1/intents", {"action": "crm.update", "resource": "c/1"}, key)[1]["id"]
answer = {}


def poll():
    started = time.monotonic()
    answer["state"] = call(a, "GET", f"/v1/intents/{intent}?wait=20", headers=key, timeout=30)[1]
    answer["seconds"] = time.monotonic() - started


waiter = threading.Thread(target=poll)
waiter.start()
time.sleep(0.5)
decision = call(b, "POST", f"/v1/intents/{intent}/decisions", {"decision": "approve"}, second)
check(decision[0] == 200, f"decision on node B: {decision[0]} {decision[1]}")
waiter.join()
check(answer.get("state", {}).get("status") == "approved", f"long-poll on A saw {answer.get('state', {}).get('status')}")
check(answer.get("seconds", 99) < 5, f"long-poll on A took {answer.get('seconds')} s")

# 2. Revocations reach the other nodes within a second.
revocable = call(a, "POST", "/v1/api-keys", {"name": "revocable", "agent_id": agent, "scopes": ["intents"]}, admin)[1]
revocable_key = {"Authorization": "Bearer " + revocable["key"]}
check(call(c, "GET", "/v1/me", headers=revocable_key)[0] == 200, "fresh key works on C")
call(a, "DELETE", f"/v1/api-keys/{revocable['id']}", headers=admin)
time.sleep(1.0)
check(call(c, "GET", "/v1/me", headers=revocable_key)[0] == 401, "key revoked on A still works on C after 1 s")
check(call(c, "GET", "/v1/me", headers=key)[0] == 200, "agent key works on C")
call(a, "PATCH", f"/v1/agents/{agent}", {"disabled": True}, admin)
time.sleep(1.0)
check(call(c, "GET", "/v1/me", headers=key)[0] == 401, "agent disabled on A still works on C after 1 s")
call(a, "PATCH", f"/v1/agents/{agent}", {"disabled": False}, admin)

# 3. Background work once: twenty T1 intents each notify the one eligible approver exactly once.
time.sleep(1.0)
before = len(list(pathlib.Path(mail).glob("*.eml")))
for index in range(20):
    call([a, b, c][index % 3], "POST", "/v1/intents", {"action": "crm.update", "resource": f"c/n{index}"}, key)
deadline = time.monotonic() + 15
notices = []
while time.monotonic() < deadline:
    notices = [p for p in pathlib.Path(mail).glob("*.eml") if "X-Writ-Kind: approval.requested" in p.read_text()]
    if len(notices) >= 21:
        break
    time.sleep(0.2)
time.sleep(2.0)
notices = [p for p in pathlib.Path(mail).glob("*.eml") if "X-Writ-Kind: approval.requested" in p.read_text()]
check(len(notices) == 21, f"{len(notices)} approval notices for 21 T1 intents (each once, to the one eligible admin)")
# Files are named by message id, so a second delivery would not add one: the outbox tells. Every
# message was sent, each in exactly one delivery attempt.
twice = subprocess.run(["psql", "-h", socket_dir, "-U", "postgres", "-d", database, "-Atc",
                        "SELECT count(*) FROM writ.outbox WHERE sent_at IS NULL OR attempts <> 1"],
                       capture_output=True, text=True).stdout.strip()
check(twice == "0", f"{twice} outbox messages unsent or attempted more than once")

for process, _ in servers:
    process.send_signal(signal.SIGTERM)
for process, _ in servers:
    process.wait(timeout=30)
print(f"nodes_test: 3 nodes; long-poll across nodes {answer.get('seconds', 0):.2f} s; revocation and disabling seen "
      f"on another node within 1 s; {len(notices)} notices for 21 intents; {len(failures)} failures")
if failures:
    sys.exit("nodes_test: " + "; ".join(failures))
