"""The coordinator's card "Netzwerktreffen" on the network page: the year plan with hosts in turn, the list of
meetings, one meeting's date, host, agenda, participants, minutes and status, its agreements and their release to
the members' plans (with who adopted, adapted, declined), and the meetings as a calendar file."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.meeting_calendar import meetings_calendar, meetings_filename
from qmkit.domain.model import day_text
from qmkit.domain.network import Network
from qmkit.domain.network_meetings import (
    ADOPTION_LABELS,
    MEETING_STATUS_LABELS,
    RHYTHM_LABELS,
    WEEKDAY_LABELS,
    AdoptionStatus,
    Meeting,
    Proposal,
    Rhythm,
    meeting_days,
)
from qmkit.i18n import _, n_
from qmkit.services.network_meetings import AgreementStatus, MeetingView, NetworkMeetings
from qmkit.ui.widgets.common import Feedback, button, card, download_html, esc, make
from qmkit.ui.widgets.date_field import DateField
from qmkit.ui.widgets.save_state import SaveState, save_each

Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]
WIDE = {"width": "420px"}
TEXT = {"width": "620px", "height": "90px"}
LABEL = {"description_width": "120px"}
NEW = -1
ICS_MIME = "text/calendar"


def clock(meeting: Meeting) -> str:
    if meeting.starts is None:
        return ""
    begin = meeting.starts.strftime("%H:%M")
    return f"{begin}–{meeting.ends.strftime('%H:%M')}" if meeting.ends else begin


def meeting_table(views: list[MeetingView]) -> str:
    """The meetings as a table: date, time, title, host, place, status, agreements."""
    heads = [_("Datum"), _("Zeit"), _("Treffen"), _("Gastgeber"), _("Ort"), _("Status"), _("Vereinbarungen")]
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{esc(v)}</td>"
            for v in (
                day_text(m.meeting.day),
                clock(m.meeting),
                m.meeting.title,
                m.host,
                m.meeting.place,
                _(MEETING_STATUS_LABELS[m.meeting.status]),
                len(m.agreements) or "",
            )
        )
        + "</tr>"
        for m in views
    )
    head = "".join(f"<th>{esc(h)}</th>" for h in heads)
    return f'<table class="qm-plan qm-meetings"><tr>{head}</tr>{rows}</table>'


def calendar_link(meetings: NetworkMeetings, network: Network, year: int | None) -> str:
    """Save the meetings (of ``year``) as .ics under exports and return the download link."""
    views = meetings.meetings(network.id, year)
    data = meetings_calendar(network.name, [(v.meeting, v.host) for v in views])
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / meetings_filename(network.name, year)
    path.write_bytes(data)
    count = _("{n} Treffen im Kalender.").format(n=len(views))
    return f'<div class="qm-muted">{esc(count)}</div>' + download_html(
        path, _("Kalender herunterladen"), "qm-meetings-ics", ICS_MIME
    )


def _field(kind: type[Any], value: Any, label: str, layout: dict[str, str] = WIDE, **more: Any) -> Any:
    """A labelled form field of the meeting editor (``label``: a German message id)."""
    return make(kind, value=value, description=_(label), layout=layout, style=LABEL, **more)


class MeetingsCard:
    """For the network's coordinators; every click is checked again by the service."""

    def __init__(self, meetings: NetworkMeetings, network: Network, wrap: Wrap, feedback: Feedback):
        self.meetings, self.network, self.wrap, self.feedback = meetings, network, wrap, feedback
        self.members = [m for m in meetings.networks.members(network.id) if m.joined]
        self.proposal: list[Proposal] = []
        self.preview = make(w.HTML)
        self.listing = make(w.HTML)
        self.download = make(w.HTML)
        self.editor = make(w.VBox)
        self.agreements = make(w.VBox)
        years = meetings.years(network.id)
        today = date.today()
        # the year to plan: this one while its meetings still lie ahead and none are planned, else the next
        this_year = today.year if today.year not in years and meeting_days(today.year)[-1] >= today else today.year + 1
        self.next_meeting = meetings.next_meeting(network.id)
        self.year_choice = make(w.Dropdown, description=_("Jahr"), layout={"width": "220px"})
        self.meeting_choice = make(w.Dropdown, description=_("Treffen"), layout=WIDE)
        self._fill_years(years, self.next_meeting.year if self.next_meeting else (years[-1] if years else None))
        self.year_choice.observe(self.wrap(lambda _c: self.show_year()), names="value")
        self._quiet = False  # refilling the choice after a save is not the user's choice
        self.meeting_choice.observe(self.wrap(lambda _c: None if self._quiet else self.show_meeting()), names="value")
        self.widget = card(
            make(w.HTML, f"<h2>{esc(_('Netzwerktreffen'))}</h2><div class='qm-muted'>{esc(self._lead())}</div>"),
            self._plan_box(this_year),
            make(w.HBox, [self.year_choice, button(self.wrap, "Treffen als Kalender (.ics)", "calendar", self.ics)]),
            self.download,
            self.listing,
            make(w.HTML, f"<h3>{esc(_('Ein Treffen bearbeiten'))}</h3>"),
            self.meeting_choice,
            self.editor,
            self.agreements,
        )
        self.show_year()

    @staticmethod
    def _lead() -> str:
        return _(
            "Treffen eines Jahres mit wechselnden Gastgebern planen, Tagesordnung, Teilnehmende und Protokoll "
            "festhalten, Vereinbarungen an die Pläne der Mitglieder geben. Tagesordnung und Protokoll sehen alle "
            "Mitglieder; Namen von Einrichtungen nur, wenn sie der Nennung zugestimmt haben, Namen von Personen nur "
            "die Koordination."
        )

    # ------------------------------------------------------------------ the year plan

    def _plan_box(self, this_year: int) -> w.Accordion:
        f = self.plan_fields = {
            "year": _field(w.BoundedIntText, this_year, "Jahr", min=2000, max=2100),
            "rhythm": _field(w.Dropdown, Rhythm.QUARTALSWEISE.value, "Rhythmus",
                             options=[(_(label), r.value) for r, label in RHYTHM_LABELS.items()]),
            "weekday": _field(w.Dropdown, 2, "Wochentag", options=[(_(d), i) for i, d in enumerate(WEEKDAY_LABELS)]),
            "week": _field(w.Dropdown, 2, "Woche",
                           options=[(_("{n}. Woche des Monats").format(n=n), n) for n in range(1, 5)]),
            "starts": _field(w.Text, "10:00", "Beginn"),
            "ends": _field(w.Text, "13:00", "Ende"),
            "place": _field(w.Text, _("bei der gastgebenden Einrichtung"), "Ort"),
        }  # fmt: skip
        lead = _(
            "Gastgeber im Wechsel: wer am längsten nicht (oder noch nie) eingeladen hat, ist zuerst dran. Der Tag "
            "liegt im mittleren Monat jedes Abschnitts."
        )
        buttons = [
            button(self.wrap, "Vorschlag zeigen", "eye", self.propose),
            button(self.wrap, "Vorschlag übernehmen", "check", self.accept),
        ]
        intro = make(w.HTML, f"<div class='qm-muted'>{esc(lead)}</div>")
        body = make(w.VBox, [intro, *f.values(), make(w.HBox, buttons), self.preview])
        self.plan_box = make(w.Accordion, children=[body], titles=(_("Jahresplan vorschlagen"),), selected_index=None)
        return self.plan_box

    def propose(self) -> list[Proposal]:
        """The plan for the chosen year with the current settings (shown, not stored)."""
        f = self.plan_fields
        self.proposal = self.meetings.propose(
            self.network.id, f["year"].value, f["rhythm"].value, f["weekday"].value, f["week"].value
        )
        self.preview.value = self._proposal_html()
        return self.proposal

    def accept(self) -> None:
        """Store the plan as the settings are now (what "Vorschlag zeigen" shows at this moment)."""
        f = self.plan_fields
        defaults = {"starts": f["starts"].value, "ends": f["ends"].value, "place": f["place"].value}
        made = self.meetings.plan_year(self.network.id, self.propose(), defaults)
        self.preview.value = ""
        self.plan_box.selected_index = None
        self._fill_years(self.meetings.years(self.network.id), made[0].year)
        self.show_year()  # the list first, then the message that announces it
        self.feedback.ok(_("{n} Treffen für {year} angelegt.").format(n=len(made), year=made[0].year))

    def _proposal_html(self) -> str:
        rows = "".join(
            f"<tr><td>{esc(p.title)}</td><td>{esc(day_text(p.day))}</td>"
            f"<td>{esc(p.host_name or _('(kein Mitglied)'))}</td></tr>"
            for p in self.proposal
        )
        head = "".join(f"<th>{esc(h)}</th>" for h in (_("Treffen"), _("Datum"), _("Gastgeber")))
        return f'<table class="qm-plan qm-proposal"><tr>{head}</tr>{rows}</table>'

    # ------------------------------------------------------------------ the list

    def _fill_years(self, years: list[int], chosen: int | None) -> None:
        options: list[tuple[str, int | None]] = [(str(y), y) for y in years]
        options = options or [("–", None)]
        self.year_choice.options = options
        self.year_choice.value = chosen if chosen in years else options[-1][1]

    def views(self) -> list[MeetingView]:
        year = self.year_choice.value
        return self.meetings.meetings(self.network.id, int(year)) if year is not None else []

    def show_year(self, keep: int | None = None) -> None:
        views = self.views()
        empty = _("Noch keine Treffen geplant. Oben einen Jahresplan vorschlagen.")
        self.listing.value = meeting_table(views) if views else f"<div class='qm-muted'>{esc(empty)}</div>"
        options = [(f"{day_text(v.meeting.day)} · {v.meeting.title}", v.meeting.id) for v in views]
        options.append((_("Neues Treffen …"), NEW))
        self.meeting_choice.options = options
        ids = [v for _l, v in options]
        if keep is None and self.next_meeting is not None:
            keep = self.next_meeting.id
        self.meeting_choice.value = keep if keep in ids else ids[0]
        self.show_meeting()

    def ics(self) -> None:
        year = self.year_choice.value
        self.download.value = calendar_link(self.meetings, self.network, int(year) if year is not None else None)

    # ------------------------------------------------------------------ one meeting

    def _chosen(self) -> MeetingView | None:
        chosen = self.meeting_choice.value
        return next((v for v in self.views() if v.meeting.id == chosen), None)

    def show_meeting(self) -> None:
        view = self._chosen()
        self.editor.children = tuple(self._editor(view.meeting if view else None))
        self.agreements.children = tuple(self._agreements(view) if view else ())

    def _editor(self, meeting: Meeting | None) -> list[w.Widget]:
        m = meeting
        hosts: list[tuple[str, int | None]] = [(_("(kein Gastgeber)"), None)]
        hosts += [(x.name, x.id) for x in self.members]
        if m is not None and m.host_member_id not in [v for _l, v in hosts]:
            hosts.append((_("(ausgeschieden)"), m.host_member_id))
        status = [(_(label), x.value) for x, label in MEETING_STATUS_LABELS.items()]
        starts = m.starts.strftime("%H:%M") if m and m.starts else ("" if m else "10:00")
        ends = m.ends.strftime("%H:%M") if m and m.ends else ("" if m else "13:00")
        # a short field is saved when the cursor leaves it (or on Enter); texts as they are typed
        fields = {
            "title": _field(w.Text, m.title if m else "", "Titel", continuous_update=False),
            "day": _field(DateField, m.day if m else None, "Datum"),
            "starts": _field(w.Text, starts, "Beginn", continuous_update=False),
            "ends": _field(w.Text, ends, "Ende", continuous_update=False),
            "place": _field(w.Text, m.place if m else "", "Ort", continuous_update=False),
            "host_member_id": _field(w.Dropdown, m.host_member_id if m else None, "Gastgeber", options=hosts),
            "status": _field(w.Dropdown, m.status.value if m else "geplant", "Status", options=status),
            "agenda": _field(w.Textarea, m.agenda if m else "", "Tagesordnung", TEXT),
            "minutes": _field(w.Textarea, m.minutes if m else "", "Protokoll", TEXT),
        }
        present = {p.member_id for p in m.participants} if m else set()
        who = make(
            w.SelectMultiple,
            options=[(x.name, x.id) for x in self.members],
            value=[x.id for x in self.members if x.id in present],
            description=_("Einrichtungen"),
            layout={"width": "420px", "height": "110px"},
            style=LABEL,
        )
        people = make(
            w.Textarea,
            value="\n".join(p.name for p in m.participants if p.member_id is None) if m else "",
            description=_("Personen"),
            placeholder=_("eine Person je Zeile, z. B. Gäste oder Referierende"),
            layout={"width": "620px", "height": "70px"},
            style=LABEL,
        )
        if m is None:
            create = functools.partial(self._create, fields)
            return [*fields.values(), make(w.HBox, [button(self.wrap, "Treffen anlegen", "save", create)])]
        state = SaveState(self.wrap, self.show_meeting)
        meeting_id = m.id

        def save(name: str) -> Meeting:
            if name == "participants":
                return self.meetings.update_meeting(self.network.id, meeting_id, {}, (list(who.value), people.value))
            return self.meetings.update_meeting(self.network.id, meeting_id, {name: fields[name].value})

        save_each(fields, state, self.wrap, save, self._saved)
        save_each({"participants": who}, state, self.wrap, save)
        save_each({"participants": people}, state, self.wrap, save)
        parts = [*fields.values(), make(w.HTML, f"<b>{esc(_('Teilnehmende'))}</b>"), who, people]
        return [*parts, state.widget]

    def _create(self, fields: dict[str, w.Widget]) -> None:
        made = self.meetings.add_meeting(self.network.id, {k: f.value for k, f in fields.items()})
        self.feedback.ok(_("Treffen „{title}“ angelegt.").format(title=made.title))
        self._fill_years(self.meetings.years(self.network.id), made.year)
        self.show_year(keep=made.id)

    def _saved(self, name: str, made: Meeting) -> None:
        """After a field was saved: the list and the choice show the new title, day or time (the editor stays)."""
        if name not in ("title", "day", "starts", "ends", "status", "place", "host_member_id"):
            return
        if made.year != self.year_choice.value:  # moved to another year: show it there
            self._fill_years(self.meetings.years(self.network.id), made.year)
            self.show_year(keep=made.id)
            return
        views = self.views()
        self.listing.value = meeting_table(views)
        options = [(f"{day_text(v.meeting.day)} · {v.meeting.title}", v.meeting.id) for v in views]
        self._quiet = True
        try:
            self.meeting_choice.options = [*options, (_("Neues Treffen …"), NEW)]
            self.meeting_choice.value = made.id
        finally:
            self._quiet = False

    # ------------------------------------------------------------------ agreements of a meeting

    def _agreements(self, view: MeetingView) -> list[w.Widget]:
        status = {s.agreement.id: s for s in self.meetings.agreement_status(self.network.id)}
        parts: list[w.Widget] = [make(w.HTML, f"<h3>{esc(_('Vereinbarungen dieses Treffens'))}</h3>")]
        for agreement in view.agreements:
            parts.append(self._agreement_row(agreement.id, agreement.text, agreement.due, status.get(agreement.id)))
        text = make(w.Textarea, description=_("Vereinbarung"), layout=TEXT, style=LABEL)
        due = make(DateField, description=_("umsetzen bis"), layout=WIDE, style=LABEL)

        def add() -> None:
            self.meetings.add_agreement(self.network.id, view.meeting.id, {"text": text.value, "due": due.value})
            self.feedback.ok(_("Vereinbarung gespeichert. Mit „An Mitglieder freigeben“ kommt sie in deren Pläne."))
            self.show_year(keep=view.meeting.id)

        return [*parts, text, due, make(w.HBox, [button(self.wrap, "Vereinbarung festhalten", "plus", add)])]

    def _agreement_row(self, agreement_id: int, text: str, due: date | None, state: AgreementStatus | None) -> w.VBox:
        head = f"<div><b>{esc(text)}</b>"
        if due:
            head += f" <span class='qm-muted'>({esc(_('umsetzen bis {day}').format(day=day_text(due)))})</span>"
        head += "</div>"
        if state is None:
            head += f"<div class='qm-muted'>{esc(_('Noch nicht freigegeben.'))}</div>"
            label = "An Mitglieder freigeben"
        else:
            head += f"<div>{esc(self._counts(state))}</div>" + self._per_member(state)
            label = "Erneut freigeben (neue Mitglieder)"

        def release() -> None:
            n = self.meetings.release(self.network.id, agreement_id)
            self.feedback.ok(
                _("Freigegeben: {n} Mitglieder haben die Vereinbarung jetzt in ihrer Netzwerkansicht.").format(n=n)
                if n
                else _("Alle Mitglieder haben die Vereinbarung schon; niemand Neues dazugekommen.")
            )
            self.show_meeting()

        return make(w.VBox, [make(w.HTML, head), make(w.HBox, [button(self.wrap, label, "share", release)])])

    @staticmethod
    def _counts(state: AgreementStatus) -> str:
        t = state.tally
        text = _("übernommen {a} · angepasst {b} · abgelehnt {c} · offen {d}").format(
            a=t.get(AdoptionStatus.UEBERNOMMEN),
            b=t.get(AdoptionStatus.ANGEPASST),
            c=t.get(AdoptionStatus.ABGELEHNT),
            d=t.get(AdoptionStatus.OFFEN),
        )
        if t.reasons:
            text += " " + n_(
                "({n} Begründung – sie bleibt beim Mitglied)",
                "({n} Begründungen – sie bleiben bei den Mitgliedern)",
                t.reasons,
            ).format(n=t.reasons)
        if state.unreachable:
            text += " · " + _("{n} mit eigener Installation (hier nicht erreichbar)").format(n=state.unreachable)
        return text

    @staticmethod
    def _per_member(state: AgreementStatus) -> str:
        items = "".join(f"<li>{esc(name)}: {esc(_(ADOPTION_LABELS[s]))}</li>" for name, s in state.members)
        return f"<details class='qm-help'><summary>{esc(_('je Mitglied'))}</summary><ul>{items}</ul></details>"
