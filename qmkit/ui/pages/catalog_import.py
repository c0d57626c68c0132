"""The Katalog page: a certifier's requirement list (or a peer library) becomes a qmkit catalog in ``standards/``,
and any catalog goes out as an editable Excel list.

Upload, check the recognised layout (area column, heading rows, level column, sheet per area, numbered ids,
CISO Assistant library) and which column holds what, see the tree the list gives, save. Works without a cycle:
the new catalog is what a cycle is created with.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.domain.catalog import CatalogSet
from qmkit.errors import QmkitError
from qmkit.excel.catalog_export import catalog_workbook
from qmkit.excel.catalog_import import ROLE_LABELS, ROLES, CatalogDraft, save_catalog, target_folder
from qmkit.excel.catalog_layouts import LAYOUTS
from qmkit.excel.catalog_mapping import ColumnMapping, mapping_yaml
from qmkit.excel.catalog_sheet import SheetTable, column_index, letter
from qmkit.excel.catalog_source import ListSource, draft, open_source, proposal
from qmkit.excel.catalog_tree import tree_lines
from qmkit.excel.reading import MAX_FILE_BYTES, import_too_large
from qmkit.excel.style import save_workbook
from qmkit.i18n import _
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import (
    Feedback,
    button,
    card,
    download_html,
    esc,
    guard,
    make,
    nav_html,
    page_box,
    scroll_html,
)
from qmkit.ui.widgets.received import MemoryFiles, ReceivedFile
from qmkit.ui.widgets.upload import ChunkedUpload

NONE = -1
PREVIEW_ROWS = 6
STYLE = {"description_width": "11em"}


def tree_html(lines: list[tuple[int, str]]) -> str:
    """The tree the list gives, as nested lists (areas, levels, requirement counts)."""
    html, open_levels = "", 0
    for level, text in lines:
        while open_levels <= level:
            html += '<ul class="qm-tree">'
            open_levels += 1
        while open_levels > level + 1:
            html += "</ul>"
            open_levels -= 1
        html += f"<li>{esc(text)}</li>"
    return html + "</ul>" * open_levels


class CatalogImportPage:
    """List in, layout and columns, tree preview, catalog file out; and any catalog out as an Excel list."""

    def __init__(self, catalogs: CatalogSet, folder: Path | None = None, exports: Path | None = None):
        self.catalogs = catalogs
        self.folder = folder
        self.exports = exports or exports_dir()
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.list_source: ListSource | None = None
        self.table: SheetTable | None = None
        self.draft: CatalogDraft | None = None
        self._quiet = False
        self.upload = ChunkedUpload(
            MemoryFiles(MAX_FILE_BYTES, import_too_large),
            self.guard(self.received),
            self.feedback.error,
            label=_("Anforderungsliste oder Bibliothek wählen … (.xlsx, .yaml; höchstens {n} MB)").format(
                n=MAX_FILE_BYTES // 1024 // 1024
            ),
            multiple=False,
            accept=".xlsx,.yaml,.yml",
        )
        self._mapping_widgets()
        self._description_widgets()
        self._export_widgets()
        self.widget = self._layout()
        self._enable(False)

    def _mapping_widgets(self) -> None:
        """Which sheet, which header row, which layout, which column holds what."""
        self.sheet = make(w.Dropdown, options=[], description=_("Blatt"), style=STYLE, layout={"width": "420px"})
        self.header_row = make(
            w.BoundedIntText, value=1, min=1, max=1000, description=_("Überschriften in Zeile"), style=STYLE,
            layout={"width": "260px"},
        )  # fmt: skip
        self.layout_choice = make(
            w.Dropdown, options=[(_(label), key) for key, label in LAYOUTS.items()], value="column",
            description=_("Aufbau der Liste"), style=STYLE, layout={"width": "520px"},
        )  # fmt: skip
        self.sheet.observe(self.guard(self._reread), names="value")
        self.header_row.observe(self.guard(self._reread), names="value")
        self.sample = make(w.HTML)
        self.roles = {
            role: make(
                w.Dropdown,
                options=[(_("(keine)"), NONE)],
                value=NONE,
                description=_(ROLE_LABELS[role]),
                style=STYLE,
                layout={"width": "420px"},
            )
            for role in ROLES
        }
        self.sublevels = make(
            w.Text, description=_("Weitere Ebenen"), placeholder=_("Spalten, z. B. C, D"), style=STYLE,
            layout={"width": "420px"},
        )  # fmt: skip

    def _description_widgets(self) -> None:
        """The new catalog's id, name, version and source, the model it takes scale and procedure from, saving."""
        shipped = [(f"{c.id} – {c.title}", c.id) for c in self.catalogs.sorted()]
        self.base = make(
            w.Dropdown, options=shipped, description=_("Skala/Verfahren von"), style=STYLE, layout={"width": "520px"}
        )
        self.catalog_id = make(w.Text, description=_("Katalog-ID *"), placeholder="z. B. lqw-offiziell", style=STYLE)
        self.name = make(w.Text, description=_("Name *"), style=STYLE, layout={"width": "520px"})
        self.version = make(w.Text, description=_("Version *"), placeholder="z. B. 2025", style=STYLE)
        self.source = make(
            w.Textarea, description=_("Quelle *"), placeholder=_("Herausgeber, Titel, Jahr"), style=STYLE,
            layout={"width": "520px"},
        )  # fmt: skip
        self.replace = make(w.Checkbox, value=False, description=_("vorhandene Datei ersetzen"), indent=False)
        self.check_button = button(self.guard, "Vorschau prüfen", "search", self.check)
        self.save_button = button(self.guard, "Als Katalog speichern", "save", self.save)
        self.save_button.button_style = "primary"
        self.preview = make(w.HTML)
        self.result = make(w.HTML)

    def _export_widgets(self) -> None:
        shipped = [(c.title, c.id) for c in self.catalogs.sorted()]
        self.export_choice = make(
            w.Dropdown, options=shipped, description=_("Katalog"), style=STYLE, layout={"width": "520px"}
        )
        self.export_button = button(self.guard, "Als Excel-Liste herunterladen", "download", self.export)
        self.export_link = make(w.HTML)

    def _layout(self) -> w.VBox:
        intro = _(
            "qmkit liefert Arbeitskataloge in eigenen Worten. Mit der Anforderungsliste Ihres Zertifizierers "
            "(Excel) oder einer Bibliothek von CISO Assistant (Excel oder YAML) arbeiten Sie mit den offiziellen "
            "Texten: Datei wählen, Aufbau und Spalten prüfen, Vorschau ansehen, speichern. Skala und Verfahren "
            "übernimmt der neue Katalog von dem Modell, zu dem die Liste gehört."
        )
        export_note = _(
            "Jeder Katalog lässt sich als Excel-Liste bearbeiten (eine Zeile je Anforderung mit Bereich und Ebenen) "
            "und hier wieder einlesen – etwa um im Netzwerk einen gemeinsamen Katalog abzustimmen."
        )
        self.mapping_card = card(
            make(w.HTML, f"<h2>{esc(_('2. Aufbau und Spalten prüfen'))}</h2>"),
            self.sheet, self.header_row, self.sample, self.layout_choice, *self.roles.values(), self.sublevels,
            make(w.HTML, f"<h2>{esc(_('3. Katalog beschreiben'))}</h2>"),
            self.base, self.catalog_id, self.name, self.version, self.source, self.replace,
            make(w.HBox, [self.check_button, self.save_button]), self.preview, self.result,
        )  # fmt: skip
        return page_box(
            make(w.HTML, nav_html("katalog", None) + f"<h1>{esc(_('Katalog des Zertifizierers einlesen'))}</h1>"),
            make(w.HTML, f'<p class="qm-muted">{esc(intro)}</p>'),
            self.feedback.widget,
            card(make(w.HTML, f"<h2>{esc(_('1. Datei wählen'))}</h2>"), self.upload),
            self.mapping_card,
            card(
                make(w.HTML, f"<h2>{esc(_('Katalog als Excel-Liste'))}</h2>"),
                make(w.HTML, f'<p class="qm-muted">{esc(export_note)}</p>'),
                self.export_choice,
                self.export_button,
                self.export_link,
            ),
        )

    def _enable(self, on: bool) -> None:
        widgets = [self.sheet, self.header_row, self.layout_choice, *self.roles.values(), self.sublevels]
        for widget in [*widgets, self.check_button, self.save_button]:
            widget.disabled = not on

    # ---------------------------------------------------------------- reading the file

    def received(self, file: ReceivedFile) -> None:
        self.list_source = source = open_source(file.content, file.name)
        self.feedback.clear()
        self.result.value = self.preview.value = ""
        self._quiet = True
        try:
            self.sheet.options = source.sheet_names
            if source.sheet_names:
                self.sheet.value = source.default_sheet()
        finally:
            self._quiet = False
        self._read(None, first=True)
        self._enable(True)
        self.sheet.disabled = self.header_row.disabled = source.book is None

    def _reread(self, _change: Any) -> None:
        if not self._quiet and self.list_source is not None:
            self._read(int(self.header_row.value))

    def _read(self, header_row: int | None, first: bool = False) -> None:
        assert self.list_source is not None
        sheet = self.sheet.value or None
        guess = proposal(self.list_source, str(self.base.value or "qm4"), sheet, header_row)
        self.table = table = self.list_source.table(sheet, header_row) if self.list_source.book is not None else None
        self._quiet = True
        try:
            choices = [(_("(keine)"), NONE), *(table.column_choices() if table else [])]
            if table is not None:
                self.header_row.value = table.header_row
            self.layout_choice.value = guess.layout
            for role, dropdown in self.roles.items():
                dropdown.options = choices
                dropdown.value = guess.columns.get(role, NONE)
            self.sublevels.value = ", ".join(letter(i) for i in guess.sublevels)
            if first:
                for widget, value in [(self.catalog_id, guess.catalog_id), (self.name, guess.name),
                                      (self.version, guess.version), (self.source, guess.source)]:  # fmt: skip
                    widget.value = value or widget.value
        finally:
            self._quiet = False
        self.sample.value = self._sample_html(table)
        if self.list_source.settings is not None:
            own = _("Die Liste bringt Skala, Verfahren und Ebenen selbst mit (Blatt „Katalogdaten“).")
            self.sample.value += f'<div class="qm-hinweis">{esc(own)}</div>'

    def _sample_html(self, table: SheetTable | None) -> str:
        if table is None:
            return f'<div class="qm-muted">{esc(_("Bibliothek im YAML-Format: Aufbau aus der Datei."))}</div>'
        head = "".join(f"<th>{esc(h)}</th>" for h in table.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(c[:120])}</td>" for c in cells) + "</tr>"
            for _n, cells in table.rows[:PREVIEW_ROWS]
        )
        count = _("{n} Zeilen unter den Überschriften; die ersten:").format(n=len(table.rows))
        return f'<div class="qm-muted">{esc(count)}</div>' + scroll_html(
            _("Vorschau der Tabelle"), f'<table class="qm-plan"><tr>{head}</tr>{body}</table>'
        )

    # ---------------------------------------------------------------- building and saving

    def mapping(self) -> ColumnMapping:
        letters = [p for p in re.split(r"[\s,;]+", str(self.sublevels.value).upper()) if p]
        if any(not re.fullmatch(r"[A-Z]{1,2}", p) for p in letters):
            raise QmkitError(_("Weitere Ebenen: bitte Spaltenbuchstaben angeben, z. B. C, D."))
        return ColumnMapping(
            {role: int(d.value) for role, d in self.roles.items() if d.value != NONE},
            str(self.catalog_id.value).strip(), str(self.name.value), str(self.version.value),
            str(self.source.value), str(self.base.value), str(self.layout_choice.value),
            tuple(column_index(p) for p in letters),
        )  # fmt: skip

    def check(self) -> CatalogDraft | None:
        if self.list_source is None:
            self.feedback.info(_("Bitte zuerst die Anforderungsliste wählen."))
            return None
        self.result.value = ""
        try:
            mapping = self.mapping()
            header_row = self.table.header_row if self.table is not None else None
            sheet = self.sheet.value or None
            self.draft = result = draft(self.list_source, mapping, self.catalogs, sheet, header_row)
        except QmkitError as exc:
            self.draft = None
            self.preview.value = f'<div class="qm-msg-error" role="alert">{esc(exc)}</div>'
            return None
        self.preview.value = self._preview_html(result, mapping)
        return result

    def _preview_html(self, result: CatalogDraft, mapping: ColumnMapping) -> str:
        cat = result.catalog
        problems = "".join(f'<li class="qm-fehlt">{esc(p)}</li>' for p in result.problems)
        summary = _("{areas} Bereiche, {n} Anforderungen – gültig.").format(
            areas=len(cat.areas), n=result.requirement_count
        )
        first = cat.requirements()[0]
        table = self.table
        saved_mapping = mapping_yaml(table.name if table else "", table.header_row if table else 1, mapping)
        return (
            f'<div class="qm-msg-ok" role="status">{esc(summary)}</div>'
            f'<div class="qm-muted">{esc(_("Quelle"))}: {esc(cat.source)}</div>'
            f'<div class="qm-catalog-tree">{tree_html(tree_lines(cat))}</div>'
            + (f'<div>{esc(_("Nicht übernommen:"))}</div><ul class="qm-findings">{problems}</ul>' if problems else "")
            + f'<div class="qm-muted">{esc(_("Erste Anforderung"))}: <b>{esc(first.id)}</b> {esc(first.title)} – '
            f"{esc(first.text[:300])}</div>"
            + f'<details class="qm-help"><summary>{esc(_("Zuordnung als YAML (für qmkit catalog import)"))}</summary>'
            f"<pre>{esc(saved_mapping)}</pre></details>"
        )

    def save(self) -> Path | None:
        result = self.check()
        if result is None:
            return None
        path = save_catalog(result, self.folder or target_folder(), replace_file=bool(self.replace.value))
        text = _("Gespeichert: {path}. Auf der Startseite lässt sich jetzt ein Zyklus mit „{name}“ anlegen.").format(
            path=path, name=result.catalog.name
        )
        link = f'<a class="qm-button" href="Start.ipynb" target="_self">{esc(_("Zur Startseite"))}</a>'
        self.result.value = f'<div class="qm-msg-ok" role="status">{esc(text)}</div>{link}'
        return path

    def export(self) -> Path:
        catalog = self.catalogs.get(str(self.export_choice.value))
        path = save_workbook(catalog_workbook(catalog), self.exports / f"{catalog.id}-anforderungsliste.xlsx")
        label = _("{name} als Excel-Liste herunterladen").format(name=catalog.name)
        self.export_link.value = download_html(path, label, "qm-catalog-export")
        return path


def build(request: PageRequest) -> w.VBox:
    return CatalogImportPage(request.catalogs).widget
