"""One requirement's row on the Rückmeldung page: the assessors' result, due date and remark, and the measure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import ipywidgets as w

from qmkit.domain.catalog import Requirement
from qmkit.domain.feedback import KIND_LABELS, MAY_GET_MEASURE, NEEDS_MEASURE, Finding
from qmkit.domain.planning import Measure
from qmkit.i18n import N_, _
from qmkit.ui.widgets.common import card, esc, make
from qmkit.ui.widgets.fields import FieldSpec, widget_for
from qmkit.ui.widgets.save_state import SaveState

FIELD_LABELS = {"kind": N_("Ergebnis"), "due": N_("zu erfüllen bis"), "text": N_("Anmerkung")}
KIND_OPTIONS = [(N_("– noch keine –"), ""), *((label, kind.value) for kind, label in KIND_LABELS.items())]


class FindingHost(Protocol):
    """What a row needs of the Rückmeldung page that holds it (the page module imports this one, not back)."""

    report: Any
    evaluation: Any
    cycle: Any
    measures: Any
    assessments: Any

    def guard(self, fn: Any) -> Any: ...

    def user(self) -> str: ...

    def plan_measure(self, row: FindingRow) -> None: ...

    def show_overview(self) -> None: ...


class FindingRow:
    """Result, due date, the assessors' remark and the measure of one requirement; saved on every change."""

    def __init__(self, page: FindingHost, req: Requirement, finding: Finding):
        self.page, self.req, self.finding = page, req, finding
        self.loading = False
        options = [(_(label), value) for label, value in KIND_OPTIONS]
        self.inputs: dict[str, w.Widget] = {
            "kind": widget_for(
                "choice",
                finding.kind.value if finding.kind else "",
                FieldSpec(_("Ergebnis {id}").format(id=req.id), options=options, width="215px"),
            ),
            "due": widget_for("date", finding.due, FieldSpec(_("Frist {id}").format(id=req.id))),
            "text": widget_for(
                "text",
                finding.text,
                FieldSpec(
                    _("Anmerkung zu {id}").format(id=req.id),
                    placeholder=_("Anmerkung der Gutachter*innen (Wortlaut)"),
                ),
            ),
        }
        for name, widget in self.inputs.items():
            widget.observe(page.guard(self._saver(name)), names="value")
        self.title = make(w.HTML)
        self.state = make(w.HTML)
        self.saving = SaveState()
        self.message = self.saving.line
        self.measure_button = w.Button(description=_("Maßnahme anlegen"), icon="arrow-right", layout={"width": "auto"})
        self.measure_button.on_click(page.guard(lambda _b: page.plan_measure(self)))
        due_label = make(w.HTML, f'<span class="qm-muted">{esc(_("zu erfüllen bis"))}</span>')
        line = make(
            w.HBox,
            [self.inputs["kind"], due_label, self.inputs["due"], self.state, self.measure_button],
            layout={"align_items": "center", "flex_flow": "row wrap", "width": "100%"},
        )
        self.widget = card(self.title, line, self.inputs["text"], self.message)
        self.show(finding, page.measures)

    def _saver(self, name: str) -> Callable[[dict[str, Any]], None]:
        def changed(change: dict[str, Any]) -> None:
            if self.loading:
                return
            saved, finding = self.saving.attempt(
                name,
                _(FIELD_LABELS[name]),
                self.inputs[name],
                lambda: self.page.report.set(self.req.id, name, change["new"], self.page.user()),
            )
            if not saved or finding is None:
                return
            self.show(finding, self.page.measures)
            self.page.show_overview()

        return changed

    def show(self, finding: Finding, measures: dict[int, Measure]) -> None:
        """Bring the row to the stored finding (values set without saving them again)."""
        self.finding = finding
        self.loading = True
        try:
            stored = {"kind": finding.kind.value if finding.kind else "", "due": finding.due, "text": finding.text}
            for name, value in stored.items():  # a refused input stays as typed, marked
                if self.inputs[name].value != value and not self.saving.is_refused(name):
                    self.inputs[name].value = value
        finally:
            self.loading = False
        self.inputs["due"].disabled = finding.kind not in NEEDS_MEASURE
        assessment = self.page.assessments.get(self.req.id)
        rating = assessment.rating if assessment else None
        own = self.page.evaluation.catalog.scale.label(rating) if rating else _("nicht bewertet")
        source = f" · {esc(_('aus'))} {esc(finding.source)}" if finding.source else ""
        self.title.value = (
            f'<div class="qm-req-head"><span><b>{esc(self.req.id)}</b> {esc(self.req.title)}</span>'
            f'<span class="qm-muted">{esc(_("Selbstbewertung"))}: {esc(own)}{source}</span></div>'
        )
        measure = measures.get(finding.measure_id or -1)
        state = self.page.report.state(finding, measures)
        cls = "qm-tl-ueberfaellig" if state.overdue else ("qm-tl-bald" if state.open else "qm-tl-erledigt")
        link = ""
        if measure is not None:
            href = f"Qualitaetsplanung.ipynb?zyklus={self.page.cycle.id}"
            link = f' <a href="{esc(href)}" target="_self" title="{esc(measure.title)}">{esc(_("zum Plan"))}</a>'
        self.state.value = f'<span class="{cls}">{esc(state.text)}</span>{link}' if state.text else ""
        can_plan = finding.kind in MAY_GET_MEASURE and (measure is None or measure.status == "verworfen")
        self.measure_button.layout.display = None if can_plan else "none"  # its own Layout (not shared)
