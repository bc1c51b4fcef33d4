"""The grouping baseline of issue 4: datasketch's MinHashLSH (128 permutations, threshold 0.5) over
character 3-grams of title + text. Each message is queried, then inserted. Two measures of pair
recall and precision against the file's true issues: over the neighbour pairs LSH reports (what
the library itself finds), and over clusters made by joining those pairs (union-find), as
zhenggai's grouping clusters. Prints JSON; seconds are for the grouping step (MinHash + LSH and the
joining), reading excluded.

With a budget in seconds it stops when the budget is spent and reports over the messages it got
through (its throughput only falls as its buckets fill, so that flatters it): at a million messages
its queries return ever more neighbours and it runs for hours.

Usage: python bench/grouping_baseline.py FILE.csv [BUDGET_SECONDS]   (columns: id, issue, title, text)
"""
import csv
import json
import sys
import time
from collections import Counter

from datasketch import MinHash, MinHashLSH

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
texts = [r["title"] + " " + r["text"] for r in rows]
truth = [r["issue"] for r in rows]

parent = list(range(len(rows)))


def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


budget = float(sys.argv[2]) if len(sys.argv) > 2 else float("inf")
found_pairs = 0
found_true = 0
done = len(texts)
started = time.time()
lsh = MinHashLSH(threshold=0.5, num_perm=128)
for i, t in enumerate(texts):
    chars = [c for c in t if not c.isspace()]
    shingles = {"".join(chars[j : j + 3]).encode("utf-8") for j in range(max(len(chars) - 2, 1))}
    m = MinHash(num_perm=128)
    m.update_batch(list(shingles))
    for other in lsh.query(m):
        found_pairs += 1
        if truth[other] == truth[i]:
            found_true += 1
        a, b = find(i), find(other)
        if a != b:
            parent[max(a, b)] = min(a, b)
    lsh.insert(i, m)
    if time.time() - started > budget:
        done = i + 1
        break
seconds = time.time() - started
truth = truth[:done]
clusters = [find(i) for i in range(done)]


def pairs(groups):
    return sum(n * (n - 1) // 2 for n in Counter(groups).values())


together = pairs(list(zip(clusters, truth)))
print(
    json.dumps(
        {
            "messages": len(rows),
            "messages_grouped": done,
            "finished": done == len(rows),
            "seconds": round(seconds, 2),
            "messages_per_second": round(done / seconds),
            "clusters": len(set(clusters)),
            "neighbour_pair_recall": round(found_true / max(pairs(truth), 1), 4),
            "neighbour_pair_precision": round(found_true / max(found_pairs, 1), 4),
            "cluster_pair_recall": round(together / max(pairs(truth), 1), 4),
            "cluster_pair_precision": round(together / max(pairs(clusters), 1), 4),
        }
    )
)
