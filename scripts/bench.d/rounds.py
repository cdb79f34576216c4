"""Two measurements of scripts/bench hot that wrk cannot make, against a running node:

- a T1 approval round: an agent files a T1 intent and long-polls it; an operator approves; measured
  are the decision request (the approval and the warrant, one transaction) and the time until the
  agent's long-poll returns the approved intent with its warrant — p50 and p99 over ROUNDS rounds;
- a load client built on the Python SDK itself (`writ.Writ.submit`, which sends an Idempotency-Key),
  THREADS threads for SECONDS seconds: the rate and the client's CPU per intent.

Usage: rounds.py NODE MAIL_DIR KEYS_FILE ROUNDS THREADS SECONDS     (prints markdown table rows)
MAIL_DIR is the node's WRIT_MAIL_DIR, where the operator's invitation is read from; KEYS_FILE the
bench fixture's keys (enterprise tenants, whose request rate no plan limits), spread over the threads.
The SDK must be importable (scripts/bench hot installs clients/python into a virtual environment).
"""
import glob
import os
import re
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from served import agent_key, call, signup  # noqa: E402
import writ  # noqa: E402

node, mail, keys_file = sys.argv[1], sys.argv[2], sys.argv[3]
rounds, threads, seconds = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
fixture_keys = [line.rstrip("\n").split("\t")[-1] for line in open(keys_file) if line.strip()]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def operator_session(admin, team):
    """An operator of the agent's team, invited and signed in."""
    email = f"op-{uuid.uuid4().hex[:8]}@example.com"
    call(node, "POST", "/v1/members", {"email": email, "roles": ["operator"], "teams": [team]}, admin)
    token = None
    for _ in range(100):
        for path in glob.glob(os.path.join(mail, "*.eml")):
            text = open(path, encoding="utf-8", newline="").read()
            if f"\r\nTo: {email}\r\n" in text and "X-Writ-Kind: member.invitation" in text:
                token = re.search(r"/invite#(\S+)", text).group(1)
        if token:
            break
        time.sleep(0.1)
    assert token, f"no invitation mailed to {email}"
    status, body, headers = call(node, "POST", "/v1/invitations/accept", {"token": token, "password": "operator password 123"})
    assert status == 201, body
    return {"Cookie": headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": body["csrf_token"]}


admin = signup(node, "Rounds", f"rounds-{uuid.uuid4().hex[:6]}@example.com")
team = call(node, "POST", "/v1/teams", {"name": "rounds"}, admin)[1]["id"]
agent = call(node, "POST", "/v1/agents", {"name": "rounds", "team_id": team}, admin)[1]["id"]
key = call(node, "POST", "/v1/api-keys", {"name": "rounds", "agent_id": agent, "scopes": ["intents"]}, admin)[1]["key"]
operator = operator_session(admin, team)
client = writ.Writ(node, key, retries=0)

decisions, warrants = [], []
for index in range(rounds):
    intent = client.submit("crm.contacts.update", f"contact/{index}", {"n": index})
    assert intent.status == "pending_approval", intent
    seen = {}

    def follow(intent_id=intent.id):
        seen["intent"] = client.wait(intent_id, timeout=30)
        seen["at"] = time.perf_counter()

    follower = threading.Thread(target=follow)
    follower.start()
    time.sleep(0.02)  # the long-poll is waiting before the approval lands
    started = time.perf_counter()
    status, body, _ = call(node, "POST", f"/v1/intents/{intent.id}/decisions", {"decision": "approve"}, operator)
    decided = time.perf_counter()
    assert status == 200 and body["status"] == "approved", body
    follower.join()
    assert seen["intent"].warrant, seen
    decisions.append((decided - started) * 1000)
    warrants.append((seen["at"] - started) * 1000)
    time.sleep(0.1)  # the round's tenant is on the free plan: 50 requests per second
print(f"| T1 approval round ({rounds} rounds): the decision request | p50 {percentile(decisions, 50):.2f} ms | "
      f"p99 {percentile(decisions, 99):.2f} ms |")
print(f"| T1 approval round: decision sent → the agent's long-poll has the warrant | p50 {percentile(warrants, 50):.2f} ms | "
      f"p99 {percentile(warrants, 99):.2f} ms |")

# The SDK as agents use it: one client per thread, each submit with its own Idempotency-Key.
done = [0] * threads
stop = time.monotonic() + seconds
failures = []


def load(slot):
    own = writ.Writ(node, fixture_keys[slot % len(fixture_keys)], retries=0)
    while time.monotonic() < stop:
        try:
            own.submit("s3.objects.read", f"sdk/{slot}/{done[slot]}", {"n": done[slot]})
            done[slot] += 1
        except Exception as error:  # any failure is reported, never retried here
            failures.append(repr(error))
            return


cpu_before, wall_before = time.process_time(), time.monotonic()
workers = [threading.Thread(target=load, args=(slot,)) for slot in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
elapsed, cpu = time.monotonic() - wall_before, time.process_time() - cpu_before
total = sum(done)
if failures:
    sys.exit(f"rounds: the SDK load failed: {failures[:3]}")
print(f"| Python SDK load client, {threads} threads (Idempotency-Key on each) | {total / elapsed:.0f}/s | "
      f"client CPU {cpu * 1000 / total:.2f} ms/intent |")
