# Shared by the benchmark scripts (source it): a work directory removed on exit unless
# BENCH_KEEP=1 or the run failed, every process started here stopped on exit, free loopback
# ports, readiness, CPU seconds, wrk latency units, and starting the silo on SQLite.
# Expects `root` to be set (the repository) before it is sourced.

work="$(mktemp -d /tmp/sessiongrains-bench.XXXXXX)"
pids=()

cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ "${BENCH_KEEP:-0}" == 1 || $status -ne 0 ]]; then
    echo "work directory kept: $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[bench] $*" >&2; }

# A free loopback port: random in a high range, skipping any that something listens on.
used_ports=" "
free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 30000))
    if [[ "$used_ports" != *" $port "* ]] && ! ss -Hltn "sport = :$port" | grep -q .; then
      used_ports+="$port "
      echo "$port"
      return
    fi
  done
}

wait_ready() {
  local name="$1" url="$2" pid="$3" deadline=$((SECONDS + 90))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited before it was ready; its log:"
      tail -n 40 "$work/$name.log" >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      log "$name not ready after 90 s"
      exit 1
    fi
    sleep 0.5
  done
}

# user+system CPU seconds a process has used so far (clock ticks from /proc).
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"
}

# wrk prints latencies as 950.00us, 3.21ms or 1.02s; everything in ms.
to_ms() {
  awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } else if (v ~ /m$/) { sub(/m$/, "", v); v *= 60000 } printf "%.2f", v }'
}

ensure_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    log "installing wrk (Debian package)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
  fi
}

# Starts a silo on 127.0.0.1 in Production with a throwaway operator key (the same for every silo
# of the run). Arguments, all optional: name (log file $work/<name>.log, default silo), provider
# (sqlite, default, on $work/bench.db; or postgres), connection string, cluster id (silos given the
# same one on PostgreSQL form one cluster). Sets silo_port and silo_pid, appends them to
# silo_ports and silo_pids, and sets operator_key. Arguments in the array silo_args go last on its
# command line (e.g. --SessionGrains:RateLimits:Admin:PermitLimit=0). Build it (Release) first.
silo_args=()
silo_ports=()
silo_pids=()
start_silo() {
  local name="${1:-silo}" provider="${2:-sqlite}" connection="${3:-Data Source=$work/bench.db}" cluster_id="${4:-bench-$$}"
  silo_port="$(free_port)"
  local cluster_port gateway_port
  cluster_port="$(free_port)"
  gateway_port="$(free_port)"
  # A throwaway operator key for this run only; it dies with the database.
  operator_key="${operator_key:-$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')}"
  log "starting $name on 127.0.0.1:$silo_port ($provider, cluster $cluster_id)"
  (
    cd "$work"
    exec dotnet "$root/src/SessionGrains.Silo/bin/Release/net10.0/SessionGrains.Silo.dll" \
      --urls "http://127.0.0.1:$silo_port" \
      --environment Production \
      "--SessionGrains:Auth:OperatorKey=$operator_key" \
      "--SessionGrains:Storage:Provider=$provider" \
      "--SessionGrains:Storage:ConnectionString=$connection" \
      "--SessionGrains:Cluster:SiloPort=$cluster_port" \
      "--SessionGrains:Cluster:GatewayPort=$gateway_port" \
      "--SessionGrains:Cluster:AdvertisedIP=127.0.0.1" \
      "--SessionGrains:Cluster:ClusterId=$cluster_id" \
      "${silo_args[@]}"
  ) >"$work/$name.log" 2>&1 &
  silo_pid=$!
  pids+=("$silo_pid")
  silo_ports+=("$silo_port")
  silo_pids+=("$silo_pid")
}

# Reading wrk's output in $work/wrk-<name>.txt (a name per round, e.g. silo-2): requests/s, p99 in
# ms, errors (non-2xx answers and socket errors); the median of numbers on stdin; a per-name
# function applied to rounds 1..$rounds of a server (one value a line); values joined with commas.
rps_of() { awk '/^Requests\/sec:/ { print $2 }' "$work/wrk-$1.txt"; }
p50_of() { awk '$1 == "50%" { print $2 }' "$work/wrk-$1.txt" | to_ms; }
p99_of() { awk '$1 == "99%" { print $2 }' "$work/wrk-$1.txt" | to_ms; }
errors_of() {
  awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$work/wrk-$1.txt"
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
per_round() {
  local fn="$1" name="$2" r
  for ((r = 1; r <= rounds; r++)); do "$fn" "$name-$r"; echo; done | awk 'NF { print $1 }'
}
joined() { paste -sd' ' | sed 's/ /, /g'; }

ensure_nginx() {
  if ! command -v nginx >/dev/null 2>&1; then
    log "installing nginx (Debian package)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >&2
  fi
}

# Starts nginx as this user, in the foreground, one process, its configuration, pid, logs and
# temp files in $work/nginx, with the http block's body read from standard input; checks the
# configuration first. Sets nginx_pid and appends it to pids. The caller waits for its servers.
start_nginx() {
  mkdir -p "$work/nginx"
  {
    cat <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $work/nginx/client_body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    access_log off;
CONF
    cat
    echo "}"
  } >"$work/nginx/nginx.conf"
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -t 2>"$work/nginx-test.log" || { cat "$work/nginx-test.log" >&2; exit 1; }
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" >"$work/nginx.log" 2>&1 &
  nginx_pid=$!
  pids+=("$nginx_pid")
}
