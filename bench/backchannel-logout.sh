#!/usr/bin/env bash
# The back-channel logout benchmark (docs/benchmarks.md, "Back-channel logout"): a tenant of
# BENCH_SESSIONS sessions (default 114,000, seeded by bench/SessionTable into a fresh SQLite file;
# the seeding ends 12% of them, so about 100,000 are live and told),
# every client registered with a back-channel logout URI served by a real nginx (Debian package)
# answering 200, then one tenant logout-all: the call's time against logout-alls with nothing to tell,
# and the time until every logout token is delivered. Loopback only; bounded by BENCH_TIMEOUT
# (default 1200 s); everything started here is stopped on exit. Extra arguments go to the benchmark.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sessions="${BENCH_SESSIONS:-114000}"

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

if ! command -v nginx >/dev/null 2>&1; then
  log "installing nginx (Debian package)"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >&2
fi

port="$(free_port)"
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location /logout { return 200; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)
deadline=$((SECONDS + 15))
until curl -fsS -o /dev/null -X POST "http://127.0.0.1:$port/logout"; do
  ((SECONDS < deadline)) || { log "nginx did not start"; cat "$work/nginx/error.log" >&2; exit 1; }
  sleep 0.2
done

cd "$root"
log "building Release"
dotnet build bench/SessionTable/SessionTable.csproj -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
echo "machine: $(nproc) cores; $(free -h | awk '/^Mem:/ {print $2" RAM, "$7" available"}'); $(dotnet --version) SDK; $(nginx -v 2>&1)"
timeout --signal=INT --kill-after=30 "${BENCH_TIMEOUT:-1200}" \
  dotnet bench/SessionTable/bin/Release/net10.0/SessionTable.dll --sessions "$sessions" --backchannel "http://127.0.0.1:$port/logout" "$@"
