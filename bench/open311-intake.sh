#!/usr/bin/env bash
# Benchmark for issue 14: Open311 `POST requests.json` (each request becomes feedback and is
# grouped like any other) at 64 connections under wrk, on SQLite, with 10,000 and then 100,000
# messages already stored; in the same run, the PyPI peer baisitong2 1.0.2 (`POST /api/appeals`,
# analysed by its rule engine, served by its own uvicorn on 127.0.0.1 from a virtual environment
# under target/) ingesting the same messages with the same number already stored (filled by
# bench/baisitong2_prefill.py with its own analyser). Ours must reach 2,000 requests/s and 50
# times the peer's throughput at each size.
#
#   bench/open311-intake.sh                 # SIZES="10000 100000", DURATION=20s
#
# Results go to bench/results/open311-intake-<date>.md. Stored data is kept under
# target/bench-open311 and reused when its size matches (copied fresh for every run).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 100000"}
DURATION=${DURATION:-20s}
PEER_DURATION=${PEER_DURATION:-20s}
SETTLE=${SETTLE:-5}
CONNECTIONS=64
THREADS=2
WORK=target/bench-open311
OUT=bench/results
mkdir -p "$WORK" "$OUT"
for tool in wrk sqlite3; do
  command -v "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; }
done
cargo build --release --bin zhenggai 2>&1 | tail -1
BIN=$PWD/target/release/zhenggai
VENV=$WORK/baisitong2-venv
if [ ! -x "$VENV/bin/baisitong2" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "baisitong2==1.0.2"
fi

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# The messages posted: the generator's, with another seed than the stored ones, one per line.
MESSAGES=$WORK/messages.txt
if [ ! -s "$MESSAGES" ]; then
  "$BIN" eval generate --count 200000 --seed 4242 --output "$WORK/messages.csv" >/dev/null
  python3 - "$WORK/messages.csv" "$MESSAGES" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for row in csv.DictReader(f):
        out.write(" ".join(row["text"].split())[:1000] + "\n")
PY
fi
# The same texts, from the stored side, for the peer's prefill.
STORED_TEXTS=$WORK/stored.txt

wait_for() { # url log
  for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return; sleep 0.1; done
  echo "server at $1 did not start"; cat "$2"; exit 1
}
measure() { # label port duration [env…]
  local label=$1 port=$2 duration=$3; shift 3
  env "$@" BENCH_MESSAGES="$MESSAGES" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --timeout 10s --latency \
    -s bench/open311.lua "http://127.0.0.1:$port" >"$WORK/$label.wrk" 2>&1 || true
  grep RESULT "$WORK/$label.wrk" | sed "s/^RESULT/$label/"
}

RESULT="$OUT/open311-intake-$(date +%F).md"
{
  echo "# Open311 intake: zhenggai POST requests.json vs baisitong2 POST /api/appeals ($(date +%F))"
  echo
  echo "wrk, $CONNECTIONS connections, $THREADS threads, on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs));"
  echo "ours $DURATION per size on SQLite, the peer $PEER_DURATION; commit $(git rev-parse --short HEAD)."
  echo
  echo "| stored | system | requests/s | p50 ms | p99 ms | non-2xx or errors | ours ÷ peer |"
  echo "|---:|---|---:|---:|---:|---:|---:|"
} >"$RESULT"

for size in $SIZES; do
  # --- ours: an install with $size messages stored, copied fresh for the run ----------------
  base="$WORK/zhenggai-$size"
  if [ ! -f "$base/.generated" ]; then
    rm -rf "$base"
    "$BIN" --data-dir "$base" generate --problems $((size / 10)) --feedback "$size" | grep generated
    touch "$base/.generated"
  fi
  run="$WORK/run-$size"
  rm -rf "$run"; cp -r "$base" "$run"
  key=$("$BIN" --data-dir "$run" token create --user office --scope open311 --name bench | grep -o 'zgt_[A-Za-z0-9_-]*' | tail -n1)
  "$BIN" --data-dir "$run" serve --listen 127.0.0.1:18311 >"$WORK/ours-$size.log" 2>&1 &
  pids+=($!); ours=$!
  wait_for "http://127.0.0.1:18311/api/v1/health" "$WORK/ours-$size.log"
  # A node reads the stored fingerprints into its index in the background once it serves (and
  # plans the day's reminders): measure the intake, not the start. The peer gets the same wait.
  sleep "$SETTLE"
  code=$(curl -s http://127.0.0.1:18311/open311/v2/services.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["service_code"])')
  before=$(sqlite3 "$run/zhenggai.db" "select count(*) from feedback" 2>/dev/null || echo "?")
  line=$(measure "ours-$size" 18311 "$DURATION" BENCH_API_KEY="$key" BENCH_SERVICE_CODE="$code")
  kill "$ours"; wait "$ours" 2>/dev/null || true
  after=$(sqlite3 "$run/zhenggai.db" "select count(*) from feedback" 2>/dev/null || echo "?")
  grouped=$(sqlite3 "$run/zhenggai.db" "select count(*) from feedback where channel = 'open311' and problem_id is not null" 2>/dev/null || echo "?")
  echo "$line stored_before=$before after=$after open311_linked=$grouped"

  # --- the peer: the same number stored, its own analyser, a fresh copy ---------------------
  sqlite3 "$base/zhenggai.db" "select body from feedback order by id limit $size" | tr '\r' ' ' >"$STORED_TEXTS"
  peer_db="$WORK/baisitong2-$size.db"
  if [ ! -f "$peer_db" ]; then
    "$VENV/bin/python" bench/baisitong2_prefill.py "$PWD/$peer_db" "$STORED_TEXTS" "$size" >/dev/null
  fi
  cp "$peer_db" "$WORK/peer-run.db"
  "$VENV/bin/baisitong2" --host 127.0.0.1 --port 18312 --db "sqlite:///$PWD/$WORK/peer-run.db" >"$WORK/peer-$size.log" 2>&1 &
  pids+=($!); peer=$!
  wait_for "http://127.0.0.1:18312/api/health" "$WORK/peer-$size.log"
  sleep "$SETTLE"
  peer_line=$(measure "peer-$size" 18312 "$PEER_DURATION" BENCH_PEER=baisitong2)
  kill "$peer"; wait "$peer" 2>/dev/null || true
  echo "$peer_line"

  field() { echo "$1" | grep -o "$2=[0-9.]*" | cut -d= -f2; }
  ours_rps=$(field "$line" rps); peer_rps=$(field "$peer_line" rps)
  ratio=$(python3 -c "print(f'{$ours_rps / $peer_rps:.0f}×' if $peer_rps > 0 else 'n/a')")
  printf '| %s | zhenggai (Open311, with grouping) | %s | %s | %s | %s | %s |\n' "$size" "$ours_rps" \
    "$(field "$line" p50_ms)" "$(field "$line" p99_ms)" "$(field "$line" errors)" "$ratio" >>"$RESULT"
  printf '| %s | baisitong2 1.0.2 | %s | %s | %s | %s | |\n' "$size" "$peer_rps" \
    "$(field "$peer_line" p50_ms)" "$(field "$peer_line" p99_ms)" "$(field "$peer_line" errors)" >>"$RESULT"
  echo "- stored $size: ours $before → $after feedback, $grouped of the posted linked to a problem by grouping." >>"$RESULT.notes"
done
{
  echo
  cat "$RESULT.notes"
  echo "- The peer's stored appeals are dated over the 100 days before the run, so its per-ingest recount of today's appeals starts from none (in its favour)."
} >>"$RESULT"
rm -f "$RESULT.notes"
cat "$RESULT"
