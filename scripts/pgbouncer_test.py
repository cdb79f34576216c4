"""Writ behind PgBouncer in transaction mode (Debian's pgbouncer): two `writ serve` nodes whose
serving pools (10 sessions each) share 4 server sessions through PgBouncer
(WRIT_DATABASE_POOLER=transaction), each with its LISTEN session straight to PostgreSQL
(WRIT_LISTEN_DATABASE_URL):
- 16 clients submit T0 intents through both nodes: every answer is 201 (or 429, the key's rate
  limit), every acknowledged intent is there with its warrant and event, every chain verifies;
- a long-poll on node A ends when node B decides; a key revoked on node B is refused on node A
  within a second (the notices travel on the direct LISTEN sessions);
- PostgreSQL saw no more serving sessions than PgBouncer's pool (the pooler multiplexed them).

Usage: pgbouncer_test.py WRIT_BINARY SOCKET_DIR DATABASE
Prints one summary line; exits non-zero on any failure.
"""
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from served import Load, agent_key, call, check_acknowledged, environment, free_port, signup, start  # noqa: E402

binary, socket_dir, database = sys.argv[1:4]
failures = []
SERVER_SESSIONS = 4


def check(condition, message):
    if not condition:
        failures.append(message)


def as_postgres(command):
    """PgBouncer refuses to run as root; the cluster's owner may also enter its socket directory."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start_pgbouncer(directory):
    port = free_port()
    pathlib.Path(directory, "users.txt").write_text('"writ_app" ""\n')
    pathlib.Path(directory, "pgbouncer.ini").write_text(f"""[databases]
writ = host={socket_dir} dbname={database}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {directory}/users.txt
pool_mode = transaction
default_pool_size = {SERVER_SESSIONS}
max_client_conn = 200
logfile = {directory}/pgbouncer.log
pidfile = {directory}/pgbouncer.pid
""")
    process = subprocess.Popen(as_postgres(["pgbouncer", f"{directory}/pgbouncer.ini"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(f"{directory}/pgbouncer.pid"):
            return process, port
        time.sleep(0.05)
    sys.exit("pgbouncer_test: PgBouncer did not start: " + pathlib.Path(directory, "pgbouncer.log").read_text()[-2000:])


def serving_sessions():
    """writ_app's sessions PostgreSQL has open to the database, LISTEN sessions aside."""
    return int(subprocess.run(
        ["psql", "-h", socket_dir, "-U", "postgres", "-d", database, "-Atc",
         "SELECT count(*) FROM pg_stat_activity WHERE usename = 'writ_app' AND datname = current_database() "
         "AND query NOT LIKE 'LISTEN%'"], capture_output=True, text=True, check=True).stdout.strip())


work = tempfile.mkdtemp(prefix="writ-pgbouncer-")
os.chmod(work, 0o755)
if os.geteuid() == 0:
    subprocess.run(["chown", "postgres", work], check=True)
mail = tempfile.mkdtemp(prefix="writ-pgbouncer-mail-")
bouncer, port = start_pgbouncer(work)
env = environment(WRIT_MAIL_DIR=mail, WRIT_DATABASE_POOLER="transaction",
                  WRIT_LISTEN_DATABASE_URL=f"postgresql://writ_app@/{database}?host={socket_dir}")
servers = []
try:
    for _ in range(2):  # one after the other: the first migrates (straight to PostgreSQL)
        servers.append(start(binary, socket_dir, database, env, database_url=f"postgresql://writ_app@127.0.0.1:{port}/writ"))
    (_, a), (_, b) = servers

    # 1. Load through both nodes.
    tenants = []
    for index in range(4):
        admin = signup(a, f"Pooled {index}", f"pooled{index}@example.com")
        _, key = agent_key(b, admin, "loader")
        tenants.append({"session": admin, "key": key, "acknowledged": []})
    loads = [Load(node, tenants, clients=8) for node in (a, b)]
    for load in loads:
        load.start()
    time.sleep(4)
    for load in loads:
        load.stop()
    statuses = {}
    for load in loads:
        for status, count in load.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    check(set(statuses) <= {201, 429} and statuses.get(201, 0) > 0, f"answers under load: {statuses}")
    checked, lost = check_acknowledged(a, tenants)
    check(not lost, f"acknowledged intents lost or broken: {lost[:3]}")
    sessions = serving_sessions()
    check(sessions <= SERVER_SESSIONS, f"PostgreSQL had {sessions} serving sessions, more than PgBouncer's pool of {SERVER_SESSIONS}")

    # 2. A long-poll on A ends when B decides (a second admin decides: the first created the key).
    admin = tenants[0]["session"]
    call(a, "POST", "/v1/members", {"email": "second@pooled.example.com", "roles": ["admin"]}, admin)
    token = ""
    for _ in range(200):
        for path in pathlib.Path(mail).glob("*.eml"):
            text = path.read_text()
            if "To: second@pooled.example.com" in text and "X-Writ-Kind: member.invitation" in text:
                token = text.split("/invite#")[1].split()[0]
        if token:
            break
        time.sleep(0.05)
    status, joined, headers = call(b, "POST", "/v1/invitations/accept", {"token": token, "password": "second admin password"})
    check(status == 201, f"invitation accepted on node B: {status}")
    second = {"Cookie": headers.get("Set-Cookie", "").split(";")[0], "X-CSRF-Token": joined.get("csrf_token", "")}
    key = tenants[0]["key"]
    intent = call(b, "POST", "/v1/intents", {"action": "crm.update", "resource": "c/1"}, key)[1]["id"]
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

    # 3. A key revoked on B is refused on A within a second.
    agent = call(a, "GET", "/v1/agents", headers=admin)[1]["items"][0]["id"]
    revocable = call(a, "POST", "/v1/api-keys", {"name": "revocable", "agent_id": agent, "scopes": ["intents"]}, admin)[1]
    revocable_key = {"Authorization": "Bearer " + revocable["key"]}
    check(call(a, "GET", "/v1/me", headers=revocable_key)[0] == 200, "fresh key works on A")
    call(b, "DELETE", f"/v1/api-keys/{revocable['id']}", headers=admin)
    time.sleep(1.0)
    check(call(a, "GET", "/v1/me", headers=revocable_key)[0] == 401, "key revoked on B still works on A after 1 s")
finally:
    for process, _ in servers:
        process.send_signal(signal.SIGTERM)
    for process, _ in servers:
        process.wait(timeout=30)
    bouncer.send_signal(signal.SIGTERM)
    bouncer.wait(timeout=10)

print(f"pgbouncer_test: 2 nodes through PgBouncer (transaction mode, {SERVER_SESSIONS} server sessions): answers {statuses}; "
      f"{checked} acknowledged intents checked, {len(lost)} lost; at most {sessions} serving sessions in PostgreSQL; "
      f"long-poll across nodes {answer.get('seconds', 0):.2f} s; revocation seen on the other node within 1 s; {len(failures)} failures")
if failures:
    sys.exit("pgbouncer_test: " + "; ".join(failures))
