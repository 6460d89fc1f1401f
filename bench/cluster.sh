#!/usr/bin/env bash
# The cluster benchmark on PostgreSQL (docs/benchmarks.md), durable: sign-ins and refreshes with
# rotation per second on one silo and on three silo processes of one cluster, and validate
# through the three silos (wrk, one instance per silo, tokens whose grains live on every silo) as
# a ratio of the bare ASP.NET Core baseline of bench/run.sh, rounds alternating, same run.
# PostgreSQL is the private server of scripts/postgres.sh, a fresh database per phase, dropped
# on exit. Loopback only; every phase is bounded; everything started here is stopped on exit.
#
# Knobs (environment): BENCH_CREATES (20000), BENCH_REFRESHES (30000), BENCH_SESSIONS (1000),
# BENCH_CREATE_CONCURRENCY (64), BENCH_DURATION (s, 20), BENCH_WARMUP (s, 5), BENCH_CONNECTIONS
# (64, split over the silos), BENCH_ROUNDS (3), BENCH_PG_OPTIONS (appended to the connection
# string, e.g. "Max Auto Prepare=0"), BENCH_KEEP=1 keeps the work directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
creates="${BENCH_CREATES:-20000}"
refreshes="${BENCH_REFRESHES:-30000}"
sessions="${BENCH_SESSIONS:-1000}"
concurrency="${BENCH_CREATE_CONCURRENCY:-64}"
duration="${BENCH_DURATION:-20}"
warmup="${BENCH_WARMUP:-5}"
connections="${BENCH_CONNECTIONS:-64}"
rounds="${BENCH_ROUNDS:-3}"

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

ensure_wrk
log "building Release"
for project in src/SessionGrains.Silo/SessionGrains.Silo.csproj bench/Baseline/SessionGrains.Bench.Baseline.csproj bench/Load/SessionGrains.Bench.Load.csproj; do
  dotnet build "$root/$project" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
done

# A fresh database per phase on the private server; dropped when the run ends.
databases=()
pg_server="$("$root/scripts/postgres.sh" | tail -n 1)"
psql_bin="$(ls -d /usr/lib/postgresql/*/bin/psql | sort -V | tail -n 1)"
pg_port="$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$pg_server")"
# Sets $database to the connection string of a new database named for the phase (not in a
# subshell, so the name is remembered for the drop on exit).
new_database() {
  local name="bench_cluster_$$_$1"
  databases+=("$name")
  database="$(SESSIONGRAINS_PG_DB="$name" "$root/scripts/postgres.sh" | tail -n 1)${BENCH_PG_OPTIONS:+;$BENCH_PG_OPTIONS}"
}
drop_databases() {
  for name in "${databases[@]}"; do
    "$psql_bin" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
trap 'cleanup; drop_databases' EXIT

# CPU seconds of every PostgreSQL server process (they come and go with connections; the sum
# over those alive before and after is what the phase cost the server, near enough).
postgres_cpu() {
  local total=0 pid
  for pid in $(pgrep -u postgres postgres 2>/dev/null); do
    total="$(awk -v t="$total" -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", t + ($14 + $15 + $16 + $17) / hz }' "/proc/$pid/stat" 2>/dev/null || echo "$total")"
  done
  echo "$total"
}
silos_cpu() {
  local total=0 pid
  for pid in "${silo_pids[@]}"; do total="$(awk -v t="$total" -v c="$(cpu_seconds "$pid")" 'BEGIN { printf "%.1f", t + c }')"; done
  echo "$total"
}

load() {
  local name="$1" urls="$2" pg_before silo_before
  log "$name: $sessions sessions, $creates measured sign-ins, $refreshes refreshes with rotation ($concurrency workers)"
  pg_before="$(postgres_cpu)" silo_before="$(silos_cpu)"
  dotnet "$root/bench/Load/bin/Release/net10.0/SessionGrains.Bench.Load.dll" \
    --url "$urls" --operator-key "$operator_key" --lua "$work/validate-$name.lua" \
    --sessions "$sessions" --creates "$creates" --refreshes "$refreshes" --concurrency "$concurrency" --max-seconds 180 \
    | tee "$work/load-$name.txt" >&2
  echo "$(awk -v a="$(silos_cpu)" -v b="$silo_before" 'BEGIN { printf "%.1f", a - b }') $(awk -v a="$(postgres_cpu)" -v b="$pg_before" 'BEGIN { printf "%.1f", a - b }')" >"$work/cpu-$name.txt"
}
cpu_of() { awk -v i="$2" '{ print $i }' "$work/cpu-$1.txt"; }
field() { grep '^RESULT ' "$work/load-$1.txt" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
stop_silos() {
  for pid in "${silo_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${silo_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  silo_pids=() silo_ports=()
}

# One silo.
new_database one
start_silo one-silo postgres "$database" "bench-one-$$"
wait_ready one-silo "http://127.0.0.1:$silo_port/health/ready" "$silo_pid"
load one "http://127.0.0.1:$silo_port"
stop_silos

# Three silo processes of one cluster.
new_database three
for i in 1 2 3; do
  start_silo "silo-$i" postgres "$database" "bench-three-$$"
  wait_ready "silo-$i" "http://127.0.0.1:$silo_port/health/ready" "$silo_pid"
done
cluster_pids=("${silo_pids[@]}")
urls="$(printf 'http://127.0.0.1:%s,' "${silo_ports[@]}" | sed 's/,$//')"
load three "$urls"

baseline_port="$(free_port)"
log "starting baseline on 127.0.0.1:$baseline_port"
( cd "$work" && exec dotnet "$root/bench/Baseline/bin/Release/net10.0/SessionGrains.Bench.Baseline.dll" \
    --urls "http://127.0.0.1:$baseline_port" --environment Production ) >"$work/baseline.log" 2>&1 &
baseline_pid=$!
pids+=("$baseline_pid")
wait_ready baseline "http://127.0.0.1:$baseline_port/health/ready" "$baseline_pid"

per_silo=$((connections / 3))
# The baseline: one wrk, -t2 -c$connections. The cluster: one wrk per silo, -t1 -c$per_silo each,
# at the same time; requests per second add up. Output: one "rps p99_ms errors" line per wrk.
wrk_baseline() {
  wrk -t2 -c"$connections" -d"$1s" --latency -s "$work/validate-three.lua" "http://127.0.0.1:$baseline_port" >"$work/wrk-baseline-$2.txt"
}
wrk_cluster() {
  local port i=0 waits=()
  for port in "${silo_ports[@]}"; do
    i=$((i + 1))
    wrk -t1 -c"$per_silo" -d"$1s" --latency -s "$work/validate-three.lua" "http://127.0.0.1:$port" >"$work/wrk-cluster-$2-$i.txt" &
    waits+=($!)
  done
  for pid in "${waits[@]}"; do wait "$pid"; done
}
rps() { awk '/^Requests\/sec:/ { n += $2 } END { printf "%.0f", n }' "$@"; }
p99() { local f; for f in "$@"; do awk '$1 == "99%" { print $2 }' "$f" | to_ms; echo; done | sort -g | tail -n 1; }
errors() { awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$@"; }

log "wrk warm-up (${warmup}s each)"
wrk_baseline "$warmup" warmup
wrk_cluster "$warmup" warmup
base=() clus=() ratios=() p99s=() errs=0
for ((round = 1; round <= rounds; round++)); do
  log "round $round: baseline, then the three silos (${duration}s each)"
  wrk_baseline "$duration" "$round"
  wrk_cluster "$duration" "$round"
  b="$(rps "$work/wrk-baseline-$round.txt")"
  c="$(rps "$work"/wrk-cluster-"$round"-*.txt)"
  base+=("$b") clus+=("$c")
  ratios+=("$(awk -v c="$c" -v b="$b" 'BEGIN { printf "%.2f", c / b }')")
  p99s+=("$(p99 "$work"/wrk-cluster-"$round"-*.txt)")
  errs=$((errs + $(errors "$work"/wrk-cluster-"$round"-*.txt)))
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
joined() { local IFS=,; echo "$*" | sed 's/,/, /g'; }
pass() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "met" : "MISSED" }'; }

cat <<REPORT

### Cluster run of $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(free -h | awk '/^Mem:/ { print $2 }') RAM, .NET SDK $(dotnet --version); PostgreSQL on the same machine ($("$psql_bin" --version | awk '{ print $3 }')).
Load: $concurrency workers; $creates sign-ins, then $refreshes refreshes with rotation over $sessions sessions (each refreshed about $((refreshes / sessions)) times; the first refresh of a session also makes its signing key); with three silos, requests go to each in turn.

| measure | one silo | three silo processes | target | |
|---|---:|---:|---|---|
| sign-ins per second, PostgreSQL, durable | $(field one create_per_s) | $(field three create_per_s) | >= 1,500 | $(pass "$(field one create_per_s)" 1500) / $(pass "$(field three create_per_s)" 1500) |
| sign-in p50 / p99 ms | $(field one p50_ms) / $(field one p99_ms) | $(field three p50_ms) / $(field three p99_ms) | | |
| refreshes with rotation per second, durable | $(field one refresh_per_s) | $(field three refresh_per_s) | >= 2,400 | $(pass "$(field one refresh_per_s)" 2400) / $(pass "$(field three refresh_per_s)" 2400) |
| refresh p50 / p99 ms | $(field one refresh_p50_ms) / $(field one refresh_p99_ms) | $(field three refresh_p50_ms) / $(field three refresh_p99_ms) | | |
| failures (sign-in, refresh) | $(field one failures), $(field one refresh_failures) | $(field three failures), $(field three refresh_failures) | 0 | |
| CPU s of the load phase (warm-up, sign-ins, refresh pool, refreshes): silos / PostgreSQL | $(cpu_of one 1) / $(cpu_of one 2) | $(cpu_of three 1) / $(cpu_of three 2) | | |
| load client CPU s during the measured sign-ins | $(field one client_cpu_s) | $(field three client_cpu_s) | | |

Validate through the three silos ($sessions tokens, wrk -t1 -c$per_silo against each silo at once) against the baseline (wrk -t2 -c$connections), ${duration}s rounds alternating after a ${warmup}s warm-up:

| measure | baseline | three silos |
|---|---:|---:|
| requests/s, each round | $(joined "${base[@]}") | $(joined "${clus[@]}") |
| ratio three silos / baseline, each round | | $(joined "${ratios[@]}") |
| ratio, median of rounds | | $(median "${ratios[@]}") |
| p99 ms (worst of the three wrk), each round | | $(joined "${p99s[@]}") |
| errors (non-2xx + socket), all rounds | | $errs |

REPORT
