"""Tables an education office already has, read as rows of text: CSV as German Excel writes it (semicolons, decimal
commas, UTF-8 with or without BOM, also commas or tabs) and .xlsx (checked against zip bombs and XML tricks first,
see :mod:`qmkit.excel.reading`). Formulas are never evaluated: a cell is its text. Bounded in size and rows, so a
huge file gets a German message instead of filling the memory.
"""

from __future__ import annotations

import csv
import io

from qmkit.errors import InputError
from qmkit.excel.reading import cell_text, check_size, open_workbook
from qmkit.i18n import _

MAX_ROWS = 200_000
Rows = list[list[str]]


def _too_many(name: str) -> InputError:
    return InputError(
        _("„{name}“ hat mehr als {n} Zeilen; bitte die Tabelle teilen (z. B. nach Jahren).").format(
            name=name, n=f"{MAX_ROWS:,}".replace(",", ".")
        ),
        "file",
    )


def read_csv(content: bytes, name: str) -> Rows:
    check_size(len(content), name)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # older Excel on Windows
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    rows: Rows = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if len(rows) > MAX_ROWS:
            raise _too_many(name)
        rows.append([cell.strip() for cell in row])
    return rows


def read_xlsx(content: bytes, name: str) -> Rows:
    workbook = open_workbook(content, name)
    sheet = workbook.worksheets[0]
    rows: Rows = []
    for row in sheet.iter_rows(values_only=True):
        if len(rows) > MAX_ROWS:
            raise _too_many(name)
        rows.append([cell_text(value).strip() for value in row])
    return rows


def read_table(content: bytes, name: str) -> Rows:
    """The rows of a .csv or .xlsx file (the first sheet); empty rows left out."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        rows = read_xlsx(content, name)
    elif lower.endswith((".csv", ".txt")):
        rows = read_csv(content, name)
    else:
        raise InputError(_("Bitte eine Tabelle als .csv oder .xlsx einlesen („{name}“).").format(name=name), "file")
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise InputError(_("„{name}“ enthält keine Zeilen.").format(name=name), "file")
    return rows
