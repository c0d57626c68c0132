"""The upload card of the Angebote-und-Bedarfe page: a .csv or .xlsx file in, its columns shown with the first rows,
which column is which chosen (prefilled from the documented headings and the mapping remembered from the last load
of that kind), then checked and stored – or the German messages with the rows, and nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from qmkit.documents.table_files import read_table
from qmkit.domain.data_loads import KINDS
from qmkit.domain.offers import FIELDS, text_key
from qmkit.errors import InputError
from qmkit.excel.reading import MAX_FILE_BYTES, import_too_large
from qmkit.i18n import _
from qmkit.services.offers_data import OffersNeeds
from qmkit.ui.widgets.common import Feedback, button, card, esc, make, scroll_start
from qmkit.ui.widgets.received import MemoryFiles, ReceivedFile
from qmkit.ui.widgets.upload import ChunkedUpload

PREVIEW_ROWS = 4
LABEL = {"description_width": "130px"}


def preview_html(rows: list[list[str]]) -> str:
    """The file's headings and its first rows (escaped)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(c[:60])}</td>" for c in row) + "</tr>" for row in rows[1 : 1 + PREVIEW_ROWS]
    )
    more = _("{n} Zeilen insgesamt").format(n=len(rows) - 1)
    return (
        scroll_start(_("Vorschau der Tabelle"))
        + f"<table class='qm-plan' id='qm-preview'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div><div class='qm-muted'>{esc(more)}</div>"
    )


def guess(header: list[str], documented: str, remembered: str | None) -> str:
    """The heading of the file for a field: the remembered one, else the documented one (case ignored), else ""."""
    by_key = {text_key(h): h for h in header if h}
    for wanted in (remembered, documented):
        if wanted and text_key(wanted) in by_key:
            return by_key[text_key(wanted)]
    return ""


class UploadCard:
    """Choose the kind, pick a file, match the columns, check and store."""

    def __init__(self, service: OffersNeeds, page_guard: Callable[[Any], Any], on_loaded: Callable[[], None]):
        self.service, self.on_loaded = service, on_loaded
        self.feedback = Feedback()
        self.received: ReceivedFile | None = None
        self.rows: list[list[str]] = []
        self.kind = make(
            w.ToggleButtons,
            options=[(_(label), kind) for kind, label in KINDS.items()],
            value="needs",
            description=_("Art der Tabelle"),
            style=LABEL,
        )
        self.kind.observe(page_guard(lambda _c: self._columns()), "value")
        limit = MAX_FILE_BYTES // 1024 // 1024
        self.upload = ChunkedUpload(
            MemoryFiles(MAX_FILE_BYTES, import_too_large),
            page_guard(self._file),
            self.feedback.error,
            label=_("Tabelle wählen … (.csv oder .xlsx, höchstens {n} MB)").format(n=limit),
            multiple=False,
            accept=".csv,.xlsx,.txt",
        )
        self.preview = make(w.HTML)
        self.fields = make(w.VBox)
        self.dropdowns: dict[str, w.Dropdown] = {}
        self.save = button(page_guard, "Prüfen und speichern", "check", self.store_it)
        self.save.disabled = True
        hint = _(
            "Ohne Zuordnung gelesen werden Bedarfsdaten mit den Spalten Sozialraum, Jahr, Zielgruppe, Indikator, "
            "Wert (Indikator „Bevölkerung“ = Zielbevölkerung) und Angebote mit Angebot, Träger, Art, Sozialraum, "
            "Zielgruppe, Plätze, Teilnehmende, Jahr. Bedarfsdaten dürfen auch breit sein: eine Spalte je Indikator "
            "neben Sozialraum, Jahr und Zielgruppe (dann Indikator und Wert auf „fehlt“ lassen). Andere Überschriften "
            "ordnen Sie unten zu; die Zuordnung wird für die nächste Datei gemerkt."
        )
        parts: list[w.Widget] = [
            make(w.HTML, f"<h2>{esc(_('Tabelle einlesen'))}</h2><div class='qm-muted'>{esc(hint)}</div>"),
            self.kind,
            self.upload,
            self.preview,
            self.fields,
            self.save,
            self.feedback.widget,
        ]
        if not service.may_edit:
            locked = _("Ihre Rolle erlaubt hier nur das Lesen: Einlesen ist gesperrt.")
            parts = [parts[0], make(w.HTML, f"<div class='qm-msg-info' role='status'>{esc(locked)}</div>")]
        self.widget = card(*parts)

    def _file(self, received: ReceivedFile) -> None:
        self.received, self.rows = None, []
        self.preview.value, self.fields.children = "", ()
        self.feedback.clear()
        rows = read_table(received.content, received.name)
        self.received, self.rows = received, rows
        self.preview.value = f"<h3>{esc(received.name)}</h3>" + preview_html(rows)
        self._columns()

    def _columns(self) -> None:
        """One choice per field of the kind, prefilled."""
        if not self.rows:
            return
        header = [h for h in self.rows[0] if h]
        remembered = self.service.mapping(self.kind.value)
        options = [(_("– fehlt in der Datei –"), ""), *[(h, h) for h in header]]
        self.dropdowns = {}
        for field, documented in FIELDS[self.kind.value].items():
            self.dropdowns[field] = make(
                w.Dropdown,
                options=options,
                value=guess(header, documented, remembered.get(field)),
                description=documented,
                style=LABEL,
                layout={"width": "420px"},
            )
        title = make(w.HTML, f"<h3>{esc(_('Welche Spalte ist was?'))}</h3>")
        self.fields.children = (title, *self.dropdowns.values())
        self.save.disabled = False

    def mapping(self) -> dict[str, str]:
        return {field: d.value for field, d in self.dropdowns.items() if d.value}

    def store_it(self) -> None:
        if self.received is None:
            self.feedback.error(_("Bitte zuerst eine Datei wählen."))
            return
        try:
            made, hints = self.service.load(self.kind.value, self.rows, self.received.name, self.mapping())
        except InputError as exc:
            self.feedback.error(str(exc))
            return
        lines = [
            _("Gespeichert: {kind} {title}, {n} Zeilen.").format(kind=made.kind_label, title=made.title, n=made.rows)
        ]
        self.received, self.rows = None, []
        self.preview.value, self.fields.children = "", ()
        self.save.disabled = True
        self.on_loaded()  # the analysis first, then the message: what the message says is on the page
        self.feedback.ok("\n".join(lines + list(hints)))
