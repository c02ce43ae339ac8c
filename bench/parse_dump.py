"""Print the table cells a parse produces, one path per line (a debugging aid, not a test)."""

from __future__ import annotations

import sys
from pathlib import Path

from parsing import parse_document
from parsing.tree import iter_cells


def main() -> None:
    for name in sys.argv[1:]:
        record = parse_document(Path(name).read_bytes(), filename=name).record
        print(f"== {name} format={record['format_version']} unit={record['unit_name']} year={record['report_year']}")
        for table in ("table2", "table3", "table4"):
            for path, cell in iter_cells(record[table], table):
                flag = "?" if cell["uncertain"] else ("_" if cell["blank"] else "")
                print(f"{path}\t{cell['value']}{flag}\t{cell['raw']!r}\t{cell['source']}")
        for rule in record["validation"]:
            print("VALIDATION", rule["message"])


if __name__ == "__main__":
    main()
