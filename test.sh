#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs what the tests need, then runs them.
# Today the suite needs only the .NET SDK (SQLite is embedded); later steps add Chromium and PostgreSQL here.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK (10.0.x) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi

# PostgreSQL server binaries: the PostgreSQL store tests start a throwaway server of their own (tests/Shared/PostgresServer.cs).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build PatientVoice.sln -c Release
status=0
dotnet test PatientVoice.sln -c Release --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?

# One closing line over every test project: "Tests: N passed, N failed, N skipped".
awk '/^ *Passed: *[0-9]+$/ {p += $2} /^ *Failed: *[0-9]+$/ {f += $2} /^ *Skipped: *[0-9]+$/ {s += $2}
     END {printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s}' "$log"
exit "$status"
