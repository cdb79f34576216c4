"""Webhooks end to end, checked by an independent Standard Webhooks implementation (the
`standardwebhooks` package), against real `writ serve` processes and a local receiver:
- two nodes deliver every event once: each webhook-id arrives exactly once at a receiver that
  always accepts, and every signature verifies;
- a receiver that fails three times then accepts gets the same webhook-id each time, and the
  delivery is marked delivered once, after four attempts;
- a Slack endpoint gets a readable message with no button;
- `kill -9` of every node between commit and delivery: the events still arrive after a restart;
- SSRF: a link-local literal is refused even with private destinations allowed, and a name that
  resolves to loopback is refused at delivery on a node that does not allow private ones.

Usage: webhooks_test.py WRIT_BINARY SOCKET_DIR DATABASE
Prints one summary line; exits non-zero on any failure.
"""
import http.server
import json
import os
import signal
import sys
import threading
import time

from standardwebhooks.webhooks import Webhook

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from served import agent_key, call, environment, signup, start  # noqa: E402

binary, socket_dir, database = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []
secrets = {}  # receiver path -> whsec_ secret
received = {}  # receiver path -> list of (webhook-id, payload)
lock = threading.Lock()
gate_open = threading.Event()


def check(condition, message):
    if not condition:
        failures.append(message)


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        if len(body) < length:
            # The sender died mid-request (the kill -9 below can land while a node writes to /ok):
            # nothing was delivered, and a restarted node retries the whole request.
            self.close_connection = True
            return
        path = self.path
        headers = {name.lower(): value for name, value in self.headers.items()}
        with lock:
            if path in secrets:
                try:
                    payload = Webhook(secrets[path]).verify(body, headers)
                except Exception as error:  # noqa: BLE001 - any refusal is a failure to report
                    failures.append(f"{path}: signature refused by standardwebhooks: {error}")
                    payload = json.loads(body)
            else:
                payload = json.loads(body)
            seen = received.setdefault(path, [])
            seen.append((headers.get("webhook-id"), payload))
            attempts = sum(1 for message_id, _ in seen if message_id == headers.get("webhook-id"))
        status = 204
        if path == "/flaky" and attempts <= 3:
            status = 500
        if path == "/gate" and not gate_open.is_set():
            status = 503
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=receiver.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{receiver.server_address[1]}"


def wait_for(condition, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def ids(path):
    with lock:
        return [message_id for message_id, _ in received.get(path, [])]


env = environment(WRIT_WEBHOOK_ALLOW_PRIVATE="true", WRIT_WEBHOOK_RETRY_SCHEDULE="0.5,0.5,0.5,0.5,0.5")
(node_a, a), (node_b, b) = start(binary, socket_dir, database, env), start(binary, socket_dir, database, env)
admin = signup(a, "Hooks", "hooks@example.com")
agent, key = agent_key(a, admin, "deployer")


def endpoint(path, events, kind="standard"):
    status, body, _ = call(a, "POST", "/v1/webhooks", {"url": base + path, "events": events, "kind": kind}, admin)
    assert status == 201, body
    if kind == "standard":
        secrets[path] = body["secret"]
    return body["id"]


ok = endpoint("/ok", ["intent.submitted"])
flaky = endpoint("/flaky", ["intent.submitted"])
endpoint("/slack", ["approval.requested"], kind="slack")
check(call(a, "POST", "/v1/webhooks", {"url": "http://169.254.169.254/latest", "events": ["intent.submitted"]}, admin)[0] == 422,
      "a link-local metadata address was accepted with private destinations allowed")

# Two nodes share the work: 100 submissions through both, each event delivered once.
submitted = []
for number in range(100):
    node = a if number % 2 == 0 else b
    status, body, _ = call(node, "POST", "/v1/intents", {"action": "s3.objects.read", "resource": f"b/{number}"}, key)
    check(status == 201, f"submission {number} answered {status}")
    submitted.append(body.get("id"))
call(a, "POST", "/v1/intents", {"action": "deploy.create", "resource": "prod/web", "justification": "release 42"}, key)
events = len(submitted) + 1  # and the T1 submission for the Slack endpoint
check(wait_for(lambda: len(set(ids("/ok"))) >= events), f"/ok received {len(set(ids('/ok')))} of {events} events")
check(len(ids("/ok")) == len(set(ids("/ok"))), f"/ok received {len(ids('/ok')) - len(set(ids('/ok')))} duplicates from two nodes")
with lock:
    intents_seen = {payload["data"]["intent"]["id"] for _, payload in received.get("/ok", [])}
check(set(submitted) <= intents_seen, "an acknowledged submission's event never reached /ok")

# The flaky receiver: every event four times under one webhook-id, then delivered once.
check(wait_for(lambda: len(ids("/flaky")) >= 4 * events), f"/flaky received {len(ids('/flaky'))} of {4 * events} attempts")
flaky_ids = ids("/flaky")
check(all(flaky_ids.count(message_id) == 4 for message_id in set(flaky_ids)), "a flaky delivery was not attempted exactly four times")


def flaky_deliveries():
    found, cursor = [], None
    while True:
        page = call(a, "GET", f"/v1/webhooks/{flaky}/deliveries?limit=100" + (f"&cursor={cursor}" if cursor else ""), headers=admin)[1]
        found += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return found


check(wait_for(lambda: all(d["status"] == "delivered" for d in flaky_deliveries())), "a flaky delivery is not marked delivered")
deliveries = flaky_deliveries()
check(len(deliveries) == events and all(d["status"] == "delivered" and d["attempts"] == 4 for d in deliveries),
      f"flaky deliveries: {len(deliveries)}, attempts {sorted({d['attempts'] for d in deliveries})}")

# Slack: a readable message, the tier and the rules, a link, no button.
check(wait_for(lambda: len(ids("/slack")) >= 1), "the Slack endpoint received nothing")
with lock:
    slack = received.get("/slack", [(None, {})])[0][1]
check(set(slack) == {"text"} and "deployer" in slack["text"] and "tier T1" in slack["text"] and "/#/intents/" in slack["text"],
      f"the Slack message is not what was expected: {slack}")

# kill -9 of every node between commit and delivery (the receiver refuses until the gate opens).
gated = endpoint("/gate", ["intent.submitted"])
acknowledged = []
for number in range(20):
    status, body, _ = call(b, "POST", "/v1/intents", {"action": "s3.objects.read", "resource": f"gate/{number}"}, key)
    if status == 201:
        acknowledged.append(body["id"])
for process in (node_a, node_b):
    process.send_signal(signal.SIGKILL)
    process.wait()
gate_open.set()
node_c, c = start(binary, socket_dir, database, env)


def gate_delivered():
    with lock:
        seen = {payload["data"]["intent"]["id"] for message_id, payload in received.get("/gate", [])}
    return set(acknowledged) <= seen


check(len(acknowledged) == 20, f"only {len(acknowledged)} gated submissions were acknowledged")
check(wait_for(gate_delivered), "after kill -9 and a restart, acknowledged events never reached the receiver")
node_c.terminate()
node_c.wait()

# SSRF by name: on a node without private destinations, a name resolving to loopback is refused.
node_d, d = start(binary, socket_dir, database, dict(env, WRIT_WEBHOOK_ALLOW_PRIVATE="false", WRIT_WEBHOOK_RETRY_SCHEDULE="60"))
status, body, _ = call(d, "POST", "/v1/webhooks", {"url": f"http://localhost:{receiver.server_address[1]}/ssrf", "events": ["member.changed"]},
                       admin)
check(status == 201, f"a named destination was refused at creation: {status}")
call(d, "POST", "/v1/members", {"email": "ssrf@example.com", "roles": ["auditor"]}, admin)


def ssrf_refused():
    page = call(d, "GET", f"/v1/webhooks/{body.get('id')}/deliveries", headers=admin)[1]
    if not page.get("items"):
        return False
    detail = call(d, "GET", f"/v1/webhooks/{body.get('id')}/deliveries/{page['items'][0]['id']}", headers=admin)[1]
    errors = [attempt.get("error") or "" for attempt in detail.get("attempt_log", [])]
    # The tenant learns that the destination was refused, never what the name resolved to.
    check(not any("127.0.0.1" in error or "::1" in error for error in errors), f"a delivery error names an internal address: {errors}")
    return any("refused destination" in error for error in errors)


check(wait_for(ssrf_refused, 30), "a name resolving to loopback was not refused at delivery")
check(not ids("/ssrf"), "the receiver behind a refused destination was reached")
node_d.terminate()
node_d.wait()
receiver.shutdown()

for failure in failures:
    print(f"webhooks_test: FAILED: {failure}", file=sys.stderr, flush=True)
print(f"webhooks_test: {events} events over two nodes, each received once; {len(flaky_ids)} attempts to a receiver failing 3 "
      f"times per event, {len(deliveries)} delivered once; {len(acknowledged)} acknowledged across kill -9 delivered after restart; "
      f"every signature verified by standardwebhooks; SSRF refused by literal and by name", flush=True)
sys.exit(1 if failures else 0)
