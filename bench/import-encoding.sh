#!/usr/bin/env bash
# Benchmark for issue 12: `zhenggai import feedback` of the same ROWS messages (default 1,000,000)
# from a CSV in UTF-8 and from the same CSV re-encoded as GBK, each into a fresh SQLite install,
# end to end as processes (wall time and peak memory from /usr/bin/time): decoding GBK must cost at
# most 1.2× the UTF-8 import. The messages are generated (bench/import_messages_csv.py).
#
#   bench/import-encoding.sh            # ROWS= to change the size
#
# Results go to bench/results/import-encoding-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
WORK=target/bench-import
OUT=bench/results
mkdir -p "$WORK" "$OUT"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
cargo build --release --bin zhenggai 2>&1 | tail -1
BIN=target/release/zhenggai
UTF8="$WORK/messages-$ROWS-utf8.csv"
GBK="$WORK/messages-$ROWS-gbk.csv"
[ -f "$UTF8" ] || python3 bench/import_messages_csv.py "$ROWS" "$UTF8"
[ -f "$GBK" ] || iconv -f UTF-8 -t GBK "$UTF8" >"$GBK"

# run NAME FILE → "seconds peak_mb", importing FILE into a fresh install with one unit
run() {
  local name=$1 file=$2 dir="$WORK/$1"
  rm -rf "$dir"
  printf '单位名称,上级单位\n临江市,\n' >"$WORK/units.csv"
  "$BIN" --data-dir "$dir" unit import "$WORK/units.csv" >/dev/null
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$BIN" --data-dir "$dir" import feedback "$file" --unit 临江市 \
    >"$WORK/$name.out" 2>&1 || { cat "$WORK/$name.out" >&2; exit 1; }
  grep -q "新增 $ROWS" "$WORK/$name.out" || { cat "$WORK/$name.out" >&2; exit 1; }
  awk '{ printf "%s %.0f", $1, $2 / 1024 }' "$WORK/$name.time"
}

UTF8_RUN=$(run utf8 "$UTF8") || exit 1
GBK_RUN=$(run gbk "$GBK") || exit 1
read -r UTF8_S UTF8_MB <<<"$UTF8_RUN"
read -r GBK_S GBK_MB <<<"$GBK_RUN"
STAMP=$(date -u +%Y-%m-%d)
RATIO=$(awk -v a="$GBK_S" -v b="$UTF8_S" 'BEGIN { printf "%.2f", a / b }')
{
  echo "# Import of $ROWS messages from CSV, UTF-8 against GBK — $STAMP"
  echo
  echo "\`zhenggai import feedback\` into a fresh SQLite install, each file once, one after the other:"
  echo "read, checked, written, indexed, fingerprinted and grouped. $(du -h "$UTF8" | cut -f1) in UTF-8, $(du -h "$GBK" | cut -f1) in GBK."
  echo "Machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)."
  echo
  echo "| file | seconds | peak memory |"
  echo "|---|---|---|"
  echo "| UTF-8 | $UTF8_S | $UTF8_MB MB |"
  echo "| GBK | $GBK_S | $GBK_MB MB |"
  echo
  echo "The GBK import takes ${RATIO}× the UTF-8 one (target, issue 12: at most 1.2×)."
} >"$OUT/import-encoding-$STAMP.md"
cat "$OUT/import-encoding-$STAMP.md"
