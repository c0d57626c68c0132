"""A requirement list as uploaded (Excel list, a list qmkit exported, a CISO Assistant library in Excel or
YAML): opened once, a proposal of layout and columns, and the catalog draft for the mapping the QMB confirms.

The one entry point for the page and the CLI; pure functions, workbook or text in, draft out. No widgets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qmkit.domain.catalog import CatalogSet
from qmkit.errors import InputError
from qmkit.excel.catalog_export import exported_mapping, read_settings
from qmkit.excel.catalog_import import CatalogDraft, build_catalog
from qmkit.excel.catalog_layouts import guess_layout
from qmkit.excel.catalog_mapping import ColumnMapping
from qmkit.excel.catalog_sheet import SheetTable, guess_columns, sheet_table
from qmkit.excel.peer_library import (
    Library,
    is_library_workbook,
    library_draft,
    library_from_workbook,
    library_from_yaml,
)
from qmkit.excel.reading import open_workbook
from qmkit.i18n import _

YAML_SUFFIXES = (".yaml", ".yml")
MAX_SHEETS = 60


@dataclass
class ListSource:
    """What was uploaded, opened once: the workbook (None for a YAML library), a peer library read from it,
    the settings of a list qmkit exported, and the sheets read so far."""

    name: str
    book: Any = None
    library: Library | None = None
    settings: dict[str, Any] | None = None
    tables: dict[tuple[str, int | None], SheetTable] = field(default_factory=dict)

    @property
    def sheet_names(self) -> list[str]:
        return [ws.title for ws in self.book.worksheets] if self.book is not None else []

    def table(self, sheet: str | None = None, header_row: int | None = None) -> SheetTable:
        if self.book is None:
            raise InputError(_("Eine Bibliothek im YAML-Format hat keine Blätter."), "sheet")
        sheet = sheet or self.default_sheet()
        key = (sheet, header_row)
        if key not in self.tables:
            self.tables[key] = sheet_table(self.book, self.name, sheet, header_row)
        return self.tables[key]

    def default_sheet(self) -> str:
        """The sheet to start with: a library's content sheet, an exported list's requirements, else the first."""
        names = self.sheet_names
        return next((n for n in names if n.endswith("_content")), names[0]) if names else ""

    def all_tables(self, first: SheetTable) -> list[SheetTable]:
        """``first`` and every other sheet that can be read (for one sheet per area)."""
        found = [first]
        for sheet in self.sheet_names[:MAX_SHEETS]:
            if sheet != first.name:
                try:
                    found.append(self.table(sheet))
                except InputError:
                    continue
        return found


def open_source(content: bytes, name: str) -> ListSource:
    """The uploaded file opened: a YAML library, or a workbook (after the import's file checks)."""
    if Path(name).suffix.lower() in YAML_SUFFIXES:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(_("„{name}“ ist keine UTF-8-Textdatei.").format(name=name), "file") from None
        return ListSource(name, library=library_from_yaml(text, name))
    book = open_workbook(content, name)
    library = library_from_workbook(book, name) if is_library_workbook(book) else None
    return ListSource(name, book, library, read_settings(book))


def proposal(source: ListSource, base: str, sheet: str | None = None, header_row: int | None = None) -> ColumnMapping:
    """The guessed layout and columns (and, where the file says it, the catalog's identity)."""
    if source.library is not None and sheet in (None, source.default_sheet()):
        return source.library.default_mapping(base)
    if source.settings is not None and sheet in (None, source.default_sheet()):
        stated = exported_mapping(source.settings, base)
        if stated is not None:
            return stated
    table = source.table(sheet, header_row)
    columns = guess_columns(table)
    layout = guess_layout(table, columns, source.all_tables(table) if len(source.sheet_names) > 1 else ())
    sublevels: tuple[int, ...] = ()
    if layout == "column" and "area" in columns and "id" in columns:
        taken = set(columns.values())
        sublevels = tuple(i for i in range(columns["area"] + 1, columns["id"]) if i not in taken)
    name = Path(source.name).stem[:200]
    return ColumnMapping(columns, "", name, "", "", base, layout, sublevels)


def draft(
    source: ListSource,
    mapping: ColumnMapping,
    catalogs: CatalogSet,
    sheet: str | None = None,
    header_row: int | None = None,
) -> CatalogDraft:
    """The catalog for the confirmed mapping (validated like a YAML catalog), with what was not read."""
    if mapping.layout == "library":
        if source.library is None:
            raise InputError(_("Die Datei ist keine Bibliothek von CISO Assistant; bitte einen anderen Aufbau wählen."),
                             "layout")  # fmt: skip
        return library_draft(source.library, mapping, catalogs)
    table = source.table(sheet, header_row)
    tables = source.all_tables(table) if mapping.layout == "sheets" else []
    settings = source.settings if source.settings is not None and table.name == source.default_sheet() else None
    return build_catalog(table, mapping, catalogs, source.name, tables, settings)
