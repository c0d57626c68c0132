"""The Katalog page: a certifier's Excel requirement list becomes a qmkit catalog in ``standards/``.

Upload, choose the sheet and the header row, say which column holds what (a first guess comes from the
headers), check the preview, save. Works without a cycle: the new catalog is what a cycle is created with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as w

from qmkit.domain.catalog import CatalogSet
from qmkit.errors import InputError
from qmkit.excel.catalog_import import (
    REQUIRED_ROLES,
    ROLE_LABELS,
    ROLES,
    CatalogDraft,
    ColumnMapping,
    SheetTable,
    build_catalog,
    guess_columns,
    mapping_yaml,
    save_catalog,
    sheet_table,
    target_folder,
)
from qmkit.excel.reading import open_workbook
from qmkit.i18n import _
from qmkit.ui.pages.checklist_import import excel_upload
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import Feedback, button, card, esc, guard, make, nav_html, page_box
from qmkit.ui.widgets.received import ReceivedFile

NONE = -1
PREVIEW_ROWS = 6


class CatalogImportPage:
    """Excel list in, column mapping, preview, catalog file out."""

    def __init__(self, catalogs: CatalogSet, folder: Path | None = None):
        self.catalogs = catalogs
        self.folder = folder
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.book: Any = None  # the uploaded workbook, opened once
        self.file_name = ""
        self.table: SheetTable | None = None
        self.draft: CatalogDraft | None = None
        self._quiet = False
        self.upload = excel_upload(self.guard, self.received, self.feedback, "Anforderungsliste")
        self._mapping_widgets()
        self._description_widgets()
        self.widget = self._layout()
        self._enable(False)

    def _mapping_widgets(self) -> None:
        """Which sheet, which header row, and which column holds what."""
        style = {"description_width": "11em"}
        self.sheet = make(w.Dropdown, options=[], description=_("Blatt"), style=style, layout={"width": "420px"})
        self.header_row = make(
            w.BoundedIntText, value=1, min=1, max=1000, description=_("Überschriften in Zeile"), style=style,
            layout={"width": "260px"},
        )  # fmt: skip
        self.sheet.observe(self.guard(self._reread), names="value")
        self.header_row.observe(self.guard(self._reread), names="value")
        self.sample = make(w.HTML)
        self.roles = {
            role: make(
                w.Dropdown,
                options=[(_("(keine)"), NONE)],
                value=NONE,
                description=_(ROLE_LABELS[role]) + (" *" if role in REQUIRED_ROLES else ""),
                style=style,
                layout={"width": "420px"},
            )
            for role in ROLES
        }

    def _description_widgets(self) -> None:
        """The new catalog's id, name, version and source, the model it takes scale and procedure from, saving."""
        style = {"description_width": "11em"}
        shipped = [(f"{c.id} – {c.title}", c.id) for c in self.catalogs.sorted()]
        self.base = make(
            w.Dropdown,
            options=shipped,
            description=_("Skala/Verfahren von"),
            style=style,
            layout={"width": "520px"},
        )
        self.catalog_id = make(w.Text, description=_("Katalog-ID *"), placeholder="z. B. lqw-offiziell", style=style)
        self.name = make(w.Text, description=_("Name *"), style=style, layout={"width": "520px"})
        self.version = make(w.Text, description=_("Version *"), placeholder="z. B. 2025", style=style)
        self.source = make(
            w.Text, description=_("Quelle *"), placeholder=_("Herausgeber, Titel, Jahr"), style=style,
            layout={"width": "520px"},
        )  # fmt: skip
        self.replace = make(w.Checkbox, value=False, description=_("vorhandene Datei ersetzen"), indent=False)
        self.check_button = button(self.guard, "Vorschau prüfen", "search", self.check)
        self.save_button = button(self.guard, "Als Katalog speichern", "save", self.save)
        self.save_button.button_style = "primary"
        self.preview = make(w.HTML)
        self.result = make(w.HTML)

    def _layout(self) -> w.VBox:
        intro = _(
            "qmkit liefert Arbeitskataloge in eigenen Worten. Mit der Anforderungsliste Ihres Zertifizierers "
            "(Excel) arbeiten Sie mit den offiziellen Texten: Datei wählen, Spalten zuordnen, Vorschau prüfen, "
            "speichern. Skala und Verfahren übernimmt der neue Katalog von dem Modell, zu dem die Liste gehört."
        )
        self.mapping_card = card(
            make(w.HTML, f"<h2>{esc(_('2. Spalten zuordnen'))}</h2>"),
            self.sheet,
            self.header_row,
            self.sample,
            *self.roles.values(),
            make(w.HTML, f"<h2>{esc(_('3. Katalog beschreiben'))}</h2>"),
            self.base,
            self.catalog_id,
            self.name,
            self.version,
            self.source,
            self.replace,
            make(w.HBox, [self.check_button, self.save_button]),
            self.preview,
            self.result,
        )
        return page_box(
            make(w.HTML, nav_html("katalog", None) + f"<h1>{esc(_('Katalog des Zertifizierers einlesen'))}</h1>"),
            make(w.HTML, f'<p class="qm-muted">{esc(intro)}</p>'),
            self.feedback.widget,
            card(make(w.HTML, f"<h2>{esc(_('1. Datei wählen'))}</h2>"), self.upload),
            self.mapping_card,
        )

    def _enable(self, on: bool) -> None:
        for widget in [self.sheet, self.header_row, *self.roles.values(), self.check_button, self.save_button]:
            widget.disabled = not on

    # ---------------------------------------------------------------- reading the file

    def received(self, file: ReceivedFile) -> None:
        book = open_workbook(file.content, file.name)
        names = [ws.title for ws in book.worksheets]
        self.book, self.file_name = book, file.name
        self.feedback.clear()
        self.result.value = self.preview.value = ""
        self._quiet = True
        try:
            self.sheet.options = names
            self.sheet.value = names[0]
        finally:
            self._quiet = False
        self._read(None)
        if not self.name.value:
            self.name.value = Path(file.name).stem[:200]
        self._enable(True)

    def _reread(self, _change: Any) -> None:
        if not self._quiet and self.book is not None:
            self._read(int(self.header_row.value))

    def _read(self, header_row: int | None) -> None:
        self.table = table = sheet_table(self.book, self.file_name, self.sheet.value, header_row)
        self._quiet = True
        try:
            self.header_row.value = table.header_row
            choices = [(_("(keine)"), NONE), *table.column_choices()]
            guess = guess_columns(table)
            for role, dropdown in self.roles.items():
                dropdown.options = choices
                dropdown.value = guess.get(role, NONE)
        finally:
            self._quiet = False
        head = "".join(f"<th>{esc(h)}</th>" for h in table.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(c[:120])}</td>" for c in cells) + "</tr>"
            for _n, cells in table.rows[:PREVIEW_ROWS]
        )
        count = _("{n} Zeilen unter den Überschriften; die ersten:").format(n=len(table.rows))
        self.sample.value = (
            f'<div class="qm-muted">{esc(count)}</div>'
            f'<div class="qm-scroll"><table class="qm-plan"><tr>{head}</tr>{body}</table></div>'
        )

    # ---------------------------------------------------------------- building and saving

    def mapping(self) -> ColumnMapping:
        return ColumnMapping(
            {role: int(d.value) for role, d in self.roles.items() if d.value != NONE},
            str(self.catalog_id.value).strip(),
            str(self.name.value),
            str(self.version.value),
            str(self.source.value),
            str(self.base.value),
        )

    def check(self) -> CatalogDraft | None:
        if self.table is None:
            self.feedback.info(_("Bitte zuerst die Anforderungsliste wählen."))
            return None
        self.result.value = ""
        try:
            self.draft = draft = build_catalog(self.table, self.mapping(), self.catalogs, self.file_name)
        except InputError as exc:
            self.draft = None
            self.preview.value = f'<div class="qm-msg-error" role="alert">{esc(exc)}</div>'
            return None
        cat = draft.catalog
        areas = "".join(
            f"<li><b>{esc(a.id)}</b> {esc(a.title)} – "
            + esc(_("{n} Anforderungen").format(n=len(a.all_requirements())))
            + "</li>"
            for a in cat.areas
        )
        problems = "".join(f'<li class="qm-fehlt">{esc(p)}</li>' for p in draft.problems)
        summary = _("{areas} Bereiche, {n} Anforderungen – gültig.").format(
            areas=len(cat.areas), n=draft.requirement_count
        )
        first = cat.requirements()[0]
        self.preview.value = (
            f'<div class="qm-msg-ok" role="status">{esc(summary)}</div><ul>{areas}</ul>'
            + (f'<div>{esc(_("Nicht übernommen:"))}</div><ul class="qm-findings">{problems}</ul>' if problems else "")
            + f'<div class="qm-muted">{esc(_("Erste Anforderung"))}: <b>{esc(first.id)}</b> {esc(first.title)} – '
            f"{esc(first.text[:300])}</div>"
            + f'<details class="qm-help"><summary>{esc(_("Zuordnung als YAML (für qmkit catalog import)"))}</summary>'
            f"<pre>{esc(mapping_yaml(self.table.name, self.table.header_row, self.mapping()))}</pre></details>"
        )
        return draft

    def save(self) -> Path | None:
        draft = self.check()
        if draft is None:
            return None
        path = save_catalog(draft, self.folder or target_folder(), replace_file=bool(self.replace.value))
        text = _("Gespeichert: {path}. Auf der Startseite lässt sich jetzt ein Zyklus mit „{name}“ anlegen.").format(
            path=path, name=draft.catalog.name
        )
        link = f'<a class="qm-button" href="Start.ipynb" target="_self">{esc(_("Zur Startseite"))}</a>'
        self.result.value = f'<div class="qm-msg-ok" role="status">{esc(text)}</div>{link}'
        return path


def build(request: PageRequest) -> w.VBox:
    return CatalogImportPage(request.catalogs).widget
