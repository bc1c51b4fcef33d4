#!/usr/bin/env bash
# Benchmark for issue 12: export the ledger of 100,000 generated problems to .xlsx, with
# `zhenggai export ledger` and, as the baseline, Python's openpyxl in write-only mode reading the same
# problems from the same SQLite file (a virtual environment under target/ holds openpyxl). Both
# timed end to end as processes (wall time and peak memory from /usr/bin/time), one after the other.
#
#   bench/export-ledger.sh            # PROBLEMS=, FEEDBACK= to change the data (shared with api-list.sh)
#
# Results go to bench/results/export-ledger-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PROBLEMS=${PROBLEMS:-100000}
FEEDBACK=${FEEDBACK:-1000000}
WORK=target/bench
OUT=bench/results
mkdir -p "$WORK" "$OUT"
cargo build --release --bin zhenggai 2>&1 | tail -1
BIN=target/release/zhenggai
DIR="$WORK/sqlite-$PROBLEMS-$FEEDBACK"
if [ ! -f "$DIR/.generated" ]; then
  rm -rf "$DIR"
  "$BIN" --data-dir "$DIR" generate --problems "$PROBLEMS" --feedback "$FEEDBACK" | grep generated
  touch "$DIR/.generated"
fi
VENV=target/bench-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q openpyxl >/dev/null
command -v /usr/bin/time >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

measure() { # name command… → "seconds peak_mb"
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>&1
  awk '{ printf "%s %.0f", $1, $2 / 1024 }' "$WORK/$name.time"
}

read -r OURS_S OURS_MB <<<"$(measure zhenggai "$BIN" --data-dir "$DIR" export ledger -o "$WORK/ledger.xlsx")"
read -r PY_S PY_MB <<<"$(measure openpyxl "$VENV/bin/python" bench/export_ledger_openpyxl.py "$DIR/zhenggai.db" "$WORK/ledger-openpyxl.xlsx")"
grep -q "已导出 $PROBLEMS 个问题" "$WORK/zhenggai.out" || { cat "$WORK/zhenggai.out"; exit 1; }
grep -q "wrote $PROBLEMS problems" "$WORK/openpyxl.out" || { cat "$WORK/openpyxl.out"; exit 1; }

STAMP=$(date -u +%Y-%m-%d)
RATIO=$(awk -v a="$PY_S" -v b="$OURS_S" 'BEGIN { printf "%.1f", a / b }')
{
  echo "# Ledger export to .xlsx — $STAMP"
  echo
  echo "$PROBLEMS generated problems on SQLite; each tool run once as a process, one after the other."
  echo "Machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)."
  echo
  echo "| exporter | seconds | peak memory |"
  echo "|---|---|---|"
  echo "| zhenggai export ledger | $OURS_S | $OURS_MB MB |"
  echo "| openpyxl (write-only) | $PY_S | $PY_MB MB |"
  echo
  echo "zhenggai is ${RATIO}× as fast as the baseline. Targets (issue 12): at most 5 s and 300 MB; at least"
  echo "5× openpyxl. openpyxl writes the same problems, one row each, the same 17 columns, without the"
  echo "merged cells, colours and row heights (write-only mode has none of them)."
} >"$OUT/export-ledger-$STAMP.md"
cat "$OUT/export-ledger-$STAMP.md"
