"""Baseline for bench/export-ledger.sh: the ledger of every problem in a zhenggai SQLite file written
with openpyxl in write-only mode — the same problems, one row each, the same 17 columns, read with
one query per kind of record as zhenggai does."""
import sqlite3
import sys

from openpyxl import Workbook

HEADERS = ["序号", "问题编号", "问题来源", "问题类别", "问题描述", "整改目标", "整改措施", "责任领导", "责任单位",
           "责任人", "整改时限", "整改进展", "状态", "佐证材料", "销号时间", "长效机制", "备注"]

db, out = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db)
notes = dict(c.execute(
    "select problem_id, body from progress_notes where id in (select max(id) from progress_notes group by problem_id)"))
evidence = {}
for pid, name in c.execute("select problem_id, file_name from evidence order by problem_id, id"):
    evidence.setdefault(pid, []).append(name)
measures = {}
for pid, text in c.execute("select problem_id, description from measures order by problem_id, id"):
    measures.setdefault(pid, []).append(text)
rows = c.execute("""
    select p.id, p.number, p.channel, cat.name, p.title, p.description, u.display_name, lu.name,
           p.responsible_person, p.deadline, p.status, p.closed_at
    from problems p left join categories cat on cat.id = p.category_id
    left join users u on u.id = p.responsible_leader_id left join units lu on lu.id = p.lead_unit_id
    order by p.number""")
book = Workbook(write_only=True)
sheet = book.create_sheet("整改台账")
sheet.append(["整改台账"])
sheet.append(HEADERS)
n = 0
for (pid, number, channel, category, title, description, leader, unit, person, deadline, status,
     closed_at) in rows:
    n += 1
    for measure in measures.get(pid, [""]):
        sheet.append([n, number, channel, category, f"{title}\n{description}", "", measure, leader, unit, person,
                      deadline, notes.get(pid, ""), status, "、".join(evidence.get(pid, [])), closed_at, "", ""])
book.save(out)
print(f"wrote {n} problems")
