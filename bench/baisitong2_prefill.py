"""Fills a baisitong2 SQLite database with N messages already stored, for bench/open311-intake.sh:
the same texts zhenggai holds, each analysed by baisitong2's own rule engine (as its ingest would),
dated over the 100 days before today so that its per-ingest recount of today's appeals starts
from nothing (in its favour). Runs inside baisitong2's virtual environment.

Usage: python baisitong2_prefill.py SQLITE_FILE MESSAGES_FILE N
"""
import os
import sys
from datetime import datetime, timedelta

path, messages_file, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.environ["DATABASE_URL"] = f"sqlite:///{path}"

from baisitong2.database import SessionLocal, init_tables  # noqa: E402  (reads DATABASE_URL)
from baisitong2.models.appeal import Appeal  # noqa: E402
from baisitong2.services.analyzer import rule_analyzer  # noqa: E402

init_tables()
with open(messages_file, encoding="utf-8") as f:
    texts = [line.rstrip("\n") for line in f if line.strip()]
start = datetime.now() - timedelta(days=100)
db = SessionLocal()
batch = []
for i in range(n):
    text = texts[i % len(texts)][:1000]
    appeal = Appeal(content=text, source="居民上报", status="analyzed",
                    created_at=start + timedelta(seconds=i * 86400 * 99 // max(n, 1)))
    appeal.apply_analysis(rule_analyzer.analyze(text))
    appeal.analyzed_at = appeal.created_at
    batch.append(appeal)
    if len(batch) == 5000:
        db.add_all(batch)
        db.commit()
        batch = []
db.add_all(batch)
db.commit()
print(db.query(Appeal).count())
