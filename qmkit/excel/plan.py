"""Plan and review sheets of the Excel exports: goals, Maßnahmenplan, PDCA review, management reviews.

The checklist gains these sheets; :func:`build_plan_workbook` makes the plan alone (for a management
meeting). Pure functions from :class:`ChecklistData` to a Workbook, print-ready like the checklist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from qmkit.domain.model import day_text
from qmkit.domain.planning import GOAL_KIND_LABELS, STATUS_LABELS
from qmkit.domain.review import ACT_LABELS, EFFECT_LABELS, PHASE_LABELS, PHASES, band_label
from qmkit.domain.selfeval import ChecklistData
from qmkit.domain.text import number_text
from qmkit.excel.style import (
    BOLD_FONT,
    BORDER,
    FONT_NAME,
    WRAP_TOP,
    Column,
    block,
    export_filename,
    fit_rows,
    print_setup,
    put,
    sheet_title,
    table,
)
from qmkit.i18n import _

OVERDUE_FILL = PatternFill("solid", fgColor="FDECEA")


def signoff_text(data: ChecklistData) -> str:
    """'Freigegeben von … am …' or that the plan is not signed off yet."""
    if not data.plan.signoffs:
        return _("Der Plan ist noch nicht freigegeben.")
    last = data.plan.signoffs[0]
    return _("Freigegeben von {name} am {day}").format(name=last.name, day=day_text(last.signed_on))


def goals_sheet(wb: Workbook, data: ChecklistData, taken: set[str]) -> None:
    """The goals; with a Leitziel column and the newest value from the data where goals have them (DKBM)."""
    ws = wb.create_sheet(sheet_title(_("Ziele"), taken))
    plan = data.plan
    strategic = any(g.strategic_goal_id for g in plan.goals)
    columns: list[Column] = [(_("Ziel"), 30, False)]
    columns += [(_("Leitziel"), 24, False)] if strategic else []
    columns += [
        (_("Art"), 16, False),
        (_("Begründung"), 36, False),
        (_("Indikator"), 24, False),
        (_("Ausgangswert"), 12, False),
    ]
    columns += [(_("Istwert aus den Daten"), 14, False)] if plan.readings else []
    columns += [(_("Zielwert"), 12, False), (_("Zieldatum"), 12, False), (_("Anforderungen"), 14, False)]
    rows = []
    for g in plan.goals:
        reading = plan.readings.get(g.id)
        row = [g.title, *([plan.strategic.get(g.strategic_goal_id or 0, "")] if strategic else [])]
        base = f"{g.baseline} ({g.data_year})" if reading is not None and g.baseline and g.data_year else g.baseline
        row += [_(GOAL_KIND_LABELS[g.kind]), g.why, g.indicator, base]
        if plan.readings:
            now = reading is not None and reading.current is not None
            row.append(f"{number_text(reading.current)} ({reading.year})" if now else "")  # type: ignore[union-attr]
        row += [g.target, day_text(g.target_date), ", ".join(g.requirement_ids)]
        rows.append(row)
    table(ws, columns, rows, _("Noch keine Ziele erfasst."))
    print_setup(ws, data.institution.name, _("Ziele – {cycle}").format(cycle=data.cycle.name))


def plan_sheet(wb: Workbook, data: ChecklistData, taken: set[str], today: date | None = None) -> None:
    """The Maßnahmenplan by due date; overdue ones tinted; sign-off below the table."""
    today = today or date.today()
    ws = wb.create_sheet(sheet_title(_("Maßnahmenplan"), taken))
    goals = {g.id: g.title for g in data.plan.goals}
    columns: list[Column] = [
        (_("Nr."), 5, False),
        (_("Maßnahme"), 30, False),
        (_("Beschreibung"), 36, False),
        (_("Anforderungen"), 13, False),
        (_("Ziel"), 20, False),
        (_("Verantwortlich"), 16, False),
        (_("Beginn"), 11, False),
        (_("Termin"), 11, False),
        (_("Status"), 13, False),
        (_("Aufwand"), 14, False),
    ]
    rows = []
    for i, m in enumerate(data.plan.measures, start=1):
        status = _(STATUS_LABELS[m.status])
        if m.is_overdue(today):
            status += " – " + _("überfällig")
        if m.id in data.plan.carried_from:
            status += " (" + _("aus Vorzyklus") + ")"
        rows.append(
            [
                i,
                m.title,
                m.description,
                ", ".join(m.requirement_ids),
                goals.get(m.goal_id, "") if m.goal_id else "",
                m.responsible,
                day_text(m.start),
                day_text(m.due),
                status,
                m.effort,
            ]
        )
    last = table(ws, columns, rows, _("Noch keine Maßnahmen geplant."))
    for r, m in enumerate(data.plan.measures, start=2):
        if m.is_overdue(today):
            for c in range(1, len(columns) + 1):
                ws.cell(row=r, column=c).fill = OVERDUE_FILL
    overdue = sum(m.is_overdue(today) for m in data.plan.measures)
    block(
        ws,
        last + 2,
        _("Freigabe durch die Leitung"),
        [
            (_("Stand"), signoff_text(data)),
            (_("Maßnahmen"), _("{n} insgesamt, davon {late} überfällig").format(n=len(rows), late=overdue)),
        ],
    )
    print_setup(ws, data.institution.name, _("Maßnahmenplan – {cycle}").format(cycle=data.cycle.name))


def _pdca_scores(ws: Worksheet, data: ChecklistData, row: int) -> None:
    """The PDCA-phase scores (CAF style) per area or requirement, below the review table from ``row``."""
    setting = data.catalog.pdca_scoring
    assert setting is not None
    targets = data.catalog.pdca_targets()
    title = _("PDCA-Reifegrad nach CAF (Common Assessment Framework), {variant}").format(
        variant=_("klassisch") if setting.variant == "classical" else _("fein abgestuft")
    )
    put(ws, row, 1, title).font = Font(name=FONT_NAME, size=11, bold=True)
    heads = (
        [_("Wert 0–100"), _("Phase")] if setting.variant == "classical" else [*PHASE_LABELS.values(), _("Mittelwert")]
    )
    for c, text in enumerate([_("Bereich/Anforderung"), *heads], start=1):
        put(ws, row + 1, c, text).font = BOLD_FONT
    for i, (target_id, target_title) in enumerate(targets, start=row + 2):
        score = data.plan.pdca_scores.get(target_id)
        if setting.variant == "classical":
            level = score.level if score else None
            values: list[Any] = [level if level is not None else "", band_label(level) if level is not None else ""]
        else:
            phases = [getattr(score, p) if score else None for p in PHASES]
            avg = score.fine_average if score else None
            values = [*(v if v is not None else "" for v in phases), round(avg, 1) if avg is not None else ""]
        put(ws, i, 1, f"{target_id} {target_title}").alignment = WRAP_TOP
        for c, value in enumerate(values, start=2):
            cell = put(ws, i, c, value)
            cell.border, cell.alignment = BORDER, WRAP_TOP
    fit_rows(ws, row + 2, row + 1 + len(targets))


def review_sheet(wb: Workbook, data: ChecklistData, taken: set[str]) -> None:
    """Do/Check/Act per measure, then the PDCA-phase scores when the catalog asks for them."""
    ws = wb.create_sheet(sheet_title(_("PDCA-Review"), taken))
    goals = {g.id: g for g in data.plan.goals}
    columns: list[Column] = [
        (_("Maßnahme"), 28, False),
        (_("Status"), 12, False),
        (_("Do: was wurde getan"), 32, False),
        (_("Do: wann"), 11, False),
        (_("Check: Istwert (Zielwert)"), 14, False),
        (_("Check: Beleg der Wirkung"), 28, False),
        (_("Check: wirksam"), 10, False),
        (_("Act: Entscheidung"), 18, False),
        (_("Act: Anmerkung"), 26, False),
    ]
    rows = []
    for m in data.plan.measures:
        r = data.plan.review(m.id)
        goal = goals.get(m.goal_id) if m.goal_id else None
        actual = r.actual
        if goal is not None and goal.target:
            actual = _("{actual} (Ziel {target})").format(actual=r.actual or "–", target=goal.target)
        rows.append(
            [
                m.title,
                _(STATUS_LABELS[m.status]),
                r.done_text,
                day_text(r.done_on),
                actual,
                r.effect_evidence,
                _(EFFECT_LABELS[r.effective]) if r.effective else "",
                _(ACT_LABELS[r.act]) if r.act else "",
                r.act_note,
            ]
        )
    last = table(ws, columns, rows, _("Noch keine Maßnahmen geplant."))
    if data.catalog.pdca_scoring is not None:
        _pdca_scores(ws, data, last + 2)
    print_setup(ws, data.institution.name, _("PDCA-Review – {cycle}").format(cycle=data.cycle.name))


def management_sheet(wb: Workbook, data: ChecklistData, taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(_("Managementbewertung"), taken))
    columns: list[Column] = [
        (_("Datum"), 11, False),
        (_("Teilnehmende"), 24, False),
        (_("Eingaben"), 50, False),
        (_("Entscheidungen"), 50, False),
        (_("Nächste Bewertung"), 12, False),
    ]
    rows = [
        [day_text(r.held_on), r.participants, r.inputs, r.decisions, day_text(r.next_review)]
        for r in data.plan.management_reviews
    ]
    table(ws, columns, rows, _("Noch keine Managementbewertung erfasst."))
    print_setup(ws, data.institution.name, _("Managementbewertung – {cycle}").format(cycle=data.cycle.name))


def add_plan_sheets(wb: Workbook, data: ChecklistData, taken: set[str], today: date | None = None) -> None:
    """Goals, Maßnahmenplan, PDCA-Review and Managementbewertung, in that order."""
    goals_sheet(wb, data, taken)
    plan_sheet(wb, data, taken, today)
    review_sheet(wb, data, taken)
    management_sheet(wb, data, taken)


def build_plan_workbook(data: ChecklistData, today: date | None = None) -> Workbook:
    """The plan alone, for a management meeting: a cover with the sign-off, then the plan sheets."""
    today = today or date.today()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Deckblatt")
    put(ws, 1, 1, _("Maßnahmenplan und PDCA-Review")).font = Font(name=FONT_NAME, bold=True, size=16)
    measures = data.plan.measures
    lines: list[tuple[str, Any]] = [
        (_("Einrichtung"), data.institution.name),
        (_("QM-Beauftragte*r"), data.institution.qmb),
        (_("Qualitätsmodell"), data.catalog.name),
        (_("Zyklus"), data.cycle.name),
        (_("Stand vom"), day_text(today)),
        (_("Selbstbewertung"), data.summary.progress_text()),
        (_("Ziele"), len(data.plan.goals)),
        (
            _("Maßnahmen"),
            _("{n} insgesamt, davon {late} überfällig").format(
                n=len(measures), late=sum(m.is_overdue(today) for m in measures)
            ),
        ),
        (_("Freigabe"), signoff_text(data)),
    ]
    for i, (label, value) in enumerate(lines, start=3):
        put(ws, i, 1, label).font = BOLD_FONT
        put(ws, i, 2, value).alignment = WRAP_TOP
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 80
    print_setup(ws, data.institution.name, data.cycle.name)
    ws.page_setup.orientation = "portrait"
    add_plan_sheets(wb, data, {_("Deckblatt")}, today)
    wb.properties.title = _("Maßnahmenplan {inst} – {cycle}").format(inst=data.institution.name, cycle=data.cycle.name)
    wb.properties.creator = "qmkit"
    return wb


def plan_filename(data: ChecklistData, today: date | None = None) -> str:
    return export_filename(data, today, kind="Massnahmenplan")
