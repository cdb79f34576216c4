"""Three `writ serve` processes against one database, as behind a load balancer:
- a long-poll on node A returns as soon as a decision lands on node B;
- a key revoked on node A, and an agent disabled on node A, are refused on node C within a second;
- the background jobs do each piece of work once: every approval notice is mailed, each in
  exactly one delivery attempt, however many nodes run;
- an event committed on node A streams at once on node C (GET /v1/events), and a reconnect to
  node B with Last-Event-ID replays what was missed, without a gap.

Usage: nodes_test.py WRIT_BINARY SOCKET_DIR DATABASE
Prints one summary line; exits non-zero on any failure.
"""
import http.client
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from served import agent_key, call, environment, signup, start  # noqa: E402

binary, socket_dir, database = sys.argv[1], sys.argv[2], sys.argv[3]
mail = tempfile.mkdtemp(prefix="writ-nodes-mail-")
env = environment(WRIT_MAIL_DIR=mail)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


class EventStream:
    """GET /v1/events on `node`, read on a thread of its own; `events` fills as they arrive."""

    def __init__(self, node, headers, last_event_id=None):
        host, port = node.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)
        extra = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
        self.connection.request("GET", "/v1/events", headers={**headers, **extra, "Accept": "text/event-stream"})
        self.response = self.connection.getresponse()
        self.events = []
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        block = {}
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if not line:
                    if "id" in block:
                        self.events.append(block)
                    block = {}
                elif line.startswith(("id: ", "event: ", "data: ")):
                    name, _, value = line.partition(": ")
                    block[name] = value
        except Exception:  # closed from the test's side (http.client is not made for that): the stream is over
            pass

    def wait_for(self, count, seconds):
        deadline = time.monotonic() + seconds
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.events[:count]

    def close(self):
        self.connection.sock.shutdown(2)
        self.connection.close()


servers = []
for index in range(3):
    servers.append(start(binary, socket_dir, database, env))  # one after the other: the first migrates
(_, a), (_, b), (_, c) = servers

admin = signup(a, "Nodes", "nodes@example.com")
agent, key = agent_key(a, admin, "bot")
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

# 4. The event stream: committed on A, streamed on C at once; resumed on B after a gap.
watcher = {"Authorization": "Bearer " + call(a, "POST", "/v1/api-keys", {"name": "watch", "scopes": ["admin"]}, admin)[1]["key"]}
stream = EventStream(c, watcher)
check(stream.response.status == 200, f"event stream on C: {stream.response.status}")
time.sleep(0.5)  # the stream watches the tenant: appends from now on notify
sent = time.monotonic()
streamed_intent = call(a, "POST", "/v1/intents", {"action": "crm.read", "resource": "c/stream"}, key)[1]["id"]
first = stream.wait_for(1, 5)
stream_seconds = time.monotonic() - sent
check(first and first[0]["event"] == "intent.submitted" and streamed_intent in first[0]["data"],
      f"event committed on A not streamed on C: {first}")
check(stream_seconds < 2, f"the event took {stream_seconds:.2f} s to stream on C")
first = stream.wait_for(2, 5)  # a T0 intent's second event: its warrant
check([event["event"] for event in first] == ["intent.submitted", "warrant.issued"], f"events of a T0 intent: {first}")
last = int(first[-1]["id"]) if first else 0
stream.close()
missed = [call(a, "POST", "/v1/intents", {"action": "crm.update", "resource": f"c/gap{index}"}, key)[1]["id"] for index in range(3)]
resumed = EventStream(b, watcher, last_event_id=last)
replay = resumed.wait_for(3, 5)
check([int(event["id"]) for event in replay] == [last + 1, last + 2, last + 3] if len(replay) == 3 else False,
      f"replay on B after {last}: {[event.get('id') for event in replay]}")
check(all(intent_id in event["data"] for intent_id, event in zip(missed, replay)), "the replay is not the missed intents, in order")
resumed.close()

for process, _ in servers:
    process.send_signal(signal.SIGTERM)
for process, _ in servers:
    process.wait(timeout=30)
print(f"nodes_test: 3 nodes; long-poll across nodes {answer.get('seconds', 0):.2f} s; revocation and disabling seen "
      f"on another node within 1 s; {len(notices)} notices for 21 intents; an event streamed on another node in "
      f"{stream_seconds:.2f} s, resumed on a third without a gap; {len(failures)} failures")
if failures:
    sys.exit("nodes_test: " + "; ".join(failures))
