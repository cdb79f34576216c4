# Shared by hot_path.sh and compare.sh: a PostgreSQL with the hot-path fixture, a release server,
# and the measurements (wrk next to the server's CPU and context switches, pgbench). Sourced after
# common.sh with $seconds set; defines $cluster, $socket, $writ, the key files and the functions below.
tenants=${WRIT_BENCH_TENANTS:-1000}
chain_events=${WRIT_BENCH_CHAIN_EVENTS:-1000000}
big_intents=${WRIT_BENCH_BIG_INTENTS:-500000}

install_dependencies wrk
if [ -z "${WRIT_BENCH_BINARY:-}" ]; then
  log "building (release)"
  swift build -c release --product writ >&2
fi
writ=${WRIT_BENCH_BINARY:-"$WRIT_ROOT/.build/release/writ"}

cluster=$(mktemp -d /tmp/writ-hot-XXXXXX)
chmod 755 "$cluster"
server=""
servers=""
cleanup() { [ -n "$servers" ] && kill $servers 2>/dev/null; stop_cluster "$cluster/pg"; rm -rf "$cluster"; }
trap cleanup EXIT
start_cluster "$cluster/pg"
create_database "$cluster/pg" writ
socket="$cluster/pg/run"
psql() { as_pg_owner "$(pg_bindir)/psql" -q -X -v ON_ERROR_STOP=1 -h "$socket" -U postgres writ "$@"; }
"$writ" migrate --migrate-database-url "postgresql://postgres@/writ?host=$socket" --migrations-dir sql >/dev/null
app="postgresql://writ_app@/writ?host=$socket"
export WRIT_MASTER_KEY=$(head -c 32 /dev/urandom | base64)

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "postgres: $(as_pg_owner "$(pg_bindir)/postgres" --version), synchronous_commit on, ${seconds}s per run"

# Fixture: 1,000 tenants with one agent each (spread), one hot tenant with 16 agents, a big tenant
# (500,000 intents this month, a valid chain of 1,000,000 events) and an empty twin, 16 agents each.
log "fixture: 1,000 tenants, a hot one, a big one (1,000,000 chained events) and its empty twin"
"$writ" bench fixture --database-url "$app" --tenants "$tenants" --agents 1 --prefix spread --keys-file "$cluster/spread.tsv"
"$writ" bench fixture --database-url "$app" --tenants 1 --agents 16 --prefix hot --keys-file "$cluster/hot.tsv"
"$writ" bench fixture --database-url "$app" --tenants 1 --agents 16 --prefix big --keys-file "$cluster/big.tsv" --chain-events "$chain_events"
"$writ" bench fixture --database-url "$app" --tenants 1 --agents 16 --prefix empty --keys-file "$cluster/empty.tsv"
big=$(cut -f2 "$cluster/big.tsv" | head -n 1)
bigteam=$(cut -f3 "$cluster/big.tsv" | head -n 1)
bigagent=$(cut -f4 "$cluster/big.tsv" | head -n 1)
cat "$cluster/spread.tsv" "$cluster/hot.tsv" "$cluster/big.tsv" "$cluster/empty.tsv" | awk -F'\t' '{print NR "\t" $2 "\t" $3 "\t" $4}' >"$cluster/lines.tsv"
psql <<SQL
UPDATE writ.tenants SET plan = 'enterprise';
INSERT INTO writ.intents (tenant_id, id, team_id, agent_id, action, resource, params, outcome, tier, status, decision, created_at)
SELECT '$big', gen_random_uuid(), '$bigteam', '$bigagent', 's3.objects.read', 'fill/' || n, '{}', 'allow', 'T0', 'approved', '{}',
       date_trunc('month', now()) + (n % 86400) * interval '1 second'
FROM generate_series(1, $big_intents) AS n;
UPDATE writ.audit_heads SET month_intents = $big_intents, usage_month = date_trunc('month', now())::date WHERE tenant_id = '$big';
CREATE TABLE writ.bench_keys (line int PRIMARY KEY, tenant uuid NOT NULL, team uuid NOT NULL, agent uuid NOT NULL);
\copy writ.bench_keys FROM '$cluster/lines.tsv'
GRANT SELECT ON writ.bench_keys TO writ_app;
-- The floor (scripts/bench.d/floor.sql): plain tables holding only what a durable T0 must write.
CREATE TABLE writ.floor_heads (tenant uuid PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL);
CREATE TABLE writ.floor_intents (tenant uuid, id uuid, action text, resource text, params text, warrant text, PRIMARY KEY (tenant, id));
CREATE TABLE writ.floor_events (tenant uuid, seq bigint, body text, hash text, PRIMARY KEY (tenant, seq));
INSERT INTO writ.floor_heads SELECT DISTINCT tenant, 0, md5(tenant::text) FROM writ.bench_keys;
GRANT SELECT, INSERT, UPDATE ON writ.floor_heads, writ.floor_intents, writ.floor_events TO writ_app;
ANALYZE;
SQL
spread_lines="1 $tenants"; hot_lines="$((tenants + 1)) $((tenants + 16))"

# Starts `writ serve` from binary $1 on a free port: sets $server (its pid) and $url.
start_server() {
  local binary=$1 port=$((20000 + RANDOM % 20000))
  mkdir -p "$cluster/mail"
  WRIT_MAIL_DIR="$cluster/mail" "$binary" serve --database-url "$app" --http-address "127.0.0.1:$port" --migrations-dir sql --static-dir web-static --log-level error >&2 &
  server=$!
  servers="$servers $server"
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  url="http://127.0.0.1:$port"
}

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
postmaster=$(head -n 1 "$cluster/pg/data/postmaster.pid")
pg_ticks() { local total=0; for pid in $postmaster $(ps -o pid= --ppid "$postmaster"); do total=$((total + $(ticks "$pid" 2>/dev/null || echo 0))); done; echo $total; }
hz=$(getconf CLK_TCK)
field() { sed -E "s/.*$1=([0-9.]+).*/\\1/" <<<"$2"; }

# Context switches of every thread of a process, voluntary and involuntary.
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/_ctxt_switches/{n += $2} END{print n + 0}'; }

# One wrk run: prints "rate p50 p99 p99.9 writ_cpu_ms_per_intent pg_cpu_ms_per_intent writ_switches_per_intent";
# fails on any non-201. With WRIT_BENCH_KEYED=1 every request carries an Idempotency-Key, as the SDKs send.
run_wrk() {
  local connections=$1 keys=$2 script=${3:-scripts/bench.d/submit.lua} path=${4:-/}
  local server_before pg_before switches_before line
  server_before=$(ticks "$server"); pg_before=$(pg_ticks); switches_before=$(switches "$server")
  line=$(wrk -t "$(( connections < 2 ? 1 : 2 ))" -c "$connections" -d "${seconds}s" --timeout 10s -s "$script" "$url$path" -- "$keys" | grep '^WRK')
  local server_cpu=$(( $(ticks "$server") - server_before )) pg_cpu=$(( $(pg_ticks) - pg_before ))
  local server_switches=$(( $(switches "$server") - switches_before ))
  local requests non201 errors
  requests=$(field requests "$line"); non201=$(field non201 "$line"); errors=$(field socket_errors "$line")
  [ "$non201" = 0 ] && [ "$errors" = 0 ] || die "wrk run had $non201 non-201 answers and $errors socket errors: $line"
  echo "$(field rate "$line") $(field p50_ms "$line") $(field p99_ms "$line") $(field p999_ms "$line") \
$(awk "BEGIN{printf \"%.3f\", $server_cpu * 1000 / $hz / $requests}") $(awk "BEGIN{printf \"%.3f\", $pg_cpu * 1000 / $hz / $requests}") \
$(awk "BEGIN{printf \"%.1f\", $server_switches / $requests}")"
}

# One pgbench run over bench_keys lines first..last: prints "rate latency_ms" (keyed as WRIT_BENCH_KEYED).
run_pgbench() {
  local connections=$1 first=$2 last=$3 script=${4:-scripts/bench.d/hot_path.sql} out
  out=$(as_pg_owner "$(pg_bindir)/pgbench" -n -M prepared -h "$socket" -U writ_app -c "$connections" -j "$(( connections < 2 ? 1 : 2 ))" -T "$seconds" \
    -f "$script" -D first="$first" -D last="$last" -D keyed="${WRIT_BENCH_KEYED:-0}" writ 2>&1) || die "pgbench failed: $out"
  echo "$(grep -E '^tps' <<<"$out" | sed -E 's/tps = ([0-9.]+).*/\1/') $(grep -E '^latency average' <<<"$out" | sed -E 's/.*= ([0-9.]+) ms/\1/')"
}

row() { # label writ-result pgbench-result [floor-result]
  read -r rate p50 p99 p999 wcpu pcpu wsw <<<"$2"
  if [ -n "$3" ]; then read -r pg_rate pg_latency <<<"$3"; ratio=$(awk "BEGIN{printf \"%.2f\", $rate / $pg_rate}"); else pg_rate="—"; ratio="—"; fi
  if [ -n "${4:-}" ]; then read -r floor_rate floor_latency <<<"$4"; floor_ratio=$(awk "BEGIN{printf \"%.2f\", $rate / $floor_rate}"); else floor_rate="—"; floor_ratio="—"; fi
  echo "| $1 | $rate/s | $p50 | $p99 | $p999 | $wcpu | $wsw | $pcpu | $pg_rate | $ratio | $floor_rate | $floor_ratio |"
}

