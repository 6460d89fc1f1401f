#!/usr/bin/env bash
# The rate-limit benchmark (docs/benchmarks.md): what the limits cost validate. Two silos of the
# same build, same run: one with the default limits (every validate counted against its key's
# lifecycle limit), one with every limit off (PermitLimit 0, the rate limiter left out of the
# pipeline), each on its own fresh SQLite file with its own tenant, service key and tokens. wrk
# rounds alternate between them; the figure is limits-on requests/s over limits-off requests/s.
# Loopback only; every phase is bounded; everything started here is stopped on exit.
#
# Knobs (environment): BENCH_DURATION (s, default 20), BENCH_WARMUP (s, 5), BENCH_ROUNDS (3),
# BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_SESSIONS (1000), BENCH_KEEP=1 keeps the work directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${BENCH_DURATION:-20}"
warmup="${BENCH_WARMUP:-5}"
rounds="${BENCH_ROUNDS:-3}"
connections="${BENCH_CONNECTIONS:-64}"
threads="${BENCH_THREADS:-2}"
sessions="${BENCH_SESSIONS:-1000}"

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

ensure_wrk
log "building Release"
for project in src/SessionGrains.Silo/SessionGrains.Silo.csproj bench/Load/SessionGrains.Bench.Load.csproj; do
  dotnet build "$root/$project" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
done

declare -A port_of pid_of
silo_args=()
start_silo on sqlite "Data Source=$work/on.db" "bench-on-$$"
port_of[on]="$silo_port"
pid_of[on]="$silo_pid"
silo_args=(
  "--SessionGrains:RateLimits:Admin:PermitLimit=0"
  "--SessionGrains:RateLimits:Lifecycle:PermitLimit=0"
  "--SessionGrains:RateLimits:Unauthenticated:PermitLimit=0"
)
start_silo off sqlite "Data Source=$work/off.db" "bench-off-$$"
port_of[off]="$silo_port"
pid_of[off]="$silo_pid"

for name in on off; do
  wait_ready "$name" "http://127.0.0.1:${port_of[$name]}/health/ready" "${pid_of[$name]}"
  log "preparing $name: tenant, service key, $sessions sessions"
  dotnet "$root/bench/Load/bin/Release/net10.0/SessionGrains.Bench.Load.dll" \
    --url "http://127.0.0.1:${port_of[$name]}" --operator-key "$operator_key" --lua "$work/validate-$name.lua" \
    --sessions "$sessions" --creates 200 --concurrency 16 --max-seconds 120 >"$work/load-$name.txt"
done

wrk_run() {
  local name="$1" label="$2" seconds="$3" before after
  before="$(cpu_seconds "${pid_of[$name]}")"
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$work/validate-$name.lua" \
    "http://127.0.0.1:${port_of[$name]}" >"$work/wrk-$label.txt"
  after="$(cpu_seconds "${pid_of[$name]}")"
  awk -v a="$after" -v b="$before" 'BEGIN { printf "%.1f", a - b }' >"$work/cpu-$label.txt"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for name in on off; do
  log "wrk warm-up against $name (${warmup}s)"
  wrk_run "$name" "$name-warmup" "$warmup"
done
# Rounds alternate, and the order flips each round, so drift of the machine falls on both.
for ((round = 1; round <= rounds; round++)); do
  order=(on off)
  if ((round % 2 == 0)); then
    order=(off on)
  fi
  for name in "${order[@]}"; do
    log "round $round: wrk against $name: -t$threads -c$connections -d${duration}s"
    wrk_run "$name" "$name-$round" "$duration"
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# Which limits were in force: the status of the 31st refused key from one address (the default
# limit is 30 a minute), 429 on the silo with the limits on, 401 with them off.
refused_status() {
  local status="" i
  for ((i = 1; i <= 31; i++)); do
    status="$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sgk.bad' "http://127.0.0.1:${port_of[$1]}/api/v1/tenants")"
  done
  echo "$status"
}
on_refused="$(refused_status on)"
off_refused="$(refused_status off)"

# Server CPU per validation, µs: the round's CPU seconds over its requests.
cpu_per_request_of() { awk -v c="$(cat "$work/cpu-$1.txt")" -v r="$(rps_of "$1")" -v d="$duration" 'BEGIN { printf "%.1f", c / (r * d) * 1e6 }'; }
on_rps="$(per_round rps_of on | median)"
off_rps="$(per_round rps_of off | median)"
ratio="$(awk -v a="$on_rps" -v b="$off_rps" 'BEGIN { printf "%.3f", a / b }')"
round_ratios="$(for ((r = 1; r <= rounds; r++)); do awk -v a="$(rps_of "on-$r")" -v b="$(rps_of "off-$r")" 'BEGIN { printf "%.3f\n", a / b }'; done | joined)"

cat <<REPORT

### Run of $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores, $(free -h | awk '/^Mem:/ { print $2 }') RAM, .NET SDK $(dotnet --version), $(wrk --version 2>&1 | head -n 1 | awk '{ print $1, $2 }').
wrk -t$threads -c$connections -d${duration}s --latency, $rounds rounds alternating (order flipped each round) after a ${warmup}s warm-up of each; $sessions tokens per silo.
Load average (1/5/15 min) before the rounds: $load_before; after: $load_after.

| measure | limits on (defaults) | limits off (all 0) |
|---|---:|---:|
| validate requests/s, median of rounds | $on_rps | $off_rps |
| validate requests/s, each round | $(per_round rps_of on | joined) | $(per_round rps_of off | joined) |
| **ratio on / off (medians)** | **$ratio** | |
| ratio on / off, each round | $round_ratios | |
| validate p99 ms, each round | $(per_round p99_of on | joined) | $(per_round p99_of off | joined) |
| server CPU µs per validation, each round | $(per_round cpu_per_request_of on | joined) | $(per_round cpu_per_request_of off | joined) |
| status of the 31st refused key from one address (limits in force?) | $on_refused | $off_refused |
| errors (non-2xx, 429 included, + socket), all rounds | $(per_round errors_of on | awk '{ n += $1 } END { print n + 0 }') | $(per_round errors_of off | awk '{ n += $1 } END { print n + 0 }') |

REPORT
