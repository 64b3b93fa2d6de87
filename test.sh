#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs what the tests need, then runs them.
# Today the suite needs only the .NET SDK (SQLite is embedded); later steps add Chromium and PostgreSQL here.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK (10.0.x) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi

dotnet build PatientVoice.sln -c Release
dotnet test PatientVoice.sln -c Release --no-build --logger "console;verbosity=normal" "$@"
