"""Checked changes to the feedback report of one cycle, and measures made from its findings.

The page, the import and the CLI change findings only through :class:`FeedbackReport`, so a requirement that
is not in the cycle's catalog, a kind outside the list or an over-long text never reaches the store.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.feedback import (
    MAY_GET_MEASURE,
    AnswerRow,
    FeedbackOverview,
    Finding,
    FindingState,
    ReportHead,
    check_head,
    finding_state,
    kind_label,
    measure_values,
    merge_finding,
    overview,
)
from qmkit.domain.planning import Measure, check_measure
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.services.access import needs
from qmkit.services.selfeval import CycleWork


class FeedbackReport(CycleWork):
    """The assessors' findings of one cycle: read, change, turn into measures of the quality plan."""

    def head(self) -> ReportHead:
        return self.store.feedback.head(self.cycle.id)

    @needs(Right.EDIT)
    def set_head(self, field: str, value: Any, user: str = "") -> ReportHead:
        """The date the report arrived, or the assessors' names."""
        return self.store.feedback.set_head(self.cycle.id, field, check_head(field, value), self.access.author(user))

    def findings(self) -> dict[str, Finding]:
        return self.store.feedback.findings(self.cycle.id)

    def finding(self, req_id: str) -> Finding:
        return self.findings().get(req_id, Finding(self.cycle.id, req_id))

    @needs(Right.EDIT)
    def set(self, req_id: str, field: str, value: Any, user: str = "") -> Finding:
        """Change the kind, the assessors' text or the due date of one requirement's finding."""
        self.evaluation.requirement(req_id)
        if field not in ("kind", "text", "due"):
            raise InputError(_("Unbekanntes Feld."), field)
        merge = partial(merge_finding, changes={field: value})
        return self.store.feedback.save_finding(self.cycle.id, req_id, merge, self.access.author(user))

    @needs(Right.EDIT)
    def take_over(
        self, req_id: str, values: dict[str, Any], revision: int, user: str = "", source: str = ""
    ) -> Finding:
        """Kind and text from a returned checklist, refused when the finding changed since the preview."""
        self.evaluation.requirement(req_id)
        merge = partial(merge_finding, changes=values)
        return self.store.feedback.save_finding(
            self.cycle.id, req_id, merge, self.access.author(user), source[:300], revision
        )

    @needs(Right.EDIT)
    def plan_measure(self, req_id: str, responsible: str, user: str = "") -> Measure:
        """A measure of the quality plan for the finding (title, text, requirement and due date from it)."""
        req = self.evaluation.requirement(req_id)
        if not responsible.strip():
            raise InputError(
                _(
                    "Bitte oben bei „Bearbeitet von“ Ihren Namen eintragen: Jede Maßnahme braucht eine "
                    "verantwortliche Person."
                ),
                "responsible",
            )

        def plan(finding: Finding) -> dict[str, Any]:
            return check_measure(measure_values(finding, req.title, responsible))

        created = self.store.feedback.measure_from_finding(self.cycle.id, req_id, plan, self.access.author(user))
        return self.store.plans.measure(created)

    def measures(self) -> dict[int, Measure]:
        return {m.id: m for m in self.store.plans.measures(self.cycle.id)}

    def state(self, finding: Finding, measures: dict[int, Measure]) -> FindingState:
        return finding_state(finding, measures.get(finding.measure_id or -1), self.today)

    def overview(
        self, findings: dict[str, Finding] | None = None, measures: dict[int, Measure] | None = None
    ) -> FeedbackOverview:
        """Counts per kind, open and overdue findings (read from the store unless given)."""
        findings = self.findings() if findings is None else findings
        return overview(findings, self.measures() if measures is None else measures, self.today)

    def answer(self) -> list[AnswerRow]:
        """The findings that ask for something (Empfehlung, Auflage, nicht erfüllt) in catalog order, each with its
        measure and where it stands – the content of the organisation's written answer."""
        findings, measures = self.findings(), self.measures()
        rows = []
        for req in self.catalog.requirements():
            finding = findings.get(req.id)
            if finding is None or finding.kind not in MAY_GET_MEASURE:
                continue
            measure = measures.get(finding.measure_id or -1)
            rows.append(
                AnswerRow(
                    req.id,
                    req.title,
                    kind_label(finding.kind),
                    finding.text,
                    finding.due,
                    measure.title if measure else "",
                    measure.responsible if measure else "",
                    measure.due if measure else None,
                    self.state(finding, measures).text or _("ohne Maßnahme"),
                )
            )
        return rows
