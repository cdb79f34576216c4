#!/usr/bin/env bash
# The intent hot path under load (docs/benchmarks.md, "The intent hot path"): a release `writ serve`
# driven by wrk (scripts/bench.d/submit.lua: T0 intents, any answer but 201 fails the run), and in
# the same run pgbench executing the SQL one T0 submission sends (scripts/bench.d/hot_path.sql) at
# the same concurrency on the same database. Prints markdown table rows and the ratios.
# Usage: scripts/bench hot [seconds per run, default 10]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$WRIT_ROOT"
seconds=${1:-10}

source "$(dirname "$0")/hot_lib.sh"
start_server "$writ"

# The cost of the audit.appended notice an append sends while its tenant's events are streamed
# (GET /v1/events; tenants nobody watches do not send it): the hot path's SQL with the notice next
# to it without, side by side, while the server listens on the channel.
notice_rows() {
  sed 's/^COMMIT;$/SELECT pg_notify('"'"'writ_events'"'"', '"'"'{"tenant":"'"'"' || (SELECT tenant FROM writ.bench_keys WHERE line = :i)::text || '"'"'","type":"audit.appended"}'"'"');\nCOMMIT;/' \
    scripts/bench.d/hot_path.sql >"$cluster/hot_path_notice.sql"
  grep -q pg_notify "$cluster/hot_path_notice.sql" || die "could not add the notice to the hot path's SQL"
  chmod 644 "$cluster/hot_path_notice.sql"
  echo
  echo "| workload (pgbench, hot-path SQL) | with the notice | without | with ÷ without |"
  echo "|---|---|---|---|"
  local label lines connections with without
  for spec in "1,000 tenants:$spread_lines" "one hot tenant:$hot_lines"; do
    label=${spec%%:*}; lines=${spec#*:}
    for connections in 1 16 64; do
      with=$(run_pgbench "$connections" $lines "$cluster/hot_path_notice.sql")
      without=$(run_pgbench "$connections" $lines)
      echo "| $label, $connections connection(s) | ${with%% *}/s | ${without%% *}/s | $(awk "BEGIN{printf \"%.2f\", ${with%% *} / ${without%% *}}") |"
    done
  done
}
if [ "${WRIT_BENCH_NOTICE_ONLY:-}" = 1 ]; then notice_rows; exit 0; fi


echo
echo "| workload | Writ T0 | p50 ms | p99 ms | p99.9 ms | Writ CPU ms/intent | Writ context switches/intent | PostgreSQL CPU ms/intent | pgbench, same SQL | Writ ÷ pgbench | floor | Writ ÷ floor |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
health=$(run_wrk 16 "$cluster/spread.tsv" scripts/bench.d/healthz.lua /healthz)
row "GET /healthz, 16 connections (the HTTP ceiling)" "$health" ""
for keyed in 0 1; do
  export WRIT_BENCH_KEYED=$keyed
  with=$([ "$keyed" = 1 ] && echo ", Idempotency-Key" || echo "")
  for connections in 1 16 64; do
    writ_result=$(run_wrk "$connections" "$cluster/spread.tsv")
    pg_result=$(run_pgbench "$connections" $spread_lines)
    floor_result=$(run_pgbench "$connections" $spread_lines scripts/bench.d/floor.sql)
    row "1,000 tenants, $connections connection(s)$with" "$writ_result" "$pg_result" "$floor_result"
    [ "$connections" = 16 ] && [ "$keyed" = 0 ] && spread16=$writ_result
  done
  hot16=$(run_wrk 16 "$cluster/hot.tsv")
  row "one hot tenant, 16 connections$with" "$hot16" "$(run_pgbench 16 $hot_lines)"
  [ "$keyed" = 1 ] && hotkeyed16=$hot16
done
export WRIT_BENCH_KEYED=0
hot64=$(run_wrk 64 "$cluster/hot.tsv")
row "one hot tenant, 64 connections" "$hot64" "$(run_pgbench 64 $hot_lines)"
empty16=$(run_wrk 16 "$cluster/empty.tsv")
row "a new tenant, 16 connections" "$empty16" ""
big16=$(run_wrk 16 "$cluster/big.tsv")
row "a tenant with 500k intents this month and 1M events, 16 connections" "$big16" ""
echo
echo "one hot tenant with keys ÷ 1,000 tenants without (16 connections): $(awk "BEGIN{printf \"%.2f\", $(cut -d' ' -f1 <<<"$hotkeyed16") / $(cut -d' ' -f1 <<<"$spread16")}")"
echo
echo "hot ÷ spread (16 connections): $(awk "BEGIN{printf \"%.2f\", $(cut -d' ' -f1 <<<"$hot16") / $(cut -d' ' -f1 <<<"$spread16")}")"
echo "big tenant ÷ new tenant (16 connections): $(awk "BEGIN{printf \"%.2f\", $(cut -d' ' -f1 <<<"$big16") / $(cut -d' ' -f1 <<<"$empty16")}")"
# A T1 approval round and the Python SDK as a load client (scripts/bench.d/rounds.py).
log "the Python SDK in a virtual environment"
python3 -m venv "$cluster/sdk" >&2
"$cluster/sdk/bin/pip" install --quiet --disable-pip-version-check ./clients/python >&2
echo
echo "| measurement | result | |"
echo "|---|---|---|"
"$cluster/sdk/bin/python" scripts/bench.d/rounds.py "$url" "$cluster/mail" "$cluster/spread.tsv" 100 8 "$seconds"
echo "server peak RSS: $(( $(awk '/VmHWM/{print $2}' "/proc/$server/status") / 1024 )) MiB"
notice_rows
