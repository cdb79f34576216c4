"""Crash test: under load from 16 clients over 4 tenants, `kill -9` the server at a random moment,
restart it, and repeat; then check that every acknowledged intent (a 201 the client received)
exists with its warrant and its `intent.submitted` audit event, and that every chain verifies.

Usage: crash_test.py WRIT_BINARY SOCKET_DIR DATABASE KILLS
The database must exist and be empty; the server migrates it. Prints one summary line; exits
non-zero on any loss.
"""
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from served import agent_key, call, environment, signup, start  # noqa: E402

binary, socket_dir, database, kills = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
env = environment()
server, node = start(binary, socket_dir, database, env)
tenants = []
for index in range(4):
    admin = signup(node, f"Crash {index}", f"crash{index}@example.com")
    _, key = agent_key(node, admin, "loader")
    tenants.append({"session": admin, "key": key, "acknowledged": []})

lock = threading.Lock()
running = threading.Event()


def client(number):
    tenant = tenants[number % len(tenants)]
    sequence = 0
    while running.is_set():
        sequence += 1
        try:
            status, body, _ = call(node, "POST", "/v1/intents", {"action": "s3.objects.read", "resource": f"b/{number}/{sequence}"},
                                   {**tenant["key"], "Idempotency-Key": f"c{number}-{sequence}"}, timeout=5)
        except OSError:
            time.sleep(0.02)
            continue
        if status == 201:
            with lock:
                tenant["acknowledged"].append(body["id"])


for kill in range(kills):
    running.set()
    threads = [threading.Thread(target=client, args=(number,)) for number in range(16)]
    for thread in threads:
        thread.start()
    time.sleep(random.uniform(1.0, 3.0))
    server.send_signal(signal.SIGKILL)
    server.wait()
    time.sleep(0.3)
    running.clear()
    for thread in threads:
        thread.join()
    server, node = start(binary, socket_dir, database, env)

lost = []
checked = 0
for tenant in tenants:
    # Read as the tenant's admin (sessions are not rate limited like the agent's key): the intent,
    # its warrant's claims, and its intent.submitted event.
    for intent in tenant["acknowledged"]:
        checked += 1
        status, state, _ = call(node, "GET", f"/v1/intents/{intent}", headers=tenant["session"])
        events = call(node, "GET", f"/v1/audit?type=intent.submitted&subject={intent}", headers=tenant["session"])[1]
        if status != 200 or state.get("status") != "approved" or "warrant_claims" not in state or not events.get("items"):
            lost.append((intent, status, state.get("status"), len(events.get("items", []))))
    # The agent still gets usable warrants after the restarts (their sealed signatures open).
    for intent in tenant["acknowledged"][:5]:
        status, state, _ = call(node, "GET", f"/v1/intents/{intent}", headers=tenant["key"])
        if status != 200 or state.get("warrant", "").count(".") != 2:
            lost.append((intent, "warrant", status))
    verdict = call(node, "GET", "/v1/audit/verify", headers=tenant["session"], timeout=60)[1]
    if not verdict.get("valid"):
        lost.append(f"chain: {verdict}")
server.send_signal(signal.SIGTERM)
server.wait(timeout=30)
print(f"crash_test: {kills} kill -9 survived, {checked} acknowledged intents checked over {len(tenants)} tenants, "
      f"{len(lost)} lost or broken")
if lost or checked == 0:
    sys.exit(f"crash_test: lost {lost[:5]}")
