#!/usr/bin/env bash
# The README's test command: installs what the tests need (Debian packages: GDAL's ogrinfo, PostgreSQL, ICU, chromium,
# PyTorch and ONNX for the training tools), runs every .NET test (dotnet test DroneScan.sln) and the training
# tools' tests, and fails if any test fails. .ci/run calls it on a clean clone, so it passes on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "dotnet SDK 10 is required (see global.json)" >&2
  exit 1
fi

# The export tests read every written file back with GDAL's ogrinfo, and the vertical-datum tests read the EGM96
# geoid grid of Debian's proj-data (/usr/share/proj/egm96_15.gtx); they fail, not skip, without them.
if ! command -v ogrinfo >/dev/null 2>&1 || [ ! -f /usr/share/proj/egm96_15.gtx ]; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gdal-bin proj-data
fi

# The PostgreSQL store tests need a server (they fail, not skip, without one). Unless DRONESCAN_TEST_POSTGRES
# already names one, start the private loopback cluster (installs PostgreSQL from Debian packages if missing) and
# stop it at exit if this script started it.
pg_server=tools/dev/postgres-test-server.sh
stop_pg=false
if [ -z "${DRONESCAN_TEST_POSTGRES:-}" ]; then
  if ! "$pg_server" status; then
    stop_pg=true
  fi
  "$pg_server" start
  DRONESCAN_TEST_POSTGRES=$("$pg_server" url)
  export DRONESCAN_TEST_POSTGRES
fi

# The web service and its tests run with full globalization (the UI speaks az, ru and en): .NET needs ICU, Debian's
# libicu72 (bookworm; a newer release names it by its own version, e.g. libicu76).
if ! ls /usr/lib/*/libicuuc.so.* /usr/lib/libicuuc.so.* >/dev/null 2>&1; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update
  icu=libicu72
  if ! apt-cache show "$icu" >/dev/null 2>&1; then
    icu=$(apt-cache pkgnames libicu | grep -E '^libicu[0-9]+$' | sort -V | tail -n 1)
  fi
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$icu"
fi

# The browser tests (tests/DroneScan.Web.BrowserTests) drive Debian's chromium; Playwright never downloads one.
if [ ! -x /usr/bin/chromium ]; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi

# The training tools' tests (tools/train/test_tools.py: the ResNet-18 importer against ONNX Runtime, chip
# geometry, augmentation, scoring) need Debian's PyTorch and ONNX under /usr/bin/python3.
if ! /usr/bin/python3 -c 'import torch, onnx, PIL, numpy' >/dev/null 2>&1; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-torch python3-onnx python3-pil python3-numpy
fi

log=$(mktemp)
cleanup() {
  rm -f "$log"
  if [ "$stop_pg" = true ]; then
    "$pg_server" stop || true
  fi
}
trap cleanup EXIT

# The README's test command.
set +e
dotnet test DroneScan.sln 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# The training tools' tests; counted in the closing line like the .NET ones.
py_log=$(mktemp)
(cd tools/train && /usr/bin/python3 -m unittest test_tools -v) 2>&1 | tee "$py_log"
py_status=${PIPESTATUS[0]}
set -e
py_run=$(sed -n 's/^Ran \([0-9]*\) tests\? in .*/\1/p' "$py_log" | tail -n 1)
py_failed=$(grep -cE '\.\.\. (FAIL|ERROR)$' "$py_log" || true)
echo "Python tools: Passed!  - Failed: ${py_failed}, Passed: $(( ${py_run:-0} - py_failed )), Skipped: 0" >> "$log"
rm -f "$py_log"
if [ "$py_status" -ne 0 ] && [ "$status" -eq 0 ]; then
  status=$py_status
fi

# One plain closing line for the whole run: "N passed, N failed, N skipped".
awk '
  /(Passed|Failed)!/ {
    for (i = 1; i <= NF; i++) {
      gsub(",", "", $(i + 1))
      if ($i == "Passed:") p += $(i + 1)
      if ($i == "Failed:") f += $(i + 1)
      if ($i == "Skipped:") s += $(i + 1)
    }
  }
  END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }
' "$log"

if [ "$status" -ne 0 ]; then
  echo "dotnet test failed with exit code $status" >&2
fi
exit "$status"
