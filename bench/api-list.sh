#!/usr/bin/env bash
# Benchmark for issue 2: GET /api/v1/problems filtered by unit and status, 50 per page, with 100,000
# problems and 1,000,000 feedback items from the project's generator, under wrk with 64 connections
# on loopback, on SQLite and on PostgreSQL; in the same run the same wrk against a trivial axum
# handler (crates/zhenggai/examples/ceiling.rs) as the ceiling. Each database is measured with the
# page cache on (the default) and off (every page built from the database), and (issue 10) with the
# cache on while a second client adds a progress note to an open problem for every hundred reads
# (`-mixed` rows: each write invalidates the cached pages, so the reads after it are built from the
# database again).
#
#   bench/api-list.sh                 # full size; PROBLEMS=, FEEDBACK=, DURATION= to change
#   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432 bench/api-list.sh
#
# Results go to bench/results/api-list-<date>.md and .json. Generated data is kept under
# target/bench and reused when its size matches.
set -euo pipefail
cd "$(dirname "$0")/.."
PROBLEMS=${PROBLEMS:-100000}
FEEDBACK=${FEEDBACK:-1000000}
DURATION=${DURATION:-20s}
CONNECTIONS=64
THREADS=2
PG_BASE=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
WORK=target/bench
OUT=bench/results
mkdir -p "$WORK" "$OUT"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release --bin zhenggai --example ceiling 2>&1 | tail -1
BIN=target/release/zhenggai
SIZE="$PROBLEMS-$FEEDBACK"

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# --- data -----------------------------------------------------------------------------------
SQLITE_DIR="$WORK/sqlite-$SIZE"
if [ ! -f "$SQLITE_DIR/.generated" ]; then
  rm -rf "$SQLITE_DIR"
  echo "generating $PROBLEMS problems and $FEEDBACK feedback on SQLite…"
  "$BIN" --data-dir "$SQLITE_DIR" generate --problems "$PROBLEMS" --feedback "$FEEDBACK" | grep generated | tee "$SQLITE_DIR.gen.txt"
  touch "$SQLITE_DIR/.generated"
fi
PG_DB="zg_bench_${PROBLEMS}_${FEEDBACK}"
PG_URL="$PG_BASE/$PG_DB"
PG_OK=1
if ! psql "$PG_BASE/postgres" -qAtc "select 1" >/dev/null 2>&1; then
  echo "PostgreSQL at $PG_BASE is unreachable: measuring SQLite only"; PG_OK=0
elif [ "$(psql "$PG_BASE/postgres" -qAtc "select 1 from pg_database where datname = '$PG_DB'")" != "1" ] \
  || [ "$(psql "$PG_URL" -qAtc "select count(*) from problems" 2>/dev/null)" != "$PROBLEMS" ]; then
  psql "$PG_BASE/postgres" -qc "drop database if exists $PG_DB" -c "create database $PG_DB" >/dev/null
  echo "generating $PROBLEMS problems and $FEEDBACK feedback on PostgreSQL…"
  "$BIN" --database-url "$PG_URL" generate --problems "$PROBLEMS" --feedback "$FEEDBACK" | grep generated | tee "$WORK/pg-$SIZE.gen.txt"
fi

# --- servers --------------------------------------------------------------------------------
start() { # name port args…
  local name=$1 port=$2; shift 2
  "$@" --listen "127.0.0.1:$port" >"$WORK/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/health" && return; sleep 0.1; done
  echo "$name did not start"; cat "$WORK/$name.log"; exit 1
}
./target/release/examples/ceiling 127.0.0.1:18090 >"$WORK/ceiling.log" 2>&1 &
pids+=($!)
sleep 0.5
SQLITE_TOKEN=$("$BIN" --data-dir "$SQLITE_DIR" token create --user office --scope read --name bench)
SQLITE_WRITE_TOKEN=$("$BIN" --data-dir "$SQLITE_DIR" token create --user office --scope full --name bench-edit)
start sqlite 18081 "$BIN" --data-dir "$SQLITE_DIR" serve
start sqlite-nocache 18082 "$BIN" --data-dir "$SQLITE_DIR" serve --no-page-cache
if [ "$PG_OK" = 1 ]; then
  PG_TOKEN=$("$BIN" --database-url "$PG_URL" token create --user office --scope read --name bench)
  PG_WRITE_TOKEN=$("$BIN" --database-url "$PG_URL" token create --user office --scope full --name bench-edit)
  start pg 18083 "$BIN" --database-url "$PG_URL" serve
  start pg-nocache 18084 "$BIN" --database-url "$PG_URL" serve --no-page-cache
fi
# Each server reads every stored fingerprint into memory as it starts: measure once they are idle.
settle() {
  for pid in "$@"; do
    for _ in $(seq 1 180); do
      local a b
      a=$(awk '{print $14 + $15}' "/proc/$pid/stat"); sleep 1; b=$(awk '{print $14 + $15}' "/proc/$pid/stat")
      [ $((b - a)) -lt 5 ] && break
    done
  done
}
echo "waiting for the servers to finish loading…"
settle "${pids[@]}"
# The departments (lead units of the generated problems) are units 2–13.
export BENCH_UNITS="2 3 4 5 6 7 8 9 10 11 12 13"

run() { # name url token → "rps p99_ms"; the ceiling gets the same command and script (it ignores them)
  local name=$1 url=$2 token=${3:-none}
  local out
  out=$(BENCH_TOKEN="$token" wrk -t$THREADS -c$CONNECTIONS -d"$DURATION" --latency -s bench/list.lua "$url" 2>"$WORK/$name.wrk.err")
  echo "$out" >"$WORK/$name.wrk.txt"
  if [ -s "$WORK/$name.wrk.err" ]; then echo "$name: wrk reported errors:"; sort "$WORK/$name.wrk.err" | uniq -c | head; exit 1; fi
  local rps p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}')
  echo "$rps $p99"
}

echo "warming up…"
BENCH_TOKEN="$SQLITE_TOKEN" wrk -t1 -c4 -d3s -s bench/list.lua http://127.0.0.1:18081/ >/dev/null
[ "$PG_OK" = 1 ] && BENCH_TOKEN="$PG_TOKEN" wrk -t1 -c4 -d3s -s bench/list.lua http://127.0.0.1:18083/ >/dev/null

declare -A RPS P99
for row in "ceiling|http://127.0.0.1:18090/|" "sqlite|http://127.0.0.1:18081/|$SQLITE_TOKEN" "sqlite-nocache|http://127.0.0.1:18082/|$SQLITE_TOKEN"; do
  IFS='|' read -r name url token <<<"$row"
  read -r RPS[$name] P99[$name] <<<"$(run "$name" "$url" "$token")"
  echo "$name: ${RPS[$name]} req/s, p99 ${P99[$name]} ms"
done
if [ "$PG_OK" = 1 ]; then
  for row in "pg|http://127.0.0.1:18083/|$PG_TOKEN" "pg-nocache|http://127.0.0.1:18084/|$PG_TOKEN"; do
    IFS='|' read -r name url token <<<"$row"
    read -r RPS[$name] P99[$name] <<<"$(run "$name" "$url" "$token")"
    echo "$name: ${RPS[$name]} req/s, p99 ${P99[$name]} ms"
  done
fi

# --- mixed: reads with the cache on while one client edits a problem per hundred reads ---------
mixed() { # name url read-token write-token cached-read-rps
  local name=$1 url=$2 token=$3 write_token=$4 reads=$5
  local per_sec
  per_sec=$(awk -v r="$reads" 'BEGIN { w = int(r / 100 + 0.5); print (w < 1 ? 1 : w) }')
  # Open problems to add progress notes to.
  local ids
  ids=$(curl -s -H "Authorization: Bearer $token" "${url}api/v1/problems?status=assigned&limit=200" \
    | python3 -c 'import json, sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)["items"]))')
  BENCH_TOKEN="$write_token" BENCH_WRITES_PER_SEC="$per_sec" BENCH_CONNECTIONS=8 BENCH_EDIT_IDS="$ids" \
    wrk -t1 -c8 -d"$DURATION" -s bench/edit.lua "$url" >"$WORK/$name.edit.txt" 2>"$WORK/$name.edit.err" &
  local writer=$!
  read -r RPS[$name] P99[$name] <<<"$(run "$name" "$url" "$token")"
  wait "$writer"
  if [ -s "$WORK/$name.edit.err" ]; then echo "$name: the editor saw errors:"; sort "$WORK/$name.edit.err" | uniq -c | head; exit 1; fi
  EDITS[$name]=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/$name.edit.txt")
  echo "$name: ${RPS[$name]} req/s, p99 ${P99[$name]} ms, ${EDITS[$name]} edits/s"
}
declare -A EDITS
mixed sqlite-mixed http://127.0.0.1:18081/ "$SQLITE_TOKEN" "$SQLITE_WRITE_TOKEN" "${RPS[sqlite]}"
[ "$PG_OK" = 1 ] && mixed pg-mixed http://127.0.0.1:18083/ "$PG_TOKEN" "$PG_WRITE_TOKEN" "${RPS[pg]}"

# --- report ---------------------------------------------------------------------------------
STAMP=$(date -u +%Y-%m-%d)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }
{
  echo "# GET /api/v1/problems under wrk — $STAMP"
  echo
  echo "$PROBLEMS problems, $FEEDBACK feedback (project generator); \`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\` on loopback,"
  echo "filter \`unit_id\` (12 departments) × \`status\` (4), \`limit=50\`, as the office with a read token."
  echo "Machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs); wrk and the server share them."
  echo
  echo "| target | requests/s | of ceiling | p99 |"
  echo "|---|---|---|---|"
  for name in ceiling sqlite sqlite-nocache sqlite-mixed pg pg-nocache pg-mixed; do
    [ -n "${RPS[$name]:-}" ] || continue
    echo "| $name | ${RPS[$name]} | $(ratio "${RPS[$name]}" "${RPS[ceiling]}") | ${P99[$name]} ms |"
  done
  echo
  echo "Targets: issue 2, SQLite ≥ 40% of the ceiling's requests/s and p99 ≤ 25 ms; issue 10, without the"
  echo "page cache SQLite ≥ 10% with p99 ≤ 25 ms and PostgreSQL ≥ 6%."
  echo "\`-nocache\` rows run \`serve --no-page-cache\`: every page is built from the database."
  echo "\`-mixed\` rows: the cache on, while one more client (8 connections) adds a progress note to an"
  echo "open problem at one write per hundred reads of the row above, as far as it gets:"
  for name in sqlite-mixed pg-mixed; do
    [ -n "${EDITS[$name]:-}" ] && echo "$name: ${EDITS[$name]} edits/s."
  done
} >"$OUT/api-list-$STAMP.md"
{
  printf '{"date":"%s","problems":%s,"feedback":%s,"duration":"%s","connections":%s' "$STAMP" "$PROBLEMS" "$FEEDBACK" "$DURATION" "$CONNECTIONS"
  for name in ceiling sqlite sqlite-nocache sqlite-mixed pg pg-nocache pg-mixed; do
    [ -n "${RPS[$name]:-}" ] || continue
    printf ',"%s":{"rps":%s,"p99_ms":%s}' "$name" "${RPS[$name]}" "${P99[$name]}"
  done
  echo "}"
} >"$OUT/api-list-$STAMP.json"
cat "$OUT/api-list-$STAMP.md"
