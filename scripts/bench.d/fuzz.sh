#!/usr/bin/env bash
# The long fuzz run (docs/benchmarks.md, "Fuzzing"): schemathesis over every operation of the served
# OpenAPI document as a session and as a key of each scope, with many more examples per operation
# than scripts/test's fixed-seed run, under a seed of its own (printed, so a finding can be replayed).
# Usage: scripts/bench fuzz [examples per operation, default 300] [seed, default random]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$WRIT_ROOT"
examples=${1:-300}
seed=${2:-$RANDOM}

install_dependencies
python_env=$(prepare_python_env)
if [ -z "${WRIT_BENCH_BINARY:-}" ]; then
  log "building (release)"
  swift build -c release --product writ >&2
fi
writ=${WRIT_BENCH_BINARY:-"$WRIT_ROOT/.build/release/writ"}

cluster=$(mktemp -d /tmp/writ-fuzz-XXXXXX)
chmod 755 "$cluster"
cleanup() { stop_cluster "$cluster/pg"; rm -rf "$cluster"; }
trap cleanup EXIT
start_cluster "$cluster/pg"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $examples examples per operation, seed $seed"
create_database "$cluster/pg" writ_fuzz
"$python_env/bin/python" scripts/fuzz_test.py "$writ" "$cluster/pg/run" writ_fuzz "$examples" "$seed"
