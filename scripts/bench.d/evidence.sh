#!/usr/bin/env bash
# Memory of an evidence pack (docs/benchmarks.md, "Evidence packs"): `writ audit evidence` for a
# tenant whose chain holds 10,000 events and for one with 1,000,000 (plus a few hundred intents
# each), the peak resident memory of each run (GNU time) side by side, and the offline check of
# the big pack. Flat means the big run's peak is close to the small one's.
# Usage: scripts/bench evidence [events in the big chain, default 1000000]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$WRIT_ROOT"
big=${1:-1000000}

install_dependencies time
if [ -z "${WRIT_BENCH_BINARY:-}" ]; then
  log "building (release)"
  swift build -c release --product writ >&2
fi
writ=${WRIT_BENCH_BINARY:-"$WRIT_ROOT/.build/release/writ"}

cluster=$(mktemp -d /tmp/writ-evidence-XXXXXX)
chmod 755 "$cluster"
cleanup() { stop_cluster "$cluster/pg"; rm -rf "$cluster"; }
trap cleanup EXIT
start_cluster "$cluster/pg"
create_database "$cluster/pg" writ
socket="$cluster/pg/run"
"$writ" migrate --migrate-database-url "postgresql://postgres@/writ?host=$socket" --migrations-dir sql >/dev/null
export WRIT_DATABASE_URL="postgresql://writ_app@/writ?host=$socket"
export WRIT_MASTER_KEY=$(head -c 32 /dev/urandom | base64)

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for events in 10000 "$big"; do
  log "fixture: a tenant with $events chained events"
  "$writ" bench fixture --tenants 1 --agents 1 --prefix "e$events" --keys-file "$cluster/e$events.tsv" --chain-events "$events"
  tenant=$(cut -f2 "$cluster/e$events.tsv" | head -1)
  start=$(date +%s.%N)
  peak=$(/usr/bin/time -f '%M' "$writ" audit evidence --tenant "$tenant" --since 2000-01-01T00:00:00Z --until 2100-01-01T00:00:00Z \
    --output "$cluster/e$events.zip" 2>&1 >/dev/null | tail -1)
  seconds=$(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $start}")
  size=$(du -m "$cluster/e$events.zip" | cut -f1)
  echo "evidence pack, $events events: ${size} MiB in ${seconds} s, peak RSS $((peak / 1024)) MiB"
  eval "peak_$((events == 10000 ? 0 : 1))=$peak"
done
echo "peak RSS ratio (big/small): $(awk "BEGIN{printf \"%.2f\", $peak_1/$peak_0}")"
start=$(date +%s.%N)
"$writ" audit verify-evidence "$cluster/e$big.zip" | tail -1
echo "offline check of the big pack: $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $start}") s"
