"""The "Rückmeldung" sheet of the checklist: the assessors' findings with the measures planned for them.

Sent back to the certifier with the next submission it answers the feedback report point by point. Pure
function of :class:`ChecklistData`; user text is written as text, never as a formula.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from qmkit.domain.feedback import finding_state, kind_label, overview
from qmkit.domain.model import day_text
from qmkit.domain.selfeval import ChecklistData
from qmkit.excel.style import Column, block, print_setup, sheet_title, table
from qmkit.i18n import N_, _

COLUMNS: list[Column] = [
    (N_("Nr."), 8, False),
    (N_("Anforderung"), 28, False),
    (N_("Ergebnis"), 14, False),
    (N_("Anmerkung der Gutachter*innen"), 46, False),
    (N_("zu erfüllen bis"), 11, False),
    (N_("Maßnahme"), 30, False),
    (N_("Stand"), 22, False),
]


def add_feedback_sheet(wb: Workbook, data: ChecklistData, taken: set[str]) -> None:
    """One row per requirement with a finding, in catalog order; nothing when there is no feedback yet."""
    findings = {k: f for k, f in data.findings.items() if not f.is_empty}
    if not findings:
        return
    measures = {m.id: m for m in data.plan.measures}
    rows: list[list[Any]] = []
    for req in data.catalog.requirements():
        finding = findings.get(req.id)
        if finding is None:
            continue
        measure = measures.get(finding.measure_id or -1)
        state = finding_state(finding, measure, data.as_of)
        rows.append(
            [
                req.id,
                req.title,
                kind_label(finding.kind),
                finding.text,
                day_text(finding.due),
                measure.title if measure else "",
                state.text,
            ]
        )
    ws = wb.create_sheet(sheet_title(_("Rückmeldung"), taken))
    last = table(ws, [(_(title), width, answer) for title, width, answer in COLUMNS], rows, "")
    head = data.feedback_head
    summary = overview(findings, measures, data.as_of)
    block(
        ws,
        last + 2,
        _("Rückmeldebericht"),
        [
            (_("erhalten am"), day_text(head.received_on) if head else ""),
            (_("Gutachter*innen"), head.assessors if head else ""),
            (_("Ergebnisse"), summary.text()),
            (_("offen"), _("{n} Auflagen/Anforderungen ohne Maßnahme").format(n=summary.missing_measure)),
        ],
    )
    print_setup(ws, data.institution.name, _("Rückmeldung"))
