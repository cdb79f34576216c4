"""High-availability test: one `writ serve` on a PostgreSQL pair under Patroni (etcd, synchronous
mode, pg_rewind), reached through a libpq multi-host URL with target_session_attrs=read-write.
Under load (16 clients submitting T0 intents over 4 tenants, and an agent submitting T1 intents
that a second admin approves at once):
1. failover: `kill -9` of the primary's Patroni and postmaster at once (its backends then end
   themselves, telling their clients); Patroni promotes the standby and the same Writ process
   carries on: from the kill to its first 201 every answer is a 503 with Retry-After (or the
   key's 429), never a 500;
2. afterwards every acknowledged intent and approval is there with its warrant and events, every
   chain verifies, and on the node that went through the failover a long-poll is woken by a
   decision and a revoked key is refused (decided and revoked on that node and on a second one);
3. the old primary rejoins as the synchronous standby (pg_rewind through Patroni);
4. a planned `patronictl switchover` to it under the same load: only 201, 429 and 503, nothing lost;
5. a second failover, back, checked like the first, this time also killing every backend (a
   crash of the machine: the sessions just break); then everything is checked again.

Usage: ha_test.py WRIT_BINARY WORK_DIR PG_BINDIR
WORK_DIR (emptied first; the postgres user must reach it) holds etcd, both members' data
directories, their patroni.log (PostgreSQL's log too) and answers.tsv, every request under load
with its times and answer. With WRIT_TEST_SERVER_LOG set the nodes log there, at level warning
unless WRIT_LOG_LEVEL says otherwise.
Prints one summary line; exits non-zero on a wrong answer, a loss, or no recovery.
"""
import atexit
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ha_cluster import Cluster, free_ports  # noqa: E402
from served import Load, agent_key, call, check_acknowledged, environment, signup  # noqa: E402

binary, work_dir, pg_bindir = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
began = time.monotonic()
failures = []
servers = []
workers = []  # the load's and the decider's running flags, cleared on the way out
answers = []  # (sent, received, kind, status, Retry-After present or the error) of every request under load


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"ha_test: FAILED: {message}", file=sys.stderr)
    return condition


def note(message):
    print(f"ha_test: {time.monotonic() - began:6.1f} s  {message}", file=sys.stderr)


def stop_servers():
    for process in servers:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()


def start_writ(hosts, env):
    """A node serving through the multi-host URL (both URLs: the serving role and the migrating
    superuser); returns its base URL once ready. Its log goes where served.start sends it. A node
    that exits at once (its port taken meanwhile) is started again on another port."""
    query = "target_session_attrs=read-write&connect_timeout=2"
    for _ in range(5):
        port, = free_ports(1)
        command = [binary, "serve", "--database-url", f"postgresql://writ_app@{hosts}/writ?{query}",
                   "--migrate-database-url", f"postgresql://postgres@{hosts}/writ?{query}",
                   "--http-address", f"127.0.0.1:{port}", "--migrations-dir", os.path.join(root, "sql"),
                   "--static-dir", os.path.join(root, "web-static")]
        log = open(os.environ["WRIT_TEST_SERVER_LOG"], "a") if os.environ.get("WRIT_TEST_SERVER_LOG") else subprocess.DEVNULL
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        servers.append(process)
        node = f"http://127.0.0.1:{port}"
        for _ in range(600):
            if process.poll() is not None:
                break
            try:
                if call(node, "GET", "/readyz", timeout=1)[0] == 200:
                    return node
            except OSError:
                pass
            time.sleep(0.05)
        if process.poll() is None:
            break
    raise RuntimeError(f"the server did not become ready (exit code {process.poll()})")


class TimedLoad(Load):
    """served.Load, each answer also recorded in `answers` as (sent, received, kind, status,
    Retry-After present); status None when no answer came within the client's 5 s."""

    def __init__(self, node, tenants, answers, clients=16):
        super().__init__(node, tenants, clients)
        self.answers = answers
        workers.append(self.running)

    def _client(self, number):
        tenant = self.tenants[number % len(self.tenants)]
        sequence = 0
        while self.running.is_set():
            sequence += 1
            name = f"r{self.round}-c{number}-{sequence}"
            sent = time.monotonic()
            try:
                status, body, headers = call(self.node, "POST", "/v1/intents", {"action": "s3.objects.read", "resource": f"b/{name}"},
                                             {**tenant["key"], "Idempotency-Key": name}, timeout=5)
            except (OSError, ValueError) as error:
                self.answers.append((sent, time.monotonic(), "intent T0", None, repr(error)))
                time.sleep(0.02)
                continue
            self.answers.append((sent, time.monotonic(), "intent T0", status, bool(headers.get("Retry-After"))))
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status == 201:
                    tenant["acknowledged"].append(body["id"])
                elif status == 503 and headers.get("Retry-After"):
                    self.retry_after += 1
            if status == 503:
                time.sleep(0.05)


class Decider:
    """An agent submitting T1 intents (`crm.update`: T1 under the starter policy), each under its
    own Idempotency-Key and sent again after a 503 or 429, that a second admin approves at once.
    `submitted` collects the acknowledged intents, `approved` those whose approval was
    acknowledged (200), `ambiguous` those whose approval answered 409 "already decided" after an
    attempt that got no answer or a 503 (that attempt committed: the intent must be approved)."""

    def __init__(self, node, tenant, answers):
        self.node, self.tenant, self.answers = node, tenant, answers
        self.running = threading.Event()
        self.submitted, self.approved, self.ambiguous, self.problems, self.round = [], [], [], [], 0
        workers.append(self.running)

    def start(self):
        self.round += 1
        self.running.set()
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def stop(self):
        self.running.clear()
        self.thread.join()

    def _call(self, kind, method, path, body, headers):
        sent = time.monotonic()
        try:
            status, answer, response_headers = call(self.node, method, path, body, headers, timeout=5)
        except (OSError, ValueError) as error:
            self.answers.append((sent, time.monotonic(), kind, None, repr(error)))
            return None, {}
        self.answers.append((sent, time.monotonic(), kind, status, bool(response_headers.get("Retry-After"))))
        return status, answer

    def _run(self):
        sequence = 0
        while self.running.is_set():
            sequence += 1
            name = f"t1-r{self.round}-{sequence}"
            intent = None
            while self.running.is_set() and intent is None:
                status, body = self._call("intent T1", "POST", "/v1/intents", {"action": "crm.update", "resource": f"c/{name}"},
                                          {**self.tenant["key"], "Idempotency-Key": name})
                if status == 201 and body.get("status") == "pending_approval":
                    intent = body["id"]
                elif status in (None, 429, 503):
                    time.sleep(0.1)
                else:
                    self.problems.append(("T1 intent", status, body.get("status"), body.get("detail")))
                    break
            if intent is None:
                continue
            self.submitted.append(intent)
            unanswered = False
            while self.running.is_set():
                status, body = self._call("decision again" if unanswered else "decision", "POST", f"/v1/intents/{intent}/decisions",
                                          {"decision": "approve"}, self.tenant["approver"])
                if status == 200 and body.get("status") == "approved":
                    self.approved.append(intent)
                elif status == 409 and unanswered:
                    self.ambiguous.append(intent)
                elif status in (None, 503):
                    unanswered = True
                    time.sleep(0.1)
                    continue
                else:
                    self.problems.append(("decision", intent, status, body.get("status"), body.get("detail")))
                break


def invite_admin(node, admin, mail, email):
    """Invites a second admin (read from the mailed invitation, as nodes_test does); returns the
    session headers of the accepted invitation."""
    status, body, _ = call(node, "POST", "/v1/members", {"email": email, "roles": ["admin"]}, admin)
    assert status == 201, (status, body)
    token = ""
    for _ in range(300):
        for path in pathlib.Path(mail).glob("*.eml"):
            text = path.read_text()
            if f"To: {email}" in text and "X-Writ-Kind: member.invitation" in text:
                token = text.split("/invite#")[1].split()[0]
        if token:
            break
        time.sleep(0.05)
    status, joined, headers = call(node, "POST", "/v1/invitations/accept", {"token": token, "password": "second admin password"})
    assert status == 201, (status, joined)
    return {"Cookie": headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": joined["csrf_token"]}


def outage(label, action, load, decider):
    """Runs `action` under load: a kill, returning when it was sent and when Patroni's new primary
    took writes, or a switchover, returning when it was asked for and when it was done. A failover's
    gap runs from the kill to the first success (201, or 200 for a decision) of a request sent
    after it; a switchover's (the old primary serves until Patroni stops it) from the first 503 to
    the first success of a request sent after the last 503. In the gap every answer is a 503 with
    Retry-After, a 429, or a success. Returns the measurements."""
    load.start()
    decider.start()
    time.sleep(2)
    mark = len(answers)
    started, promoted = action()
    failover = label.startswith("failover")
    recovered = None
    while time.monotonic() - started < 90 and recovered is None:
        time.sleep(0.1)
        after = started if failover else promoted
        recovered = next((received for sent, received, _, status, _ in answers[mark:] if status in (200, 201) and sent >= after), None)
    time.sleep(2)  # load on the recovered node
    load.stop()
    decider.stop()
    phase = answers[mark:]
    result = {"label": label, "promoted": promoted - started, "gap": None, "window": {}, "wrong": {}, "phase": {}}
    for _, _, _, status, _ in phase:
        result["phase"][status] = result["phase"].get(status, 0) + 1
    if not check(recovered is not None, f"{label}: no success within 90 s"):
        return result
    if failover:
        origin, end = started, recovered
    else:
        refused = [sent for sent, _, _, status, _ in phase if status == 503]
        origin = min(refused, default=recovered)
        end = next((received for sent, received, _, status, _ in phase if status in (200, 201) and sent >= max(refused, default=origin)),
                   recovered)
    result["gap"] = max(0.0, end - origin)
    for sent, received, kind, status, retry_after in phase:
        if origin <= received <= end:
            result["window"][status] = result["window"].get(status, 0) + 1
            # A failover's gap ends at the first success sent after the kill: any success in it was
            # sent before. A switchover's gap may hold the old primary's last successes.
            if not (status == 503 and retry_after is True or status in (200, 201, 429)):
                key = f"{kind} {status}" + (" without Retry-After" if status == 503 else "")
                result["wrong"][key] = result["wrong"].get(key, 0) + 1
    check(not result["wrong"], f"{label}: answers other than 503 with Retry-After or 429 in the gap: {result['wrong']}")
    if failover:
        check(result["window"].get(503, 0) > 0, f"{label}: no 503 during the outage: {result['window']}")
        # Before the new primary leaves recovery there is nothing to commit to: a success then would
        # be a write taken by something else (the promotion is seen within a few tenths of a second).
        early = [(round(sent - started, 2), kind, status) for sent, received, kind, status, _ in phase
                 if status in (200, 201) and sent >= started and received < promoted - 1.0]
        check(not early, f"{label}: successes before the new primary took writes: {early[:5]}")
    note(f"{label}: the new primary writable after {result['promoted']:.1f} s, gap {result['gap']:.1f} s; answers in the gap "
         f"{result['window']}, in the whole phase {result['phase']}")
    return result


def check_all_answers(answers):
    """Over the whole run: intents get 201, 429 or 503 (with Retry-After), decisions 200 or 503
    (a retried one also 409: the unanswered attempt committed); every request gets an answer."""
    allowed = {"intent T0": (201, 429, 503), "intent T1": (201, 429, 503), "decision": (200, 503), "decision again": (200, 409, 503)}
    wrong, unanswered = {}, {}
    for _, _, kind, status, retry_after in answers:
        if status is None:
            unanswered[retry_after] = unanswered.get(retry_after, 0) + 1
        elif status not in allowed[kind] or (status == 503 and retry_after is not True):
            key = f"{kind} {status}" + (" without Retry-After" if status == 503 else "")
            wrong[key] = wrong.get(key, 0) + 1
    check(not wrong, f"answers outside 201/429/503 with Retry-After: {wrong}")
    check(not unanswered, f"requests without an answer within 5 s: {sum(unanswered.values())} ({list(unanswered)[:3]})")
    return wrong, unanswered


def check_intents(node, tenants, decision_tenant, decider, since):
    """Every intent acknowledged since the marks `since` (per tenant; None: all) exists with its
    warrant and event and every chain verifies (served.check_acknowledged, a thread per tenant);
    every acknowledged T1 submission exists, every acknowledged approval is approved with its
    warrant claims and intent.approved event. Returns (intents checked, problems)."""
    results = [None] * len(tenants)

    def one(index):
        tenant = tenants[index]
        start = since[index] if since else 0
        results[index] = check_acknowledged(node, [{**tenant, "acknowledged": tenant["acknowledged"][start:]}])

    threads = [threading.Thread(target=one, args=(index,)) for index in range(len(tenants))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = sum(result[0] for result in results)
    problems = [problem for result in results for problem in result[1]]
    session = decision_tenant["session"]
    first = since[-1] if since else 0
    approved = set(decider.approved) | set(decider.ambiguous)
    for intent in decider.submitted[first:]:
        checked += 1
        status, state, _ = call(node, "GET", f"/v1/intents/{intent}", headers=session)
        if intent in approved:
            events = call(node, "GET", f"/v1/audit?type=intent.approved&subject={intent}", headers=session)[1]
            if status != 200 or state.get("status") != "approved" or "warrant_claims" not in state or not events.get("items"):
                problems.append(("approval", intent, status, state.get("status"), len(events.get("items", []))))
        elif status != 200 or state.get("status") not in ("pending_approval", "approved"):
            problems.append(("T1", intent, status, state.get("status")))
    verdict = call(node, "GET", "/v1/audit/verify", headers=session, timeout=60)[1]
    if not verdict.get("valid"):
        problems.append(f"chain of the decisions tenant: {verdict}")
    return checked, problems


def check_wakeups(label, a, b, tenant, agent):
    """On node A (the one under load): a long-poll woken by a decision made on A, one woken by a
    decision made on B (through A's listener); a key revoked on A refused at once on A, a key
    revoked on B refused on A within a second. Returns the long-polls' seconds."""
    seconds, slug = [], label.replace(" ", "-")
    for decided_on in (a, b):
        where = "A" if decided_on == a else "B"
        status, intent, _ = call(a, "POST", "/v1/intents", {"action": "crm.update", "resource": f"c/{slug}-{where}"}, tenant["key"])
        if not check(status == 201, f"{label}: T1 intent for the long-poll: {status} {intent}"):
            continue
        answer = {}

        def poll():
            started = time.monotonic()
            answer["result"] = call(a, "GET", f"/v1/intents/{intent['id']}?wait=20", headers=tenant["key"], timeout=30)
            answer["seconds"] = time.monotonic() - started

        waiter = threading.Thread(target=poll)
        waiter.start()
        time.sleep(0.5)
        decision = call(decided_on, "POST", f"/v1/intents/{intent['id']}/decisions", {"decision": "approve"}, tenant["approver"])
        check(decision[0] == 200, f"{label}: decision on node {where}: {decision[0]} {decision[1]}")
        waiter.join()
        status, state, _ = answer.get("result", (None, {}, None))
        check(status == 200 and state.get("status") == "approved",
              f"{label}: long-poll on A, decided on {where}: {status} {state.get('status')} {state.get('detail', '')}")
        check(answer.get("seconds", 99) < 5, f"{label}: long-poll on A, decided on {where}, took {answer.get('seconds', 0):.1f} s")
        seconds.append(answer.get("seconds", 0))
    for revoker in (a, b):
        where = "A" if revoker == a else "B"
        status, key, _ = call(a, "POST", "/v1/api-keys", {"name": f"revocable-{slug}-{where}", "agent_id": agent, "scopes": ["intents"]},
                              tenant["session"])
        if not check(status == 201, f"{label}: new key: {status} {key}"):
            continue
        bearer = {"Authorization": "Bearer " + key["key"]}
        check(call(a, "GET", "/v1/me", headers=bearer)[0] == 200, f"{label}: a fresh key does not work on A")
        status = call(revoker, "DELETE", f"/v1/api-keys/{key['id']}", headers=tenant["session"])[0]
        check(status in (200, 204), f"{label}: revoking a key on {where}: {status}")
        if revoker == b:
            time.sleep(1.0)
        status = call(a, "GET", "/v1/me", headers=bearer)[0]
        check(status == 401, f"{label}: a key revoked on {where} still answers {status} on A" + (" after 1 s" if revoker == b else ""))
    for node, name in ((a, "A"), (b, "B")):
        status, body, _ = call(node, "GET", "/readyz")
        check(status == 200, f"{label}: /readyz on {name}: {status} {body}")
    return seconds


def main():
    atexit.register(stop_servers)
    shutil.rmtree(work_dir, ignore_errors=True)
    cluster = Cluster(work_dir, pg_bindir)
    try:
        run(cluster)
    except (RuntimeError, AssertionError, OSError, subprocess.SubprocessError) as error:
        check(False, f"stopped: {error!r} (logs: {work_dir}/etcd.log, {work_dir}/pg*/patroni.log, $WRIT_TEST_SERVER_LOG)")
    finally:
        for running in workers:
            running.clear()
        stop_servers()
        cluster.stop()
        if os.path.isdir(work_dir):
            with open(os.path.join(work_dir, "answers.tsv"), "w") as table:  # for a failure's post-mortem
                table.write("sent\treceived\tkind\tstatus\tretry_after_or_error\n")
                for sent, received, kind, status, extra in list(answers):
                    table.write(f"{sent - began:.3f}\t{received - began:.3f}\t{kind}\t{status}\t{extra}\n")


def run(cluster):
    leader = cluster.start()
    note(f"etcd and Patroni up: {leader.name} leads, {cluster.other(leader).name} is its synchronous standby")
    hosts = ",".join(f"127.0.0.1:{member.port}" for member in cluster.members)
    mail = os.path.join(work_dir, "mail")
    os.makedirs(mail)
    env = environment(WRIT_MAIL_DIR=mail)
    env["WRIT_LOG_LEVEL"] = os.environ.get("WRIT_LOG_LEVEL", "warning")
    a = start_writ(hosts, env)  # migrates
    b = start_writ(hosts, env)  # only for decisions and revocations seen from A
    tenants = []
    for index in range(4):
        admin = signup(a, f"Failover {index}", f"failover{index}@example.com")
        _, key = agent_key(a, admin, "loader")
        tenants.append({"session": admin, "key": key, "acknowledged": []})
    admin = signup(a, "Decisions", "decisions@example.com")
    agent, key = agent_key(a, admin, "approved")
    # The first admin created the agent's key and may never approve its intents: a second one does.
    decision_tenant = {"session": admin, "key": key, "approver": invite_admin(a, admin, mail, "approver@example.com"), "acknowledged": []}
    load = TimedLoad(a, tenants, answers)
    decider = Decider(a, decision_tenant, answers)
    note(f"two nodes up ({a} under load, {b}), 5 tenants")

    results, checks, long_polls = [], [], []

    def marks():
        return [len(tenant["acknowledged"]) for tenant in tenants] + [len(decider.submitted)]

    def failover(backends):
        def action():
            primary = cluster.leader()
            killed = cluster.kill(primary, backends=backends)
            note(f"killed {primary.name}'s Patroni and postmaster" + (" and every backend" if backends else ""))
            successor = cluster.wait_leader(60, not_member=primary)
            note(f"{successor.name} holds the leader lock")
            cluster.wait_writable(successor, 30)
            return killed, time.monotonic()
        return action

    def after(label, since):
        check(all(process.poll() is None for process in servers), f"{label}: a node exited: {[p.poll() for p in servers]}")
        checked, problems = check_intents(a, tenants, decision_tenant, decider, since)
        check(not problems, f"{label}: {len(problems)} acknowledged intents lost or broken: {problems[:5]}")
        long_polls.extend(check_wakeups(label, a, b, decision_tenant, agent))
        checks.append((label, checked, len(problems)))
        note(f"{label}: {checked} acknowledged intents checked, {len(problems)} lost or broken")

    since = marks()
    results.append(outage("failover 1", failover(backends=False), load, decider))
    after("after failover 1", since)

    old = next(member for member in cluster.members if member is not cluster.leader())
    rejoin_started = time.monotonic()
    cluster.start_member(old)
    cluster.wait_synchronous(old, 120)
    rejoined = time.monotonic() - rejoin_started
    rewound = "running pg_rewind" in pathlib.Path(old.log).read_text()
    note(f"{old.name} rejoined as synchronous standby in {rejoined:.1f} s ({'with' if rewound else 'without'} pg_rewind)")

    def switchover():
        primary = cluster.leader()
        issued = time.monotonic()
        cluster.switchover(primary, old)
        cluster.wait_writable(cluster.wait_leader(30, not_member=primary), 30)
        note(f"switched over from {primary.name} to {old.name}")
        return issued, time.monotonic()

    since = marks()
    results.append(outage("switchover", switchover, load, decider))
    after("after the switchover", since)
    demoted = cluster.other(old)
    cluster.wait_synchronous(demoted, 120)
    note(f"{demoted.name} is the synchronous standby again")

    since = marks()
    results.append(outage("failover 2", failover(backends=True), load, decider))
    after("after failover 2", since)

    # Everything again, from the start.
    checked, problems = check_intents(a, tenants, decision_tenant, decider, None)
    check(not problems, f"final check: {len(problems)} acknowledged intents lost or broken: {problems[:5]}")
    checks.append(("final", checked, len(problems)))
    check(cluster.leader() is demoted, "the second failover did not end with the first standby leading")
    wrong, unanswered = check_all_answers(answers)
    check(not decider.problems, f"T1 submissions or decisions answered wrongly: {decider.problems[:5]}")
    for process in servers:
        process.send_signal(signal.SIGTERM)
    for process in servers:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            check(False, "a node did not exit within 30 s of SIGTERM")

    acknowledged = sum(len(tenant["acknowledged"]) for tenant in tenants)

    def describe(result):
        gap = "no recovery" if result["gap"] is None else f"gap {result['gap']:.1f} s"
        return (f"{result['label']} {gap} (new primary writable at {result['promoted']:.1f} s), {result['phase'].get(503, 0)} × 503, "
                f"{result['phase'].get(429, 0)} × 429, {sum(result['wrong'].values())} wrong in the gap")

    print(f"ha_test: {'; '.join(describe(result) for result in results)}; rejoin {rejoined:.1f} s; "
          f"{acknowledged} T0 intents and {len(decider.approved)} approvals acknowledged ({len(decider.ambiguous)} after a lost answer), "
          f"{checks[-1][2]} lost or broken; long-polls {max(long_polls, default=0):.2f} s at most; "
          f"{sum(wrong.values())} wrong answers, {sum(unanswered.values())} unanswered; {time.monotonic() - began:.0f} s in all")


def terminated(*_):
    sys.exit("ha_test: terminated")


signal.signal(signal.SIGTERM, terminated)
main()
if failures:
    sys.exit(f"ha_test: {len(failures)} failures: " + "; ".join(failures[:8]))
