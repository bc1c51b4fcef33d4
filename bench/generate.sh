#!/usr/bin/env bash
# Benchmark for issue 16: `zhenggai generate` (bulk load with search words and fingerprints) and
# the catch-up that indexes and fingerprints records stored without them, at two sizes ten times
# apart, on SQLite and on PostgreSQL, in one run. Linear means the larger costs at most about ten
# times the smaller. Peak memory from /usr/bin/time.
#
#   bench/generate.sh                          # 10,000/100,000 and 100,000/1,000,000
#   SIZES="1000:10000 10000:100000" bench/generate.sh
#   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432 bench/generate.sh
#
# Results go to bench/results/generate-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000:100000 100000:1000000"}
PG_BASE=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
WORK=target/bench-generate
OUT=bench/results
mkdir -p "$WORK" "$OUT"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
cargo build --release --bin zhenggai 2>&1 | tail -1
BIN=target/release/zhenggai
RESULT="$OUT/generate-$(date +%F).md"
PG_OK=1
psql "$PG_BASE/postgres" -qAtc "select 1" >/dev/null 2>&1 || { echo "PostgreSQL at $PG_BASE is unreachable: SQLite only"; PG_OK=0; }

# timed LABEL CMD…: runs CMD, prints "seconds peak_MiB"
timed() {
  local log="$WORK/$1.time"; shift
  /usr/bin/time -v "$@" >"$log.out" 2>"$log" || { cat "$log.out" "$log" >&2; exit 1; }
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  echo "$wall $((rss / 1024))"
}

rows=()
for size in $SIZES; do
  p=${size%%:*}; f=${size##*:}
  dir="$WORK/sqlite-$p-$f"
  rm -rf "$dir"; mkdir -p "$dir"
  read -r gen_s gen_m < <(timed "sqlite-gen-$p-$f" "$BIN" --data-dir "$dir" generate --problems "$p" --feedback "$f")
  # The same load left without search words and fingerprints (as a restore from an older version),
  # then the next start, which catches up.
  rm -rf "$dir"; mkdir -p "$dir"
  "$BIN" --data-dir "$dir" generate --problems "$p" --feedback "$f" --without-index >/dev/null 2>&1
  read -r cu_s cu_m < <(timed "sqlite-catchup-$p-$f" "$BIN" --data-dir "$dir" migrate)
  rm -rf "$dir"
  rows+=("| SQLite | $p / $f | $gen_s | $gen_m | $cu_s | $cu_m |")
  echo "${rows[-1]}"
  if [ "$PG_OK" = 1 ]; then
    db="zg_bench_gen_${p}_${f}"
    psql "$PG_BASE/postgres" -qc "drop database if exists $db" -c "create database $db" >/dev/null
    url="$PG_BASE/$db"
    read -r gen_s gen_m < <(timed "pg-gen-$p-$f" "$BIN" --data-dir "$WORK/pg" --database-url "$url" generate --problems "$p" --feedback "$f")
    psql "$PG_BASE/postgres" -qc "drop database if exists $db" -c "create database $db" >/dev/null
    "$BIN" --data-dir "$WORK/pg" --database-url "$url" generate --problems "$p" --feedback "$f" --without-index >/dev/null 2>&1
    read -r cu_s cu_m < <(timed "pg-catchup-$p-$f" "$BIN" --data-dir "$WORK/pg" --database-url "$url" migrate)
    rows+=("| PostgreSQL | $p / $f | $gen_s | $gen_m | $cu_s | $cu_m |")
    echo "${rows[-1]}"
    psql "$PG_BASE/postgres" -qc "drop database if exists $db" >/dev/null
  fi
done

{
  echo "# generate and catch-up, $(date +%F)"
  echo
  echo "\`bench/generate.sh\` on this machine ($(nproc) cores), release build, one run. *generate* is"
  echo "\`zhenggai generate --problems P --feedback F\` into an empty install (rows, search words and"
  echo "fingerprints). *catch-up* is the next start (\`zhenggai migrate\`) of the same load made with"
  echo "\`--without-index\` (no search words, no fingerprints, as a restore from an older version leaves"
  echo "it): it indexes and fingerprints every record. Peak is the process's maximum resident set."
  echo
  echo "| database | problems / feedback | generate s | generate peak MiB | catch-up s | catch-up peak MiB |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >"$RESULT"
echo "wrote $RESULT"
