"""The Qualitätsplanung page: gaps of the self-evaluation, one click to a measure, the plan and its editor.

Every change goes through the store's checked planning methods; a bad value shows a German message next
to its field and the store keeps the last valid state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import ipywidgets as w

from ..errors import InputError
from ..i18n import _
from ..planning import STATUS_LABELS, Gap, Measure, MeasureStatus, find_gaps
from ..selfeval import SelfEvaluation
from .common import Feedback, card, cycle_header, error_html, esc, guard, make, page_box, user_field
from .fields import FieldSpec, widget_for, widget_value

ALL = "__alle__"
STATUS_OPTIONS = [(STATUS_LABELS[s], str(s)) for s in MeasureStatus]
# (measure field, field kind, German label, placeholder): the measure editor.
MEASURE_FORM: list[tuple[str, str, str, str]] = [
    ("title", "line", "Maßnahme", "Was wird getan?"),
    ("description", "text", "Beschreibung", "Ziel, Vorgehen, Beteiligte"),
    ("responsible", "line", "Verantwortlich", "Name oder Funktion"),
    ("start", "date", "Beginn", ""),
    ("due", "date", "Termin", ""),
    ("status", "choice", "Status", ""),
    ("effort", "line", "Aufwand", "z. B. 2 Tage, 300 €"),
]


class MeasureEditor:
    """Fields of the selected measure; each change is stored at once and checked as a whole."""

    def __init__(self, page: PlanningPage):
        self.page = page
        self.measure: Measure | None = None
        self.loading = False
        self.inputs: dict[str, w.Widget] = {}
        self.labels: dict[str, w.HTML] = {}
        parts: list[w.Widget] = []
        for name, kind, label, placeholder in MEASURE_FORM:
            spec = FieldSpec(_(label), options=STATUS_OPTIONS if name == "status" else [], placeholder=_(placeholder))
            widget = widget_for(kind, None, spec)
            widget.observe(self._saver(name), names="value")
            self.inputs[name] = widget
            self.labels[name] = make(w.HTML, f"<b>{esc(_(label))}</b>")
            parts += [self.labels[name], widget]
        self.status = make(w.HTML)
        self.widget = make(w.VBox, [*parts, self.status], layout={"width": "100%"})

    def show(self, measure: Measure | None) -> None:
        self.loading = True
        try:
            self.measure = measure
            for name, kind, label, _ph in MEASURE_FORM:
                self.labels[name].value = f"<b>{esc(_(label))}</b>"
                value = getattr(measure, name) if measure else None
                self.inputs[name].value = widget_value(kind, str(value) if name == "status" and value else value)
                self.inputs[name].disabled = measure is None
        finally:
            self.loading = False
        self.status.value = ""

    def _saver(self, name: str) -> Callable[[dict[str, Any]], None]:
        label = next(lbl for n, _k, lbl, _p in MEASURE_FORM if n == name)

        @self.page.guard
        def save(change: dict[str, Any]) -> None:
            if self.loading or self.measure is None:
                return
            try:
                self.measure = self.page.store.update_measure(self.measure.id, name, change["new"], self.page.user())
            except InputError as exc:
                self.labels[name].value = f"<b>{esc(_(label))}</b> " + error_html(exc)
                return
            self.labels[name].value = f"<b>{esc(_(label))}</b>"
            self.status.value = f'<span class="qm-muted">✓ {esc(_("gespeichert"))}</span>'
            self.page.refresh_plan()

        return save


class PlanningPage:
    """Gaps → measures, the plan sorted by due date with overdue ones marked, filters and the editor."""

    def __init__(self, evaluation: SelfEvaluation, today: date | None = None):
        self.evaluation, self.store = evaluation, evaluation.store
        self.cycle = evaluation.cycle
        self.today = today or date.today()
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        inst = evaluation.institution
        cat = evaluation.catalog
        self.user_name = user_field(inst.qmb)
        self.gaps_box = make(w.VBox, layout={"width": "100%"})
        self.gap_buttons: dict[str, w.Button] = {}
        self.area_filter = widget_for(
            "choice",
            ALL,
            FieldSpec(
                options=[(_("alle Bereiche"), ALL)] + [(f"{a.id} {a.title}", a.id) for a in cat.areas], width="260px"
            ),
        )
        self.person_filter = widget_for("choice", ALL, FieldSpec(options=[(_("alle Personen"), ALL)], width="200px"))
        self.status_filter = widget_for(
            "choice", ALL, FieldSpec(options=[(_("jeder Status"), ALL), *STATUS_OPTIONS], width="180px")
        )
        for f in (self.area_filter, self.person_filter, self.status_filter):
            f.observe(self.guard(lambda _c: self.refresh_plan()), names="value")
        self.plan = make(w.HTML)
        self.selected = widget_for("choice", None, FieldSpec(width="520px"))
        self._refreshing = False
        self.selected.observe(self.guard(self._on_select), names="value")
        self.new_button = make(w.Button, description=_("Neue Maßnahme"), icon="plus", layout={"width": "auto"})
        self.new_button.on_click(self.guard(lambda _b: self.add_measure()))
        self.editor = MeasureEditor(self)
        header = cycle_header("planung", _("Qualitätsplanung"), self.cycle.id, inst.name, self.cycle.name, cat.title)
        self.widget = page_box(
            header,
            self.feedback.widget,
            self.user_name,
            card(make(w.HTML, f"<h2>{esc(_('Lücken aus der Selbstbewertung'))}</h2>"), self.gaps_box),
            card(
                make(w.HTML, f"<h2>{esc(_('Maßnahmenplan'))}</h2>"),
                make(w.HBox, [self.area_filter, self.person_filter, self.status_filter]),
                self.plan,
            ),
            card(
                make(w.HTML, f"<h2>{esc(_('Maßnahme bearbeiten'))}</h2>"),
                make(w.HBox, [self.selected, self.new_button]),
                self.editor.widget,
            ),
        )
        self.refresh_gaps()
        self.refresh_plan()
        self.editor.show(self._selected())

    def user(self) -> str:
        return self.user_name.value.strip()

    def _on_select(self, change: dict[str, Any]) -> None:
        if not self._refreshing and (self.editor.measure is None or self.editor.measure.id != change["new"]):
            self.editor.show(self._selected())

    def _selected(self) -> Measure | None:
        return self.store.measure(self.selected.value) if self.selected.value is not None else None

    def refresh_gaps(self) -> None:
        gaps = find_gaps(self.evaluation.catalog, self.evaluation.assessments())
        planned = {r for m in self.store.measures(self.cycle.id) for r in m.requirement_ids}
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
        measure = self.store.measure_from_gap(self.cycle.id, gap, responsible, self.user())
        self.feedback.ok(_("Maßnahme „{title}“ angelegt.").format(title=measure.title))
        self.refresh_gaps()
        self.refresh_plan(select=measure.id)

    def add_measure(self) -> None:
        if not self.user():
            self.feedback.error(_("Bitte oben bei „Bearbeitet von“ Ihren Namen eintragen."))
            return
        measure = self.store.add_measure(self.cycle.id, self.user(), title=_("Neue Maßnahme"), responsible=self.user())
        self.refresh_plan(select=measure.id)

    def refresh_plan(self, select: int | None = None) -> None:
        """The plan table (filtered, by due date, overdue marked) and the choice of measure to edit."""
        measures = self.store.measures(self.cycle.id)
        people = sorted({m.responsible for m in measures})
        person_options = [(_("alle Personen"), ALL)] + [(p, p) for p in people]
        if list(self.person_filter.options) != person_options:
            keep = self.person_filter.value if self.person_filter.value in [v for _l, v in person_options] else ALL
            self.person_filter.options = person_options
            self.person_filter.value = keep
        area_of = {r.id: a.id for a in self.evaluation.catalog.areas for r in a.all_requirements()}
        shown = [
            m
            for m in measures
            if (
                self.area_filter.value == ALL
                or any(area_of.get(r) == self.area_filter.value for r in m.requirement_ids)
            )
            and (self.person_filter.value == ALL or m.responsible == self.person_filter.value)
            and (self.status_filter.value == ALL or str(m.status) == self.status_filter.value)
        ]
        rows = []
        for m in shown:
            overdue = m.is_overdue(self.today)
            due = m.due.strftime("%d.%m.%Y") if m.due else "–"
            flag = f' <span class="qm-error">{esc(_("überfällig"))}</span>' if overdue else ""
            rows.append(
                f"<tr{' class=qm-overdue' if overdue else ''}><td>{esc(due)}{flag}</td><td>{esc(m.title)}</td>"
                f"<td>{esc(', '.join(m.requirement_ids))}</td><td>{esc(m.responsible)}</td>"
                f"<td>{esc(STATUS_LABELS[m.status])}</td></tr>"
            )
        head = "".join(
            f"<th>{esc(_(h))}</th>" for h in ("Termin", "Maßnahme", "Anforderungen", "Verantwortlich", "Status")
        )
        body = "".join(rows) or f'<tr><td colspan="5" class="qm-muted">{esc(_("Keine Maßnahmen."))}</td></tr>'
        counts = _("{n} von {total} Maßnahmen, davon {late} überfällig").format(
            n=len(shown), total=len(measures), late=sum(m.is_overdue(self.today) for m in measures)
        )
        self.plan.value = (
            f'<div class="qm-muted">{esc(counts)}</div>'
            f'<table class="qm-plan"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        )
        options = [(f"{m.due.strftime('%d.%m.%Y') if m.due else '–'} · {m.title}", m.id) for m in measures]
        current = select if select is not None else self.selected.value
        wanted = current if current in [v for _l, v in options] else (options[0][1] if options else None)
        if list(self.selected.options) != options:
            self._refreshing = True
            try:
                self.selected.options = options
                self.selected.value = wanted
            finally:
                self._refreshing = False
        else:
            self.selected.value = wanted
        if wanted is not None and (self.editor.measure is None or self.editor.measure.id != wanted):
            self.editor.show(self._selected())
