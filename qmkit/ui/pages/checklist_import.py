"""The Einlesen page: a checklist that colleagues filled offline comes back in, as a preview first.

The preview lists every answer the file would change (new, changed, conflict with a change in the app since
the export) and what will not be read. Nothing reaches the store until the QMB picks changes and confirms.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.domain.catalog import CatalogSet
from qmkit.excel.checklist import build_workbook
from qmkit.excel.checklist_import import (
    FIELD_LABELS,
    KIND_LABELS,
    FieldChange,
    ImportPreview,
    apply_preview,
    read_checklist,
)
from qmkit.excel.reading import MAX_FILE_BYTES, import_too_large
from qmkit.excel.returned import FilePreview
from qmkit.excel.style import export_filename, save_workbook
from qmkit.i18n import _, n_
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import (
    Feedback,
    button,
    card,
    cycle_header,
    download_html,
    esc,
    guard,
    make,
    page_box,
    steps_html,
    user_field,
)
from qmkit.ui.widgets.received import MemoryFiles, ReceivedFile
from qmkit.ui.widgets.upload import ChunkedUpload

SHOWN_CHARS = 240


def _quote(text: str) -> str:
    short = text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
    return f"„{esc(short)}“" if short else f"<i>{esc(_('leer'))}</i>"


def change_html(change: FieldChange) -> str:
    """One line of the preview: kind, requirement, field, value in the app → value in the file."""
    base = ""
    if change.kind == "conflict" and change.base is not None:
        base = f' <span class="qm-muted">({esc(_("beim Export"))}: {_quote(change.base)})</span>'
    return (
        f'<span class="qm-kind qm-kind-{change.kind}">{esc(_(KIND_LABELS[change.kind]))}</span> '
        f"<b>{esc(change.requirement_id)}</b> {esc(_(FIELD_LABELS[change.field]))}: "
        f"{esc(_('App'))} {_quote(change.old_text)} → {esc(_('Datei'))} {_quote(change.new_text)}{base}"
    )


def excel_upload(
    page_guard: Callable[[Any], Any], on_file: Callable[[ReceivedFile], None], feedback: Feedback, what: str
) -> ChunkedUpload:
    """The upload of one .xlsx into memory for the Excel imports (size checked in the browser first)."""
    limit = MAX_FILE_BYTES // 1024 // 1024
    return ChunkedUpload(
        MemoryFiles(MAX_FILE_BYTES, import_too_large),
        page_guard(on_file),
        feedback.error,
        label=_("{what} wählen … (.xlsx, höchstens {n} MB)").format(what=_(what), n=limit),
        multiple=False,
        accept=".xlsx",
    )


def not_read_html(preview: FilePreview) -> str:
    """What a returned file brings that is not read: problems in red, notices in grey ('' when none)."""
    lines = [f'<li class="qm-fehlt">{esc(p)}</li>' for p in preview.problems]
    lines += [f'<li class="qm-hinweis">{esc(n)}</li>' for n in preview.notices]
    if not lines:
        return ""
    return f'<div>{esc(_("Wird nicht eingelesen / Hinweise:"))}</div><ul class="qm-findings">{"".join(lines)}</ul>'


class ImportPage:
    """Export for offline work, upload of the filled file, preview with a choice per change, apply."""

    def __init__(self, evaluation: SelfEvaluation, catalogs: CatalogSet, exports: Path | None = None):
        self.evaluation, self.cycle, self.catalogs = evaluation, evaluation.cycle, catalogs
        self.exports = exports or exports_dir()
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        inst, cat = evaluation.institution, evaluation.catalog
        self.user_name = user_field(inst.qmb)
        self.export_button = button(self.guard, "Checkliste exportieren", "file-excel-o", self.export)
        self.download = make(w.HTML)
        self.upload = excel_upload(self.guard, self.received, self.feedback, "Ausgefüllte Checkliste")
        self.preview: ImportPreview | None = None
        self.checks: dict[tuple[str, str], w.Checkbox] = {}
        self.summary = make(w.HTML)
        self.problems = make(w.HTML)
        self.rows = make(w.VBox, layout={"width": "100%"})
        self.chosen = make(w.HTML)
        self.select_all = button(self.guard, "alle ohne Konflikt wählen", "check-square-o", self.choose_applicable)
        self.select_none = button(self.guard, "keine wählen", "square-o", self.choose_none)
        self.apply_button = button(self.guard, "Ausgewählte übernehmen", "check", self.apply)
        self.apply_button.button_style = "primary"
        self.discard_button = button(self.guard, "Verwerfen", "times", self.discard)
        self.actions = make(
            w.HBox,
            [self.select_all, self.select_none, self.apply_button, self.discard_button, self.chosen],
            layout={"align_items": "center", "flex_flow": "row wrap"},
        )
        self.result = make(w.HTML)
        header = cycle_header("einlesen", _("Excel einlesen"), self.cycle.id, inst.name, self.cycle.name, cat.title)
        steps = [
            _("Checkliste exportieren und an die Kolleg*innen geben."),
            _("Sie tragen Bewertung, Umsetzung und Verantwortliche in Excel oder LibreOffice ein."),
            _(
                "Die Datei hier einlesen: Die Vorschau zeigt jede Änderung – neu, geändert oder Konflikt, wenn "
                "dasselbe Feld seit dem Export auch in der App geändert wurde. Erst „Ausgewählte übernehmen“ "
                "speichert."
            ),
        ]
        intro = steps_html(steps)
        self.preview_card = card(
            make(w.HTML, f"<h2>{esc(_('Vorschau'))}</h2>"), self.summary, self.problems, self.actions, self.rows
        )
        self.widget = page_box(
            header,
            intro,
            self.feedback.widget,
            self.user_name,
            card(
                make(w.HTML, f"<h2>{esc(_('1. Exportieren'))}</h2>"),
                make(w.HBox, [self.export_button]),
                self.download,
            ),
            card(make(w.HTML, f"<h2>{esc(_('2. Ausgefüllte Checkliste einlesen'))}</h2>"), self.upload, self.result),
            self.preview_card,
        )
        self.show_preview()

    def user(self) -> str:
        return str(self.user_name.value)

    # ---------------------------------------------------------------- actions

    def export(self) -> Path:
        data = self.evaluation.checklist_data()
        path = save_workbook(build_workbook(data), self.exports / export_filename(data))
        self.download.value = download_html(path, _("Checkliste herunterladen"), "qm-download")
        return path

    def received(self, file: ReceivedFile) -> None:
        """A file arrived: build the preview (the store is only read)."""
        self.feedback.clear()
        self.result.value = ""
        self.preview = read_checklist(
            self.evaluation.sibling_opener(self.catalogs), file.content, file.name, cycle_id=self.cycle.id
        )
        self.show_preview()

    def choose_applicable(self) -> None:
        """New and changed answers are chosen; a conflict only when the QMB ticks it."""
        kinds = {c.key: c.kind for c in self.preview.changes} if self.preview else {}
        for key, box in self.checks.items():
            box.value = kinds.get(key) != "conflict"

    def choose_none(self) -> None:
        for box in self.checks.values():
            box.value = False

    def chosen_keys(self) -> set[tuple[str, str]]:
        return {key for key, box in self.checks.items() if box.value}

    def apply(self) -> None:
        preview = self.preview
        if preview is None:
            self.feedback.info(_("Bitte zuerst eine ausgefüllte Checkliste einlesen."))
            return
        keys = self.chosen_keys()
        if not keys:
            self.feedback.info(_("Nichts ausgewählt – nichts wurde geändert."))
            return
        result = apply_preview(self.evaluation, preview, keys, self.user())
        skipped = "".join(
            f"<li><b>{esc(c.requirement_id)}</b> {esc(_(FIELD_LABELS[c.field]))}: {esc(why)}</li>"
            for c, why in result.skipped
        )
        count = len(result.applied)
        text = n_("{n} Änderung aus „{file}“ übernommen.", "{n} Änderungen aus „{file}“ übernommen.", count)
        text = text.format(n=count, file=preview.file_name)
        parts = [f'<div class="qm-msg-ok" role="status">{esc(text)}</div>']
        if skipped:
            parts.append(f'<div class="qm-msg-error">{esc(_("Nicht übernommen:"))}<ul>{skipped}</ul></div>')
        link = f"Selbstbewertung.ipynb?zyklus={self.cycle.id}"
        parts.append(f'<a href="{esc(link)}" target="_self">{esc(_("Zur Selbstbewertung"))}</a>')
        self.result.value = "".join(parts)
        self.preview = None
        self.show_preview()

    def discard(self) -> None:
        self.preview = None
        self.result.value = f'<div class="qm-msg-info">{esc(_("Vorschau verworfen; nichts wurde geändert."))}</div>'
        self.show_preview()

    # ---------------------------------------------------------------- showing

    def _count(self, _change: object = None) -> None:
        total = len(self.checks)
        text = _("{n} von {t} gewählt").format(n=len(self.chosen_keys()), t=total)
        self.chosen.value = f'<span class="qm-muted">{esc(text)}</span>'

    def show_preview(self) -> None:
        preview = self.preview
        if preview is None:
            self.checks = {}
            self.rows.children = []
            self.preview_card.children = [
                make(w.HTML, f"<h2>{esc(_('Vorschau'))}</h2>"),
                make(w.HTML, f'<span class="qm-muted">{esc(_("Noch keine Datei eingelesen."))}</span>'),
            ]
            return
        source = f" – {esc(_('exportiert'))} {esc(preview.exported_from)}" if preview.exported_from else ""
        self.summary.value = f"<b>{esc(preview.file_name)}</b>{source}<br>{esc(preview.summary())}"
        self.problems.value = not_read_html(preview)
        self.checks = {}
        rows: list[w.Widget] = []
        for change in preview.changes:
            box = make(w.Checkbox, value=change.kind != "conflict", indent=False, layout={"width": "28px"})
            box.observe(self.guard(self._count), names="value")
            self.checks[change.key] = box
            rows.append(make(w.HBox, [box, make(w.HTML, change_html(change))], layout={"align_items": "baseline"}))
        if not rows:
            rows.append(
                make(
                    w.HTML,
                    f'<div class="qm-msg-info">{esc(_("Die Datei ändert nichts am gespeicherten Stand."))}</div>',
                )
            )
        self.rows.children = rows
        self.preview_card.children = [
            make(w.HTML, f"<h2>{esc(_('Vorschau'))}</h2>"),
            self.summary,
            self.problems,
            self.actions,
            self.rows,
        ]
        self._count()


def build(request: PageRequest) -> w.VBox:
    return ImportPage(request.evaluation(), request.catalogs).widget
