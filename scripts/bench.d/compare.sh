#!/usr/bin/env bash
# Two builds side by side (docs/benchmarks.md, "Performance II"): the hot path's main rows on one
# database, each run against a server built before a change ($WRIT_BENCH_BEFORE) and one built from
# this tree (or $WRIT_BENCH_BINARY), in two rounds of opposite order so that a machine whose speed
# drifts favours neither. Prints each run and the after ÷ before ratios of the rounds' means.
# With WRIT_BENCH_PROFILE=1, the 16-connection run of each build is also recorded with `perf record
# -g` and the 15 symbols with the most of the server's CPU are printed (run as root).
# Usage: WRIT_BENCH_BEFORE=<writ binary> scripts/bench compare [seconds per run, default 10]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$WRIT_ROOT"
seconds=${1:-10}
[ -x "${WRIT_BENCH_BEFORE:-}" ] || die "set WRIT_BENCH_BEFORE to the writ binary to compare against"
export WRIT_BENCH_CHAIN_EVENTS=${WRIT_BENCH_CHAIN_EVENTS:-1000} WRIT_BENCH_BIG_INTENTS=${WRIT_BENCH_BIG_INTENTS:-1000}
source "$(dirname "$0")/hot_lib.sh"
start_server "$WRIT_BENCH_BEFORE"
before=("$server" "$url")
start_server "$writ"
after=("$server" "$url")

# One measured run of workload $2 against build $1 (before|after): "rate p50 p99 p99.9 cpu pg_cpu switches".
measure() {
  local build=$1 workload=$2
  if [ "$build" = before ]; then server=${before[0]} url=${before[1]}; else server=${after[0]} url=${after[1]}; fi
  case $workload in
    healthz) WRIT_BENCH_KEYED=0 run_wrk 16 "$cluster/spread.tsv" scripts/bench.d/healthz.lua /healthz ;;
    spread1) WRIT_BENCH_KEYED=0 run_wrk 1 "$cluster/spread.tsv" ;;
    spread16) WRIT_BENCH_KEYED=0 run_wrk 16 "$cluster/spread.tsv" ;;
    spread16keyed) WRIT_BENCH_KEYED=1 run_wrk 16 "$cluster/spread.tsv" ;;
    spread64) WRIT_BENCH_KEYED=0 run_wrk 64 "$cluster/spread.tsv" ;;
    hot16keyed) WRIT_BENCH_KEYED=1 run_wrk 16 "$cluster/hot.tsv" ;;
  esac
}

echo
echo "| workload | build | round | rate | p50 ms | p99 ms | Writ CPU ms/intent | context switches/intent | PostgreSQL CPU ms/intent |"
echo "|---|---|---|---|---|---|---|---|---|"
declare -A sums
for round in 1 2; do
  for workload in healthz spread1 spread16 spread16keyed spread64 hot16keyed; do
    order="before after"; [ "$round" = 2 ] && order="after before"
    for build in $order; do
      read -r rate p50 p99 p999 cpu pgcpu sw <<<"$(measure "$build" "$workload")"
      echo "| $workload | $build | $round | $rate/s | $p50 | $p99 | $cpu | $sw | $pgcpu |"
      for name in rate cpu sw; do
        sums[$workload.$build.$name]=$(awk "BEGIN{print ${sums[$workload.$build.$name]:-0} + ${!name}}")
      done
    done
  done
done
echo
echo "| workload | rate after ÷ before | CPU/intent after ÷ before | switches/intent before → after |"
echo "|---|---|---|---|"
for workload in healthz spread1 spread16 spread16keyed spread64 hot16keyed; do
  ratio() { awk "BEGIN{printf \"%.2f\", ${sums[$workload.after.$1]} / ${sums[$workload.before.$1]}}"; }
  echo "| $workload | $(ratio rate) | $(ratio cpu) | $(awk "BEGIN{printf \"%.1f → %.1f\", ${sums[$workload.before.sw]} / 2, ${sums[$workload.after.sw]} / 2}") |"
done
# Where each build's CPU goes at 16 connections: the top 15 symbols of `perf record -g` (self time).
profile() {
  local build=$1 data="$cluster/perf-$1.data"
  if [ "$build" = before ]; then server=${before[0]} url=${before[1]}; else server=${after[0]} url=${after[1]}; fi
  perf record -q -e cpu-clock -F 999 -g -p "$server" -o "$data" -- sleep "$seconds" >/dev/null 2>&1 &
  local recorder=$!
  WRIT_BENCH_KEYED=0 run_wrk 16 "$cluster/spread.tsv" >/dev/null
  wait "$recorder" || true
  echo
  echo "Top 15 symbols, $build (perf record -e cpu-clock -F 999 -g, 16 connections, self time):"
  echo
  echo '```'
  perf report -i "$data" -g none --no-children --sort dso,symbol --stdio 2>/dev/null >"$data.txt" || true
  awk '/^ +[0-9]/ { if (n++ < 15) print substr($0, 1, 160) }' "$data.txt" | sed -E 's/ +$//'
  echo '```'
}
if [ "${WRIT_BENCH_PROFILE:-0}" = 1 ]; then
  profile before
  profile after
fi

echo
echo "| pgbench (same database) | rate | latency ms |"
echo "|---|---|---|"
for connections in 1 16; do
  read -r rate latency <<<"$(WRIT_BENCH_KEYED=0 run_pgbench "$connections" $spread_lines)"
  echo "| hot-path SQL, 1,000 tenants, $connections connection(s) | $rate/s | $latency |"
done
read -r rate latency <<<"$(WRIT_BENCH_KEYED=1 run_pgbench 16 $spread_lines)"
echo "| hot-path SQL with keys, 1,000 tenants, 16 connections | $rate/s | $latency |"
read -r rate latency <<<"$(WRIT_BENCH_KEYED=0 run_pgbench 16 $spread_lines scripts/bench.d/floor.sql)"
echo "| floor, 1,000 tenants, 16 connections | $rate/s | $latency |"
