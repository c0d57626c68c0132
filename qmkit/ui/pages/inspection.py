"""Begehungen: collegial inspections of a network round – the focus topics, who hosts when with which peer team,
and one inspection opened for the findings, agreements and the host's statement (:mod:`.inspection_detail`).

The coordination sets topics and plans; a member's QMB plans its own inspection and opens those it hosts or
inspects; others see only that an inspection exists. Every click is checked again by
:class:`~qmkit.services.inspections.InspectionService`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import ipywidgets as w

from qmkit.domain.inspection import STATUS_LABELS
from qmkit.domain.model import day_text
from qmkit.i18n import _
from qmkit.services.inspections import InspectionService
from qmkit.ui.pages.inspection_detail import InspectionDetail
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import Feedback, button, card, esc, guard, make, page_box
from qmkit.ui.widgets.date_field import DateField

WIDE = {"width": "460px"}
LABEL = {"description_width": "150px"}
TEXT = {"width": "620px", "height": "90px"}


def _int(query: dict[str, str], key: str) -> int | None:
    raw = query.get(key, "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


class InspectionPage:
    def __init__(self, service: InspectionService, query: dict[str, str]):
        self.service = service
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.network_choice = make(w.Dropdown, description=_("Netzwerk"), layout=WIDE)
        self.round_choice = make(w.Dropdown, description=_("Runde"), layout=WIDE)
        self.body = make(w.VBox)
        self.detail = make(w.VBox)
        head = make(
            w.HTML,
            '<nav class="qm-nav"><a href="Start.ipynb">' + esc(_("Start")) + "</a> · "
            '<a href="Netzwerk.ipynb">' + esc(_("Netzwerk")) + "</a></nav>"
            f"<h1>{esc(_('Kollegiale Begehungen'))}</h1><div class='qm-muted'>"
            + esc(
                _(
                    "Einrichtungen des Netzwerks sehen sich gegenseitig vor Ort an: Schwerpunktthemen je Runde, ein "
                    "Begehungsteam, ein Bericht mit Stellungnahme, Vereinbarungen in den Plan. Keine Fall- oder "
                    "Personendaten von Kindern und Familien."
                )
            )
            + "</div>",
        )
        self.widget = page_box(
            head, self.feedback.widget, make(w.HBox, [self.network_choice, self.round_choice]), self.body, self.detail
        )
        wanted = (_int(query, "netzwerk"), _int(query, "runde"), _int(query, "begehung"))
        networks = service.networks.networks()
        self.network_choice.options = [(n.name, n.id) for n in networks]
        if wanted[0] in {n.id for n in networks}:
            self.network_choice.value = wanted[0]
        self._fill_rounds(wanted[1])
        self.network_choice.observe(self.guard(lambda _c: self._fill_rounds(None)), names="value")
        self.round_choice.observe(self.guard(lambda _c: self.show()), names="value")
        self.show()
        if (opened := wanted[2]) is not None:
            self.guard(lambda: self.open(opened))()
        if not networks:
            self.body.children = [card(make(w.HTML, esc(_("Sie gehören noch zu keinem Netzwerk."))))]

    def _fill_rounds(self, wanted: int | None) -> None:
        if self.network_choice.value is None:
            return
        rounds = self.service.networks.rounds(self.network_choice.value)
        self.round_choice.options = [(r.name, r.id) for r in rounds]
        if rounds:
            self.round_choice.value = wanted if wanted in {r.id for r in rounds} else rounds[-1].id

    # ------------------------------------------------------------------ the round

    def show(self) -> None:
        network_id, round_id = self.network_choice.value, self.round_choice.value
        if network_id is None or round_id is None:
            self.body.children = [card(make(w.HTML, esc(_("Dieses Netzwerk hat noch keine Runde."))))]
            return
        coordinating = self.service.networks.coordinates(network_id)
        parts = [self._topics_card(network_id, round_id, coordinating), self._list_card(network_id, round_id)]
        if coordinating or self.service.networks.own_members(network_id):
            parts.append(self._plan_card(network_id, round_id, coordinating))
        self.body.children = parts

    def _topics_card(self, network_id: int, round_id: int, coordinating: bool) -> w.VBox:
        topics = self.service.topics(network_id, round_id)
        items = "".join(
            f"<li><b>{esc(t.title)}</b><ol>{''.join(f'<li>{esc(q)}</li>' for q in t.questions)}</ol></li>"
            for t in topics
        )
        listing = f"<ul class='qm-topics'>{items}</ul>" if topics else esc(_("Noch keine Schwerpunktthemen."))
        parts: list[w.Widget] = [make(w.HTML, f"<h2>{esc(_('Schwerpunktthemen der Runde'))}</h2>{listing}")]
        if coordinating:
            title = make(w.Text, description=_("Thema"), layout=WIDE, style=LABEL)
            questions = make(
                w.Textarea, description=_("Prüffragen"), placeholder=_("eine Frage je Zeile"), layout=TEXT, style=LABEL
            )

            def add() -> None:
                made = self.service.add_topic(
                    network_id, round_id, {"title": title.value, "questions": questions.value}
                )
                self.feedback.ok(_("Thema „{title}“ angelegt.").format(title=made.title))
                self.show()

            parts += [title, questions, button(self.guard, "Thema anlegen", "plus", add)]
        return card(*parts)

    def _list_card(self, network_id: int, round_id: int) -> w.VBox:
        members = {m.id: m.name for m in self.service.networks.members(network_id)}
        rows: list[w.Widget] = []
        for inspection, mine in self.service.inspections(network_id, round_id):
            host = members.get(inspection.host_member_id, _("ein Mitglied"))
            text = f"{day_text(inspection.day)} · {host} · {_(STATUS_LABELS[inspection.status])}"
            if mine:
                rows.append(make(w.HBox, [make(w.HTML, esc(text)), self._open_button(inspection.id)]))
            else:
                rows.append(make(w.HTML, esc(text + " · " + _("nur für Beteiligte"))))
        empty = [make(w.HTML, esc(_("In dieser Runde ist noch keine Begehung geplant.")))]
        return card(make(w.HTML, f"<h2>{esc(_('Begehungen dieser Runde'))}</h2>"), *(rows or empty))

    def _open_button(self, inspection_id: int) -> w.Button:
        return button(self.guard, "Öffnen", "folder-open", lambda: self.open(inspection_id))

    def _plan_card(self, network_id: int, round_id: int, coordinating: bool) -> w.VBox:
        joined = [m for m in self.service.networks.members(network_id) if m.joined]
        own = {m.id for m in self.service.networks.own_members(network_id)}
        hosts = joined if coordinating else [m for m in joined if m.id in own]
        host = make(w.Dropdown, options=[(m.name, m.id) for m in hosts], description=_("Gastgebend"), layout=WIDE,
                    style=LABEL)  # fmt: skip
        day = make(DateField, value=date.today() + timedelta(days=30), description=_("Datum"), style=LABEL)
        place = make(w.Text, description=_("Ort"), layout=WIDE, style=LABEL)
        peers = make(w.SelectMultiple, options=[(m.name, m.id) for m in joined], description=_("Begehungsteam"),
                     layout={"width": "460px", "height": "110px"}, style=LABEL)  # fmt: skip
        names = make(w.Textarea, description=_("Personen"), placeholder=_("ein Name je Zeile"), layout=TEXT,
                     style=LABEL)  # fmt: skip

        def plan() -> None:
            values = {"host_member_id": host.value, "day": day.value, "place": place.value,
                      "peers": list(peers.value), "peer_names": names.value}  # fmt: skip
            made = self.service.plan(network_id, round_id, values)
            self.feedback.ok(_("Begehung am {day} geplant.").format(day=day_text(made.day)))
            self.show()
            self.open(made.id)

        return card(
            make(w.HTML, f"<h2>{esc(_('Begehung planen'))}</h2>"),
            host, day, place, peers, names,
            button(self.guard, "Begehung planen", "calendar-plus-o", plan),
        )  # fmt: skip

    def open(self, inspection_id: int) -> None:
        detail = InspectionDetail(self.service, inspection_id, self.guard, self.feedback, self.show)
        self.detail.children = [detail.widget]


def build(request: PageRequest) -> w.VBox:
    return InspectionPage(request.services.inspections(), request.query).widget


__all__: list[Any] = ["InspectionPage", "build"]
