"""The card "Managementbewertung" of the PDCA-Review page: choose, add, fill (inputs suggested from the cycle's
results), delete a management review, and its minutes as a Word document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.review_minutes import minutes_filename, review_minutes_document
from qmkit.documents.word import DOCX_MIME, save_document
from qmkit.domain.model import day_text
from qmkit.domain.planning import STATUS_LABELS, Measure
from qmkit.domain.review import ManagementReview
from qmkit.i18n import N_, _
from qmkit.services.audits import InternalAudit
from qmkit.services.review import Review
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.widgets.common import Feedback, button, card, download_html, esc, make
from qmkit.ui.widgets.record_editor import Chooser, FormField, RecordEditor

Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]
MGMT_FORM = [
    FormField("held_on", "date", N_("Datum")),
    FormField("participants", "line", N_("Teilnehmende"), N_("Leitung, QMB, …")),
    FormField("inputs", "text", N_("Eingaben"), N_("Ergebnisse der Selbstbewertung, Maßnahmen, Auditfeststellungen")),
    FormField("decisions", "text", N_("Entscheidungen")),
    FormField("next_review", "date", N_("Nächste Managementbewertung")),
]


class ManagementCard:
    def __init__(
        self,
        evaluation: SelfEvaluation,
        review: Review,
        wrap: Wrap,
        feedback: Feedback,
        user: Callable[[], str],
        today: date,
    ):
        self.evaluation, self.review, self.feedback, self.user, self.today = evaluation, review, feedback, user, today
        self.chooser = Chooser(wrap, lambda rid: self.editor.show(self._record(rid)), _("Managementbewertung"))
        self.new = button(wrap, "Neue Managementbewertung", "plus", self.add)
        self.inputs_button = button(wrap, "Eingaben vorschlagen", "magic", self.suggest_inputs)
        self.delete_button = button(wrap, "Löschen", "trash", self.delete)
        self.minutes_button = button(wrap, "Protokoll als Word", "file-word-o", self.minutes)
        self.download = make(w.HTML)
        self.editor = RecordEditor(
            MGMT_FORM,
            lambda r, name, value: self.review.update_management_review(r.id, name, value, self.user()),
            wrap,
            lambda r: self.refresh(r.id),
            lambda r: self.review.management_review(r.id),
        )
        buttons = [self.chooser.widget, self.new, self.inputs_button, self.minutes_button, self.delete_button]
        self.widget = card(
            make(w.HTML, f"<h2>{esc(_('Managementbewertung'))}</h2>"),
            make(w.HBox, buttons, layout={"flex_flow": "row wrap"}),
            self.download,
            self.editor.widget,
        )

    def _record(self, review_id: int | None) -> ManagementReview | None:
        return self.review.management_review(review_id) if review_id is not None else None

    def refresh(self, select: int | None = None) -> None:
        options = [
            (
                _("Managementbewertung vom {day}").format(day=day_text(r.held_on))
                if r.held_on
                else _("Managementbewertung (ohne Datum)"),
                r.id,
            )
            for r in self.review.management_reviews()
        ]
        chosen = self.chooser.refill(options, select)
        if chosen is None or self.editor.record is None or self.editor.record.id != chosen:
            self.editor.show(self._record(chosen))
        self.delete_button.disabled = self.inputs_button.disabled = self.minutes_button.disabled = chosen is None

    def add(self) -> None:
        review = self.review.add_management_review(self.user(), held_on=self.today)
        self.refresh(select=review.id)

    def delete(self) -> None:
        if self.editor.record is not None:
            self.review.delete_management_review(self.editor.record.id)
            self.feedback.ok(_("Managementbewertung gelöscht."))
            self.refresh()

    def suggest_inputs(self) -> None:
        """Fill 'Eingaben' with the cycle's results: self-evaluation, measure outcomes, open items."""
        record = self.editor.record
        if record is None:
            return
        text = management_inputs_text(self.evaluation, self.review.measures(), self.today)
        audits = InternalAudit(self.evaluation, self.today)
        if self.evaluation.catalog.internal_audit or audits.records():
            text += "\n" + audits.summary_line()  # the audit results are an input of the review
        if record.inputs.strip():
            text = record.inputs.rstrip() + "\n\n" + text
        self.editor.inputs["inputs"].value = text  # saved like a user's input

    def minutes(self) -> None:
        if self.editor.record is None:
            return
        record = self.review.management_review(self.editor.record.id)
        institution = self.evaluation.institution.name
        doc = review_minutes_document(record, institution, self.evaluation.cycle.name, self.evaluation.catalog.title)
        path = save_document(doc, exports_dir() / minutes_filename(institution, record))
        self.download.value = download_html(path, _("Protokoll herunterladen (.docx)"), "qm-minutes", DOCX_MIME)


def management_inputs_text(evaluation: SelfEvaluation, measures: list[Measure], today: date) -> str:
    """A plain-text summary of the cycle for the management review's inputs."""
    summary = evaluation.summary()
    lines = [_("Selbstbewertung: {progress}.").format(progress=summary.progress_text())]
    for area in summary.areas:
        met = area.met(evaluation.catalog.scale)
        lines.append(
            _("– {id} {title}: {met} von {total} erfüllt").format(
                id=area.area_id, title=area.title, met=met, total=area.total
            )
        )
    by_status: dict[str, int] = {}
    for m in measures:
        label = _(STATUS_LABELS[m.status])
        by_status[label] = by_status.get(label, 0) + 1
    status_text = ", ".join(f"{n} {label}" for label, n in by_status.items()) or _("keine")
    lines.append(
        _("Maßnahmen: {status}; überfällig: {late}.").format(
            status=status_text, late=sum(m.is_overdue(today) for m in measures)
        )
    )
    return "\n".join(lines)
