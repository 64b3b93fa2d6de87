#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs what the tests need, then runs them.
# The suite needs the .NET SDK, Node.js/npm (the build installs LHC-Forms) and Debian's chromium (installed below).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK (10.0.x) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi

# The browser tests drive Debian's chromium (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  else
    echo "test.sh: /usr/bin/chromium is missing and this user cannot install it: run 'apt-get install -y chromium' as root." >&2
    exit 1
  fi
fi

# PostgreSQL server binaries: the PostgreSQL store tests start a throwaway server of their own (tests/PatientVoice.Testing/PostgresServer.cs).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi

# libfaketime: the clock-jump test moves one server process's wall clock (tests/PatientVoice.Testing/ShiftedClock.cs).
if [ ! -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y faketime
  else
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y faketime
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build PatientVoice.sln -c Release
status=0
dotnet test PatientVoice.sln -c Release --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?

# Every failure again at the end, each with its message and the top of its stack, so that the tail of the
# output (all a CI page may keep) names what failed and why.
awk '/^  Failed / {keep = 1; n = 0; if (!shown++) print "\n=== Failed tests ==="; print; next}
     keep && (/^  (Passed|Skipped|Failed) / || /^ *Standard (Output|Error) Messages:/ || /^\[xUnit/ || /^(Test Run|Total tests|Results File)/) {keep = 0}
     keep && n++ < 24 {print}' "$log"

# One closing line over every test project: "Tests: N passed, N failed, N skipped".
awk '/^ *Passed: *[0-9]+$/ {p += $2} /^ *Failed: *[0-9]+$/ {f += $2} /^ *Skipped: *[0-9]+$/ {s += $2}
     END {printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s}' "$log"
exit "$status"
