"""The Qualitätsplanung page: gaps of the self-evaluation, one click to a measure, the plan and its editor.

Every change goes through the checked planning service; a bad value shows a German message next
to its field and the store keeps the last valid state.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.domain.catalog import Catalog
from qmkit.domain.model import day_text, local_time_text
from qmkit.domain.planning import (
    GOAL_KIND_LABELS,
    STATUS_LABELS,
    Gap,
    Goal,
    GoalKind,
    Measure,
    MeasureStatus,
    find_gaps,
)
from qmkit.errors import InputError
from qmkit.excel.plan import build_plan_workbook, plan_filename
from qmkit.excel.style import save_workbook
from qmkit.i18n import N_, _
from qmkit.services.planning import Planning
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.pages.goal_data_view import (
    DATA_FORM,
    NO_STRATEGIC,
    StrategicCard,
    data_choices,
    goals_table_html,
)
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import (
    Feedback,
    button,
    card,
    cycle_header,
    download_html,
    error_html,
    esc,
    guard,
    make,
    page_box,
    shown,
    user_field,
)
from qmkit.ui.widgets.fields import FieldSpec, widget_for
from qmkit.ui.widgets.record_editor import Chooser, FormField, RecordEditor

ALL = "__alle__"
STATUS_OPTIONS = [(STATUS_LABELS[s], str(s)) for s in MeasureStatus]
NO_GOAL = [(N_("– kein Ziel –"), "")]
MEASURE_FORM = [
    FormField("title", "line", N_("Maßnahme"), N_("Was wird getan?")),
    FormField("description", "text", N_("Beschreibung"), N_("Ziel, Vorgehen, Beteiligte")),
    FormField("goal_id", "choice", N_("Ziel"), options=NO_GOAL),
    FormField("responsible", "line", N_("Verantwortlich"), N_("Name oder Funktion")),
    FormField("start", "date", N_("Beginn")),
    FormField("due", "date", N_("Termin")),
    FormField("status", "choice", N_("Status"), options=STATUS_OPTIONS),
    FormField("effort", "line", N_("Aufwand"), N_("z. B. 2 Tage, 300 €")),
]
GOAL_FORM = [
    FormField("title", "line", N_("Ziel"), N_("Was soll erreicht werden?")),
    FormField("strategic_goal_id", "choice", N_("Leitziel"), options=[(NO_STRATEGIC, "")]),
    FormField("kind", "choice", N_("Art"), options=[(GOAL_KIND_LABELS[k], str(k)) for k in GoalKind]),
    FormField("why", "text", N_("Begründung"), N_("Warum ist das Ziel wichtig?")),
    FormField("indicator", "line", N_("Indikator"), N_("Woran erkennen wir, dass es erreicht ist?")),
    FormField("numeric", "flag", N_("Indikator ist eine Zahl")),
    FormField("baseline", "line", N_("Ausgangswert")),
    FormField("target", "line", N_("Zielwert")),
    FormField("target_date", "date", N_("Zieldatum")),
]


def with_requirements(form: list[FormField], catalog: Catalog, after: str) -> list[FormField]:
    """``form`` with a field choosing linked requirements (ids of ``catalog``) after the field ``after``."""
    field = FormField(
        "requirement_ids",
        "tags",
        N_("Anforderungen"),
        N_("Anforderungs-ID eingeben"),  # a message id: the catalog's example id made it a text per catalog
        [(r.id, r.id) for r in catalog.requirements()],
    )
    at = next(i for i, f in enumerate(form) if f.name == after) + 1
    return [*form[:at], field, *form[at:]]


class PlanningPage:
    """Gaps → measures, goals, the plan by due date with overdue ones marked, filters, sign-off and editors."""

    def __init__(self, evaluation: SelfEvaluation, today: date | None = None):
        self.evaluation, self.planning = evaluation, Planning(evaluation, today)
        self.cycle = evaluation.cycle
        self.today = today or date.today()
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.user_name = user_field(evaluation.institution.qmb)
        self.gaps_box = make(w.VBox, layout={"width": "100%"})
        self.gap_buttons: dict[str, w.Button] = {}
        self.goal_data = self.planning.goal_data  # one reading of the data for the page and its saves
        self.data_options = self.goal_data.options()
        self._goal_widgets()
        self._plan_widgets()
        self._measure_widgets()
        self.strategic = StrategicCard(self.goal_data, self.guard, self.feedback, self.user, lambda: None)
        self.strategic.changed = lambda: self.refresh_goals(keep_message=True)
        shown(self.strategic.widget, evaluation.catalog.offers_needs or bool(self.goal_data.strategic_goals()))
        self.widget = self._layout()
        self.refresh_gaps()
        self.refresh_goals()
        self.refresh_plan()

    def _goal_widgets(self) -> None:
        """The goals' table, chooser and editor."""
        self.goal_table = make(w.HTML)
        self.goal_chooser = Chooser(self.guard, lambda gid: self.goal_editor.show(self._goal(gid)), _("Ziel"))
        self.new_goal_button = button(self.guard, "Neues Ziel", "plus", self.add_goal)
        self.delete_goal_button = button(self.guard, "Ziel löschen", "trash", self.delete_goal)
        self.goal_message = make(w.HTML)
        form = with_requirements(GOAL_FORM, self.evaluation.catalog, after="why")
        if not self.data_options.empty:  # a goal may follow an indicator of the loaded data
            at = next(i for i, f in enumerate(form) if f.name == "indicator")
            form = [*form[:at], *DATA_FORM, *form[at:]]
        self.goal_editor = RecordEditor(
            form,
            lambda g, name, value: self.planning.update_goal(g.id, name, value, self.user()),
            self.guard,
            lambda _g: self.refresh_goals(),
            lambda g: self.planning.goal(g.id),
        )

    def _plan_widgets(self) -> None:
        """The plan with its filters, the sign-off by the management and the export."""
        areas = self.evaluation.catalog.areas
        by_area = [(_("alle Bereiche"), ALL)] + [(f"{a.id} {a.title}", a.id) for a in areas]
        self.area_filter = widget_for("choice", ALL, FieldSpec(_("Bereich"), by_area, width="260px"))
        by_person = [(_("alle Personen"), ALL)]
        self.person_filter = widget_for("choice", ALL, FieldSpec(_("Verantwortlich"), by_person, width="200px"))
        by_status = [(_("jeder Status"), ALL), *((_(label), v) for label, v in STATUS_OPTIONS)]
        self.status_filter = widget_for("choice", ALL, FieldSpec(_("Status"), by_status, width="180px"))
        for f in (self.area_filter, self.person_filter, self.status_filter):
            f.observe(self.guard(lambda _c: self.refresh_plan()), names="value")
        self.plan = make(w.HTML)
        self.signoff_state = make(w.HTML)
        self.signoff_name = make(w.Text, placeholder=_("Name der Leitung"), layout={"width": "260px"})
        self.signoff_date = widget_for("date", self.today, FieldSpec(_("Datum der Freigabe")))
        self.signoff_button = button(self.guard, "Plan freigeben", "check", self.sign_off)
        self.export_button = button(self.guard, "Maßnahmenplan als Excel", "file-excel-o", self.export)
        self.download = make(w.HTML)
        self.last_export: Path | None = None

    def _measure_widgets(self) -> None:
        """The chooser and editor of one measure."""
        self.measure_chooser = Chooser(self.guard, lambda mid: self.editor.show(self._measure(mid)), _("Maßnahme"))
        self.selected = self.measure_chooser.widget
        self.new_button = button(self.guard, "Neue Maßnahme", "plus", self.add_measure)
        self.editor = RecordEditor(
            with_requirements(MEASURE_FORM, self.evaluation.catalog, after="goal_id"),
            lambda m, name, value: self.planning.update_measure(m.id, name, value, self.user()),
            self.guard,
            lambda _m: self.refresh_plan(),
            lambda m: self.planning.measure(m.id),
        )

    def _layout(self) -> w.VBox:
        inst, cat = self.evaluation.institution, self.evaluation.catalog
        header = cycle_header("planung", _("Qualitätsplanung"), self.cycle.id, inst.name, self.cycle.name, cat.title)
        return page_box(
            header,
            self.feedback.widget,
            self.user_name,
            card(make(w.HTML, f"<h2>{esc(_('Lücken aus der Selbstbewertung'))}</h2>"), self.gaps_box),
            card(
                make(w.HTML, f"<h2>{esc(_('Ziele'))}</h2>"),
                self.strategic.widget,
                make(w.HTML, f"<h3>{esc(_('Ziele dieses Zyklus'))}</h3>"),
                self.goal_table,
                make(w.HBox, [self.goal_chooser.widget, self.new_goal_button, self.delete_goal_button]),
                self.goal_message,
                self.goal_editor.widget,
            ),
            card(
                make(w.HTML, f"<h2>{esc(_('Maßnahmenplan'))}</h2>"),
                make(w.HBox, [self.area_filter, self.person_filter, self.status_filter]),
                self.plan,
                make(w.HTML, f"<h3>{esc(_('Freigabe durch die Leitung'))}</h3>"),
                self.signoff_state,
                make(w.HBox, [self.signoff_name, self.signoff_date, self.signoff_button]),
                make(w.HBox, [self.export_button, self.download]),
            ),
            card(
                make(w.HTML, f"<h2>{esc(_('Maßnahme bearbeiten'))}</h2>"),
                make(w.HBox, [self.measure_chooser.widget, self.new_button]),
                self.editor.widget,
            ),
        )

    def user(self) -> str:
        return self.user_name.value.strip()

    def _need_user(self) -> bool:
        if self.user():
            return True
        self.feedback.error(_("Bitte oben bei „Bearbeitet von“ Ihren Namen eintragen."))
        return False

    def _measure(self, measure_id: int | None) -> Measure | None:
        return self.planning.measure(measure_id) if measure_id is not None else None

    def _goal(self, goal_id: int | None) -> Goal | None:
        return self.planning.goal(goal_id) if goal_id is not None else None

    # ------------------------------------------------------------------ gaps

    def refresh_gaps(self) -> None:
        gaps = find_gaps(self.evaluation.catalog, self.evaluation.assessments())
        planned = {r for m in self.planning.measures() for r in m.requirement_ids}
        rows: list[w.Widget] = []
        for gap in gaps:
            button = self.gap_buttons.get(gap.requirement_id)
            if button is None:
                button = make(w.Button, description=_("Maßnahme anlegen"), icon="arrow-right", layout={"width": "auto"})
                button.on_click(self.guard(lambda _b, g=gap: self.measure_from_gap(g)))
                self.gap_buttons[gap.requirement_id] = button
            mark = (
                f' <span class="qm-muted">✓ {esc(_("Maßnahme geplant"))}</span>'
                if gap.requirement_id in planned
                else ""
            )
            text = make(
                w.HTML,
                f"<b>{esc(gap.requirement_id)}</b> {esc(gap.title)} – {esc(gap.reason)}{mark}",
                layout={"width": "70%"},
            )
            rows.append(make(w.HBox, [text, button], layout={"width": "100%"}))
        if not rows:
            rows = [make(w.HTML, esc(_("Keine Lücken: Alles Bewertete ist erfüllt und belegt.")))]
        self.gaps_box.children = rows

    def measure_from_gap(self, gap: Gap) -> None:
        responsible = self.evaluation.assessment(gap.requirement_id).responsible or self.user()
        if not responsible:
            self.feedback.error(
                _(
                    "Bitte oben bei „Bearbeitet von“ Ihren Namen eintragen: Jede Maßnahme braucht "
                    "eine verantwortliche Person."
                )
            )
            return
        measure = self.planning.measure_from_gap(gap, responsible, self.user())
        self.feedback.ok(_("Maßnahme „{title}“ angelegt.").format(title=measure.title))
        self.refresh_gaps()
        self.refresh_plan(select=measure.id)

    # ------------------------------------------------------------------ goals

    def add_goal(self) -> None:
        if self._need_user():
            goal = self.planning.add_goal(self.user(), title=_("Neues Ziel"))
            self.refresh_goals(select=goal.id)

    def delete_goal(self) -> None:
        goal = self.goal_editor.record
        if goal is None:
            return
        try:
            self.planning.delete_goal(goal.id)
        except InputError as exc:
            self.goal_message.value = error_html(exc)
            return
        self.feedback.ok(_("Ziel „{title}“ gelöscht.").format(title=goal.title))
        self.refresh_goals()

    def refresh_goals(self, select: int | None = None, keep_message: bool = False) -> None:
        """The goals table, the goal choice, and the goal choice of the measure editor."""
        if not keep_message:
            self.goal_message.value = ""
        goals = self.planning.goals()
        counts: dict[int, int] = {}
        for m in self.planning.measures():
            if m.goal_id is not None:
                counts[m.goal_id] = counts.get(m.goal_id, 0) + 1
        strategic = {s.id: s.title for s in self.goal_data.strategic_goals()}
        readings = {g.id: self.goal_data.reading(g) for g in goals if g.data_indicator}
        self.goal_table.value = goals_table_html(goals, counts, strategic, readings)
        self.goal_editor.set_options("strategic_goal_id", self.strategic.options())
        if not self.data_options.empty:
            for name, options in data_choices(self.data_options).items():
                self.goal_editor.set_options(name, options)
        chosen = self.goal_chooser.refill([(g.title, g.id) for g in goals], select)
        if chosen is None or self.goal_editor.record is None or self.goal_editor.record.id != chosen:
            self.goal_editor.show(self._goal(chosen))
        self.delete_goal_button.disabled = chosen is None
        self.editor.set_options("goal_id", [(_(NO_GOAL[0][0]), "")] + [(g.title, str(g.id)) for g in goals])

    # ------------------------------------------------------------------ plan and measures

    def add_measure(self) -> None:
        if self._need_user():
            measure = self.planning.add_measure(self.user(), title=_("Neue Maßnahme"), responsible=self.user())
            self.refresh_plan(select=measure.id)

    def export(self) -> None:
        """The plan alone as Excel (cover with sign-off, goals, plan, review, management review)."""
        data = self.evaluation.checklist_data()
        path = save_workbook(build_plan_workbook(data, self.today), exports_dir() / plan_filename(data, self.today))
        self.last_export = path
        self.download.value = download_html(path, _("Maßnahmenplan herunterladen"), "qm-download-plan")
        self.feedback.ok(_("Der Maßnahmenplan ist erstellt ({n} Maßnahmen).").format(n=len(data.plan.measures)))

    def sign_off(self) -> None:
        signed = self.planning.sign_off(self.signoff_name.value, self.signoff_date.value)
        self.feedback.ok(_("Plan freigegeben von {name}.").format(name=signed.name))
        self.refresh_plan()

    def _signoff_html(self) -> str:
        signoffs = self.planning.signoffs()
        if not signoffs:
            return f'<div class="qm-muted">{esc(_("Der Plan ist noch nicht freigegeben."))}</div>'
        last = signoffs[0]
        text = _("Freigegeben von {name} am {day} (erfasst {when}).").format(
            name=last.name, day=day_text(last.signed_on), when=local_time_text(last.recorded_at)
        )
        changed = self.planning.changed_since(last.recorded_at)
        warn = (
            " "
            + error_html(
                _("Seitdem {n} Änderungen an Zielen oder Maßnahmen – bitte erneut freigeben.").format(n=changed)
            )
            if changed
            else ""
        )
        return f"<div>✓ {esc(text)}{warn}</div>"

    def refresh_plan(self, select: int | None = None) -> None:
        """The plan table (filtered, by due date, overdue marked), its sign-off, and the measure choice."""
        measures = self.planning.measures()
        people = sorted({m.responsible for m in measures})
        person_options = [(_("alle Personen"), ALL)] + [(p, p) for p in people]
        if list(self.person_filter.options) != person_options:
            keep = self.person_filter.value if self.person_filter.value in [v for _l, v in person_options] else ALL
            self.person_filter.options = person_options
            self.person_filter.value = keep
        area_of = {r.id: a.id for a in self.evaluation.catalog.areas for r in a.all_requirements()}
        visible = [
            m
            for m in measures
            if (
                self.area_filter.value == ALL
                or any(area_of.get(r) == self.area_filter.value for r in m.requirement_ids)
            )
            and (self.person_filter.value == ALL or m.responsible == self.person_filter.value)
            and (self.status_filter.value == ALL or str(m.status) == self.status_filter.value)
        ]
        self.plan.value = plan_table_html(
            visible, len(measures), sum(m.is_overdue(self.today) for m in measures), self.today
        )
        self.signoff_state.value = self._signoff_html()
        options = [(f"{day_text(m.due, '–')} · {m.title}", m.id) for m in measures]
        chosen = self.measure_chooser.refill(options, select)
        if chosen is None or self.editor.record is None or self.editor.record.id != chosen:
            self.editor.show(self._measure(chosen))


def plan_table_html(shown: list[Measure], total: int, late: int, today: date) -> str:
    """The plan as an HTML table: due date (overdue marked), measure, requirements, person, status."""
    rows = []
    for m in shown:
        overdue = m.is_overdue(today)
        due = day_text(m.due, "–")
        flag = f' <span class="qm-error">{esc(_("überfällig"))}</span>' if overdue else ""
        rows.append(
            f"<tr{' class=qm-overdue' if overdue else ''}><td>{esc(due)}{flag}</td><td>{esc(m.title)}</td>"
            f"<td>{esc(', '.join(m.requirement_ids))}</td><td>{esc(m.responsible)}</td>"
            f"<td>{esc(_(STATUS_LABELS[m.status]))}</td></tr>"
        )
    head = "".join(
        f"<th>{esc(_(h))}</th>"
        for h in (N_("Termin"), N_("Maßnahme"), N_("Anforderungen"), N_("Verantwortlich"), N_("Status"))
    )
    body = "".join(rows) or f'<tr><td colspan="5" class="qm-muted">{esc(_("Keine Maßnahmen."))}</td></tr>'
    counts = _("{n} von {total} Maßnahmen, davon {late} überfällig").format(n=len(shown), total=total, late=late)
    return (
        f'<div class="qm-muted">{esc(counts)}</div>'
        f'<table class="qm-plan"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def build(request: PageRequest) -> w.VBox:
    return PlanningPage(request.evaluation()).widget
