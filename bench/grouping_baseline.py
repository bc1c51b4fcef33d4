"""The grouping baseline of issue 4: datasketch's MinHashLSH (128 permutations, threshold 0.5) over
character 3-grams of title + text. Each message is queried, then inserted. Two measures of pair
recall and precision against the file's true issues: over the neighbour pairs LSH reports (what
the library itself finds), and over clusters made by joining those pairs (union-find), as
zhenggai's grouping clusters. Prints JSON; seconds are for the grouping step (MinHash + LSH and the
joining), reading excluded.

Usage: python bench/grouping_baseline.py FILE.csv   (columns: id, issue, title, text)
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


found_pairs = 0
found_true = 0
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
seconds = time.time() - started
clusters = [find(i) for i in range(len(rows))]


def pairs(groups):
    return sum(n * (n - 1) // 2 for n in Counter(groups).values())


together = pairs(list(zip(clusters, truth)))
print(
    json.dumps(
        {
            "messages": len(rows),
            "seconds": round(seconds, 2),
            "messages_per_second": round(len(rows) / seconds),
            "clusters": len(set(clusters)),
            "neighbour_pair_recall": round(found_true / max(pairs(truth), 1), 4),
            "neighbour_pair_precision": round(found_true / max(found_pairs, 1), 4),
            "cluster_pair_recall": round(together / max(pairs(truth), 1), 4),
            "cluster_pair_precision": round(together / max(pairs(clusters), 1), 4),
        }
    )
)
