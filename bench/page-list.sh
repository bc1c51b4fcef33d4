#!/usr/bin/env bash
# Benchmark for issue 3: the problem list page (HTML) with 100,000 problems, filtered by unit and
# status, under wrk with 64 connections on loopback, on SQLite; signed in as the office. Target:
# at least 2,000 pages/s and p99 at most 50 ms. Also measured with `--no-page-cache` (every page
# built from the database). Reuses the data of bench/api-list.sh (target/bench), making it if
# missing. Results go to bench/results/page-list-<date>.md and .json.
set -euo pipefail
cd "$(dirname "$0")/.."
PROBLEMS=${PROBLEMS:-100000}
FEEDBACK=${FEEDBACK:-1000000}
DURATION=${DURATION:-20s}
WORK=target/bench
OUT=bench/results
mkdir -p "$WORK" "$OUT"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release --bin zhenggai 2>&1 | tail -1
BIN=target/release/zhenggai
DIR="$WORK/sqlite-$PROBLEMS-$FEEDBACK"
if [ ! -f "$DIR/.generated" ]; then
  rm -rf "$DIR"
  "$BIN" --data-dir "$DIR" generate --problems "$PROBLEMS" --feedback "$FEEDBACK" | grep generated
  touch "$DIR/.generated"
fi
pids=()
trap 'for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done' EXIT
start() { # name port args…
  local name=$1 port=$2; shift 2
  "$@" --listen "127.0.0.1:$port" >"$WORK/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/health" && return; sleep 0.1; done
  echo "$name did not start"; exit 1
}
start page 18091 "$BIN" --data-dir "$DIR" serve
start page-nocache 18092 "$BIN" --data-dir "$DIR" serve --no-page-cache

login() { # port → "zg_csrf=…; zg_session=…"
  local port=$1 jar="$WORK/cookies-$1"
  rm -f "$jar"
  local csrf
  csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -b "$jar" -c "$jar" -o /dev/null -X POST \
    --data-urlencode "csrf=$csrf" --data-urlencode "username=office" --data-urlencode "password=office-zhenggai-2026" \
    --data-urlencode "next=/" "http://127.0.0.1:$port/login"
  awk '$6 == "zg_csrf" || $6 == "zg_session" {printf "%s=%s; ", $6, $7}' "$jar" | sed 's/; $//'
}
export BENCH_UNITS="2 3 4 5 6 7 8 9 10 11 12 13"
run() { # name port → "rps p99_ms"
  local name=$1 port=$2 out
  out=$(BENCH_COOKIE="$(login "$port")" wrk -t2 -c64 -d"$DURATION" --latency -s bench/page.lua "http://127.0.0.1:$port/" 2>"$WORK/$name.wrk.err")
  echo "$out" >"$WORK/$name.wrk.txt"
  if [ -s "$WORK/$name.wrk.err" ]; then echo "$name: wrk reported errors:"; sort "$WORK/$name.wrk.err" | uniq -c | head; exit 1; fi
  local rps p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}')
  echo "$rps $p99"
}
BENCH_COOKIE="$(login 18091)" wrk -t1 -c4 -d3s -s bench/page.lua http://127.0.0.1:18091/ >/dev/null
read -r RPS P99 <<<"$(run page 18091)"
echo "page: $RPS pages/s, p99 $P99 ms"
read -r RPS_NC P99_NC <<<"$(run page-nocache 18092)"
echo "page-nocache: $RPS_NC pages/s, p99 $P99_NC ms"
STAMP=$(date -u +%Y-%m-%d)
{
  echo "# The problem list page under wrk — $STAMP"
  echo
  echo "$PROBLEMS problems, $FEEDBACK feedback (project generator), SQLite; \`wrk -t2 -c64 -d$DURATION --latency\` on loopback,"
  echo "\`GET /problems?unit_id=…&status=…\` (12 departments × 4 states) signed in as the office."
  echo "Machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs); wrk and the server share them."
  echo
  echo "| server | pages/s | p99 |"
  echo "|---|---|---|"
  echo "| serve (page cache on, the default) | $RPS | $P99 ms |"
  echo "| serve --no-page-cache | $RPS_NC | $P99_NC ms |"
  echo
  echo "Target (issue 3): at least 2,000 pages/s and p99 at most 50 ms on SQLite."
} >"$OUT/page-list-$STAMP.md"
printf '{"date":"%s","problems":%s,"feedback":%s,"duration":"%s","page":{"rps":%s,"p99_ms":%s},"page_nocache":{"rps":%s,"p99_ms":%s}}\n' \
  "$STAMP" "$PROBLEMS" "$FEEDBACK" "$DURATION" "$RPS" "$P99" "$RPS_NC" "$P99_NC" >"$OUT/page-list-$STAMP.json"
cat "$OUT/page-list-$STAMP.md"
