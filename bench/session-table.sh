#!/usr/bin/env bash
# The session-table benchmark (docs/benchmarks.md): one tenant with 1,000,000 sessions.
# Builds Release and runs bench/SessionTable against a temporary SQLite database, with the host
# in-process on 127.0.0.1 only. Extra arguments go to the benchmark, e.g.
#   bench/session-table.sh --sessions 100000 --queries 100
#   bench/session-table.sh --shards 16 --output /tmp/session-table.md
#   bench/session-table.sh --restarts 3 --restart-only     # restart speed only
#   bench/session-table.sh --provider postgres ...          # on scripts/postgres.sh's server (127.0.0.1:55432)
# Bounded: the run is killed after BENCH_TIMEOUT seconds (default 1800).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/SessionTable/SessionTable.csproj -c Release -nologo -v quiet
if [[ " $* " == *" --provider postgres "* ]]; then
  BENCH_POSTGRES="$(scripts/postgres.sh | tail -n 1)"
  export BENCH_POSTGRES
fi
echo "machine: $(nproc) cores; $(free -h | awk '/^Mem:/ {print $2" RAM, "$7" available"}'); $(dotnet --version) SDK"
exec timeout --signal=INT --kill-after=30 "${BENCH_TIMEOUT:-1800}" \
  dotnet bench/SessionTable/bin/Release/net10.0/SessionTable.dll "$@"
