#!/usr/bin/env bash
# The long crash runs (docs/benchmarks.md, "Crashes"): `kill -9` of a release `writ serve` 20 times
# under load from 16 clients, then `kill -9` of PostgreSQL 3 times, each run checking every
# acknowledged intent and every chain afterwards. scripts/test runs the short versions (3 and 1).
# Usage: scripts/bench crash [server kills, default 20] [PostgreSQL kills, default 3]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$WRIT_ROOT"
kills=${1:-20}
postgres_kills=${2:-3}

install_dependencies
python_env=$(prepare_python_env)
if [ -z "${WRIT_BENCH_BINARY:-}" ]; then
  log "building (release)"
  swift build -c release --product writ >&2
fi
writ=${WRIT_BENCH_BINARY:-"$WRIT_ROOT/.build/release/writ"}

cluster=$(mktemp -d /tmp/writ-crash-XXXXXX)
chmod 755 "$cluster"
cleanup() { stop_cluster "$cluster/pg"; rm -rf "$cluster"; }
trap cleanup EXIT
start_cluster "$cluster/pg"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
create_database "$cluster/pg" writ_crash
"$python_env/bin/python" scripts/crash_test.py "$writ" "$cluster/pg/run" writ_crash "$kills"
for run in $(seq 1 "$postgres_kills"); do
  create_database "$cluster/pg" "writ_pgkill$run"
  "$python_env/bin/python" scripts/postgres_kill_test.py "$writ" "$cluster/pg/run" "writ_pgkill$run" "$cluster/pg/data" "$(pg_bindir)"
done
