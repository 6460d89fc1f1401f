#!/usr/bin/env bash
# The console benchmark (docs/benchmarks.md, "Console"): the web console in Debian's Chromium,
# driven by Playwright, against one tenant with 1,000,000 sessions (the session-table benchmark's
# seeding): navigation to a filled table, and a search's debounced request to the updated table.
# Builds Release and runs bench/SessionTable --console, the host in-process on 127.0.0.1 only.
# Extra arguments go to the benchmark, e.g.
#   bench/console.sh --sessions 100000 --console-runs 5
#   bench/console.sh --output /tmp/console.md
# Installs the chromium Debian package when it is missing (root). Bounded: the run is killed
# after BENCH_TIMEOUT seconds (default 1200).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "console.sh: chromium is not installed and installing it needs root" >&2
    exit 1
  fi
  echo "console.sh: installing chromium (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium >&2
fi
dotnet build bench/SessionTable/SessionTable.csproj -c Release -nologo -v quiet
echo "machine: $(nproc) cores; $(free -h | awk '/^Mem:/ {print $2" RAM, "$7" available"}'); $(dotnet --version) SDK; $(/usr/bin/chromium --version 2>/dev/null)"
exec timeout --signal=INT --kill-after=30 "${BENCH_TIMEOUT:-1200}" \
  dotnet bench/SessionTable/bin/Release/net10.0/SessionTable.dll --console "$@"
