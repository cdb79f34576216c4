"""`writ serve` as a child process and a small JSON client, for the process-level tests that
scripts/test runs after the Swift suite (crash, several nodes, fuzzing)."""
import base64
import json
import os
import random
import subprocess
import sys
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


def start(binary, socket_dir, database, env):
    """Starts a node on a free-looking port, migrating `database`; returns (process, base URL) once ready."""
    port = random.randint(41000, 49000)
    command = [binary, "serve", "--database-url", f"postgresql://writ_app@/{database}?host={socket_dir}",
               "--migrate-database-url", f"postgresql://postgres@/{database}?host={socket_dir}",
               "--http-address", f"127.0.0.1:{port}", "--migrations-dir", "sql", "--static-dir", "web-static"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    node = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if call(node, "GET", "/readyz", timeout=1)[0] == 200:
                return process, node
        except OSError:
            pass
        time.sleep(0.05)
    process.kill()
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
