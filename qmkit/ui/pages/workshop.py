"""The workshops of a cycle: the list with links to their facilitator pages, and the form to create one.

Each workshop runs on its facilitator page (:mod:`qmkit.ui.pages.facilitator`), the same notebook opened with
``?moderation=<token>``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

import ipywidgets as w

from qmkit.domain.model import day_text, local_time_text
from qmkit.domain.workshop import DEFAULT_THRESHOLD, Workshop
from qmkit.errors import InputError
from qmkit.i18n import N_, _
from qmkit.services.selfeval import SelfEvaluation
from qmkit.services.workshop import Workshops
from qmkit.ui.pages.facilitator import build_facilitator_page
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import Feedback, button, card, cycle_header, error_html, esc, guard, make, page_box
from qmkit.ui.widgets.date_field import DateField


def facilitator_link(workshop: Workshop) -> str:
    return "Workshop.ipynb?" + urlencode({"moderation": workshop.facilitator_token})


class WorkshopListPage:
    """The workshops of a cycle, with a form to create one."""

    def __init__(self, evaluation: SelfEvaluation):
        self.evaluation, self.workshops, self.catalog = evaluation, Workshops(evaluation), evaluation.catalog
        self.cycle = evaluation.cycle
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        inst = evaluation.institution
        header = cycle_header("workshop", _("Workshops"), self.cycle.id, inst.name, self.cycle.name, self.catalog.name)
        intro = make(
            w.HTML,
            '<p class="qm-muted">'
            + esc(
                _(
                    "Im Workshop bewerten Kolleg*innen die ausgewählten Anforderungen zuerst allein auf dem eigenen "
                    "Gerät; danach bespricht die Gruppe, wo die Bewertungen auseinandergehen, und hält den Konsens "
                    "mit Begründung und abweichenden Meinungen fest. Der Konsens geht in die Selbstbewertung."
                )
            )
            + "</p>",
        )
        self.list_html = make(w.HTML, "")
        self._build_form()
        self.widget = page_box(
            header,
            intro,
            self.feedback.widget,
            card(make(w.HTML, f"<h2>{esc(_('Workshops dieses Zyklus'))}</h2>"), self.list_html),
            card(make(w.HTML, f"<h2>{esc(_('Neuer Workshop'))}</h2>"), self.form),
        )
        self.refresh_list()

    def refresh_list(self) -> None:
        found = self.workshops.workshops()
        if not found:
            self.list_html.value = f'<p class="qm-muted">{esc(_("Noch kein Workshop."))}</p>'
            return
        rows = []
        for ws in found:
            people = len(self.workshops.participants(ws))
            agreed = len(self.workshops.consensus(ws))
            rows.append(
                f"<tr><td>{esc(ws.title)}</td><td>{esc(day_text(ws.held_on))}</td>"
                f"<td>{len(ws.requirement_ids)}</td><td>{people}</td><td>{agreed}</td>"
                f"<td>{esc(local_time_text(ws.created_at))}</td>"
                f'<td><a class="qm-button" href="{esc(facilitator_link(ws))}">'
                f"{esc(_('Moderation öffnen'))}</a></td></tr>"
            )
        head = "".join(
            f"<th>{esc(_(h))}</th>"
            for h in (
                N_("Titel"),
                N_("Datum"),
                N_("Anforderungen"),
                N_("Teilnehmende"),
                N_("Konsens"),
                N_("angelegt"),
                "",
            )
        )
        self.list_html.value = f'<table class="qm-plan"><tr>{head}</tr>{"".join(rows)}</table>'

    def _build_form(self) -> None:
        style = {"description_width": "160px"}
        self.title = make(
            w.Text,
            description=_("Titel"),
            placeholder=_("z. B. Teamtag Qualität"),
            style=style,
            layout={"width": "520px"},
        )
        self.held_on = make(DateField, value=date.today(), description=_("Datum"), style=style)
        self.threshold = make(
            w.BoundedIntText, value=DEFAULT_THRESHOLD, min=1, max=50, description=_("Anonymitätsschwelle"), style=style
        )
        self.named = make(
            w.Checkbox,
            value=False,
            description=_("Namen der Teilnehmenden zeigen (sonst anonym)"),
            indent=False,
            layout={"width": "auto"},
        )
        options = [(f"{r.id} · {r.title}", r.id) for r in self.catalog.requirements()]
        self.requirements = make(
            w.SelectMultiple,
            options=options,
            rows=min(12, len(options)),
            description=_("Anforderungen"),
            style=style,
            layout={"width": "100%"},
        )
        self.area_boxes = self._area_boxes()
        self.errors = {name: make(w.HTML, "") for name in ("title", "held_on", "threshold", "requirement_ids")}
        create = button(self.guard, "Workshop anlegen", "plus", self.create)
        create.add_class("qm-create-workshop")
        self.created = make(w.HTML, "")
        self.form = make(
            w.VBox,
            [
                self.title,
                self.errors["title"],
                self.held_on,
                self.errors["held_on"],
                self.threshold,
                self.errors["threshold"],
                self.named,
                make(w.HTML, f"<b>{esc(_('Ganze Bereiche auswählen'))}</b>"),
                make(w.VBox, list(self.area_boxes.values())),
                self.requirements,
                make(
                    w.HTML, f'<div class="qm-muted">{esc(_("Strg/Umschalt-Klick wählt mehrere Anforderungen."))}</div>'
                ),
                self.errors["requirement_ids"],
                create,
                self.created,
            ],
            layout={"width": "100%"},
        )

    def _area_boxes(self) -> dict[str, w.Checkbox]:
        """One check box per area that adds (or removes) all its requirements to the choice."""
        boxes: dict[str, w.Checkbox] = {}
        for area in self.catalog.areas:
            box = make(
                w.Checkbox, value=False, description=f"{area.id} {area.title}", indent=False, layout={"width": "auto"}
            )
            box.observe(self.guard(self._area_toggler(area.id)), names="value")
            boxes[area.id] = box
        return boxes

    def _area_toggler(self, area_id: str) -> Any:
        def toggle(change: dict[str, Any]) -> None:
            ids = [r.id for r in next(a for a in self.catalog.areas if a.id == area_id).all_requirements()]
            chosen = list(self.requirements.value)
            if change["new"]:
                chosen += [i for i in ids if i not in chosen]
            else:
                chosen = [i for i in chosen if i not in ids]
            order = [value for _label, value in self.requirements.options]
            self.requirements.value = tuple(sorted(chosen, key=order.index))

        return toggle

    def create(self) -> Workshop | None:
        for field in self.errors.values():
            field.value = ""
        try:
            ws = self.workshops.create(
                title=self.title.value,
                held_on=self.held_on.value,
                requirement_ids=list(self.requirements.value),
                threshold=self.threshold.value,
                named=self.named.value,
            )
        except InputError as exc:
            target = self.errors.get(exc.field or "", None)
            if target is None:
                self.feedback.error(str(exc))
            else:
                target.value = error_html(str(exc))
            return None
        self.created.value = (
            f'<div class="qm-msg-ok">{esc(_("Workshop „{t}“ angelegt.").format(t=ws.title))} '
            f'<a class="qm-button" id="qm-open-workshop" href="{esc(facilitator_link(ws))}">'
            f"{esc(_('Moderation öffnen'))}</a></div>"
        )
        self.title.value = ""
        self.refresh_list()
        return ws


def build(request: PageRequest) -> w.VBox:
    """``Workshop.ipynb``: the facilitator's page with ``?moderation=<token>``, else the cycle's workshops."""
    if "moderation" in request.query:
        return build_facilitator_page(request)
    return WorkshopListPage(request.evaluation()).widget
