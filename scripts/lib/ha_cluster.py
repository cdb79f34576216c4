"""A PostgreSQL cluster under a failover manager on this machine, for scripts/ha_test.py: one etcd
(v3 API) and two Patroni members, each running PostgreSQL on 127.0.0.1 with its own port and data
directory, in synchronous mode with pg_rewind. Every process it starts is killed by `stop()`,
which also runs at exit."""
import atexit
import json
import os
import pwd
import random
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

# Patroni's documented minimums are ttl 20, loop_wait 1, retry_timeout 3, with
# loop_wait + 2 * retry_timeout <= ttl. A dead leader's lock lasts at most ttl seconds: that is
# most of a failover's outage, so ttl is the minimum; retry_timeout 5 rides out a busy machine's
# slow etcd fsyncs without demoting a healthy leader (1 + 2 * 5 = 11 <= 20).
TIMEOUTS = {"ttl": 20, "loop_wait": 1, "retry_timeout": 5}


def free_ports(count, low=25000, high=25999):
    """`count` distinct ports of [low, high] that nothing listens on now."""
    chosen = []
    for port in random.sample(range(low, high + 1), high - low + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        chosen.append(port)
        if len(chosen) == count:
            return chosen
    raise RuntimeError(f"fewer than {count} free ports in {low}-{high}")


def _get(url, timeout=2):
    """(status, body) of a GET; None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return None, b""


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Member:
    """One Patroni member: its names, ports, files and Patroni process."""

    def __init__(self, name, directory, port, rest_port):
        self.name, self.directory, self.port, self.rest_port = name, directory, port, rest_port
        self.data_dir = os.path.join(directory, "data")
        self.config = os.path.join(directory, "patroni.yml")
        self.log = os.path.join(directory, "patroni.log")
        self.rest = f"http://127.0.0.1:{rest_port}"
        self.patroni = None

    def postmaster(self):
        """The postmaster's pid from postmaster.pid, or None."""
        try:
            with open(os.path.join(self.data_dir, "postmaster.pid")) as pid_file:
                pid = int(pid_file.readline())
        except (OSError, ValueError):
            return None
        return pid if _alive(pid) else None


class Cluster:
    """etcd and two Patroni members under `work_dir`, which the postgres user must be able to reach."""

    def __init__(self, work_dir, pg_bindir, scope="writ-ha"):
        self.work_dir, self.pg_bindir, self.scope = os.path.abspath(work_dir), pg_bindir, scope
        client, peer, *rest = free_ports(6)
        self.etcd_url = f"http://127.0.0.1:{client}"
        self.etcd_peer = f"http://127.0.0.1:{peer}"
        self.members = [Member(f"pg{index + 1}", os.path.join(self.work_dir, f"pg{index + 1}"), rest[2 * index], rest[2 * index + 1])
                        for index in range(2)]
        self.etcd = None
        self.as_postgres = os.geteuid() == 0
        atexit.register(self.stop)

    def member(self, name):
        return next(member for member in self.members if member.name == name)

    def other(self, member):
        return next(candidate for candidate in self.members if candidate is not member)

    # Starting

    def start(self, timeout=90):
        """etcd, both members bootstrapped (the first initdb, the second a replica of it), and the
        database `writ`; returns once one member leads and the other is its synchronous standby."""
        os.makedirs(self.work_dir, exist_ok=True)
        os.chmod(self.work_dir, 0o755)
        if self.as_postgres and subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", self.work_dir]).returncode != 0:
            raise RuntimeError(f"the postgres user cannot reach {self.work_dir} (a parent directory is closed to it)")
        self._start_etcd()
        for member in self.members:
            os.makedirs(os.path.join(member.directory, "run"), exist_ok=True)
            if self.as_postgres:
                for path in (member.directory, os.path.join(member.directory, "run")):
                    os.chown(path, *self._postgres_ids())
            os.chmod(member.directory, 0o700)
            self._write_config(member)
        self.start_member(self.members[0])
        leader = self.wait_leader(timeout)
        self.start_member(self.members[1])
        self.wait_synchronous(self.other(leader), timeout)
        self.psql(leader, "CREATE DATABASE writ")
        return leader

    def _postgres_ids(self):
        entry = pwd.getpwnam("postgres")
        return entry.pw_uid, entry.pw_gid

    def _start_etcd(self):
        data = os.path.join(self.work_dir, "etcd")
        log = open(os.path.join(self.work_dir, "etcd.log"), "ab")
        self.etcd = subprocess.Popen(
            ["etcd", "--name", "ha", "--data-dir", data, "--listen-client-urls", self.etcd_url, "--advertise-client-urls", self.etcd_url,
             "--listen-peer-urls", self.etcd_peer, "--initial-advertise-peer-urls", self.etcd_peer,
             "--initial-cluster", f"ha={self.etcd_peer}", "--initial-cluster-state", "new", "--initial-cluster-token", self.scope,
             "--enable-v2=false", "--logger", "zap", "--log-level", "warn"],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.etcd.poll() is not None:
                raise RuntimeError("etcd exited at start (see etcd.log)")
            status, body = _get(self.etcd_url + "/health")
            if status == 200 and b"true" in body:
                return
            time.sleep(0.1)
        raise RuntimeError("etcd did not become healthy")

    def _write_config(self, member):
        """The member's Patroni configuration, as JSON (which YAML reads)."""
        config = {
            "scope": self.scope,
            "namespace": "/service/",
            "name": member.name,
            "log": {"level": "INFO"},
            "restapi": {"listen": f"127.0.0.1:{member.rest_port}", "connect_address": f"127.0.0.1:{member.rest_port}"},
            "etcd3": {"hosts": [self.etcd_url.removeprefix("http://")]},
            "bootstrap": {
                "dcs": {
                    **TIMEOUTS,
                    "maximum_lag_on_failover": 16 * 1024 * 1024,
                    # A commit is acknowledged only once the standby has it: a failover loses nothing
                    # acknowledged. Not strict: with the standby gone the primary goes on alone
                    # (strict would stop every write until the standby is back).
                    "synchronous_mode": True,
                    "synchronous_mode_strict": False,
                    "postgresql": {
                        "use_pg_rewind": True,
                        "use_slots": True,
                        "parameters": {
                            "wal_log_hints": "on",  # pg_rewind needs it (or data checksums)
                            "wal_level": "replica",
                            "hot_standby": "on",
                            "max_connections": 200,
                            "max_wal_senders": 10,
                            "max_replication_slots": 10,
                            "wal_keep_size": "256MB",
                            # A standby whose primary vanished retries every 5 s by default and
                            # may notice a promotion only then.
                            "wal_retrieve_retry_interval": "1s",
                            # Only processes are killed here, never the machine: what a killed
                            # server wrote is safe in the page cache, and fsyncs would only slow
                            # a shared CI disk (as for scripts/test's throwaway cluster).
                            "fsync": "off",
                            "full_page_writes": "on",
                        },
                    },
                },
                "initdb": [{"encoding": "UTF8"}, {"locale": "C.UTF-8"}],
            },
            "postgresql": {
                "listen": f"127.0.0.1:{member.port}",
                "connect_address": f"127.0.0.1:{member.port}",
                "data_dir": member.data_dir,
                "bin_dir": self.pg_bindir,
                "pgpass": os.path.join(member.directory, "pgpass"),
                "authentication": {"superuser": {"username": "postgres"}, "replication": {"username": "replicator"}},
                # Trust on loopback only: a test cluster on a test machine.
                "pg_hba": ["local all all trust", "host all all 127.0.0.1/32 trust", "host replication all 127.0.0.1/32 trust"],
                "parameters": {"unix_socket_directories": os.path.join(member.directory, "run")},
            },
            "tags": {"nofailover": False, "noloadbalance": False, "clonefrom": False, "nosync": False},
        }
        with open(member.config, "w") as file:
            json.dump(config, file, indent=2)
        os.chmod(member.config, 0o644)

    def start_member(self, member):
        """Starts the member's Patroni (which starts, rewinds or clones its PostgreSQL)."""
        log = open(member.log, "ab")
        extra = {"user": "postgres", "group": "postgres", "extra_groups": []} if self.as_postgres else {}
        member.patroni = subprocess.Popen(["patroni", member.config], stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                          cwd=member.directory, env=dict(os.environ, HOME=member.directory),
                                          start_new_session=True, **extra)
        log.close()

    # Watching

    def leader(self):
        """The member holding the leader lock and serving as primary, or None."""
        for member in self.members:
            if _get(member.rest + "/primary", timeout=1)[0] == 200:
                return member
        return None

    def wait_leader(self, timeout, not_member=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            leader = self.leader()
            if leader is not None and leader is not not_member:
                return leader
            time.sleep(0.2)
        raise RuntimeError(f"no leader within {timeout} s")

    def wait_writable(self, member, timeout):
        """Waits until the member's PostgreSQL has left recovery (Patroni takes the lock first,
        then promotes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.psql(member, "SELECT pg_is_in_recovery()") == "f":
                    return
            except (subprocess.SubprocessError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{member.name} still in recovery after {timeout} s")

    def patronictl(self, *arguments, timeout=60):
        return subprocess.run(["patronictl", "-c", self.members[0].config, *arguments], capture_output=True, text=True, timeout=timeout,
                              env=dict(os.environ, HOME=self.work_dir))

    def list(self):
        """`patronictl list` as JSON: one dict per member (Member, Role, State, TL, Lag in MB)."""
        result = self.patronictl("list", "-f", "json", timeout=20)
        try:
            return json.loads(result.stdout or "[]")
        except ValueError:
            return []

    def wait_synchronous(self, member, timeout):
        """Waits until `patronictl list` shows `member` as the synchronous standby and the leader's
        pg_stat_replication shows it streaming, in sync (Patroni 3.0's list says only "running")."""
        deadline = time.monotonic() + timeout
        rows, replication = [], ""
        while time.monotonic() < deadline:
            rows = self.list()
            row = next((row for row in rows if row.get("Member") == member.name), {})
            leader = next((self.member(row["Member"]) for row in rows if row.get("Role") == "Leader"), None)
            if row.get("Role") == "Sync Standby" and row.get("State") in ("running", "streaming") and leader is not None:
                try:
                    replication = self.psql(leader, "SELECT state || ' ' || sync_state FROM pg_stat_replication "
                                                    f"WHERE application_name = '{member.name}'")
                except (subprocess.SubprocessError, OSError) as error:
                    replication = str(error)
                if replication == "streaming sync":
                    return rows
            time.sleep(0.5)
        raise RuntimeError(f"{member.name} not a streaming synchronous standby within {timeout} s: {rows} {replication!r}")

    def psql(self, member, sql, database="postgres"):
        command = [os.path.join(self.pg_bindir, "psql"), "-h", "127.0.0.1", "-p", str(member.port), "-U", "postgres", "-d", database,
                   "-v", "ON_ERROR_STOP=1", "-Atqc", sql]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=30).stdout.strip()

    # Failures

    def kill(self, member, backends=True):
        """SIGKILL, at once, to the member's Patroni and its postmaster, and with `backends` to
        every other PostgreSQL process too, as a crash of the machine would (without, PostgreSQL's
        own processes end themselves on seeing the postmaster gone, telling their clients).
        Waits until they are gone; returns when the last signal was sent."""
        postmaster = member.postmaster()
        pids = [pid for pid in [member.patroni.pid if member.patroni else None, postmaster] if pid]
        children = []
        if postmaster:
            children = [int(pid) for pid in subprocess.run(["ps", "-o", "pid=", "--ppid", str(postmaster)], capture_output=True,
                                                           text=True).stdout.split()]
            if backends:
                pids += children
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        killed = time.monotonic()
        if member.patroni:
            member.patroni.wait()
        for _ in range(250):
            if not any(_alive(pid) for pid in pids + children):
                break
            time.sleep(0.02)
        for pid in children:  # none should be left; one that is would keep the data directory from restarting
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        return killed

    def switchover(self, leader, candidate):
        result = self.patronictl("switchover", "--leader", leader.name, "--candidate", candidate.name, "--force", timeout=90)
        if result.returncode != 0:
            raise RuntimeError(f"patronictl switchover failed: {result.stdout} {result.stderr}")
        return result.stdout

    # Stopping

    def stop(self):
        """Kills every process started here: the Patronis (with their pg_rewind or single-user
        postgres), each postmaster and its backends, etcd."""
        for member in self.members:
            if member.patroni and member.patroni.poll() is None:
                try:
                    os.killpg(member.patroni.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                member.patroni.wait()
        for member in self.members:
            postmaster = member.postmaster()
            if postmaster:
                children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(postmaster)], capture_output=True, text=True).stdout.split()
                for pid in [postmaster, *map(int, children)]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        if self.etcd and self.etcd.poll() is None:
            try:
                os.killpg(self.etcd.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.etcd.wait()
