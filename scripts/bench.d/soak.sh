#!/usr/bin/env bash
# The soak (docs/benchmarks.md, "Soak"): a release `writ serve` under wrk's mixed load
# (scripts/bench.d/soak.lua) for N minutes, one wrk run per minute. After each minute it prints the
# minute's rate, p50 and p99, answers that were not 2xx, the server's resident memory and open file
# descriptors, and the server's PostgreSQL sessions; at the end, the last five minutes against the
# first five (after a one-minute warm-up), and whether RSS, sessions and p99 stayed flat.
# Usage: scripts/bench soak [minutes, default 30] [connections, default 16]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$WRIT_ROOT"
minutes=${1:-30}
connections=${2:-16}

install_dependencies wrk
if [ -z "${WRIT_BENCH_BINARY:-}" ]; then
  log "building (release)"
  swift build -c release --product writ >&2
fi
writ=${WRIT_BENCH_BINARY:-"$WRIT_ROOT/.build/release/writ"}

cluster=$(mktemp -d /tmp/writ-soak-XXXXXX)
chmod 755 "$cluster"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; stop_cluster "$cluster/pg"; rm -rf "$cluster"; }
trap cleanup EXIT
start_cluster "$cluster/pg"
create_database "$cluster/pg" writ
socket="$cluster/pg/run"
psql() { as_pg_owner "$(pg_bindir)/psql" -q -X -At -v ON_ERROR_STOP=1 -h "$socket" -U postgres writ "$@"; }
"$writ" migrate --migrate-database-url "postgresql://postgres@/writ?host=$socket" --migrations-dir sql >/dev/null
app="postgresql://writ_app@/writ?host=$socket"
export WRIT_MASTER_KEY=$(head -c 32 /dev/urandom | base64)

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "postgres: $(as_pg_owner "$(pg_bindir)/postgres" --version); $minutes minutes, $connections connections, binary $writ"
"$writ" bench fixture --database-url "$app" --tenants 20 --agents 2 --prefix soak --keys-file "$cluster/keys.tsv"
psql -c "UPDATE writ.tenants SET plan = 'enterprise'"

port=$((20000 + RANDOM % 20000))
"$writ" serve --database-url "$app" --http-address "127.0.0.1:$port" --migrations-dir sql --static-dir web-static --log-level error &
server=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port"

field() { sed -E "s/.*$1=([0-9.]+).*/\\1/" <<<"$2"; }
rss_mib() { awk '/VmRSS/{printf "%.0f", $2 / 1024}' "/proc/$server/status"; }
descriptors() { ls "/proc/$server/fd" | wc -l; }
sessions() { psql -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'writ' AND usename = 'writ_app'"; }

echo
echo "| minute | requests/s | p50 ms | p99 ms | not 2xx | RSS MiB | open fds | PostgreSQL sessions | intents | audit events | answers |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
results="$cluster/minutes.tsv"
for minute in $(seq "$minutes"); do
  line=$(wrk -t "$connections" -c "$connections" -d 60s --timeout 10s -s scripts/bench.d/soak.lua "$url" -- "$cluster/keys.tsv" | grep '^WRK')
  rss=$(rss_mib); fds=$(descriptors); pg=$(sessions)
  counts=$(psql -c "SELECT (SELECT count(*) FROM writ.intents) || ' ' || (SELECT count(*) FROM writ.audit_events)")
  read -r intents events <<<"$counts"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$minute" "$(field rate "$line")" "$(field p50_ms "$line")" "$(field p99_ms "$line")" \
    "$(( $(field non2xx "$line") + $(field socket_errors "$line") ))" "$rss" "$fds" "$pg" >>"$results"
  echo "| $minute | $(field rate "$line") | $(field p50_ms "$line") | $(field p99_ms "$line") | $(( $(field non2xx "$line") + $(field socket_errors "$line") )) | $rss | $fds | $pg | $intents | $events | $(sed -E 's/.*statuses=([0-9:,]*).*/\1/' <<<"$line") |"
done

# After a one-minute warm-up, the first w minutes against the last w (w = 5 in a 30-minute run): the
# ratio of means; flat when RSS and p99 stay within +25 % and the sessions do not grow.
echo
awk -F'\t' -v n="$minutes" '
  BEGIN { w = int((n - 1) / 2); if (w > 5) w = 5 }
  $1 >= 2 && $1 <= 1 + w { er += $6; ep += $4; es += $8; ec++ }
  $1 > n - w { lr += $6; lp += $4; ls += $8; lc++ }
  { bad += $5 }
  END {
    printf "answers not 2xx over the whole run: %d\n", bad
    if (w < 1) { print "too short to compare (give at least 3 minutes)"; exit }
    printf "RSS: first %.0f MiB, last %.0f MiB, ratio %.2f\n", er / ec, lr / lc, (lr / lc) / (er / ec)
    printf "p99: first %.2f ms, last %.2f ms, ratio %.2f\n", ep / ec, lp / lc, (lp / lc) / (ep / ec)
    printf "PostgreSQL sessions: first %.1f, last %.1f\n", es / ec, ls / lc
    flat = (lr / lc) / (er / ec) <= 1.25 && (lp / lc) / (ep / ec) <= 1.25 && ls / lc <= es / ec + 1
    print (flat ? "flat: yes" : "flat: NO")
  }' "$results"
