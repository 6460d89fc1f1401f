#!/usr/bin/env bash
# The back-channel logout benchmark (docs/benchmarks.md, "Back-channel logout"): a tenant of
# BENCH_SESSIONS sessions (default 114,000, seeded by bench/SessionTable into a fresh SQLite file;
# the seeding ends 12% of them, so about 100,000 are live and told),
# every client registered with a back-channel logout URI served by a real nginx (Debian package)
# answering 200, then one tenant logout-all: the call's time against logout-alls with nothing to tell,
# and the time until every logout token is delivered. Loopback only; bounded by BENCH_TIMEOUT
# (default 1200 s); everything started here is stopped on exit. Extra arguments go to the benchmark;
# `--provider postgres` runs it on scripts/postgres.sh's server (127.0.0.1:55432) instead.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sessions="${BENCH_SESSIONS:-114000}"

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

ensure_nginx

port="$(free_port)"
# The receiver: every POST to /logout answered 200, as a relying party that accepts the token.
start_nginx <<CONF
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port;
        location /logout { return 200; }
    }
CONF
deadline=$((SECONDS + 15))
until curl -fsS -o /dev/null -X POST "http://127.0.0.1:$port/logout"; do
  ((SECONDS < deadline)) || { log "nginx did not start"; cat "$work/nginx/error.log" >&2; exit 1; }
  sleep 0.2
done

cd "$root"
if [[ " $* " == *" --provider postgres "* ]]; then
  BENCH_POSTGRES="$(scripts/postgres.sh | tail -n 1)"
  export BENCH_POSTGRES
fi
log "building Release"
dotnet build bench/SessionTable/SessionTable.csproj -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
echo "machine: $(nproc) cores; $(free -h | awk '/^Mem:/ {print $2" RAM, "$7" available"}'); $(dotnet --version) SDK; $(nginx -v 2>&1)"
timeout --signal=INT --kill-after=30 "${BENCH_TIMEOUT:-1200}" \
  dotnet bench/SessionTable/bin/Release/net10.0/SessionTable.dll --sessions "$sessions" --backchannel "http://127.0.0.1:$port/logout" "$@"
