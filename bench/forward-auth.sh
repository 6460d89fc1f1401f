#!/usr/bin/env bash
# The forward-auth benchmark (docs/benchmarks.md, "Forward auth"): requests per second through a
# real nginx (Debian package) that asks the silo's forward auth (auth_request) before proxying to
# an upstream, against the same nginx proxying to the same upstream with no auth at all. The
# upstream is a server of that nginx answering a short 200; the silo runs on SQLite. wrk sends every
# request with one of $BENCH_SESSIONS live tokens in Authorization (both sides get the header).
# Then, straight at the silo, forward auth against validate with the same tokens: whether the
# gateway's route costs what validate costs.
# Loopback only; every phase is bounded; everything started here is stopped on exit.
#
# Knobs (environment): BENCH_DURATION (s per side and round, default 10), BENCH_WARMUP (s, 3),
# BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_SESSIONS (200), BENCH_ROUNDS (1),
# BENCH_KEEP=1 keeps the work directory (logs, database, nginx.conf).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${BENCH_DURATION:-10}"
warmup="${BENCH_WARMUP:-3}"
connections="${BENCH_CONNECTIONS:-64}"
threads="${BENCH_THREADS:-2}"
sessions="${BENCH_SESSIONS:-200}"
rounds="${BENCH_ROUNDS:-1}"

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

ensure_wrk
ensure_nginx

log "building Release"
dotnet build "$root/src/SessionGrains.Silo/SessionGrains.Silo.csproj" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }

# The lifecycle limit (100,000 a second per key) is far above what this machine serves; it stays on.
start_silo
wait_ready silo "http://127.0.0.1:$silo_port/health/ready" "$silo_pid"

api="http://127.0.0.1:$silo_port/api/v1"
tenant="fwdbench"
call() { curl -fsS --max-time 30 -H "Content-Type: application/json" "$@"; }
log "preparing: tenant, service key, $sessions sessions"
call -H "Authorization: Bearer $operator_key" -d "{\"tenantId\":\"$tenant\",\"name\":\"Forward auth bench\"}" "$api/tenants" >/dev/null
service_key="$(call -H "Authorization: Bearer $operator_key" -d '{"name":"gateway","role":"service"}' "$api/tenants/$tenant/api-keys" | jq -r .key)"
{
  echo "local tokens = {"
  for ((i = 1; i <= sessions; i++)); do
    token="$(call -H "Authorization: Bearer $service_key" \
      -d "{\"userId\":\"user-$i\",\"userEmail\":\"user-$i@acme.test\",\"clientId\":\"portal\",\"ipAddress\":\"203.0.113.7\"}" \
      "$api/tenants/$tenant/sessions" | jq -r .token)"
    echo "  \"$token\","
  done
  echo "}"
  cat <<'LUA'
local n = 0
request = function()
  n = n % #tokens + 1
  return wrk.format("GET", "/orders/42", { ["Authorization"] = "Bearer " .. tokens[n] })
end
LUA
} >"$work/tokens.lua"
# The same tokens, asked straight of the silo: forward auth (the key in X-Api-Key) and validate.
{
  sed -n '/^local tokens/,/^}/p' "$work/tokens.lua"
  cat <<LUA
local n = 0
request = function()
  n = n % #tokens + 1
  return wrk.format("GET", "/api/v1/tenants/$tenant/forward-auth", { ["X-Api-Key"] = "$service_key", ["Authorization"] = "Bearer " .. tokens[n] })
end
LUA
} >"$work/forward.lua"
{
  sed -n '/^local tokens/,/^}/p' "$work/tokens.lua"
  cat <<LUA
local n = 0
request = function()
  n = n % #tokens + 1
  return wrk.format("POST", "/api/v1/tenants/$tenant/sessions/validate",
    { ["Authorization"] = "Bearer $service_key", ["Content-Type"] = "application/json" }, '{"token":"' .. tokens[n] .. '"}')
end
LUA
} >"$work/validate.lua"

gateway_port="$(free_port)"
direct_port="$(free_port)"
app_port="$(free_port)"
start_nginx <<NGINX

    upstream sessiongrains { server 127.0.0.1:$silo_port; keepalive 64; }
    upstream app { server 127.0.0.1:$app_port; keepalive 64; }

    # The upstream app: a short answer with the user it was handed.
    server {
        listen 127.0.0.1:$app_port;
        location / { default_type text/plain; return 200 "user=\$http_x_user_id"; }
    }

    # Without auth: nginx proxying to the app.
    server {
        listen 127.0.0.1:$direct_port;
        location / {
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass http://app;
        }
    }

    # With forward auth: the README's configuration.
    server {
        listen 127.0.0.1:$gateway_port;
        location / {
            auth_request /_sessiongrains;
            auth_request_set \$sg_user_id \$upstream_http_x_user_id;
            proxy_set_header X-User-Id \$sg_user_id;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass http://app;
        }
        location = /_sessiongrains {
            internal;
            proxy_pass http://sessiongrains/api/v1/tenants/$tenant/forward-auth;
            proxy_method GET;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Api-Key "$service_key";
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
NGINX
log "started nginx: gateway 127.0.0.1:$gateway_port, direct 127.0.0.1:$direct_port, app 127.0.0.1:$app_port"

# Both sides answer before anything is measured: a live token passes the gateway with its user.
deadline=$((SECONDS + 30))
first="$(sed -n 2p "$work/tokens.lua" | tr -d ' ",')"
until [[ "$(curl -fsS --max-time 5 -H "Authorization: Bearer $first" "http://127.0.0.1:$gateway_port/" 2>/dev/null)" == "user=user-1" ]] \
  && curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:$direct_port/" 2>/dev/null; do
  if ((SECONDS > deadline)); then log "nginx not answering after 30 s"; cat "$work/nginx/error.log" >&2; exit 1; fi
  sleep 0.5
done
[[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$gateway_port/")" == 401 ]] || { log "the gateway let a request without a token through"; exit 1; }

measure() { # name url round script
  log "round $3: wrk against $1: -t$threads -c$connections -d${duration}s --latency"
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$work/${4:-tokens}.lua" "$2" >"$work/wrk-$1-$3.txt"
}
# Forward auth and validate straight at the silo must answer 200 before they are measured.
[[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "X-Api-Key: $service_key" -H "Authorization: Bearer $first" "$api/tenants/$tenant/forward-auth")" == 200 ]] \
  || { log "forward auth straight at the silo did not answer 200"; exit 1; }
log "warm-up (${warmup}s each)"
wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$work/tokens.lua" "http://127.0.0.1:$direct_port" >/dev/null
wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$work/tokens.lua" "http://127.0.0.1:$gateway_port" >/dev/null
wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$work/forward.lua" "http://127.0.0.1:$silo_port" >/dev/null
wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$work/validate.lua" "http://127.0.0.1:$silo_port" >/dev/null
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# Rounds alternate the sides, so load from anything else on the machine falls on each.
for ((round = 1; round <= rounds; round++)); do
  measure direct "http://127.0.0.1:$direct_port" "$round"
  measure gateway "http://127.0.0.1:$gateway_port" "$round"
  measure forward "http://127.0.0.1:$silo_port" "$round" forward
  measure validate "http://127.0.0.1:$silo_port" "$round" validate
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

direct_rps="$(per_round rps_of direct | median)"
gateway_rps="$(per_round rps_of gateway | median)"
forward_rps="$(per_round rps_of forward | median)"
validate_rps="$(per_round rps_of validate | median)"
ratio="$(awk -v g="$gateway_rps" -v d="$direct_rps" 'BEGIN { printf "%.2f", g / d }')"
silo_ratio="$(awk -v f="$forward_rps" -v v="$validate_rps" 'BEGIN { printf "%.2f", f / v }')"
each_ratio() { for ((r = 1; r <= rounds; r++)); do awk -v a="$(rps_of "$1-$r")" -v b="$(rps_of "$2-$r")" 'BEGIN { printf "%.2f\n", a / b }'; done | joined; }
cat <<REPORT

### Run of $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(free -h | awk '/^Mem:/ { print $2 }') RAM, .NET SDK $(dotnet --version), $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk --version 2>&1 | head -n 1 | awk '{ print $1, $2 }').
wrk: -t$threads -c$connections -d${duration}s --latency, $rounds round(s) of each side (alternating) after a ${warmup}s warm-up of each, the same $sessions tokens for all.
Load average (1/5/15 min) before: $load_before; after: $load_after.

| measure | nginx → app | nginx → forward auth → app | silo: forward auth | silo: validate |
|---|---:|---:|---:|---:|
| requests/s (median of rounds) | $direct_rps | $gateway_rps | $forward_rps | $validate_rps |
| requests/s, each round | $(per_round rps_of direct | joined) | $(per_round rps_of gateway | joined) | $(per_round rps_of forward | joined) | $(per_round rps_of validate | joined) |
| ratio (medians) | | $ratio (with / without forward auth) | $silo_ratio (forward auth / validate) | |
| ratio, each round | | $(each_ratio gateway direct) | $(each_ratio forward validate) | |
| p50 latency ms | $(per_round p50_of direct | median) | $(per_round p50_of gateway | median) | $(per_round p50_of forward | median) | $(per_round p50_of validate | median) |
| p99 latency ms | $(per_round p99_of direct | median) | $(per_round p99_of gateway | median) | $(per_round p99_of forward | median) | $(per_round p99_of validate | median) |
| errors (non-2xx + socket), all rounds | $(per_round errors_of direct | awk '{ n += $1 } END { print n + 0 }') | $(per_round errors_of gateway | awk '{ n += $1 } END { print n + 0 }') | $(per_round errors_of forward | awk '{ n += $1 } END { print n + 0 }') | $(per_round errors_of validate | awk '{ n += $1 } END { print n + 0 }') |

REPORT
