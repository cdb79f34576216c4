#!/usr/bin/env bash
# The audit purge (docs/benchmarks.md, "Audit purge"): a tenant whose chain holds N events, on the
# free plan, all but the newest 1,000 moved past its 90-day retention, then `writ audit purge`
# (batches of 10,000 events, each one transaction under the chain head's lock): events purged per
# second, the time one batch holds the head, and the time to take the head's lock (what an append
# waits for) while the purge runs next to the same without it. The purge's work is PostgreSQL's
# (the UPDATE and its trigger), so a debug `writ` (WRIT_BENCH_BINARY) measures the same.
# Usage: scripts/bench purge [events, default 1000000]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$WRIT_ROOT"
events=${1:-1000000}

install_dependencies
if [ -z "${WRIT_BENCH_BINARY:-}" ]; then
  log "building (release)"
  swift build -c release --product writ >&2
fi
writ=${WRIT_BENCH_BINARY:-"$WRIT_ROOT/.build/release/writ"}

cluster=$(mktemp -d /tmp/writ-purge-XXXXXX)
chmod 755 "$cluster"
cleanup() { stop_cluster "$cluster/pg"; rm -rf "$cluster"; }
trap cleanup EXIT
start_cluster "$cluster/pg"
create_database "$cluster/pg" writ
socket="$cluster/pg/run"
bin=$(pg_bindir)
psql_owner() { as_pg_owner "$bin/psql" -h "$socket" -U postgres -v ON_ERROR_STOP=1 -Atq writ "$@"; }
"$writ" migrate --migrate-database-url "postgresql://postgres@/writ?host=$socket" --migrations-dir sql >/dev/null
export WRIT_DATABASE_URL="postgresql://writ_app@/writ?host=$socket"
export WRIT_MASTER_KEY=$(head -c 32 /dev/urandom | base64)

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
log "fixture: a tenant with $events chained events"
"$writ" bench fixture --tenants 1 --agents 1 --prefix purge --keys-file "$cluster/keys.tsv" --chain-events "$events"
tenant=$(cut -f2 "$cluster/keys.tsv" | head -1)
psql_owner -c "SET ROLE writ_owner; ALTER TABLE writ.audit_events DISABLE TRIGGER USER;
  SELECT set_config('app.tenant_id', '$tenant', false);
  UPDATE writ.tenants SET plan = 'free' WHERE id = '$tenant';
  UPDATE writ.audit_events SET occurred_at = occurred_at - interval '200 days'
  WHERE tenant_id = '$tenant' AND seq <= (SELECT seq - 1000 FROM writ.audit_heads WHERE tenant_id = '$tenant');
  ALTER TABLE writ.audit_events ENABLE TRIGGER USER;" >/dev/null
psql_owner -c "VACUUM ANALYZE writ.audit_events" >/dev/null

# An append's latency (the chain head's lock is what a purge batch holds), alone and during the purge.
append_sql="$cluster/append.sql"
cat >"$append_sql" <<SQL
BEGIN;
SELECT set_config('app.tenant_id', '$tenant', true);
SELECT seq FROM writ.audit_heads WHERE tenant_id = '$tenant' FOR UPDATE;
COMMIT;
SQL
latency() {
  rm -rf "$cluster/lat" && mkdir -m 777 "$cluster/lat"
  (cd "$cluster/lat" && as_pg_owner "$bin/pgbench" -h "$socket" -U writ_app -n -f "$append_sql" -c 1 -T "$1" -l --log-prefix=lat writ >/dev/null 2>&1)
  cat "$cluster"/lat/lat.* | awk '{n++; sum+=$3; if ($3>max) max=$3} END{printf "%d locks, %.2f ms average, %.0f ms longest", n, sum/n/1000, max/1000}'
}
echo "head lock, idle chain: $(latency 5)"
( begin=$(date +%s.%N)
  "$writ" audit purge >"$cluster/purge.out" 2>"$cluster/purge.err" || { cat "$cluster/purge.err" >&2; exit 1; }
  awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $begin}" >"$cluster/purge.seconds" ) &
purge=$!
sleep 0.5
during=$(latency 5)
wait "$purge"
seconds=$(cat "$cluster/purge.seconds")
purged=$(tail -1 "$cluster/purge.out" | awk '{print $2}')
batches=$(grep -c '^tenant ' "$cluster/purge.out" || true)
[ "$batches" -gt 0 ] || die "nothing was purged"
echo "head lock, during the purge: $during"
echo "purged $purged events in $batches batches, ${seconds} s: $(awk "BEGIN{printf \"%.0f\", $purged/$seconds}") events/s, $(awk "BEGIN{printf \"%.0f\", 1000*$seconds/$batches}") ms per batch"
psql_owner -c "SELECT 'after: ' || count(*) FILTER (WHERE body IS NULL) || ' bodies purged, ' || count(*) FILTER (WHERE body IS NOT NULL) || ' kept, '
  || pg_size_pretty(pg_total_relation_size('writ.audit_events')) || ' table (space returns to PostgreSQL as VACUUM reuses it)'
  FROM writ.audit_events WHERE tenant_id = '$tenant'"
