#!/usr/bin/env bash
# Runs the kill-recovery tests (real worker processes SIGKILLed at fixed points, on PostgreSQL and on SQLite) N times
# in a row and stops at the first failure. Usage: bash tools/dev/kill-suite.sh [N=20]  (after tools/dev/test.sh has
# installed PostgreSQL once). Load the machine meanwhile (e.g. another build) to check it under load.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-20}"
dotnet build tests/DroneScan.Web.Tests -c Release -v q -nologo >/dev/null
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if ! out=$(dotnet test tests/DroneScan.Web.Tests -c Release --no-build --filter "FullyQualifiedName~KillRecoveryTests" \
      --logger "console;verbosity=detailed" 2>&1); then
    log="${TMPDIR:-/tmp}/dronescan-kill-suite-run-$i.log"
    echo "$out" > "$log"
    echo "$out" | grep -E "kill point|flight done|Failed |Error Message|Exception :|waited for|Assert" | cut -c1-400 | head -40
    echo "kill suite: run $i of $runs FAILED (whole output: $log)"
    exit 1
  fi
  echo "run $i/$runs passed in $(( $(date +%s) - start )) s; $(echo "$out" | grep -E 'job states|killed at' | tr '\n' ' ')"
done
echo "kill suite: $runs of $runs runs passed"
