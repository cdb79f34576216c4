"""PostgreSQL crash test: under load from 16 clients over 4 tenants, `kill -9` the PostgreSQL
postmaster and every backend, keep the load on through the outage, start PostgreSQL again and
check that the same Writ process recovers without a restart: during the outage every answer is
a 503 problem with Retry-After (never a 500), afterwards submissions succeed again, and every
acknowledged intent exists with its warrant and audit event, every chain verifying.

Usage: postgres_kill_test.py WRIT_BINARY SOCKET_DIR DATABASE DATA_DIR PG_BINDIR
DATA_DIR is the cluster's data directory (its postmaster.pid names the process to kill).
Prints one summary line; exits non-zero on a wrong answer, a loss or no recovery.
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from served import Load, agent_key, call, check_acknowledged, environment, signup, start  # noqa: E402

binary, socket_dir, database, data_dir, pg_bindir = sys.argv[1:6]
server, node = start(binary, socket_dir, database, environment())
tenants = []
for index in range(4):
    admin = signup(node, f"Outage {index}", f"outage{index}@example.com")
    _, key = agent_key(node, admin, "loader")
    tenants.append({"session": admin, "key": key, "acknowledged": []})


def kill_postgres():
    """SIGKILL to the postmaster and all its children at once, as a crash of the machine would."""
    with open(os.path.join(data_dir, "postmaster.pid")) as pid_file:
        postmaster = int(pid_file.readline())
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(postmaster)], capture_output=True, text=True).stdout.split()
    for pid in [postmaster, *map(int, children)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for _ in range(100):
        alive = [pid for pid in [postmaster, *map(int, children)] if os.path.exists(f"/proc/{pid}")]
        if not alive:
            return
        time.sleep(0.05)


def start_postgres():
    command = [os.path.join(pg_bindir, "pg_ctl"), "-D", data_dir, "-l", os.path.join(os.path.dirname(data_dir), "postgres.log"),
               "-w", "-t", "60", "start"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


load = Load(node, tenants)
load.start()
time.sleep(1.5)
before = dict(load.statuses)
print("postgres_kill_test: killing PostgreSQL", file=sys.stderr)
kill_postgres()
time.sleep(3)
during = {status: count - before.get(status, 0) for status, count in load.statuses.items()}
outage_retry_after = load.retry_after
start_postgres()
restarted = time.monotonic()
recovered_after = None
while time.monotonic() - restarted < 30:
    acknowledged = sum(len(tenant["acknowledged"]) for tenant in tenants)
    time.sleep(0.5)
    if sum(len(tenant["acknowledged"]) for tenant in tenants) > acknowledged:
        recovered_after = time.monotonic() - restarted
        break
time.sleep(1)
load.stop()

failures = []
# 429 is the agent keys' rate limit, a correct answer under this load.
wrong = {status: count for status, count in load.statuses.items() if status not in (201, 429, 503)}
if wrong:
    failures.append(f"answers other than 201, 429 and 503: {wrong}")
if during.get(503, 0) == 0 or outage_retry_after == 0:
    failures.append(f"no 503 with Retry-After during the outage: {during}")
if recovered_after is None:
    failures.append("no submission succeeded within 30 s of PostgreSQL's restart")
if call(node, "GET", "/readyz")[0] != 200:
    failures.append("/readyz is not 200 after recovery")
checked, lost = check_acknowledged(node, tenants)
failures += lost
server.send_signal(signal.SIGTERM)
server.wait(timeout=30)
print(f"postgres_kill_test: PostgreSQL killed once; during the outage {during.get(503, 0)} answers 503 "
      f"({outage_retry_after} with Retry-After), {sum(v for k, v in during.items() if k not in (201, 429, 503))} other errors; "
      f"recovered {recovered_after and round(recovered_after, 1)} s after restart without restarting Writ; "
      f"{checked} acknowledged intents checked, {len(lost)} lost or broken")
if failures or checked == 0:
    sys.exit(f"postgres_kill_test: {failures[:5]}")
