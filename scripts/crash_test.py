"""Crash test: under load from 16 clients over 4 tenants, `kill -9` the server at a random moment,
restart it, and repeat; then check that every acknowledged intent (a 201 the client received)
exists with its warrant and its `intent.submitted` audit event, and that every chain verifies.

Usage: crash_test.py WRIT_BINARY SOCKET_DIR DATABASE KILLS
The database must exist and be empty; the server migrates it (as `postgres`) and serves as
`writ_app`. Prints one summary line; exits non-zero on any loss.
"""
import base64
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

binary, socket_dir, database, kills = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
port = random.randint(41000, 49000)
base = f"http://127.0.0.1:{port}"
environment = dict(os.environ, WRIT_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(), WRIT_LOG_LEVEL="error")
command = [binary, "serve", "--database-url", f"postgresql://writ_app@/{database}?host={socket_dir}",
           "--migrate-database-url", f"postgresql://postgres@/{database}?host={socket_dir}",
           "--http-address", f"127.0.0.1:{port}", "--migrations-dir", "sql", "--static-dir", "web-static"]


def call(method, path, body=None, headers=None, timeout=10):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"content-type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def start():
    server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if call("GET", "/readyz", timeout=1)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.05)
    server.kill()
    sys.exit("crash_test: the server did not become ready")


server = start()
tenants = []
for index in range(4):
    status, body, headers = call("POST", "/v1/signup", {"organization": f"Crash {index}", "email": f"crash{index}@example.com",
                                                        "password": "crash test password"})
    assert status == 201, body
    signup = json.loads(body)
    cookie = headers["Set-Cookie"].split(";")[0]
    session = {"Cookie": cookie, "X-CSRF-Token": signup["csrf_token"]}
    team = json.loads(call("POST", "/v1/teams", {"name": "load"}, session)[1])["id"]
    agent = json.loads(call("POST", "/v1/agents", {"name": "loader", "team_id": team}, session)[1])["id"]
    key = json.loads(call("POST", "/v1/api-keys", {"name": "load", "agent_id": agent, "scopes": ["intents"]}, session)[1])["key"]
    tenants.append({"session": session, "key": key, "acknowledged": []})

lock = threading.Lock()
running = threading.Event()


def client(number):
    tenant = tenants[number % len(tenants)]
    sequence = 0
    while running.is_set():
        sequence += 1
        try:
            status, body, _ = call("POST", "/v1/intents", {"action": "s3.objects.read", "resource": f"b/{number}/{sequence}"},
                                   {"Authorization": f"Bearer {tenant['key']}", "Idempotency-Key": f"c{number}-{sequence}"}, timeout=5)
        except OSError:
            time.sleep(0.02)
            continue
        if status == 201:
            with lock:
                tenant["acknowledged"].append(json.loads(body)["id"])


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
    server = start()

lost = []
checked = 0
for tenant in tenants:
    # Read as the tenant's admin (sessions are not rate limited like the agent's key): the intent,
    # its warrant's claims, and its intent.submitted event.
    for intent in tenant["acknowledged"]:
        checked += 1
        status, body, _ = call("GET", f"/v1/intents/{intent}", headers=tenant["session"])
        state = json.loads(body) if status == 200 else {}
        events = json.loads(call("GET", f"/v1/audit?type=intent.submitted&subject={intent}", headers=tenant["session"])[1])
        if status != 200 or state.get("status") != "approved" or "warrant_claims" not in state or not events.get("items"):
            lost.append((intent, status, state.get("status"), len(events.get("items", []))))
    # The agent still gets usable warrants after the restarts (their sealed signatures open).
    for intent in tenant["acknowledged"][:5]:
        status, body, _ = call("GET", f"/v1/intents/{intent}", headers={"Authorization": f"Bearer {tenant['key']}"})
        if status != 200 or json.loads(body).get("warrant", "").count(".") != 2:
            lost.append((intent, "warrant", status))
    verdict = json.loads(call("GET", "/v1/audit/verify", headers=tenant["session"], timeout=60)[1])
    if not verdict.get("valid"):
        lost.append(f"chain: {verdict}")
server.send_signal(signal.SIGTERM)
server.wait(timeout=30)
print(f"crash_test: {kills} kill -9 survived, {checked} acknowledged intents checked over {len(tenants)} tenants, "
      f"{len(lost)} lost or broken")
if lost or checked == 0:
    sys.exit(f"crash_test: lost {lost[:5]}")
