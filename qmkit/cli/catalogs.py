"""``qmkit catalog import`` and ``qmkit catalog export``: requirement lists and peer libraries in, any catalog
out as an editable Excel list."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from qmkit.cli.exchange import read_excel
from qmkit.domain.catalog import CatalogSet
from qmkit.errors import NotFoundError, QmkitError
from qmkit.i18n import _
from qmkit.store.catalogs import discover


def _read_mapping(path: Path | None) -> str | None:
    try:
        return path.read_text(encoding="utf-8") if path else None
    except (OSError, UnicodeDecodeError) as exc:
        raise NotFoundError(_("Die Datei {path} kann nicht gelesen werden: {err}").format(path=path, err=exc)) from None


def print_tree(lines: list[tuple[int, str]]) -> None:
    for level, text in lines:
        print("  " + "  " * level + text)


def catalog_import(args: argparse.Namespace) -> int:
    """Without ``--mapping``: the columns, the recognised layout with its tree and a mapping to confirm; with
    it: build, check and save the catalog."""
    from qmkit.excel.catalog_import import save_catalog
    from qmkit.excel.catalog_layouts import LAYOUTS
    from qmkit.excel.catalog_mapping import ColumnMapping, load_mapping, mapping_yaml
    from qmkit.excel.catalog_source import draft, open_source, proposal
    from qmkit.excel.catalog_tree import tree_lines

    path: Path = args.path
    source = open_source(read_excel(path), path.name)
    mapping_text = _read_mapping(args.mapping)
    catalogs = discover()
    if mapping_text is None:
        guess = proposal(source, "qm4")
        table = source.table() if source.book is not None and guess.layout != "library" else None
        if table is not None:
            print(
                _("Blatt „{s}“, Überschriften in Zeile {n}, {r} Zeilen darunter:").format(
                    s=table.name, n=table.header_row, r=len(table.rows)
                )
            )
            for label, _index in table.column_choices():
                print(f"  {label}")
        print(_("Erkannter Aufbau: {layout}").format(layout=_(LAYOUTS[guess.layout])))
        template = ColumnMapping(
            dict(guess.columns), guess.catalog_id or "mein-katalog", guess.name or _("Name des Katalogs"),
            guess.version or "1", guess.source or _("Quelle"), guess.base, guess.layout, guess.sublevels,
        )  # fmt: skip
        only_base = CatalogSet({guess.base: catalogs.get(guess.base)})  # the preview is not refused for its id
        try:
            preview = draft(source, replace(template, catalog_id="vorschau"), only_base)
        except QmkitError as exc:  # the proposal is shown even when the guess does not fit yet
            print(_("Vorschau nicht möglich: {err}").format(err=exc))
        else:
            print(_("So würde der Katalog aussehen:"))
            print_tree(tree_lines(preview.catalog, 60))
            for problem in preview.problems:
                print(f"  {problem}")
        print(_("Vorschlag für eine Zuordnung (prüfen, speichern, mit --mapping angeben):"))
        print(mapping_yaml(table.name if table else "", table.header_row if table else 1, template))
        return 0
    sheet, header_row, mapping = load_mapping(mapping_text, str(args.mapping))
    result = draft(source, mapping, catalogs, sheet, header_row)
    print_tree(tree_lines(result.catalog, 60))
    for problem in result.problems:
        print(f"  {problem}")
    saved = save_catalog(result, args.out, replace_file=args.replace)
    print(
        _("{path}: gespeichert – {id}, {areas} Bereiche, {n} Anforderungen").format(
            path=saved, id=result.catalog.id, areas=len(result.catalog.areas), n=result.requirement_count
        )
    )
    return 0


def catalog_export(args: argparse.Namespace) -> int:
    """``catalog export ID --out PATH.xlsx``: the catalog as an editable requirement list."""
    from qmkit.excel.catalog_export import catalog_workbook
    from qmkit.excel.style import save_workbook

    catalog = discover().get(args.catalog)
    out: Path = args.out or Path(f"{catalog.id}-anforderungsliste.xlsx")
    save_workbook(catalog_workbook(catalog), out)
    text = _("{path}: {n} Anforderungen von „{name}“ als bearbeitbare Liste (wieder einlesen: qmkit catalog import)")
    print(text.format(path=out, n=len(catalog.requirements()), name=catalog.title))
    return 0
