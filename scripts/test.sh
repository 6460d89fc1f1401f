#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs and starts the services the tests need
# (PostgreSQL, kubectl), restores NuGet packages, builds, and runs every test project. This command is
# all a machine needs.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# PostgreSQL for the cluster tests: installed (Debian package) and started on a private port.
# The tests call this too; doing it first keeps a fresh machine's install out of any test's time.
scripts/postgres.sh >/dev/null

# kubectl for the manifest tests, which render k8s/ with `kubectl kustomize` (no cluster needed):
# the Debian package, installed when missing, as postgres.sh installs PostgreSQL.
if ! command -v kubectl >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "test.sh: kubectl is not installed and installing it needs root" >&2
        exit 1
    fi
    echo "test.sh: installing kubectl (Debian package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends kubectl >&2
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT

set +e
dotnet test SessionGrains.sln --configuration Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line for whoever reads the log: "N passed, N failed[, N skipped]".
sum() { grep -oE "$1: +[0-9]+" "$log" | awk '{ n += $2 } END { print n + 0 }'; }
passed=$(sum Passed) failed=$(sum Failed) skipped=$(sum Skipped)
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
