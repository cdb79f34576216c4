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
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from served import Load, agent_key, check_acknowledged, environment, signup, start  # noqa: E402

binary, socket_dir, database, kills = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
env = environment()
server, node = start(binary, socket_dir, database, env)
tenants = []
for index in range(4):
    admin = signup(node, f"Crash {index}", f"crash{index}@example.com")
    _, key = agent_key(node, admin, "loader")
    tenants.append({"session": admin, "key": key, "acknowledged": []})

load = Load(node, tenants)
for kill in range(kills):
    load.start(node)
    time.sleep(random.uniform(1.0, 3.0))
    server.send_signal(signal.SIGKILL)
    server.wait()
    time.sleep(0.3)
    load.stop()
    server, node = start(binary, socket_dir, database, env)

checked, lost = check_acknowledged(node, tenants)
server.send_signal(signal.SIGTERM)
server.wait(timeout=30)
print(f"crash_test: {kills} kill -9 survived, {checked} acknowledged intents checked over {len(tenants)} tenants, "
      f"{len(lost)} lost or broken")
if lost or checked == 0:
    sys.exit(f"crash_test: lost {lost[:5]}")
