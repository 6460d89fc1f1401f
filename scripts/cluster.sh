#!/usr/bin/env bash
# Three silo processes of one cluster on this machine, on one PostgreSQL database (the private
# server of scripts/postgres.sh), each with its own ports, all on 127.0.0.1:
#
#   silo 1: HTTP http://127.0.0.1:5081, silo port 11111, gateway 30001
#   silo 2: HTTP http://127.0.0.1:5082, silo port 11112, gateway 30002
#   silo 3: HTTP http://127.0.0.1:5083, silo port 11113, gateway 30003
#
#   scripts/cluster.sh           build, start PostgreSQL and the three silos; waits until each is ready
#   scripts/cluster.sh stop      SIGTERM to each silo (each turns readiness off, drains, leaves the cluster)
#   scripts/cluster.sh status    which silos answer ready
#
# Settings (environment): SESSIONGRAINS_CLUSTER_DIR (pid and log files, default
# /tmp/sessiongrains-cluster), SESSIONGRAINS_OPERATOR_KEY (default: a key generated once and kept
# in that folder), SESSIONGRAINS_SILOS (how many, default 3).
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${SESSIONGRAINS_CLUSTER_DIR:-/tmp/sessiongrains-cluster}"
count="${SESSIONGRAINS_SILOS:-3}"
action="${1:-start}"
mkdir -p "${dir}"

say() { echo "cluster.sh: $*" >&2; }
ready() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$((5080 + $1))/health/ready"; }

case "${action}" in
    status)
        for i in $(seq 1 "${count}"); do
            if ready "${i}"; then echo "silo ${i}: ready"; else echo "silo ${i}: not ready"; fi
        done
        exit 0 ;;
    stop)
        for i in $(seq 1 "${count}"); do
            pid_file="${dir}/silo-${i}.pid"
            if [ -f "${pid_file}" ] && kill -0 "$(cat "${pid_file}")" 2>/dev/null; then
                kill -TERM "$(cat "${pid_file}")"
                say "silo ${i} stopping"
            fi
        done
        for i in $(seq 1 "${count}"); do
            pid_file="${dir}/silo-${i}.pid"
            for _ in $(seq 1 90); do
                [ -f "${pid_file}" ] && kill -0 "$(cat "${pid_file}")" 2>/dev/null || break
                sleep 0.5
            done
            rm -f "${pid_file}"
        done
        exit 0 ;;
    start) ;;
    *) say "unknown argument '${action}' (use no argument, 'stop' or 'status')"; exit 2 ;;
esac

command -v curl >/dev/null || { say "curl is needed to wait for readiness"; exit 1; }
connection="$(SESSIONGRAINS_PG_DB=sessiongrains_cluster scripts/postgres.sh | tail -n 1)"
dotnet build src/SessionGrains.Silo -c Release -nologo -v quiet >&2

key_file="${dir}/operator-key"
if [ -n "${SESSIONGRAINS_OPERATOR_KEY:-}" ]; then
    key="${SESSIONGRAINS_OPERATOR_KEY}"
elif [ -f "${key_file}" ]; then
    key="$(cat "${key_file}")"
else
    key="sgo.$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    (umask 077 && echo "${key}" > "${key_file}")
fi

dll="src/SessionGrains.Silo/bin/Release/net10.0/SessionGrains.Silo.dll"
for i in $(seq 1 "${count}"); do
    pid_file="${dir}/silo-${i}.pid"
    if [ -f "${pid_file}" ] && kill -0 "$(cat "${pid_file}")" 2>/dev/null; then
        say "silo ${i} already runs (pid $(cat "${pid_file}"))"
        continue
    fi
    # The operator key goes through the environment, not the command line, so `ps` does not show it.
    SessionGrains__Auth__OperatorKey="${key}" \
    SessionGrains__Storage__ConnectionString="${connection}" \
    nohup dotnet "${dll}" \
        --SessionGrains:Profile=cluster \
        --urls "http://127.0.0.1:$((5080 + i))" \
        --SessionGrains:Cluster:SiloPort=$((11110 + i)) \
        --SessionGrains:Cluster:GatewayPort=$((30000 + i)) \
        --SessionGrains:Cluster:AdvertisedIP=127.0.0.1 \
        --SessionGrains:Cluster:SiloName="silo-${i}" \
        > "${dir}/silo-${i}.log" 2>&1 &
    echo $! > "${pid_file}"
    # One at a time: the first creates the cluster's rows, the others join it.
    for attempt in $(seq 1 120); do
        ready "${i}" && break
        kill -0 "$(cat "${pid_file}")" 2>/dev/null || { say "silo ${i} exited; see ${dir}/silo-${i}.log"; exit 1; }
        [ "${attempt}" -eq 120 ] && { say "silo ${i} not ready after 60 s; see ${dir}/silo-${i}.log"; exit 1; }
        sleep 0.5
    done
    say "silo ${i} ready on http://127.0.0.1:$((5080 + i)) (log ${dir}/silo-${i}.log)"
done
say "operator key in ${key_file} (or \$SESSIONGRAINS_OPERATOR_KEY)"
