#!/usr/bin/env bash
# The SessionGrains benchmark, one command: validate over HTTP against a bare ASP.NET Core
# baseline (wrk, same run, same machine) and sign-ins per second on a fresh SQLite database.
# Loopback only; every phase is bounded; everything started here is stopped on exit.
#
# Knobs (environment): BENCH_DURATION (s, default 20), BENCH_WARMUP (s, default 5),
# BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_SESSIONS (1000), BENCH_CREATES (20000),
# BENCH_CREATE_CONCURRENCY (64), BENCH_ROUNDS (3), BENCH_KEEP=1 keeps the work directory (logs, database).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${BENCH_DURATION:-20}"
warmup="${BENCH_WARMUP:-5}"
connections="${BENCH_CONNECTIONS:-64}"
threads="${BENCH_THREADS:-2}"
sessions="${BENCH_SESSIONS:-1000}"
creates="${BENCH_CREATES:-20000}"
create_concurrency="${BENCH_CREATE_CONCURRENCY:-64}"
rounds="${BENCH_ROUNDS:-3}"

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

warm_wrk() {
  local name="$1" url="$2"
  log "wrk warm-up against $name (${warmup}s)"
  wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$work/validate.lua" "$url" >"$work/wrk-$name-warmup.txt"
}

# One measured wrk run: output in $work/wrk-<name>-<round>.txt, the server's CPU seconds in
# cpu-<name>-<round>.txt, wrk's own CPU seconds in wrkcpu-<name>-<round>.txt.
run_wrk() {
  local name="$1" url="$2" pid="$3" round="$4" before after
  log "round $round: wrk against $name: -t$threads -c$connections -d${duration}s --latency"
  before="$(cpu_seconds "$pid")"
  # bash's time reports wrk's own CPU: what the load tool took from the same two cores.
  local TIMEFORMAT='%U %S'
  { time wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$work/validate.lua" "$url" >"$work/wrk-$name-$round.txt"; } 2>"$work/wrktime-$name-$round.txt"
  after="$(cpu_seconds "$pid")"
  awk -v a="$after" -v b="$before" 'BEGIN { printf "%.1f", a - b }' >"$work/cpu-$name-$round.txt"
  awk '{ printf "%.1f", $1 + $2 }' "$work/wrktime-$name-$round.txt" >"$work/wrkcpu-$name-$round.txt"
}

cat_round() { cat "$work/$1.txt"; }
cpu_of() { cat_round "cpu-$1"; }
wrkcpu_of() { cat_round "wrkcpu-$1"; }

ensure_wrk

log "building Release"
for project in src/SessionGrains.Silo/SessionGrains.Silo.csproj bench/Baseline/SessionGrains.Bench.Baseline.csproj bench/Load/SessionGrains.Bench.Load.csproj; do
  dotnet build "$root/$project" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
done

baseline_port="$(free_port)"
start_silo

log "starting baseline on 127.0.0.1:$baseline_port"
(
  cd "$work"
  exec dotnet "$root/bench/Baseline/bin/Release/net10.0/SessionGrains.Bench.Baseline.dll" \
    --urls "http://127.0.0.1:$baseline_port" --environment Production
) >"$work/baseline.log" 2>&1 &
baseline_pid=$!
pids+=("$baseline_pid")

wait_ready silo "http://127.0.0.1:$silo_port/health/ready" "$silo_pid"
wait_ready baseline "http://127.0.0.1:$baseline_port/health/ready" "$baseline_pid"

log "preparing: tenant, service key, $sessions sessions, then $creates measured sign-ins with $create_concurrency workers"
dotnet "$root/bench/Load/bin/Release/net10.0/SessionGrains.Bench.Load.dll" \
  --url "http://127.0.0.1:$silo_port" --operator-key "$operator_key" --lua "$work/validate.lua" \
  --sessions "$sessions" --creates "$creates" --concurrency "$create_concurrency" --max-seconds 120 \
  | tee "$work/load.txt" >&2
result="$(grep '^RESULT ' "$work/load.txt")"
field() { tr ' ' '\n' <<<"$result" | awk -F= -v k="$1" '$1 == k { print $2 }'; }

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
warm_wrk baseline "http://127.0.0.1:$baseline_port"
warm_wrk silo "http://127.0.0.1:$silo_port"
# Rounds alternate between the servers, so load from anything else on the machine falls on both.
for ((round = 1; round <= rounds; round++)); do
  run_wrk baseline "http://127.0.0.1:$baseline_port" "$baseline_pid" "$round"
  run_wrk silo "http://127.0.0.1:$silo_port" "$silo_pid" "$round"
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

base_rps="$(per_round rps_of baseline | median)"
silo_rps="$(per_round rps_of silo | median)"
ratio="$(awk -v s="$silo_rps" -v b="$base_rps" 'BEGIN { printf "%.2f", s / b }')"
round_ratios="$(for ((r = 1; r <= rounds; r++)); do awk -v s="$(rps_of "silo-$r")" -v b="$(rps_of "baseline-$r")" 'BEGIN { printf "%.2f\n", s / b }'; done | joined)"
pass() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? (v >= t) : (v < t); print ok ? "met" : "MISSED" }'; }

cat <<REPORT

### Run of $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(free -h | awk '/^Mem:/ { print $2 }') RAM, .NET SDK $(dotnet --version), $(wrk --version 2>&1 | head -n 1 | awk '{ print $1, $2 }').
wrk: -t$threads -c$connections -d${duration}s --latency, $rounds rounds alternating baseline and silo after a ${warmup}s warm-up of each, same Lua script ($sessions tokens) for both.
Load average (1/5/15 min) before the wrk rounds: $load_before; after: $load_after.

| measure | baseline | silo | target | |
|---|---:|---:|---|---|
| validate requests/s, median of rounds | $base_rps | $silo_rps | | |
| validate requests/s, each round | $(per_round rps_of baseline | joined) | $(per_round rps_of silo | joined) | | |
| validate ratio silo / baseline (medians) | | $ratio | >= 0.50 | $(pass "$ratio" ">=" 0.5) |
| validate ratio, each round | | $round_ratios | | |
| validate p50 latency ms, median of rounds | $(per_round p50_of baseline | median) | $(per_round p50_of silo | median) | | |
| validate p99 latency ms, median of rounds | $(per_round p99_of baseline | median) | $(per_round p99_of silo | median) | < 5 | $(pass "$(per_round p99_of silo | median)" "<" 5) |
| validate p99 latency ms, each round | $(per_round p99_of baseline | joined) | $(per_round p99_of silo | joined) | | |
| validate errors (non-2xx + socket), all rounds | $(per_round errors_of baseline | awk '{ n += $1 } END { print n + 0 }') | $(per_round errors_of silo | awk '{ n += $1 } END { print n + 0 }') | 0 | |
| server CPU s per ${duration}s round | $(per_round cpu_of baseline | joined) | $(per_round cpu_of silo | joined) | | |
| wrk CPU s per ${duration}s round | $(per_round wrkcpu_of baseline | joined) | $(per_round wrkcpu_of silo | joined) | | |
| create (sign-in) per second, SQLite | | $(field create_per_s) | >= 1,000 | $(pass "$(field create_per_s)" ">=" 1000) |
| create p50 / p99 latency (ms) | | $(field p50_ms) / $(field p99_ms) | | |
| create: sign-ins, failures, seconds, client CPU s | | $(field count), $(field failures), $(field seconds), $(field client_cpu_s) | | |

REPORT
