"""`writ serve` as a child process and a small JSON client, for the process-level tests that
scripts/test runs after the Swift suite (crash, several nodes, fuzzing)."""
import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request


def environment(**extra):
    """The process environment with a fresh master key and quiet logs, plus `extra`."""
    return dict(os.environ, WRIT_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(), WRIT_LOG_LEVEL="error", **extra)


def call(node, method, path, body=None, headers=None, timeout=10):
    """(status, parsed JSON body or {}, headers) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(node + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"content-type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), error.headers


def free_port():
    """A port the kernel just handed out as free (not a random pick that may be a client's port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(binary, socket_dir, database, env, database_url=None, migrate_url=None):
    """Starts a node on a free port, migrating `database`; returns (process, base URL) once ready.
    The serving and migrating URLs default to the cluster's socket; a node that exits at once (its
    port taken meanwhile) is started again on another port."""
    for _ in range(5):
        port = free_port()
        command = [binary, "serve", "--database-url", database_url or f"postgresql://writ_app@/{database}?host={socket_dir}",
                   "--migrate-database-url", migrate_url or f"postgresql://postgres@/{database}?host={socket_dir}",
                   "--http-address", f"127.0.0.1:{port}", "--migrations-dir", "sql", "--static-dir", "web-static"]
        # WRIT_TEST_SERVER_LOG names a file that collects the servers' logs, for finding a failure's cause.
        log = open(os.environ["WRIT_TEST_SERVER_LOG"], "a") if os.environ.get("WRIT_TEST_SERVER_LOG") else subprocess.DEVNULL
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        node = f"http://127.0.0.1:{port}"
        for _ in range(300):
            if process.poll() is not None:
                break
            try:
                if call(node, "GET", "/readyz", timeout=1)[0] == 200:
                    return process, node
            except OSError:
                pass
            time.sleep(0.05)
        if process.poll() is None:
            process.kill()
            break
    sys.exit(f"{os.path.basename(sys.argv[0])}: the server did not become ready")


def signup(node, organization, email, password="process test password"):
    """Signs up; returns the admin's headers (session cookie and CSRF token)."""
    status, body, headers = call(node, "POST", "/v1/signup", {"organization": organization, "email": email, "password": password})
    assert status == 201, body
    return {"Cookie": headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": body["csrf_token"]}


def agent_key(node, admin, name="agent"):
    """A team, an agent and its intents key; returns (agent id, Authorization headers)."""
    team = call(node, "POST", "/v1/teams", {"name": name}, admin)[1]["id"]
    agent = call(node, "POST", "/v1/agents", {"name": name, "team_id": team}, admin)[1]["id"]
    key = call(node, "POST", "/v1/api-keys", {"name": name, "agent_id": agent, "scopes": ["intents"]}, admin)[1]["key"]
    return agent, {"Authorization": f"Bearer {key}"}


class Load:
    """Clients submitting T0 intents, each under its own Idempotency-Key, spread over `tenants`
    (dicts with "key"; acknowledged ids land in their "acknowledged" list). Every answer's status
    is counted in `statuses`; `retry_after` counts the 503s that carried a Retry-After header."""

    def __init__(self, node, tenants, clients=16):
        self.node, self.tenants, self.clients = node, tenants, clients
        self.lock = threading.Lock()
        self.running = threading.Event()
        self.statuses, self.retry_after, self.threads, self.round = {}, 0, [], 0

    def start(self, node=None):
        self.node = node or self.node
        self.round += 1
        self.running.set()
        self.threads = [threading.Thread(target=self._client, args=(number,)) for number in range(self.clients)]
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.running.clear()
        for thread in self.threads:
            thread.join()

    def _client(self, number):
        tenant = self.tenants[number % len(self.tenants)]
        sequence = 0
        while self.running.is_set():
            sequence += 1
            name = f"r{self.round}-c{number}-{sequence}"
            try:
                status, body, headers = call(self.node, "POST", "/v1/intents", {"action": "s3.objects.read", "resource": f"b/{name}"},
                                             {**tenant["key"], "Idempotency-Key": name}, timeout=5)
            except OSError:
                time.sleep(0.02)
                continue
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status == 201:
                    tenant["acknowledged"].append(body["id"])
                elif status == 503 and headers.get("Retry-After"):
                    self.retry_after += 1
            if status == 503:
                time.sleep(0.05)


def check_acknowledged(node, tenants):
    """(intents checked, problems): every acknowledged intent is approved with its warrant claims
    and its intent.submitted event, the first few still give a usable warrant, every chain verifies."""
    problems, checked = [], 0
    for tenant in tenants:
        # Read as the tenant's admin (sessions are not rate limited like the agent's key).
        for intent in tenant["acknowledged"]:
            checked += 1
            status, state, _ = call(node, "GET", f"/v1/intents/{intent}", headers=tenant["session"])
            events = call(node, "GET", f"/v1/audit?type=intent.submitted&subject={intent}", headers=tenant["session"])[1]
            if status != 200 or state.get("status") != "approved" or "warrant_claims" not in state or not events.get("items"):
                problems.append((intent, status, state.get("status"), len(events.get("items", []))))
        # The agent still gets usable warrants after the crashes (their sealed signatures open).
        for intent in tenant["acknowledged"][:5]:
            status, state, _ = call(node, "GET", f"/v1/intents/{intent}", headers=tenant["key"])
            if status != 200 or state.get("warrant", "").count(".") != 2:
                problems.append((intent, "warrant", status))
        verdict = call(node, "GET", "/v1/audit/verify", headers=tenant["session"], timeout=60)[1]
        if not verdict.get("valid"):
            problems.append(f"chain: {verdict}")
    return checked, problems
