#!/usr/bin/env bash
# Issue 4, classification: our routing classifier against the linear baseline (TF-IDF over jieba
# words 1–2-grams + characters 1–3-grams, scikit-learn LinearSVC class_weight=balanced), both on
# msgabench 情感分类.train.csv split by 0-based row index (index % 5 == 0 is the test set), both
# labels (问题类型; 问题领域 restricted to the 13 main domains), in one run.
# The baseline's Python packages go into a virtual environment under target/, never into the repo.
# Usage: bench/classify.sh [path/to/情感分类.train.csv]
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/data/citizen-messages/msgabench/情感分类.train.csv}"
[ -f "$data" ] || { echo "skipping: $data is absent"; exit 0; }
venv=target/bench-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q scikit-learn pandas jieba datasketch
cargo build -q --release -p zhenggai
work=target/bench-classify
mkdir -p "$work" bench/results
# The split files, written by the same rules the baseline applies.
"$venv/bin/python" - "$data" "$work" <<'PY'
import sys, pandas as pd
MAIN = ["城建", "交通", "教育", "政务", "企业", "治安", "环保", "就业", "医疗", "三农", "文娱", "旅游", "金融"]
df = pd.read_csv(sys.argv[1], dtype=str).fillna("")
df["idx"] = range(len(df))
for label in ["问题类型", "问题领域"]:
    d = df[df[label] != ""]
    if label == "问题领域":
        d = d[d[label].isin(MAIN)]
    d[d.idx % 5 != 0][["留言", label]].to_csv(f"{sys.argv[2]}/{label}.train.csv", index=False)
    d[d.idx % 5 == 0][["留言", label]].to_csv(f"{sys.argv[2]}/{label}.test.csv", index=False)
PY
baseline=$("$venv/bin/python" bench/classify_baseline.py "$data")
out="bench/results/classify-$(date +%F).md"
{
  echo "# Classification: zhenggai against the LinearSVC baseline ($(date +%F), one run)"
  echo
  echo "Data: msgabench 情感分类.train.csv; train = rows with index % 5 != 0, test = index % 5 == 0."
  echo
  echo "Baseline (scikit-learn, same run): \`$baseline\`"
  echo
  for label in 问题类型 问题领域; do
    echo "## zhenggai eval classify — $label"
    echo
    echo '```'
    target/release/zhenggai eval classify --train "$work/$label.train.csv" --test "$work/$label.test.csv" \
      --text-column 留言 --label-column "$label"
    echo '```'
    echo
  done
} | tee "$out"
