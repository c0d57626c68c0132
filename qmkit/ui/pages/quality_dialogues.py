"""The coordinator's card "Qualitätsdialoge" on the network page: for a round, per kind of member (providers, youth
offices, …) who has held its quality dialogue, who has planned it and who has not yet, the members overdue as the
round's end nears, and the round's dialogues as a calendar file. Date, place and host only – the record (topics,
minutes, persons, agreements) stays with the host."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.meeting_calendar import dialogues_filename, meetings_calendar
from qmkit.domain.model import day_text
from qmkit.domain.network import Member, Network, Round
from qmkit.domain.network_meetings import Meeting, MeetingStatus
from qmkit.domain.quality_dialogues import STATE_LABELS, DialogueState, HostState, RoundOverview, kind_label
from qmkit.i18n import _
from qmkit.services.quality_dialogues import QualityDialogues
from qmkit.ui.pages.network_meetings import ICS_MIME, clock
from qmkit.ui.widgets.common import Feedback, button, card, download_html, esc, make
from qmkit.ui.widgets.date_field import DateField

Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]
STATE_CLASS = {
    DialogueState.DURCHGEFUEHRT: "qm-tl-erledigt",
    DialogueState.GEPLANT: "qm-tl-bald",
    DialogueState.NICHT_GEPLANT: "qm-muted",
}


def round_choice(dialogues: QualityDialogues, network: Network) -> w.Dropdown:
    """A dropdown of the network's rounds, the running one chosen."""
    rounds = dialogues.networks.rounds(network.id)
    current = dialogues.current_round(network.id)
    options: list[tuple[str, int | None]] = [(r.name, r.id) for r in rounds] or [("–", None)]
    return make(
        w.Dropdown,
        options=options,
        value=current.id if current else None,
        description=_("Runde"),
        layout={"width": "420px"},
    )


def dialogue_calendar_link(network: Network, the_round: Round, entries: list[tuple[Meeting, str]]) -> str:
    """Save the round's dialogues as .ics under exports and return the download link."""
    title = _("Qualitätsdialoge {network}, {round}").format(network=network.name, round=the_round.name)
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / dialogues_filename(network.name, the_round.name)
    path.write_bytes(meetings_calendar(network.name, entries, title=title))
    count = _("{n} Qualitätsdialoge im Kalender.").format(n=len(entries))
    return f'<div class="qm-muted">{esc(count)}</div>' + download_html(
        path, _("Kalender herunterladen"), "qm-dialogues-ics", ICS_MIME
    )


def _summary(overview: RoundOverview) -> str:
    lines = []
    for kind in overview.kinds():
        counts = overview.counts[kind]
        text = _("{kind}: {done} durchgeführt · {planned} geplant · {missing} noch nicht geplant").format(
            kind=kind_label(kind, sum(counts.values())),
            done=counts[DialogueState.DURCHGEFUEHRT],
            planned=counts[DialogueState.GEPLANT],
            missing=counts[DialogueState.NICHT_GEPLANT],
        )
        lines.append(f"<li>{esc(text)}</li>")
    html = f"<ul class='qm-dialogue-counts'>{''.join(lines)}</ul>"
    if overview.overdue:
        items = "".join(f"<li>{esc(r.name)}: {esc(r.note)}</li>" for r in overview.overdue)
        head = _("Überfällig oder knapp ({n})").format(n=len(overview.overdue))
        html += f"<div class='qm-tl-ueberfaellig'>{esc(head)}</div><ul class='qm-dialogue-overdue'>{items}</ul>"
    return html


def _row(row: HostState) -> str:
    d = row.dialogue
    when = " ".join(x for x in (day_text(d.day), clock(d)) if x) if d else ""
    cells = [
        esc(row.name),
        esc(kind_label(row.kind, 1)),
        f"<span class='{STATE_CLASS[row.state]}'>{esc(_(STATE_LABELS[row.state]))}</span>",
        esc(when),
        esc(d.place if d else ""),
        esc(row.note),
    ]
    css = " class='qm-overdue'" if row.overdue else ""
    return f"<tr{css}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def overview_table(overview: RoundOverview) -> str:
    heads = [_("Mitglied"), _("Art"), _("Stand"), _("Termin"), _("Ort"), _("Hinweis")]
    head = "".join(f"<th>{esc(h)}</th>" for h in heads)
    rows = "".join(_row(r) for r in overview.rows)
    return f'<table class="qm-plan qm-dialogues"><tr>{head}</tr>{rows}</table>'


class DialoguesCard:
    """For the network's coordinators; every click is checked again by the service."""

    def __init__(self, dialogues: QualityDialogues, network: Network, wrap: Wrap, feedback: Feedback):
        self.dialogues, self.network, self.wrap, self.feedback = dialogues, network, wrap, feedback
        self.round_choice = round_choice(dialogues, network)
        self.listing = make(w.HTML)
        self.download = make(w.HTML)
        self.round_choice.observe(self.wrap(lambda _c: self.show()), names="value")
        lead = _(
            "Jeder Träger und jedes Jugendamt richtet in jeder Runde einen Qualitätsdialog aus. Die Mitglieder planen "
            "und erfassen ihren eigenen; hier steht, wer ihn durchgeführt, wer ihn geplant hat und wer noch nicht – "
            "mit Termin und Ort. Themen, Protokoll und Vereinbarungen bleiben bei der gastgebenden Einrichtung."
        )
        self.widget = card(
            make(w.HTML, f"<h2>{esc(_('Qualitätsdialoge'))}</h2><div class='qm-muted'>{esc(lead)}</div>"),
            make(
                w.HBox,
                [self.round_choice, button(self.wrap, "Qualitätsdialoge als Kalender (.ics)", "calendar", self.ics)],
            ),
            self.download,
            self.listing,
        )
        external = [m for m in dialogues.networks.members(network.id) if m.joined and m.institution_id is None]
        if external:
            self.widget.children += (self._external_box(external),)
        self.show()

    def _external_box(self, external: list[Member]) -> w.Accordion:
        """Members on their own installation cannot plan here: the coordination enters their date and state."""
        label = {"description_width": "120px"}
        who = make(w.Dropdown, options=[(m.name, m.id) for m in external], description=_("Mitglied"),
                   layout={"width": "420px"}, style=label)  # fmt: skip
        day = make(DateField, description=_("Datum"), layout={"width": "420px"}, style=label)
        place = make(w.Text, description=_("Ort"), layout={"width": "420px"}, style=label)
        states = [(_("geplant"), MeetingStatus.GEPLANT.value), (_("durchgeführt"), MeetingStatus.STATTGEFUNDEN.value),
                  (_("abgesagt"), MeetingStatus.ABGESAGT.value)]  # fmt: skip
        status = make(w.Dropdown, options=states, description=_("Status"), layout={"width": "420px"}, style=label)

        def enter() -> None:
            values = {"day": day.value, "place": place.value, "status": status.value}
            overview = self.dialogues.overview(self.network.id, self.round_choice.value)
            row = next(r for r in overview.rows if r.member_id == who.value)
            if row.dialogue is not None:
                self.dialogues.update(who.value, row.dialogue.id, values)
            else:
                self.dialogues.plan(who.value, self.round_choice.value, values)
            self.feedback.ok(_("Qualitätsdialog von „{name}“ eingetragen.").format(name=who.label))
            self.show()

        lead = _(
            "Diese Mitglieder arbeiten mit einer eigenen Installation; Termin und Stand trägt die Koordination ein."
        )
        body = make(w.VBox, [make(w.HTML, f"<div class='qm-muted'>{esc(lead)}</div>"), who, day, place, status,
                             make(w.HBox, [button(self.wrap, "Eintragen", "save", enter)])])  # fmt: skip
        title = _("Mitglieder mit eigener Installation")
        return make(w.Accordion, children=[body], titles=(title,), selected_index=None)

    def show(self, today: date | None = None) -> None:
        self.download.value = ""
        if self.round_choice.value is None:
            text = _("Noch keine Runde angelegt. Runden legt die Koordination unten unter „Runden“ an.")
            self.listing.value = f"<div class='qm-muted'>{esc(text)}</div>"
            return
        overview = self.dialogues.overview(self.network.id, self.round_choice.value, today)
        ends = overview.round.ends
        facts = _("Runde endet am {day}.").format(day=day_text(ends)) if ends else ""
        facts = f"<div class='qm-muted'>{esc(facts)}</div>" if facts else ""
        empty = _("Noch keine Mitglieder.")
        table = overview_table(overview) if overview.rows else f"<div class='qm-muted'>{esc(empty)}</div>"
        self.listing.value = facts + _summary(overview) + table

    def ics(self) -> None:
        if self.round_choice.value is None:
            self.feedback.error(_("Bitte zuerst eine Runde anlegen."))
            return
        the_round = next(r for r in self.dialogues.networks.rounds(self.network.id) if r.id == self.round_choice.value)
        entries = self.dialogues.calendar(self.network.id, the_round.id)
        self.download.value = dialogue_calendar_link(self.network, the_round, entries)
