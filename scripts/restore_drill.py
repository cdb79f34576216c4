"""Backup-and-restore drill: a fresh PostgreSQL cluster with WAL archiving, Writ serving three
tenants on it, a base backup (pg_basebackup, checked with pg_verifybackup), batch A of intents,
a named restore point, batch B (intents, an API key, a policy version), then a point-in-time
restore of the base backup and the archived WAL to the restore point on a new data directory.
Writ serving the restored cluster with the same WRIT_MASTER_KEY must have every batch-A intent
(approved, with its warrant claims) and nothing of batch B, every tenant's chain must verify on
the server and offline (`writ audit verify` of an export, `writ audit evidence` from the restored
database checked by `writ audit verify-evidence`), and a new intent must be accepted and chained.
The same backup is also restored to the time of the restore point and checked in SQL. Another
master key must not open the signing keys, and a node started with one must refuse to start.

Usage: restore_drill.py WRIT_BINARY WORK_DIR PG_BINDIR
Runs as root (PostgreSQL commands through `runuser -u postgres`) or as the clusters' owner.
Prints one summary line; exits non-zero when a check fails. Keeps WORK_DIR/drill-* on failure.
"""
import datetime
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from served import agent_key, call, environment, free_port, signup, start  # noqa: E402

NAME = "restore_drill"
binary, work_dir, pg_bindir = (os.path.abspath(argument) for argument in sys.argv[1:4])
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # served.start uses sql/ and web-static/
BATCH_A, BATCH_B, TENANTS = 50, 20, 3


def as_owner(command):
    """`command` as the clusters' owner: PostgreSQL refuses to run as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg(tool, *arguments, capture=False):
    result = subprocess.run(as_owner([os.path.join(pg_bindir, tool), *arguments]), capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{NAME}: {tool} {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip() if capture else None


def sql(socket_dir, query, database="writ"):
    """One statement as the superuser; its result as text (rows by line, columns by |)."""
    return pg("psql", "-X", "-h", socket_dir, "-U", "postgres", "-d", database, "-Atqc", query, capture=True)


def owned_directory(path):
    os.makedirs(path)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    os.chmod(path, 0o700)
    return path


def configure(data_dir, socket_dir, settings):
    """Appends settings to postgresql.conf (later lines win over the backup's copy of the primary's)."""
    lines = [f"unix_socket_directories = '{socket_dir}'", "listen_addresses = ''", "unix_socket_permissions = 0700", *settings]
    with open(os.path.join(data_dir, "postgresql.conf"), "a") as conf:
        conf.write("\n# restore drill\n" + "\n".join(lines) + "\n")


started_clusters, nodes = [], []


def start_cluster(data_dir):
    started_clusters.append(data_dir)
    pg("pg_ctl", "-D", data_dir, "-l", data_dir + ".log", "-w", "-t", "60", "start")


def stop_cluster(data_dir):
    """An immediate stop (a crash, as far as the data directory knows); the postmaster is killed if that fails."""
    if subprocess.run(as_owner([os.path.join(pg_bindir, "pg_ctl"), "-D", data_dir, "-m", "immediate", "-w", "stop"]),
                      capture_output=True).returncode != 0 and os.path.exists(os.path.join(data_dir, "postmaster.pid")):
        try:
            with open(os.path.join(data_dir, "postmaster.pid")) as pid_file:
                os.killpg(int(pid_file.readline()), signal.SIGKILL)  # the postmaster leads its backends' group
        except (ValueError, OSError):
            pass
    if data_dir in started_clusters:
        started_clusters.remove(data_dir)


def start_node(socket_dir, env):
    server, node = start(binary, socket_dir, "writ", env)
    nodes.append(server)
    return server, node


def stop_node(server):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    if server in nodes:
        nodes.remove(server)


def raw_get(node, path, headers):
    """(body bytes, headers) of a GET whose answer is not JSON (the NDJSON export)."""
    with urllib.request.urlopen(urllib.request.Request(node + path, headers=headers), timeout=60) as response:
        return response.read(), response.headers


def submit(node, tenant, label, count):
    """`count` T0 intents under the tenant's agent key; returns [(id, warrant)] of the 201s."""
    accepted = []
    for number in range(count):
        name = f"{label}-{number}"
        for _ in range(50):
            status, body, headers = call(node, "POST", "/v1/intents", {"action": "s3.objects.read", "resource": f"drill/{name}"},
                                         {**tenant["key"], "Idempotency-Key": name})
            if status != 429:
                break
            time.sleep(float(headers.get("Retry-After") or 1))
        if status != 201 or body.get("status") != "approved":
            sys.exit(f"{NAME}: intent {name} of {tenant['name']} answered {status} {body}")
        accepted.append((body["id"], body.get("warrant")))
    return accepted


def wait_archived(socket_dir, archive_dir, segment, timeout=30):
    """Waits until `segment` is in the archive (pg_stat_archiver says so, and the file is there)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        last = sql(socket_dir, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")
        if last >= segment and os.path.exists(os.path.join(archive_dir, segment)):
            return
        time.sleep(0.2)
    failed = sql(socket_dir, "SELECT failed_count, last_failed_wal FROM pg_stat_archiver")
    sys.exit(f"{NAME}: WAL segment {segment} not archived within {timeout} s (failed: {failed})")


def restore(name, target_settings):
    """A new data directory from the base backup, recovering from the archive up to the target
    and promoted; returns (data dir, socket dir, seconds from the copy's start to promotion)."""
    began = time.monotonic()
    data_dir, socket_dir = os.path.join(run_dir, name), owned_directory(os.path.join(run_dir, name + "-run"))
    subprocess.run(as_owner(["cp", "-a", backup_dir, data_dir]), check=True)
    os.remove(os.path.join(data_dir, "backup_manifest"))
    configure(data_dir, socket_dir, [
        f"restore_command = 'cp {archive_dir}/%f %p'", *target_settings, "recovery_target_action = 'promote'",
        # The restored cluster is a new timeline: it must not archive into the primary's archive.
        "archive_mode = off"])
    subprocess.run(as_owner(["touch", os.path.join(data_dir, "recovery.signal")]), check=True)
    start_cluster(data_dir)
    deadline = time.monotonic() + 60
    while sql(socket_dir, "SELECT pg_is_in_recovery()", "postgres") != "f":
        if time.monotonic() > deadline:
            sys.exit(f"{NAME}: {name} still in recovery after 60 s; see {data_dir}.log")
        time.sleep(0.1)
    return data_dir, socket_dir, time.monotonic() - began


def wrong_key_refused(socket_dir, env):
    """Whether a node started with a master key that did not seal the database refuses to start,
    naming WRIT_MASTER_KEY (instead of serving with every key and session refused)."""
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--no-migrate", "--database-url", f"postgresql://writ_app@/writ?host={socket_dir}",
                               "--http-address", f"127.0.0.1:{port}", "--migrations-dir", "sql", "--static-dir", "web-static"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    nodes.append(server)
    try:
        _, error = server.communicate(timeout=60)
        return server.returncode != 0 and "WRIT_MASTER_KEY" in error
    except subprocess.TimeoutExpired:
        return False
    finally:
        stop_node(server)


def uuid_array(ids):
    return "ARRAY[" + ",".join(f"'{i}'" for i in ids) + "]::uuid[]"


os.makedirs(work_dir, exist_ok=True)
os.chmod(work_dir, 0o755)  # the postgres user must traverse it
run_dir = tempfile.mkdtemp(prefix="drill-", dir=work_dir)
os.chmod(run_dir, 0o755)
if os.geteuid() == 0:
    shutil.chown(run_dir, "postgres", "postgres")  # initdb, pg_basebackup and cp make their directories in it
primary_dir, primary_socket = os.path.join(run_dir, "primary"), owned_directory(os.path.join(run_dir, "primary-run"))
archive_dir, backup_dir = owned_directory(os.path.join(run_dir, "archive")), os.path.join(run_dir, "backup")
env = environment()  # once: the restored nodes must open what these sealed with the same master key
failures, notes = [], []
try:
    # 1. The primary: fsync on, every WAL segment copied to the archive (never over an archived one).
    pg("initdb", "-D", primary_dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--data-checksums")
    configure(primary_dir, primary_socket, ["fsync = on", "wal_level = replica", "archive_mode = on",
                                            f"archive_command = 'test ! -f {archive_dir}/%f && cp %p {archive_dir}/%f'"])
    start_cluster(primary_dir)
    pg("createdb", "-h", primary_socket, "-U", "postgres", "writ")

    # 2. Writ on it, three tenants, each with an agent key.
    server, node = start_node(primary_socket, env)
    tenants = []
    for index in range(TENANTS):
        admin = signup(node, f"Drill {index}", f"drill{index}@example.com")
        agent, key = agent_key(node, admin, "drill-agent")
        me = call(node, "GET", "/v1/me", headers=admin)[1]
        tenants.append({"name": f"Drill {index}", "id": me["tenant"]["id"], "session": admin, "agent": agent, "key": key})

    # 3. The base backup: plain format with its WAL streamed, a SHA-256 manifest, checked at once.
    pg("pg_basebackup", "-h", primary_socket, "-U", "postgres", "-D", backup_dir, "-Fp", "-X", "stream",
       "--checkpoint=fast", "--manifest-checksums=SHA256", "--label=writ-drill")
    pg("pg_verifybackup", backup_dir)
    backup_bytes = sum(os.path.getsize(path) for path in glob.glob(os.path.join(backup_dir, "**"), recursive=True) if os.path.isfile(path))

    # 4. Batch A, the restore point (and its time), batch B with an API key and a policy version per tenant.
    for tenant in tenants:
        tenant["a_label"] = f"a-{tenant['id'][:8]}"
        tenant["a"] = submit(node, tenant, tenant["a_label"], BATCH_A)
        tenant["policy_before"] = call(node, "GET", "/v1/policy", headers=tenant["session"])[1]
    point_lsn, point_time = sql(primary_socket, "SELECT pg_create_restore_point('writ-drill'), clock_timestamp()").split("|")
    wait_archived(primary_socket, archive_dir, sql(primary_socket, "SELECT pg_walfile_name(pg_switch_wal())"))
    for tenant in tenants:
        tenant["b_label"] = f"b-{tenant['id'][:8]}"
        tenant["b"] = submit(node, tenant, tenant["b_label"], BATCH_B)
        status, created, _ = call(node, "POST", "/v1/api-keys", {"name": "batch-b", "agent_id": tenant["agent"], "scopes": ["intents"]},
                                  tenant["session"])
        assert status == 201, created
        tenant["b_key"] = created
        document = dict(tenant["policy_before"]["document"])
        document["rules"] = [*document["rules"], {"id": "batch-b", "match": {"action": "drill.b"}, "effect": "deny"}]
        status, saved, _ = call(node, "PUT", "/v1/policy?comment=batch-b", document, tenant["session"])
        assert status in (200, 201), (status, saved)
        # The chain as an outside copy would hold it now (an export, an event stream, a webhook receiver).
        tenant["export_before"] = raw_get(node, "/v1/audit/export", tenant["session"])[0].splitlines()
        with open(os.path.join(run_dir, f"export-before-{tenant['id']}.ndjson"), "wb") as out:
            out.write(b"\n".join(tenant["export_before"]) + b"\n")
    wait_archived(primary_socket, archive_dir, sql(primary_socket, "SELECT pg_walfile_name(pg_switch_wal())"))
    archived = len([f for f in os.listdir(archive_dir) if len(f) == 24])

    # 5. The disaster: Writ stopped, the primary crashed. Restore to the named point.
    stop_node(server)
    stop_cluster(primary_dir)
    restored_dir, restored_socket, restore_seconds = restore("restored", ["recovery_target_name = 'writ-drill'"])
    with open(restored_dir + ".log") as log:
        if "recovery stopping at restore point \"writ-drill\"" not in log.read():
            failures.append("the restored cluster's log does not say it stopped at the restore point")

    # Where each chain's head is in the restored database, before a restored node appends anything.
    heads = dict(line.split("|") for line in sql(restored_socket, "SELECT tenant_id, seq FROM writ.audit_heads").splitlines())

    # 6. Writ on the restored cluster with the same master key: batch A whole, batch B absent.
    server, node = start_node(restored_socket, env)
    url = f"postgresql://writ_app@/writ?host={restored_socket}"
    checked = 0
    for tenant in tenants:
        label = tenant["name"]
        for intent, _ in tenant["a"]:
            status, state, _ = call(node, "GET", f"/v1/intents/{intent}", headers=tenant["session"])
            checked += 1
            if status != 200 or state.get("status") != "approved" or "warrant_claims" not in state:
                failures.append(f"{label}: batch-A intent {intent} answered {status} {state.get('status')}")
        for intent, _ in tenant["b"]:
            status = call(node, "GET", f"/v1/intents/{intent}", headers=tenant["session"])[0]
            checked += 1
            if status != 404:
                failures.append(f"{label}: batch-B intent {intent} answered {status}, not 404")
        # Warrants: batch A's still verify (the signing keys opened with the master key); batch B's are unknown.
        verdict = call(node, "POST", "/v1/warrants/verify", {"warrant": tenant["a"][-1][1], "tenant_id": tenant["id"]})[1]
        if not verdict.get("valid"):
            failures.append(f"{label}: a batch-A warrant does not verify: {verdict}")
        verdict = call(node, "POST", "/v1/warrants/verify", {"warrant": tenant["b"][0][1], "tenant_id": tenant["id"]})[1]
        if verdict.get("valid") or verdict.get("reason") != "unknown_warrant":
            failures.append(f"{label}: a batch-B warrant answered {verdict}, not unknown_warrant")
        # The batch-B key and policy version are gone.
        keys = call(node, "GET", "/v1/api-keys", headers=tenant["session"])[1].get("items")
        if [key["name"] for key in keys or []] != ["drill-agent"]:
            failures.append(f"{label}: the API keys after the restore are {keys}, not only the agent's from before the backup")
        if call(node, "GET", "/v1/me", headers={"Authorization": f"Bearer {tenant['b_key']['key']}"})[0] != 401:
            failures.append(f"{label}: the batch-B API key still authenticates")
        policy = call(node, "GET", "/v1/policy", headers=tenant["session"])[1]
        if policy.get("version") != tenant["policy_before"]["version"] or any(rule["id"] == "batch-b" for rule in policy["document"]["rules"]):
            failures.append(f"{label}: the policy is version {policy.get('version')}, not {tenant['policy_before']['version']}")
        # The chain: on the server, and offline from an export and from an evidence pack written from the database.
        verdict = call(node, "GET", "/v1/audit/verify", headers=tenant["session"], timeout=60)[1]
        if not verdict.get("valid"):
            failures.append(f"{label}: /v1/audit/verify after the restore: {verdict}")
        export_path, jwks_path = os.path.join(run_dir, f"export-{tenant['id']}.ndjson"), os.path.join(run_dir, f"jwks-{tenant['id']}.json")
        export, headers = raw_get(node, "/v1/audit/export", tenant["session"])
        with open(export_path, "wb") as out:
            out.write(export)
        with open(jwks_path, "wb") as out:
            out.write(raw_get(node, f"/v1/tenants/{tenant['id']}/jwks.json", {})[0])
        result = subprocess.run([binary, "audit", "verify", export_path, "--jwks", jwks_path,
                                 "--from-seq", headers.get("Writ-Audit-From-Seq", "1")], capture_output=True, text=True)
        if result.returncode != 0:
            failures.append(f"{label}: writ audit verify exited {result.returncode}: {result.stderr.strip()}")
        # The restored chain is the old one cut exactly between batch A and batch B (a restored node
        # may have appended a checkpoint since: "every 60 seconds while the chain grows").
        tenant["head"] = head = int(heads[tenant["id"]])
        restored, before = export.splitlines(), tenant["export_before"]
        b_resources = {f"drill/{tenant['b_label']}-{n}" for n in range(BATCH_B)}
        after_head = [json.loads(line) for line in before[head:]]
        if restored[:head] != before[:head] or any(json.loads(line)["type"] != "audit.checkpoint" for line in restored[head:]):
            failures.append(f"{label}: the restored chain is not the old one up to its head {head}")
        elif any(json.loads(line)["data"].get("resource") in b_resources for line in before[:head]) or \
                not any(event["data"].get("resource") in b_resources for event in after_head) or \
                not any(json.loads(line)["data"].get("resource") == f"drill/{tenant['a_label']}-{BATCH_A - 1}" for line in before[:head]):
            failures.append(f"{label}: the restored head {head} is not between batch A and batch B")
        now = datetime.datetime.now(datetime.timezone.utc)
        pack_path = os.path.join(run_dir, f"evidence-{tenant['id']}.zip")
        result = subprocess.run([binary, "audit", "evidence", "--tenant", tenant["id"], "--since", (now - datetime.timedelta(hours=1)).isoformat(),
                                 "--until", (now + datetime.timedelta(hours=1)).isoformat(), "--output", pack_path],
                                env=dict(env, WRIT_DATABASE_URL=url), capture_output=True, text=True)
        if result.returncode == 0:
            result = subprocess.run([binary, "audit", "verify-evidence", pack_path, "--jwks", jwks_path], capture_output=True, text=True)
        if result.returncode != 0:
            failures.append(f"{label}: writ audit evidence / verify-evidence exited {result.returncode}: {result.stderr.strip()[-300:]}")

    # The restored node goes on: a new intent is accepted and chained after the restored head.
    for tenant in tenants:
        intent = submit(node, tenant, f"c-{tenant['id'][:8]}", 1)[0][0]
        verdict = call(node, "GET", "/v1/audit/verify", headers=tenant["session"], timeout=60)[1]
        if call(node, "GET", f"/v1/intents/{intent}", headers=tenant["session"])[0] != 200 or not verdict.get("valid"):
            failures.append(f"{tenant['name']}: after a new intent on the restored node: {verdict}")
        after = raw_get(node, "/v1/audit/export", tenant["session"])[0].splitlines()
        if after[:tenant["head"]] != tenant["export_before"][:tenant["head"]]:
            failures.append(f"{tenant['name']}: the restored chain changed below its head")
        # Expected of any point-in-time restore, worth knowing: copies taken before it disagree past the head.
        head, before = tenant["head"], tenant["export_before"]
        tenant["forked"] = head < min(len(after), len(before)) and after[head] != before[head]
    stop_node(server)
    # Another master key: the CLI must refuse to open the signing keys, and a node refuses to start.
    wrong_env = environment()
    wrong = subprocess.run([binary, "audit", "evidence", "--tenant", tenants[0]["id"], "--since", "2000-01-01T00:00:00Z",
                            "--until", "2100-01-01T00:00:00Z", "--output", os.path.join(run_dir, "wrong-key.zip")],
                           env=dict(wrong_env, WRIT_DATABASE_URL=url), capture_output=True, text=True)
    if wrong.returncode == 0:
        failures.append("writ audit evidence wrote a pack with another master key")
    if not wrong_key_refused(restored_socket, wrong_env):
        failures.append("writ serve started with another master key than the one that sealed the database")
    a_ids = [intent for tenant in tenants for intent, _ in tenant["a"]]
    b_ids = [intent for tenant in tenants for intent, _ in tenant["b"]]
    stop_cluster(restored_dir)

    # The same backup restored to the time of the restore point instead, checked in SQL.
    timed_dir, timed_socket, timed_seconds = restore("restored-by-time", [f"recovery_target_time = '{point_time}'"])
    present = sql(timed_socket, f"SELECT count(*) FILTER (WHERE id = ANY({uuid_array(a_ids)})), count(*) FILTER (WHERE id = ANY({uuid_array(b_ids)})) "
                  "FROM writ.intents")
    keys = sql(timed_socket, "SELECT count(*) FROM writ.api_keys WHERE id = ANY(" +
               uuid_array([tenant["b_key"]["id"] for tenant in tenants]) + ")")
    with open(timed_dir + ".log") as log:
        if "recovery stopping before commit of transaction" not in log.read():
            failures.append("the cluster restored by time does not say where it stopped")
    if present != f"{len(a_ids)}|0" or keys != "0":
        failures.append(f"time-based restore: batch A|B intents present {present}, batch-B keys {keys}")
    stop_cluster(timed_dir)
finally:
    for server in list(nodes):
        stop_node(server)
    for data_dir in list(started_clusters):
        stop_cluster(data_dir)

forked = sum(tenant["forked"] for tenant in tenants)
print(f"{NAME}: base backup {backup_bytes / 2**20:.1f} MiB (pg_verifybackup ok), {archived} WAL segments archived; "
      f"batch A {BATCH_A}x{TENANTS} intents, batch B {BATCH_B}x{TENANTS} intents + an API key and a policy version per tenant; "
      f"restored to restore point 'writ-drill' ({point_lsn}) in {restore_seconds:.1f} s (to its time in {timed_seconds:.1f} s); "
      f"checked {checked} intents (batch A approved with warrant claims, batch B 404), batch B's keys, policy versions and warrants, "
      f"{TENANTS} chains by /v1/audit/verify, writ audit verify and writ audit evidence + verify-evidence (same master key), "
      f"a new intent on each restored node ({forked} of {TENANTS} chains now fork from copies taken before the restore); "
      f"{len(failures)} failures")
for note in notes:
    print(f"{NAME}: note: {note}", file=sys.stderr)
if failures:
    sys.exit(f"{NAME}: {failures[:5]} (kept {run_dir})")
shutil.rmtree(run_dir, ignore_errors=True)
