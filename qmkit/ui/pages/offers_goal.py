"""On the Angebote-und-Bedarfe page: a goal for the quality plan straight from an indicator of the data – choose the
indicator, district and target group (the district with the largest gap first), a target value and the Leitziel it
serves; the baseline comes from the data. Goes through :class:`~qmkit.services.planning.Planning`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from qmkit.domain.access import Right
from qmkit.domain.goal_data import IndicatorSpec
from qmkit.i18n import _
from qmkit.services.goal_data import GoalData
from qmkit.services.offers_data import OffersNeeds
from qmkit.services.planning import Planning
from qmkit.ui.pages.goal_data_view import NO_STRATEGIC, data_choices
from qmkit.ui.widgets.common import Feedback, button, card, esc, make, shown

LABEL = {"description_width": "110px"}
WIDE = {"width": "560px"}


class GoalFromData:
    """A card that turns a figure of the analysis into a goal of the cycle's plan."""

    def __init__(self, data: OffersNeeds, wrap: Callable[..., Any], feedback: Feedback):
        evaluation = data.evaluation
        self.evaluation, self.feedback = evaluation, feedback
        self.planning, self.goals = Planning(evaluation), GoalData(evaluation, data)  # the page's rows, read once
        self.title = make(w.Text, description=_("Ziel"), style=LABEL, layout=WIDE,
                          placeholder=_("leer lassen: die Kennzahl wird der Titel"))  # fmt: skip
        self.fields = {
            name: make(w.Dropdown, description=label, style=LABEL, layout=WIDE)
            for name, label in (
                ("data_indicator", _("Kennzahl")),
                ("data_district", _("Sozialraum")),
                ("data_group", _("Zielgruppe")),
                ("strategic_goal_id", _("Leitziel")),
            )
        }
        self.target = make(w.Text, description=_("Zielwert"), style=LABEL, placeholder=_("z. B. 40"))
        self.result = make(w.HTML)
        lead = _(
            "Aus einer Kennzahl ein Ziel der Qualitätsplanung machen: Der Ausgangswert kommt aus den Daten, im "
            "PDCA-Review steht später der neueste Wert daneben."
        )
        self.widget = card(
            make(w.HTML, f"<h2>{esc(_('Ziel aus den Daten anlegen'))}</h2><div class='qm-muted'>{esc(lead)}</div>"),
            self.title,
            *self.fields.values(),
            self.target,
            make(w.HBox, [button(wrap, "Ziel anlegen", "flag", self.create)]),
            self.result,
        )
        self.may_edit = evaluation.access.may(evaluation.institution_id, Right.EDIT)
        shown(self.widget, False)  # until refresh() finds data

    def refresh(self) -> None:
        """Choices from the data the cycle uses now (the card hides while there is none) and the Leitziele."""
        options = self.goals.options()
        shown(self.widget, self.may_edit and not options.empty)
        for name, choices in data_choices(options).items():
            if name in self.fields:
                self._fill(name, choices[1:] if name == "data_indicator" else choices, self.fields[name].value)
        leitziele = [(_(NO_STRATEGIC), ""), *((s.title, str(s.id)) for s in self.goals.strategic_goals())]
        self._fill("strategic_goal_id", leitziele, self.fields["strategic_goal_id"].value)

    def prefer(self, indicator: str, district: str, group: str) -> None:
        """Preselect what the analysis shows: the supply counted, the district with the largest gap, the group."""
        for name, value in (("data_indicator", indicator), ("data_district", district), ("data_group", group)):
            self._fill(name, list(self.fields[name].options), value)

    def _fill(self, name: str, options: list[tuple[str, Any]], wanted: Any) -> None:
        field = self.fields[name]
        if list(field.options) != options:
            field.options = options
        values = [v for _l, v in options]
        if values:
            field.value = wanted if wanted in values else values[0]

    def create(self) -> None:
        values = {name: field.value or "" for name, field in self.fields.items()}
        spec = IndicatorSpec(values["data_indicator"], values["data_district"], values["data_group"])
        title = self.title.value.strip() or spec.text()[:200]
        goal = self.planning.add_goal("", title=title, target=self.target.value, **values)
        link = f"Qualitaetsplanung.ipynb?zyklus={self.evaluation.cycle.id}"
        text = _("Ziel „{title}“ angelegt – Ausgangswert {base} ({year}).").format(
            title=goal.title, base=goal.baseline or "–", year=goal.data_year or "–"
        )
        self.result.value = (
            f"<div class='qm-msg-ok' role='status'>{esc(text)} "
            f"<a class='qm-button' href='{esc(link)}'>{esc(_('Zur Qualitätsplanung'))}</a></div>"
        )
        self.title.value = self.target.value = ""
        self.feedback.ok(text)
