"""The Rückmeldung page: the assessors' feedback report per requirement, read from the returned checklist or
typed in, and a measure of the quality plan for each condition with one click.

Every field is saved when it changes; a value the store refuses shows its German message in the row. An
upload is only a preview until the QMB applies the chosen findings.
"""

from __future__ import annotations

from datetime import date

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.feedback_answer import answer_filename, feedback_answer_document
from qmkit.documents.word import DOCX_MIME, save_document
from qmkit.domain.catalog import CatalogSet, Requirement
from qmkit.domain.feedback import Finding
from qmkit.domain.model import Assessment
from qmkit.domain.planning import Measure
from qmkit.excel.feedback_import import FeedbackPreview, FindingChange, apply_feedback, change_label, read_feedback
from qmkit.i18n import N_, _, n_
from qmkit.services.feedback_report import FeedbackReport
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.pages.checklist_import import _quote, excel_upload, not_read_html
from qmkit.ui.pages.finding_row import FindingRow
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
from qmkit.ui.widgets.date_field import DateField
from qmkit.ui.widgets.received import ReceivedFile
from qmkit.ui.widgets.save_state import SaveState, save_each

HEAD_LABELS = {"received_on": N_("erhalten am"), "assessors": N_("Gutachter*innen")}
FILTERS = [(N_("Handlungsbedarf"), "offen"), (N_("mit Rückmeldung"), "mit"), (N_("alle Anforderungen"), "alle")]


class FeedbackPage:
    """Report head, import of the returned checklist, findings per requirement and measures from them."""

    def __init__(self, evaluation: SelfEvaluation, catalogs: CatalogSet, today: date | None = None):
        self.evaluation, self.catalogs, self.cycle = evaluation, catalogs, evaluation.cycle
        self.report = FeedbackReport(evaluation, today)
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.user_name = user_field(evaluation.institution.qmb)
        self.measures: dict[int, Measure] = {}  # read with the findings in show_rows
        self.assessments: dict[str, Assessment] = {}  # for the self-rating shown beside each finding
        self._head_widgets()
        self._import_widgets()
        findings = self.report.findings()
        self._finding_widgets(findings)
        self.widget = self._layout()
        self.show_rows(findings)
        self.show_overview(findings)

    def _head_widgets(self) -> None:
        """The report head: when it came and from whom; the overview of the findings."""
        head = self.report.head()
        self._head_loading = False
        self.received = make(
            DateField, value=head.received_on, layout={"width": "170px"}, name=_("Gutachten erhalten am")
        )
        self.assessors = make(
            w.Text, value=head.assessors, placeholder=_("Namen"), continuous_update=False, layout={"width": "360px"}
        )
        self.head_state = SaveState(self.guard, self._reset_head)
        self.head_message = self.head_state.widget
        fields = {"received_on": self.received, "assessors": self.assessors}
        save_each(fields, self.head_state, self.guard, self._save_head, labels=HEAD_LABELS)
        self.overview = make(w.HTML)
        self.answer_link = make(w.HTML)

    def _import_widgets(self) -> None:
        """Reading the returned checklist: upload, preview with a choice per change, apply or discard."""
        self.upload = excel_upload(self.guard, self.received_file, self.feedback, "Zurückgegebene Checkliste")
        self.preview: FeedbackPreview | None = None
        self.checks: dict[str, w.Checkbox] = {}
        self.preview_box = make(w.VBox, layout={"width": "100%"})
        self.apply_button = button(self.guard, "Ausgewählte übernehmen", "check", self.apply)
        self.apply_button.button_style = "primary"
        self.discard_button = button(self.guard, "Verwerfen", "times", self.discard)
        self.import_result = make(w.HTML)

    def _finding_widgets(self, findings: dict[str, Finding]) -> None:
        """The rows of the findings, filtered by need and area."""
        self.filter = make(
            w.ToggleButtons,
            options=[(_(label), value) for label, value in FILTERS],
            value="mit" if any(not f.is_empty for f in findings.values()) else "alle",
            style={"button_width": "auto"},
        )
        areas = [(_("alle Bereiche"), "")] + [(f"{a.id} {a.title}", a.id) for a in self.evaluation.catalog.areas]
        self.area = make(w.Dropdown, options=areas, value="", layout={"width": "auto"}, name=_("Bereich"))
        self.filter.observe(self.guard(lambda _c: self.show_rows()), names="value")
        self.area.observe(self.guard(lambda _c: self.show_rows()), names="value")
        self.rows_box = make(w.VBox, layout={"width": "100%"})
        self.rows: dict[str, FindingRow] = {}

    def _layout(self) -> w.VBox:
        inst, cat = self.evaluation.institution, self.evaluation.catalog
        header = cycle_header(
            "rueckmeldung", _("Rückmeldebericht"), self.cycle.id, inst.name, self.cycle.name, cat.title
        )
        steps = [
            _(
                "Die Gutachter*innen tragen ihr Ergebnis (erfüllt, Empfehlung, Auflage, nicht erfüllt) und ihre "
                "Anmerkung in die eingereichte Checkliste ein – oder Sie übertragen den Bericht hier von Hand."
            ),
            _(
                "Die zurückgegebene Checkliste hier einlesen: erst Vorschau, dann die gewählten Rückmeldungen "
                "übernehmen."
            ),
            _(
                "Für jede Auflage und jede nicht erfüllte Anforderung eine Maßnahme anlegen; sie erscheint in der "
                "Qualitätsplanung und mit ihrem Stand auf dem Blatt „Rückmeldung“ der Checkliste."
            ),
        ]
        intro = steps_html(steps)
        return page_box(
            header,
            intro,
            self.feedback.widget,
            self.user_name,
            card(
                make(w.HTML, f"<h2>{esc(_('Bericht'))}</h2>"),
                make(
                    w.HBox,
                    [
                        make(w.HTML, f"<b>{esc(_('erhalten am'))}</b>&nbsp;"),
                        self.received,
                        make(w.HTML, f"&nbsp;&nbsp;<b>{esc(_('Gutachter*innen'))}</b>&nbsp;"),
                        self.assessors,
                    ],
                    layout={"align_items": "center", "flex_flow": "row wrap"},
                ),
                self.head_message,
                self.overview,
                button(self.guard, "Stellungnahme als Word", "file-word-o", self.answer),
                self.answer_link,
            ),
            card(
                make(w.HTML, f"<h2>{esc(_('Zurückgegebene Checkliste einlesen'))}</h2>"),
                self.upload,
                self.import_result,
                self.preview_box,
            ),
            card(
                make(w.HTML, f"<h2>{esc(_('Rückmeldungen je Anforderung'))}</h2>"),
                make(w.HBox, [self.filter, self.area], layout={"flex_flow": "row wrap", "align_items": "center"}),
                self.rows_box,
            ),
        )

    def user(self) -> str:
        return str(self.user_name.value)

    def answer(self) -> None:
        """The organisation's answer: per finding the measure and its state, as a Word document."""
        inst, cat = self.evaluation.institution, self.evaluation.catalog
        counts = self.report.overview().text()
        doc = feedback_answer_document(
            self.report.answer(), self.report.head(), inst.name, self.cycle.name, cat.title, counts
        )
        path = save_document(doc, exports_dir() / answer_filename(inst.name, self.cycle.name))
        self.answer_link.value = download_html(path, _("Stellungnahme herunterladen (.docx)"), "qm-answer", DOCX_MIME)

    # ---------------------------------------------------------------- head and overview

    def _save_head(self, name: str) -> None:
        if not self._head_loading:
            self.report.set_head(name, (self.received if name == "received_on" else self.assessors).value, self.user())

    def _reset_head(self) -> None:
        """Show the stored report head again (drops a refused date or name)."""
        head = self.report.head()
        self._head_loading = True
        try:
            self.received.value, self.assessors.value = head.received_on, head.assessors
        finally:
            self._head_loading = False
        self.head_state.forget()

    def show_overview(self, findings: dict[str, Finding] | None = None) -> None:
        summary = self.report.overview(findings, self.measures)
        parts = [esc(summary.text())]
        if summary.missing_measure:
            text = n_(
                "{n} Auflage oder nicht erfüllte Anforderung hat noch keine Maßnahme.",
                "{n} Auflagen oder nicht erfüllte Anforderungen haben noch keine Maßnahme.",
                summary.missing_measure,
            ).format(n=summary.missing_measure)
            parts.append(f'<span class="qm-tl-bald">{esc(text)}</span>')
        if summary.overdue:
            text = n_("{n} Frist ist überschritten.", "{n} Fristen sind überschritten.", summary.overdue)
            parts.append(f'<span class="qm-tl-ueberfaellig">{esc(text.format(n=summary.overdue))}</span>')
        elif summary.open == 0 and any(summary.counts.values()):
            parts.append(f'<span class="qm-tl-erledigt">{esc(_("Nichts mehr offen."))}</span>')
        self.overview.value = '<div class="qm-readiness-total">' + "<br>".join(parts) + "</div>"

    # ---------------------------------------------------------------- rows

    def _shown(self, findings: dict[str, Finding]) -> list[Requirement]:
        chosen, area = self.filter.value, self.area.value
        shown = []
        for group in self.evaluation.catalog.areas:
            if area and group.id != area:
                continue
            for req in group.all_requirements():
                finding = findings.get(req.id, Finding(self.cycle.id, req.id))
                if chosen == "mit" and finding.is_empty:
                    continue
                if chosen == "offen" and not self.report.state(finding, self.measures).open:
                    continue
                shown.append(req)
        return shown

    def show_rows(self, findings: dict[str, Finding] | None = None) -> None:
        findings = self.report.findings() if findings is None else findings
        self.measures = self.report.measures()
        self.assessments = self.evaluation.assessments()
        boxes: list[w.Widget] = []
        for req in self._shown(findings):
            finding = findings.get(req.id, Finding(self.cycle.id, req.id))
            row = self.rows.get(req.id)
            if row is None:
                row = self.rows[req.id] = FindingRow(self, req, finding)
            else:
                row.show(finding, self.measures)
            boxes.append(row.widget)
        if not boxes:
            empty = {
                "offen": _("Nichts offen: Jede Auflage und jede nicht erfüllte Anforderung hat eine Maßnahme."),
                "mit": _(
                    "Noch keine Rückmeldung erfasst. Die zurückgegebene Checkliste oben einlesen oder unter "
                    "„alle Anforderungen“ eintragen."
                ),
            }.get(self.filter.value, _("Keine Anforderungen in diesem Bereich."))
            boxes.append(make(w.HTML, f'<div class="qm-msg-info">{esc(empty)}</div>'))
        self.rows_box.children = boxes

    def plan_measure(self, row: FindingRow) -> None:
        responsible = self.evaluation.assessment(row.req.id).responsible or self.user()
        measure = self.report.plan_measure(row.req.id, responsible, self.user())
        self.measures = self.report.measures()
        row.show(self.report.finding(row.req.id), self.measures)
        self.show_overview()
        self.feedback.ok(
            _("Maßnahme „{title}“ angelegt (verantwortlich: {who}). Sie steht jetzt in der Qualitätsplanung.").format(
                title=measure.title, who=measure.responsible
            )
        )

    # ---------------------------------------------------------------- import

    def received_file(self, file: ReceivedFile) -> None:
        """A returned checklist arrived: build the preview (the store is only read)."""
        self.feedback.clear()
        self.import_result.value = ""
        self.preview = read_feedback(
            self.evaluation.sibling_opener(self.catalogs), file.content, file.name, self.cycle.id
        )
        self.show_preview()

    @staticmethod
    def change_html(change: FindingChange) -> str:
        label = _("neu") if change.kind == "new" else _("geändert")
        kind = esc(change_label(change.new_kind))
        if change.kind == "changed" and change.old_kind != change.new_kind:
            kind = f"{esc(change_label(change.old_kind))} → {kind}"
        text = _quote(change.new_text)
        if change.kind == "changed" and change.old_text != change.new_text:
            text = f"{esc(_('App'))} {_quote(change.old_text)} → {esc(_('Datei'))} {text}"
        css = "new" if change.kind == "new" else "changed"
        return (
            f'<span class="qm-kind qm-kind-{css}">{esc(label)}</span> <b>{esc(change.requirement_id)}</b> '
            f"{kind}: {text}"
        )

    def show_preview(self) -> None:
        preview = self.preview
        if preview is None:
            self.checks = {}
            self.preview_box.children = []
            return
        summary = make(w.HTML, f"<b>{esc(preview.file_name)}</b><br>{esc(preview.summary())}{not_read_html(preview)}")
        self.checks = {}
        rows: list[w.Widget] = []
        for change in preview.changes:
            # new findings are chosen; one that replaces what is stored only when the QMB ticks it
            box = make(w.Checkbox, value=change.kind == "new", indent=False, layout={"width": "28px"})
            self.checks[change.requirement_id] = box
            rows.append(make(w.HBox, [box, make(w.HTML, self.change_html(change))], layout={"align_items": "baseline"}))
        if not rows:
            nothing = _("Die Datei bringt keine neue Rückmeldung.")
            rows.append(make(w.HTML, f'<div class="qm-msg-info">{esc(nothing)}</div>'))
        buttons = [self.apply_button, self.discard_button] if self.checks else [self.discard_button]
        actions = make(w.HBox, buttons)
        self.preview_box.children = [summary, actions, *rows]

    def apply(self) -> None:
        preview = self.preview
        if preview is None:
            self.feedback.info(_("Bitte zuerst die zurückgegebene Checkliste einlesen."))
            return
        keys = {key for key, box in self.checks.items() if box.value}
        if not keys:
            self.feedback.info(_("Nichts ausgewählt – nichts wurde geändert."))
            return
        result = apply_feedback(self.report, preview, keys, self.user())
        count = len(result.applied)
        text = n_(
            "{n} Rückmeldung aus „{file}“ übernommen.", "{n} Rückmeldungen aus „{file}“ übernommen.", count
        ).format(n=count, file=preview.file_name)
        parts = [f'<div class="qm-msg-ok" role="status">{esc(text)}</div>']
        if result.skipped:
            skipped = "".join(f"<li><b>{esc(c.requirement_id)}</b>: {esc(why)}</li>" for c, why in result.skipped)
            parts.append(f'<div class="qm-msg-error">{esc(_("Nicht übernommen:"))}<ul>{skipped}</ul></div>')
        self.import_result.value = "".join(parts)
        self.preview = None
        self.show_preview()
        findings = self.report.findings()
        self.show_overview(findings)
        if self.filter.value == "alle" and count:
            self.filter.value = "mit"  # the filter's observer shows the rows
        else:
            self.show_rows(findings)

    def discard(self) -> None:
        self.preview = None
        self.import_result.value = (
            f'<div class="qm-msg-info">{esc(_("Vorschau verworfen; nichts wurde geändert."))}</div>'
        )
        self.show_preview()


def build(request: PageRequest) -> w.VBox:
    return FeedbackPage(request.evaluation(), request.catalogs).widget
