#!/usr/bin/env bash
# The unknown-keys benchmark (docs/benchmarks.md): what well-formed keys of made-up tenants cost.
# wrk sends BENCH_UNKNOWN_REQUESTS (default 200,000) validate requests, each with a key
# "sgk.<base64url of a fresh random tenant>.k-1.<secret>", all of which must be 401; the silo's
# managed heap after a full collection (dotnet-gcdump, which forces one) is read before and after.
# In the same run, valid-key validate requests/s for comparison.
# Loopback only; every phase is bounded; everything started here is stopped on exit.
#
# Knobs (environment): BENCH_UNKNOWN_REQUESTS (200000), BENCH_DURATION (valid-key run, s, 15),
# BENCH_WARMUP (s, 5), BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_KEEP=1 keeps the work
# directory, BENCH_TOOLS (where dotnet-gcdump is installed, /tmp/sessiongrains-bench-tools).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
unknown_requests="${BENCH_UNKNOWN_REQUESTS:-200000}"
duration="${BENCH_DURATION:-15}"
warmup="${BENCH_WARMUP:-5}"
connections="${BENCH_CONNECTIONS:-64}"
threads="${BENCH_THREADS:-2}"
tools="${BENCH_TOOLS:-/tmp/sessiongrains-bench-tools}"
gcdump_version=10.0.750501

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

ensure_wrk
if [[ ! -x "$tools/dotnet-gcdump" ]]; then
  log "installing dotnet-gcdump $gcdump_version (NuGet dotnet tool) into $tools"
  dotnet tool install --tool-path "$tools" dotnet-gcdump --version "$gcdump_version" >&2
fi

log "building Release"
for project in src/SessionGrains.Silo/SessionGrains.Silo.csproj bench/Load/SessionGrains.Bench.Load.csproj; do
  dotnet build "$root/$project" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
done

# Every request here is refused from 127.0.0.1: with the per-address limit on, all but the first
# 30 would be 429 without a lookup. This measures what a lookup of a made-up tenant leaves behind.
silo_args=("--SessionGrains:RateLimits:Unauthenticated:PermitLimit=0")
start_silo
wait_ready silo "http://127.0.0.1:$silo_port/health/ready" "$silo_pid"
url="http://127.0.0.1:$silo_port"

log "preparing the valid-key run: tenant, service key, 200 sessions"
dotnet "$root/bench/Load/bin/Release/net10.0/SessionGrains.Bench.Load.dll" \
  --url "$url" --operator-key "$operator_key" --lua "$work/validate.lua" \
  --sessions 200 --creates 100 --concurrency 16 --max-seconds 120 >"$work/load.txt"

# Every request names a tenant nobody created; wrk stops each thread after its share, and
# reports how many answers were 401.
cat >"$work/unknown.lua" <<'LUA'
local bit = require("bit")
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local secret = "bench0unknown0tenant0keys0are0all0401000000"
local quota = tonumber(os.getenv("UNKNOWN_REQUESTS") or "0")
local thread_count = tonumber(os.getenv("UNKNOWN_THREADS") or "1")
local threads = {}

local function b64url(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = bit.bor(bit.lshift(a, 16), bit.lshift(b or 0, 8), c or 0)
    local chars = (not b) and 2 or ((not c) and 3 or 4)
    for j = 0, chars - 1 do
      local at = bit.band(bit.rshift(n, 18 - 6 * j), 63) + 1
      out[#out + 1] = alphabet:sub(at, at)
    end
  end
  return table.concat(out)
end

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  math.randomseed(os.time() * 100 + number)
  share = math.ceil(quota / thread_count)
  responses = 0
  unauthorized = 0
  started = os.time()
  finished = started
end

function request()
  local tenant = string.format("nt-%d-%08x%08x", number, math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
  local headers = {
    ["Authorization"] = "Bearer sgk." .. b64url(tenant) .. ".k-1." .. secret,
    ["Content-Type"] = "application/json",
  }
  return wrk.format("POST", "/api/v1/tenants/" .. tenant .. "/sessions/validate", headers, '{"token":"sga.x.y.z"}')
end

function response(status, headers, body)
  responses = responses + 1
  if status == 401 then
    unauthorized = unauthorized + 1
  end
  if responses >= share then
    finished = os.time()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  -- wrk sleeps its whole -d even when every thread stopped early, so its own requests/s is not
  -- this run's: the rate is the answers over the seconds from the first start to the last stop.
  local total, refused, first, last = 0, 0, nil, nil
  for _, thread in ipairs(threads) do
    total = total + thread:get("responses")
    refused = refused + thread:get("unauthorized")
    first = math.min(first or thread:get("started"), thread:get("started"))
    last = math.max(last or thread:get("finished"), thread:get("finished"))
  end
  io.write(string.format("UNKNOWN responses=%d unauthorized=%d seconds=%d\n", total, refused, last - first))
end
LUA

# Live managed bytes after the full collection dotnet-gcdump forces.
heap_bytes() {
  local name="$1"
  "$tools/dotnet-gcdump" collect -p "$silo_pid" -o "$work/$name.gcdump" >"$work/gcdump-$name.txt" 2>&1
  "$tools/dotnet-gcdump" report "$work/$name.gcdump" >"$work/gcdump-$name-report.txt"
  awk '/GC Heap bytes/ { gsub(/,/, "", $1); print $1; exit }' "$work/gcdump-$name-report.txt"
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$silo_pid/status"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }

log "warm-up: wrk with unknown keys and with the valid key (${warmup}s each)"
UNKNOWN_REQUESTS=1000000000 UNKNOWN_THREADS="$threads" \
  wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$work/unknown.lua" "$url" >"$work/wrk-unknown-warmup.txt"
wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$work/validate.lua" "$url" >"$work/wrk-valid-warmup.txt"

# wrk always runs its whole -d: give it half again the time the warm-up's rate needs, so the run
# ends soon after the last answer (a run that falls short shows as fewer answers than asked).
cap="$(awk -v n="$unknown_requests" -v r="$(rps "$work/wrk-unknown-warmup.txt")" 'BEGIN { printf "%d", n / (r > 1 ? r : 1) * 1.5 + 10 }')"

heap_before="$(heap_bytes before)"
rss_before="$(rss_kb)"
log "heap after a full GC before: $(mb "$heap_before") MB; $unknown_requests requests with unknown tenants"
UNKNOWN_REQUESTS="$unknown_requests" UNKNOWN_THREADS="$threads" \
  wrk -t"$threads" -c"$connections" -d"${cap}s" --latency -s "$work/unknown.lua" "$url" >"$work/wrk-unknown.txt"
heap_after="$(heap_bytes after)"
rss_after="$(rss_kb)"
log "heap after a full GC after: $(mb "$heap_after") MB; valid-key validate for ${duration}s"
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$work/validate.lua" "$url" >"$work/wrk-valid.txt"

unknown_line="$(grep '^UNKNOWN ' "$work/wrk-unknown.txt")"
responses="$(sed -E 's/.*responses=([0-9]+).*/\1/' <<<"$unknown_line")"
unauthorized="$(sed -E 's/.*unauthorized=([0-9]+).*/\1/' <<<"$unknown_line")"
seconds="$(sed -E 's/.*seconds=([0-9]+).*/\1/' <<<"$unknown_line")"
unknown_rps="$(awk -v n="$responses" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }')"
growth="$(awk -v a="$heap_after" -v b="$heap_before" 'BEGIN { printf "%.1f", (a - b) / 1048576 }')"
verdict="$(awk -v g="$growth" 'BEGIN { print (g <= 16) ? "met" : "MISSED" }')"
valid_non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$work/wrk-valid.txt")"

cat <<REPORT

### Run of $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores, $(free -h | awk '/^Mem:/ { print $2 }') RAM, .NET SDK $(dotnet --version), $(wrk --version 2>&1 | head -n 1 | awk '{ print $1, $2 }'); load average before: $(cut -d' ' -f1-3 /proc/loadavg).
wrk -t$threads -c$connections; heap read with dotnet-gcdump $gcdump_version (live objects after the full collection it forces).

| measure | value | target | |
|---|---:|---|---|
| unknown-tenant requests answered / of them 401 | $responses / $unauthorized | all 401 | $([[ "$responses" == "$unauthorized" ]] && echo met || echo MISSED) |
| managed heap after full GC, before / after (MB) | $(mb "$heap_before") / $(mb "$heap_after") | | |
| managed heap growth (MB) | $growth | <= 16 | $verdict |
| process RSS before / after (MB) | $(awk -v k="$rss_before" 'BEGIN { printf "%.0f", k / 1024 }') / $(awk -v k="$rss_after" 'BEGIN { printf "%.0f", k / 1024 }') | | |
| unknown-tenant requests/s (answers / seconds from first start to last stop) | $unknown_rps ($responses in ${seconds}s) | | |
| valid-key validate requests/s (${duration}s) | $(rps "$work/wrk-valid.txt") | | |
| valid-key non-2xx answers | ${valid_non2xx:-0} | 0 | |

REPORT
