#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs and starts the services the tests need
# (PostgreSQL, kubectl, Chromium), restores NuGet packages, builds, and runs every test project.
# This command is all a machine needs.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# PostgreSQL for the cluster tests: installed (Debian package) and started on a private port.
# The tests call this too; doing it first keeps a fresh machine's install out of any test's time.
scripts/postgres.sh >/dev/null

# A Debian package installed when its command is missing, as postgres.sh installs PostgreSQL; the
# package lists are updated once, before the first install.
updated=
install_missing() { # command package
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "test.sh: $2 is not installed and installing it needs root" >&2
        exit 1
    fi
    echo "test.sh: installing $2 (Debian package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    [ -n "$updated" ] || { apt-get update -qq >&2; updated=1; }
    apt-get install -y -qq --no-install-recommends "$2" >&2
}

# kubectl for the manifest tests, which render k8s/ with `kubectl kustomize` (no cluster needed).
install_missing kubectl kubectl
# Chromium for the console's browser tests, driven by the driver inside the Microsoft.Playwright
# NuGet package: Debian's browser, since Playwright's own browser download does not work here.
install_missing chromium chromium
# nginx for the forward-auth test that puts a real gateway (auth_request) in front of the silo.
install_missing nginx nginx

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
