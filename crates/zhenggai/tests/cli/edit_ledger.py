"""Edits an exported ledger as a person would in a spreadsheet program, with openpyxl.

    edit_ledger.py IN.xlsx OUT.xlsx WHAT=NUMBER=VALUE ...

WHAT is `deadline`, `progress` or `person` (the cell on the problem's first row, which is the
top-left of a merged region where there is one) or `measure` (a new row at the bottom carrying the
problem's number and the new measure, as someone adds a line under the table).
"""
import sys

import openpyxl

COLUMNS = {"deadline": "整改时限", "progress": "整改进展", "person": "责任人"}


def main(src, dst, *edits):
    book = openpyxl.load_workbook(src)
    sheet = book.active
    header = next(r for r in range(1, 31) if any(c.value == "问题编号" for c in sheet[r]))
    col = {c.value: c.column for c in sheet[header] if c.value}

    def first_row(number):
        for r in range(header + 1, sheet.max_row + 1):
            if sheet.cell(r, col["问题编号"]).value == number:
                return r
        raise SystemExit(f"no problem {number} in {src}")

    for edit in edits:
        what, number, value = edit.split("=", 2)
        if what == "measure":
            r = sheet.max_row + 1
            sheet.cell(r, col["问题编号"]).value = number
            sheet.cell(r, col["整改措施"]).value = value
        else:
            sheet.cell(first_row(number), col[COLUMNS[what]]).value = value
    book.save(dst)


if __name__ == "__main__":
    main(*sys.argv[1:])
