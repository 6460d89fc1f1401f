#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: restores NuGet packages, builds, and runs every
# test project. Tests that need a service (PostgreSQL, Chromium) install and start it themselves
# through scripts/ in this folder, so this command is all a machine needs.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
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
