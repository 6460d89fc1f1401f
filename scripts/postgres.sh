#!/usr/bin/env bash
# A private PostgreSQL server for tests and benchmarks: its own data folder, its own port, on
# 127.0.0.1 only, trust authentication. Idempotent: installs the Debian package when no server
# binaries are present, creates the cluster when the folder is missing, starts it when it is not
# running, creates the database when it does not exist. On success the last line of stdout is
# the ADO.NET connection string and nothing else is written to stdout, so callers can read it.
#
#   scripts/postgres.sh          ensure the server runs; print the connection string
#   scripts/postgres.sh stop     stop the server (the data folder stays)
#
# Settings (environment):
#   SESSIONGRAINS_PG_PORT  port                 (default 55432)
#   SESSIONGRAINS_PG_DIR   folder for data, socket and log (default /tmp/sessiongrains-pg-<port>)
#   SESSIONGRAINS_PG_DB    database to create   (default sessiongrains)
set -euo pipefail

port="${SESSIONGRAINS_PG_PORT:-55432}"
dir="${SESSIONGRAINS_PG_DIR:-/tmp/sessiongrains-pg-${port}}"
db="${SESSIONGRAINS_PG_DB:-sessiongrains}"
data="${dir}/data"
log="${dir}/server.log"
action="${1:-start}"

say() { echo "postgres.sh: $*" >&2; }

find_bin() {
    # The newest installed major version wins; Debian keeps each under its own folder.
    local initdb
    initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "${initdb}" ] && dirname "${initdb}"
}

# PostgreSQL refuses to run as root, so root runs the server tools as the postgres user; anyone
# else runs them as themselves and owns the folder.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "${action}" in
    start | stop) ;;
    *) say "unknown argument '${action}' (use no argument, or 'stop')"; exit 2 ;;
esac

bin="$(find_bin || true)"

if [ "${action}" = "stop" ]; then
    if [ -n "${bin}" ] && [ -f "${data}/PG_VERSION" ] && as_owner "${bin}/pg_ctl" -D "${data}" status >/dev/null 2>&1; then
        as_owner "${bin}/pg_ctl" -D "${data}" -m fast -w stop >&2
    else
        say "not running"
    fi
    exit 0
fi

if [ -z "${bin}" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        say "PostgreSQL is not installed and installing it needs root"
        exit 1
    fi
    say "installing PostgreSQL (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
    bin="$(find_bin || true)"
    if [ -z "${bin}" ]; then
        say "no initdb under /usr/lib/postgresql/*/bin after installing"
        exit 1
    fi
fi

mkdir -p "${dir}"
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "${dir}"
fi
chmod 700 "${dir}"

# Test runs, benchmarks and other worktrees may call this at the same moment; one at a time.
# Every command below closes the lock descriptor (9>&-): a server started holding it would
# keep the lock for its whole life and block every later call.
exec 9>"${dir}.lock"
flock 9

if [ ! -f "${data}/PG_VERSION" ]; then
    say "creating a cluster in ${data}"
    as_owner "${bin}/initdb" -D "${data}" -U postgres --auth=trust -E UTF8 --locale=C >&2 9>&-
fi

if ! as_owner "${bin}/pg_ctl" -D "${data}" status >/dev/null 2>&1 9>&-; then
    say "starting on 127.0.0.1:${port}"
    # Several silos with their own connection pools share one server in tests, hence the
    # connection limit above the default 100.
    as_owner "${bin}/pg_ctl" -D "${data}" -l "${log}" -w -t 60 start \
        -o "-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='${dir}' -c max_connections=300" >&2 9>&- \
        || { say "start failed; the end of ${log}:"; tail -n 30 "${log}" >&2 || true; exit 1; }
fi

psql=("${bin}/psql" -X -q -h 127.0.0.1 -p "${port}" -U postgres -d postgres -v ON_ERROR_STOP=1)
for _ in $(seq 1 30); do
    if "${psql[@]}" -tAc "SELECT 1" >/dev/null 2>&1; then break; fi
    sleep 1
done

if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '${db}'")" != "1" ]; then
    "${psql[@]}" -c "CREATE DATABASE \"${db}\"" >&2
fi

echo "Host=127.0.0.1;Port=${port};Database=${db};Username=postgres"
