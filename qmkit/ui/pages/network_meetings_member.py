"""The member's card "Netzwerktreffen" on the network page: the next meetings, the minutes of past ones, the
agreements released to the members' plans – each with Übernehmen, Anpassen or Ablehnen for the member's own
institution – and the meetings as a calendar file."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import ipywidgets as w

from qmkit.domain.model import day_text
from qmkit.domain.network import Agreement, Member, Network
from qmkit.domain.network_meetings import ADOPTION_LABELS, DECIDED, Adoption, AdoptionStatus, MeetingStatus
from qmkit.i18n import _
from qmkit.services.network_meetings import MeetingView, NetworkMeetings
from qmkit.ui.pages.network_meetings import calendar_link, clock
from qmkit.ui.widgets.common import Feedback, button, card, esc, make
from qmkit.ui.widgets.date_field import DateField

Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]
WIDE = {"width": "420px"}
LABEL = {"description_width": "120px"}


def _lines(text: str) -> str:
    return "<br>".join(esc(line) for line in text.splitlines())


def meeting_html(view: MeetingView, minutes: bool, agenda: bool = True) -> str:
    """One meeting for a member: when, where, host, agenda (and, once held, participants and minutes)."""
    m = view.meeting
    when = " ".join(x for x in (day_text(m.day), clock(m)) if x)
    facts = [when, m.place, _("Gastgeber: {host}").format(host=view.host) if view.host else ""]
    html = f"<div><b>{esc(m.title)}</b> · {esc(' · '.join(f for f in facts if f))}</div>"
    if not agenda:
        return html
    if m.status == MeetingStatus.ABGESAGT:
        html += f"<div class='qm-error'>{esc(_('abgesagt'))}</div>"
    if m.agenda and agenda:
        html += f"<div class='qm-muted'>{esc(_('Tagesordnung'))}:</div><div>{_lines(m.agenda)}</div>"
    if minutes:
        names = ", ".join(view.participants)
        if view.hidden:
            names += (", " if names else "") + _("{n} weitere").format(n=view.hidden)
        if names:
            html += f"<div class='qm-muted'>{esc(_('Teilgenommen'))}: {esc(names)}</div>"
        if m.minutes:
            html += f"<div class='qm-muted'>{esc(_('Protokoll'))}:</div><div>{_lines(m.minutes)}</div>"
        if view.agreements:
            items = "".join(f"<li>{esc(a.text)}</li>" for a in view.agreements)
            html += f"<div class='qm-muted'>{esc(_('Vereinbarungen'))}:</div><ul>{items}</ul>"
    return html


class MemberMeetingsCard:
    """A member's read view of the meetings and its decisions about released agreements."""

    def __init__(self, meetings: NetworkMeetings, network: Network, member: Member, wrap: Wrap, feedback: Feedback):
        self.meetings, self.network, self.member = meetings, network, member
        self.wrap, self.feedback = wrap, feedback
        self.download = make(w.HTML)
        self.decisions = make(w.VBox)
        cycles = meetings.member_cycles(member.id)
        options: list[tuple[str, int | None]] = [(c.name, c.id) for c in cycles]
        self.cycle_choice = make(
            w.Dropdown,
            options=options or [(_("(noch kein Zyklus)"), None)],
            description=_("in den Plan von"),
            layout=WIDE,
            style=LABEL,
        )
        identity = meetings.access.identity
        self.responsible = make(
            w.Text,
            value="" if identity.local else identity.name,
            description=_("Verantwortlich"),
            placeholder=_("für neue Maßnahmen"),
            layout=WIDE,
            style=LABEL,
        )
        views = meetings.meetings(network.id)
        today = date.today()
        upcoming = [v for v in views if v.meeting.day >= today and v.meeting.status == MeetingStatus.GEPLANT]
        held = [v for v in views if v.meeting.status == MeetingStatus.STATTGEFUNDEN][::-1]
        self.widget = card(
            make(w.HTML, f"<h2>{esc(_('Netzwerktreffen'))}</h2>" + self._upcoming_html(upcoming)),
            make(w.HBox, [button(self.wrap, "Treffen als Kalender (.ics)", "calendar", self.ics)]),
            self.download,
            *self._minutes(held),
            make(w.HTML, f"<h3>{esc(_('Vereinbarungen für Ihren Plan'))}</h3>"),
            self.decisions,
        )
        self.show_decisions()

    def _upcoming_html(self, upcoming: list[MeetingView]) -> str:
        if not upcoming:
            return f"<div class='qm-muted'>{esc(_('Kein Treffen geplant.'))}</div>"
        later = "".join(f"<li>{meeting_html(v, False, agenda=False)}</li>" for v in upcoming[1:4])
        return f"<h3>{esc(_('Nächstes Treffen'))}</h3><div class='qm-card'>{meeting_html(upcoming[0], False)}</div>" + (
            f"<div class='qm-muted'>{esc(_('Danach'))}:</div><ul>{later}</ul>" if later else ""
        )

    def _minutes(self, held: list[MeetingView]) -> list[w.Widget]:
        if not held:
            return []
        bodies = [make(w.HTML, meeting_html(v, True)) for v in held]
        titles = tuple(f"{day_text(v.meeting.day)} · {v.meeting.title}" for v in held)
        box = make(w.Accordion, children=bodies, titles=titles, selected_index=None)
        return [make(w.HTML, f"<h3>{esc(_('Protokolle'))}</h3>"), box]

    def ics(self) -> None:
        self.download.value = calendar_link(self.meetings, self.network, None)

    # ------------------------------------------------------------------ decisions

    def show_decisions(self) -> None:
        found = self.meetings.open_agreements(self.member.id)
        if not found:
            text = _("Noch keine Vereinbarung an die Mitglieder freigegeben.")
            self.decisions.children = (make(w.HTML, f"<div class='qm-muted'>{esc(text)}</div>"),)
            return
        lead = _(
            "Eine Vereinbarung des Netzwerks wird mit einem Klick eine Maßnahme in Ihrem Plan: so wie sie ist, "
            "angepasst, oder Sie lehnen sie mit einer kurzen Begründung ab (die Begründung sieht nur Ihre Einrichtung; "
            "die Koordination sieht, dass Sie abgelehnt haben)."
        )
        rows = [self._row(a, d) for a, d in found]
        self.decisions.children = (
            make(w.HTML, f"<div class='qm-muted'>{esc(lead)}</div>"),
            make(w.HBox, [self.cycle_choice, self.responsible]),
            *rows,
        )

    def _row(self, agreement: Agreement, adoption: Adoption) -> w.VBox:
        due = _(" · umsetzen bis {day}").format(day=day_text(agreement.due)) if agreement.due else ""
        state = _(ADOPTION_LABELS[adoption.status])
        html = f"<div><b>{esc(agreement.text)}</b></div><div class='qm-muted'>{esc(_('Stand'))}: {esc(state)}{esc(due)}"
        if adoption.status == AdoptionStatus.ABGELEHNT and adoption.reason:
            html += f" – {esc(adoption.reason)}"
        html += "</div>"
        slot = make(w.VBox)
        parts: list[w.Widget] = [make(w.HTML, html)]
        if adoption.status not in DECIDED:
            parts.append(
                make(
                    w.HBox,
                    [
                        button(self.wrap, "Übernehmen", "check", functools.partial(self.adopt, agreement, None)),
                        button(self.wrap, "Anpassen …", "pencil", functools.partial(self._adapt_form, agreement, slot)),
                        button(self.wrap, "Ablehnen …", "times", functools.partial(self._decline_form, agreement, slot))
                        if adoption.status == AdoptionStatus.OFFEN
                        else make(w.HTML, ""),
                    ],
                )
            )
        box = make(w.VBox, [*parts, slot])
        box.add_class("qm-card")
        return box

    def adopt(self, agreement: Agreement, changes: dict[str, Any] | None) -> None:
        if self.cycle_choice.value is None:
            self.feedback.error(_("Bitte zuerst auf der Startseite einen Zyklus anlegen."))
            return
        made = self.meetings.adopt(
            self.member.id, agreement.id, int(self.cycle_choice.value), self.responsible.value, changes
        )
        cycle = self.cycle_choice.label
        self.feedback.ok(_("Maßnahme „{title}“ ist im Plan „{cycle}“ angelegt.").format(title=made.title, cycle=cycle))
        self.show_decisions()

    def _adapt_form(self, agreement: Agreement, slot: w.VBox) -> None:
        default = self.meetings.default_measure(agreement)
        title = make(w.Text, value=default["title"], description=_("Titel"), layout={"width": "620px"}, style=LABEL)
        due = make(DateField, value=default["due"], description=_("Termin"), layout=WIDE, style=LABEL)

        def save() -> None:
            self.adopt(agreement, {"title": title.value, "due": due.value})

        slot.children = (title, due, make(w.HBox, [button(self.wrap, "Angepasst übernehmen", "check", save)]))

    def _decline_form(self, agreement: Agreement, slot: w.VBox) -> None:
        reason = make(
            w.Textarea,
            description=_("Begründung"),
            placeholder=_("z. B. bei uns schon anders geregelt"),
            layout={"width": "620px", "height": "60px"},
            style=LABEL,
        )

        def decline() -> None:
            self.meetings.decline(self.member.id, agreement.id, reason.value)
            self.feedback.ok(_("Abgelehnt; die Begründung bleibt bei Ihrer Einrichtung."))
            self.show_decisions()

        slot.children = (reason, make(w.HBox, [button(self.wrap, "Ablehnen", "times", decline)]))
