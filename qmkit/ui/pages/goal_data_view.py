"""Goals tied to Leitziele and to the data, shown: the goals' table with Leitziel and the newest value from the data,
the reading of one goal in words, the Leitziele card of the Qualitätsplanung page and the indicators' movement over
the cycles on the PDCA-Review page. Every change goes through :class:`~qmkit.services.goal_data.GoalData`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from qmkit.domain.goal_data import IndicatorReading, StrategicGoal
from qmkit.domain.model import day_text
from qmkit.domain.planning import GOAL_KIND_LABELS, Goal
from qmkit.domain.text import number_text
from qmkit.errors import InputError
from qmkit.i18n import N_, _
from qmkit.services.goal_data import DataOptions, GoalData, Movement
from qmkit.ui.widgets.common import Feedback, button, error_html, esc, make
from qmkit.ui.widgets.record_editor import Chooser, FormField, RecordEditor

STRATEGIC_FORM = [
    FormField("title", "line", N_("Leitziel"), N_("z. B. Bildungschancen von Anfang an")),
    FormField("description", "text", N_("Beschreibung"), N_("Beschluss, Quelle, was damit gemeint ist")),
]
NO_STRATEGIC = N_("– kein Leitziel –")
DATA_FORM = [
    FormField("data_indicator", "choice", N_("Kennzahl aus den Daten")),
    FormField("data_district", "choice", N_("Sozialraum")),
    FormField("data_group", "choice", N_("Zielgruppe")),
    FormField("data_year", "choice", N_("Basisjahr")),
]


def data_choices(options: DataOptions) -> dict[str, list[tuple[str, str]]]:
    """The choices of the data fields of the goal editor (data names as they are in the tables)."""
    return {
        "data_indicator": [(_("– keine (Indikator von Hand) –"), ""), *options.indicators],
        "data_district": [(_("alle Sozialräume"), ""), *((d, d) for d in options.districts)],
        "data_group": [(_("alle Zielgruppen"), ""), *((g, g) for g in options.groups)],
        "data_year": [(_("das neueste Jahr"), ""), *((str(y), str(y)) for y in reversed(options.years))],
    }


def reading_text(reading: IndicatorReading | None) -> str:
    """'Ausgangswert 2023: 30,0 · neuester Wert 2024: 25,0 · Ziel 20 – 50 % des Wegs' (plain text)."""
    if reading is None:
        return ""
    if reading.current is None:
        return _("Die Kennzahl hat in den Daten dieses Zyklus keinen Wert.")
    parts = []
    if reading.baseline is not None:
        parts.append(_("Ausgangswert {year}: {v}").format(year=reading.baseline_year, v=number_text(reading.baseline)))
    parts.append(_("neuester Wert {year}: {v}").format(year=reading.year, v=number_text(reading.current)))
    if reading.target is not None:
        parts.append(_("Ziel {v}").format(v=number_text(reading.target)))
    text = " · ".join(parts)
    if reading.progress is not None:
        share = number_text(reading.progress * 100, 0) + "\u00a0%"  # the sign outside the message (a "% d" in it
        text += " – " + _("{share} des Wegs").format(share=share)  # would read as a printf format to gettext)
    return text


def goals_table_html(
    goals: list[Goal], counts: dict[int, int], strategic: dict[int, str], readings: dict[int, IndicatorReading | None]
) -> str:
    """The cycle's goals: Leitziel, kind, indicator, baseline → newest value (from the data) → target, date."""
    if not goals:
        return f'<div class="qm-muted">{esc(_("Noch keine Ziele."))}</div>'
    rows = []
    for g in goals:
        reading = readings.get(g.id)
        base = esc(g.baseline or "–") + (f" ({g.data_year})" if reading is not None and g.data_year else "")
        now = ""
        if reading is not None and reading.current is not None:
            now = f"<b>{esc(number_text(reading.current))}</b> ({reading.year}) → "
        values = f"{base} → {now}{esc(g.target or '–')}"
        source = f'<br><span class="qm-muted">{esc(_("aus den Daten"))}</span>' if reading is not None else ""
        rows.append(
            f"<tr><td>{esc(g.title)}</td><td>{esc(strategic.get(g.strategic_goal_id or 0, '–'))}</td>"
            f"<td>{esc(_(GOAL_KIND_LABELS[g.kind]))}</td><td>{esc(g.indicator)}{source}</td><td>{values}</td>"
            f"<td>{esc(day_text(g.target_date, '–'))}</td><td>{counts.get(g.id, 0)}</td></tr>"
        )
    heads = (N_("Ziel"), N_("Leitziel"), N_("Art"), N_("Indikator"), N_("Ausgang → Ist → Ziel"), N_("Zieldatum"))
    head = "".join(f"<th>{esc(_(h))}</th>" for h in (*heads, N_("Maßn.")))
    return f'<table class="qm-plan qm-goals"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def movement_html(moves: list[Movement]) -> str:
    """Per indicator a goal follows: its newest value in each cycle's data beside the measures done in that cycle."""
    if not moves:
        return ""
    parts = [f"<h3>{esc(_('Kennzahlen aus den Daten über die Zyklen'))}</h3>"]
    for move in moves:
        rows = "".join(
            f"<tr><td>{esc(f.cycle.name)}</td>"
            f"<td class='qm-num'>{esc(number_text(f.reading.current if f.reading else None) or '–')}</td>"
            f"<td>{esc(str(f.reading.year) if f.reading and f.reading.year else '–')}</td>"
            f"<td>{esc(', '.join(m.title for m in f.done) or '–')}</td></tr>"
            for f in move.cycles
        )
        lead = move.spec.text() + (f" · {_('Leitziel')}: {move.strategic}" if move.strategic else "")
        lead += f" · {_('Zielwert')}: {move.target}" if move.target else ""
        head = "".join(
            f"<th>{esc(_(h))}</th>" for h in (N_("Zyklus"), N_("Wert"), N_("Jahr"), N_("umgesetzte Maßnahmen"))
        )
        parts.append(
            f"<div class='qm-movement'><b>{esc(move.goal_title)}</b> <span class='qm-muted'>{esc(lead)}</span>"
            f"<table class='qm-plan'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        )
    return "".join(parts)


class StrategicCard:
    """The institution's Leitziele: a list, one chosen to edit, new and delete; ``changed`` after every change."""

    def __init__(
        self, service: GoalData, wrap: Callable[..., Any], feedback: Feedback, user: Callable[[], str], changed: Any
    ):
        self.service, self.feedback, self.user, self.changed = service, feedback, user, changed
        self.listing = make(w.HTML)
        self.message = make(w.HTML)
        self.chooser = Chooser(wrap, lambda gid: self.editor.show(self._one(gid)), _("Leitziel"))
        self.editor = RecordEditor(
            STRATEGIC_FORM,
            lambda s, name, value: self.service.update_strategic_goal(s.id, name, value, self.user()),
            wrap,
            lambda _s: self.refresh(),
            lambda s: self.service.strategic_goal(s.id),
        )
        self.delete_button = button(wrap, "Leitziel löschen", "trash", self.delete)
        buttons = [self.chooser.widget, button(wrap, "Neues Leitziel", "plus", self.add), self.delete_button]
        lead = _(
            "Die strategischen Ziele der Kommune oder des Trägers (z. B. aus einem Ratsbeschluss). Jedes Ziel unten "
            "kann einem Leitziel dienen; sie gelten für alle Zyklen."
        )
        self.widget = make(
            w.VBox,
            [
                make(w.HTML, f"<h3>{esc(_('Leitziele'))}</h3><div class='qm-muted'>{esc(lead)}</div>"),
                self.listing,
                make(w.HBox, buttons),
                self.message,
                self.editor.widget,
            ],
        )
        self.refresh()

    def _one(self, goal_id: Any) -> StrategicGoal | None:
        return self.service.strategic_goal(goal_id) if goal_id is not None else None

    def options(self) -> list[tuple[str, str]]:
        return [(_(NO_STRATEGIC), ""), *((s.title, str(s.id)) for s in self.service.strategic_goals())]

    def refresh(self, select: int | None = None) -> None:
        found = self.service.strategic_goals()
        items = "".join(
            f"<li><b>{esc(s.title)}</b>"
            + (f" <span class='qm-muted'>{esc(s.description[:160])}</span>" if s.description else "")
            + "</li>"
            for s in found
        )
        empty = f"<div class='qm-muted'>{esc(_('Noch keine Leitziele.'))}</div>"
        self.listing.value = f"<ol class='qm-leitziele'>{items}</ol>" if found else empty
        chosen = self.chooser.refill([(s.title, s.id) for s in found], select)
        if chosen is None or self.editor.record is None or self.editor.record.id != chosen:
            self.editor.show(self._one(chosen))
        self.delete_button.disabled = chosen is None
        self.changed()

    def add(self) -> None:
        made = self.service.add_strategic_goal(self.user(), title=_("Neues Leitziel"))
        self.message.value = ""
        self.refresh(select=made.id)

    def delete(self) -> None:
        chosen = self.editor.record
        if chosen is None:
            return
        try:
            unlinked = self.service.delete_strategic_goal(chosen.id)
        except InputError as exc:
            self.message.value = error_html(exc)
            return
        self.feedback.ok(
            _("Leitziel „{title}“ gelöscht; {n} Ziele sind jetzt ohne Leitziel.").format(title=chosen.title, n=unlinked)
        )
        self.refresh()
