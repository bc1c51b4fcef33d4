#!/usr/bin/env bash
# Issue 15, proposals worth a look: what intake would propose and link at each lower end of the
# proposal band, judged against known groups — real messages (附件3 with the hand-made duplicate
# pairs, hard negatives and hot issues, read from ../shared/data/ and skipped where absent) and the
# generator's messages at several sizes (their true issues known). The defaults in
# text::group::Thresholds are chosen from this table.
# Usage: bench/proposals.sh [SIZES]   (default "20000 200000")
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-20000 200000}"
cargo build -q --release -p zhenggai
bin=target/release/zhenggai
work=target/bench-proposals
mkdir -p "$work" bench/results
out="bench/results/proposals-$(date +%F).md"
real=../shared/data/citizen-messages/tipdm2020-c
{
  echo "# Proposals by lower end of the band ($(date +%F), commit $(git rev-parse --short HEAD), one run)"
  echo
  echo "\`zhenggai eval proposals\`: messages in time order, each compared as intake compares it with the"
  echo "earlier ones its keys bring up. *Proposed*: some earlier message scores in [band, link); its best"
  echo "three there are its proposals. *Precision*: proposals whose two messages are known to be of one"
  echo "group, among those known either way. *Recall*: messages with an earlier one of their group that"
  echo "are linked or proposed to one. *Link precision*: the same for the best link of each linked message."
  echo
  if [ -f "$real/附件3.csv" ] && [ -f "$real/derived/附件3_pairs.csv" ]; then
    echo "## Real messages: 附件3 (4,326), judged by derived/附件3_pairs.csv and derived/附件3_hot_issues.csv"
    echo
    "$bin" eval proposals --input "$real/附件3.csv" --id-column 留言编号 --text-column 留言详情 \
      --title-column 留言主题 --time-column 留言时间 --pairs "$real/derived/附件3_pairs.csv" \
      --hot-issues "$real/derived/附件3_hot_issues.csv"
    echo
  else
    echo "(附件3 and its references are not under ../shared/data/: the real-message table is skipped.)"
    echo
  fi
  for n in $sizes; do
    data="$work/messages-$n.csv"
    [ -f "$data" ] || "$bin" eval generate --count "$n" --seed 4242 --output "$data" 2>/dev/null
    echo "## The generator's messages: $n (seed 4242), judged by their true issues"
    echo
    "$bin" eval proposals --input "$data" --time-column time --truth-column issue
    echo
  done
} | tee "$out"
