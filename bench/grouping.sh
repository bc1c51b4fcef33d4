#!/usr/bin/env bash
# Issue 4, grouping speed and quality: zhenggai's batch grouping against datasketch's MinHashLSH
# (128 permutations, threshold 0.5, character 3-grams) on the same generated messages, whose true
# issues are known. One run, side by side; peak memory from GNU time.
# datasketch stops after BUDGET seconds (default 1,200) and reports over the messages it got through.
# Usage: bench/grouping.sh [MESSAGES] [BUDGET]   (default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
budget="${2:-1200}"
venv=target/bench-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q datasketch
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build -q --release -p zhenggai
work=target/bench-grouping
mkdir -p "$work" bench/results
data="$work/messages-$n.csv"
[ -f "$data" ] || target/release/zhenggai eval generate --count "$n" --output "$data"
ours=$(/usr/bin/time -f "peak_rss_kib %M" target/release/zhenggai eval grouping --input "$data" 2>&1)
baseline=$(/usr/bin/time -f "peak_rss_kib %M" "$venv/bin/python" bench/grouping_baseline.py "$data" "$budget" 2>&1)
ours_rate=$(echo "$ours" | awk '/^messages_per_second/ {print $2}')
base_rate=$(echo "$baseline" | sed -n 's/.*"messages_per_second": \([0-9]*\).*/\1/p')
out="bench/results/grouping-$(date +%F)-$n.md"
{
  echo "# Grouping: zhenggai against datasketch MinHashLSH ($(date +%F), one run, $n generated messages)"
  echo
  echo '## zhenggai eval grouping (fingerprint: segmentation, places, shingles, MinHash; then grouping)'
  echo; echo '```'; echo "$ours"; echo '```'; echo
  echo '## datasketch MinHashLSH (128 permutations, threshold 0.5, char 3-grams)'
  echo; echo '```'; echo "$baseline"; echo '```'; echo
  echo "Throughput ratio (zhenggai / datasketch): $(awk -v a="$ours_rate" -v b="$base_rate" 'BEGIN {printf "%.1f", a / b}')×"
} | tee "$out"
