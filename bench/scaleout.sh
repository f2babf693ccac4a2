#!/usr/bin/env bash
# Scale-out benchmark: one flight processed by the service on PostgreSQL, first by ONE `dronescan worker` process
# pinned to one core, then by TWO worker processes pinned to a core each; prints both times and their ratio.
#
#   bench/scaleout.sh [PHOTOS] [CORES]      default: 24 photos of the bench flight (5472 × 3648), cores "0 1"
#
# Each worker runs one Hangfire worker (`--workers 1`) and one ONNX Runtime thread (`--threads 1`) under
# `taskset -c CORE`. The web service (`serve --no-jobs`: API only, jobs run in the workers) and PostgreSQL are not
# pinned: they share the machine's cores with the workers. The private PostgreSQL of the tests is used
# (tools/dev/postgres-test-server.sh, loopback only), with a fresh database per configuration. The time is from the
# upload's answer to the flight's status turning `done` (planning, every photo, and finalising); the upload itself is
# reported apart. Run on an otherwise idle machine: `cat /proc/loadavg` is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."

photos=${1:-24}
read -r -a cores <<< "${2:-0 1}"
port=5091
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build -c Release src/DroneScan.Cli -v q -nologo >/dev/null
ds=(dotnet "$PWD/src/DroneScan.Cli/bin/Release/net10.0/dronescan.dll")

folder=$("${ds[@]}" bench --photos "$photos" --prepare-only | tail -n 1)
mapfile -t files < <(find "$folder" -maxdepth 1 -name '*.jpg' | sort | head -n "$photos")
echo "flight: ${#files[@]} photos from $folder"

tools/dev/postgres-test-server.sh start
base="Host=127.0.0.1;Port=${DRONESCAN_PG_PORT:-54329};Username=dronescan;Password=dronescan"
pg() { PGPASSWORD=dronescan psql -h 127.0.0.1 -p "${DRONESCAN_PG_PORT:-54329}" -U dronescan -tAq "$@"; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# run N: processes the flight with N workers; sets elapsed and upload (seconds)
run() {
  local n=$1 db data token id status t0 t1 t_up
  db="dronescan_scaleout_${n}_$$"
  data=$(mktemp -d "${TMPDIR:-/tmp}/dronescan-scaleout-XXXXXX")
  pg -d postgres -c "CREATE DATABASE $db;"
  local cs="$base;Database=$db"
  token=$("${ds[@]}" users add bench --role operator --database postgres --connection "$cs" --data "$data" | awk '/^token:/ {print $2}')
  "${ds[@]}" serve --no-jobs --urls "http://127.0.0.1:$port" --database postgres --connection "$cs" --data "$data" >"$data/serve.log" 2>&1 &
  pids+=($!)
  until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.5; done
  for ((i = 0; i < n; i++)); do
    taskset -c "${cores[$i]}" "${ds[@]}" worker --workers 1 --threads 1 --database postgres --connection "$cs" --data "$data" >"$data/worker$i.log" 2>&1 &
    pids+=($!)
  done
  until [ "$(pg -d "$db" -c 'SELECT COUNT(*) FROM hangfire.server;' 2>/dev/null || echo 0)" = "$n" ]; do sleep 0.5; done

  local form=(-F name=scaleout-$n -F site=bench)
  for f in "${files[@]}"; do form+=(-F "photos=@$f;type=image/jpeg"); done
  t_up=$(date +%s.%N)
  id=$(curl -fsS -H "Authorization: Bearer $token" "${form[@]}" "http://127.0.0.1:$port/api/flights" | jq -r .id)
  t0=$(date +%s.%N)
  while :; do
    status=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/flights/$id" | jq -r '.status + " " + (.photos.done|tostring) + " " + (.photos.failed|tostring)')
    # Finished: done, done-with-problems (some photos not used) or failed (none used); the line says which.
    case "${status%% *}" in done | done-with-problems | failed) break ;; esac
    sleep 0.2
  done
  t1=$(date +%s.%N)
  echo "  $n worker(s): flight $id: $status (status, photos done, failed)"

  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  pids=()
  pg -d postgres -c "DROP DATABASE $db WITH (FORCE);"
  rm -rf "$data"
  elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  upload=$(awk -v a="$t_up" -v b="$t0" 'BEGIN { print b - a }')
}

echo "load average before: $(cat /proc/loadavg)"
run 1
one=$elapsed
printf '1 worker  (core %s): %.1f s (upload %.1f s)\n' "${cores[0]}" "$one" "$upload"
run 2
two=$elapsed
printf '2 workers (cores %s): %.1f s (upload %.1f s)\n' "${cores[*]:0:2}" "$two" "$upload"
awk -v a="$one" -v b="$two" 'BEGIN { printf "speed-up: %.2f×\n", a / b }'
echo "load average after: $(cat /proc/loadavg)"
