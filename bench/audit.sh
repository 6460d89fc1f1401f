#!/usr/bin/env bash
# What the audit log costs the administrative paths: terminations one by one and in bulk, by the
# operator, on two silos of this run, each on its own fresh SQLite database, one with the audit
# log (the default) and one without (SessionGrains__Audit__Enabled=false); rounds alternate between
# them, so anything else on the machine falls on both. Loopback only; every phase is bounded.
#
# Knobs (environment): BENCH_TERMINATES (sessions ended each way per round, default 3000),
# BENCH_BULK_SIZE (ids per bulk request, 100), BENCH_CONCURRENCY (16), BENCH_ROUNDS (3),
# BENCH_KEEP=1 keeps the work directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
terminates="${BENCH_TERMINATES:-3000}"
bulk_size="${BENCH_BULK_SIZE:-100}"
concurrency="${BENCH_CONCURRENCY:-16}"
rounds="${BENCH_ROUNDS:-3}"

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

log "building Release"
for project in src/SessionGrains.Silo/SessionGrains.Silo.csproj bench/Load/SessionGrains.Bench.Load.csproj; do
  dotnet build "$root/$project" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
done

# Administration is not what a rate limit is measured on here: no limit on either silo.
export SessionGrains__RateLimits__Admin__PermitLimit=0
start_silo audited sqlite "Data Source=$work/audited.db" "bench-audited-$$"
audited_port="$silo_port" audited_pid="$silo_pid"
SessionGrains__Audit__Enabled=false start_silo unaudited sqlite "Data Source=$work/unaudited.db" "bench-unaudited-$$"
unaudited_port="$silo_port" unaudited_pid="$silo_pid"
wait_ready audited "http://127.0.0.1:$audited_port/health/ready" "$audited_pid"
wait_ready unaudited "http://127.0.0.1:$unaudited_port/health/ready" "$unaudited_pid"

# One round on one silo: a tenant of its own, then the terminations; the RESULT line in $work/<name>-<round>.txt.
run_round() {
  local name="$1" port="$2" round="$3" pid before
  pid="$([[ $name == audited ]] && echo "$audited_pid" || echo "$unaudited_pid")"
  before="$(cpu_seconds "$pid")"
  log "round $round: $name ($terminates one by one, $terminates in bulk of $bulk_size, $concurrency workers)"
  dotnet "$root/bench/Load/bin/Release/net10.0/SessionGrains.Bench.Load.dll" \
    --url "http://127.0.0.1:$port" --operator-key "$operator_key" --lua "$work/unused.lua" --tenant "r$round" \
    --sessions 100 --creates 0 --concurrency "$concurrency" --terminates "$terminates" --bulk-size "$bulk_size" --max-seconds 120 \
    >"$work/$name-$round.txt"
  awk -v a="$(cpu_seconds "$pid")" -v b="$before" 'BEGIN { printf "%.1f", a - b }' >"$work/cpu-$name-$round.txt"
  grep '^RESULT ' "$work/$name-$round.txt" >&2
}

# A first round on each that is not counted: JIT, connections, SQLite's first pages.
run_round audited "$audited_port" 0
run_round unaudited "$unaudited_port" 0
for ((round = 1; round <= rounds; round++)); do
  run_round audited "$audited_port" "$round"
  run_round unaudited "$unaudited_port" "$round"
done

field() { grep '^RESULT ' "$work/$1.txt" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.1f", v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
median2() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
each() { for ((r = 1; r <= rounds; r++)); do field "$1-$r" "$2"; done; }
joined() { paste -sd' ' | sed 's/ /, /g'; }
ratios() { for ((r = 1; r <= rounds; r++)); do awk -v a="$(field "audited-$r" "$1")" -v u="$(field "unaudited-$r" "$1")" 'BEGIN { printf "%.2f\n", a / u }'; done; }
pass() { awk -v v="$1" 'BEGIN { print (v >= 0.90) ? "met" : "MISSED" }'; }
failures="$(for ((r = 1; r <= rounds; r++)); do for n in audited unaudited; do field "$n-$r" terminate_failures; field "$n-$r" bulk_failures; done; done | awk '{ n += $1 } END { print n + 0 }')"
# The operator's view of every log: each audited termination left its record, the other silo none.
total_of() { curl -fsS "http://127.0.0.1:$1/api/v1/audit?pageSize=1" -H "Authorization: Bearer $operator_key" | grep -o '"total":[0-9]*' | cut -d: -f2; }
records="$(total_of "$audited_port")"
unaudited_records="$(total_of "$unaudited_port")"
t_ratio="$(ratios terminate_per_s | median2)"
b_ratio="$(ratios bulk_sessions_per_s | median2)"

cat <<REPORT

### Run of $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores, .NET SDK $(dotnet --version). SQLite, one silo each, $concurrency workers, $rounds rounds alternating (after one uncounted round each).

| measure | audit on | audit off | on / off (median of rounds) | target | |
|---|---:|---:|---:|---|---|
| terminate one by one, per s (median) | $(each audited terminate_per_s | median) | $(each unaudited terminate_per_s | median) | $t_ratio | >= 0.90 | $(pass "$t_ratio") |
| terminate per s, each round | $(each audited terminate_per_s | joined) | $(each unaudited terminate_per_s | joined) | $(ratios terminate_per_s | joined) | | |
| terminate p50 / p99 ms (median) | $(each audited terminate_p50_ms | median) / $(each audited terminate_p99_ms | median) | $(each unaudited terminate_p50_ms | median) / $(each unaudited terminate_p99_ms | median) | | | |
| bulk terminate, sessions per s (median) | $(each audited bulk_sessions_per_s | median) | $(each unaudited bulk_sessions_per_s | median) | $b_ratio | >= 0.90 | $(pass "$b_ratio") |
| bulk sessions per s, each round | $(each audited bulk_sessions_per_s | joined) | $(each unaudited bulk_sessions_per_s | joined) | $(ratios bulk_sessions_per_s | joined) | | |
| bulk p50 / p99 ms (median) | $(each audited bulk_p50_ms | median) / $(each audited bulk_p99_ms | median) | $(each unaudited bulk_p50_ms | median) / $(each unaudited bulk_p99_ms | median) | | | |
| silo CPU s per round (sign-ins included) | $(for ((r = 1; r <= rounds; r++)); do cat "$work/cpu-audited-$r.txt"; echo; done | joined) | $(for ((r = 1; r <= rounds; r++)); do cat "$work/cpu-unaudited-$r.txt"; echo; done | joined) | | | |
| failed requests, all rounds | | | $failures | 0 | |
| audit records in the database at the end | $records | $unaudited_records | | | |

REPORT
