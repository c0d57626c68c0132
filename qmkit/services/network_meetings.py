"""Network meetings, checked: the coordinators plan the year (hosts in turn), keep agenda, participants and
minutes, record the agreements of a meeting and release them to the members' plans; each member's QMB adopts an
agreement as a measure in one of its cycles, adapts it first, or declines it with a reason.

Who sees what: meetings, agendas and minutes are for everyone in the network (they meet in person). A member sees
the host and participating institutions by name only where they agreed to be named (or it is itself); persons
named as participants only the coordinators. The coordinators see per member whether it adopted, adapted,
declined or has not decided yet (members they invited, no rating) – the reasons for declining only as a number;
a member's reason stays in its own view.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.model import Cycle
from qmkit.domain.network import Agreement, Member
from qmkit.domain.network_meetings import (
    Adoption,
    AdoptionStatus,
    Meeting,
    MeetingStatus,
    Proposal,
    Tally,
    check_decline,
    check_meeting,
    check_meeting_agreement,
    check_participants,
    check_rhythm,
    check_year,
    measure_description,
    measure_title,
    propose_year,
    tally,
)
from qmkit.domain.planning import Measure, check_measure
from qmkit.errors import AccessDenied, InputError
from qmkit.i18n import _
from qmkit.services.networks import NetworkService
from qmkit.services.planning import Planning

DEFAULT_START, DEFAULT_END = time(10, 0), time(13, 0)


@dataclass(frozen=True)
class MeetingView:
    """A meeting as this person may see it: the host's and participants' labels already decided."""

    meeting: Meeting
    host: str  # the host's name, or "ein Mitglied" when it is not to be named to this person
    participants: tuple[str, ...]  # institutions and persons this person may see by name
    hidden: int = 0  # participants not shown by name
    agreements: tuple[Agreement, ...] = ()


@dataclass(frozen=True)
class AgreementStatus:
    """The coordinator's view of one released agreement: numbers and, per member, the status (no reasons)."""

    agreement: Agreement
    tally: Tally
    members: tuple[tuple[str, AdoptionStatus], ...] = field(default_factory=tuple)
    unreachable: int = 0  # members with their own installation: they cannot be asked here


class NetworkMeetings:
    def __init__(self, networks: NetworkService):
        self.networks = networks
        self.store, self.catalogs, self.access = networks.store, networks.catalogs, networks.access

    # ------------------------------------------------------------------ helpers

    def _joined(self, network_id: int) -> dict[int, Member]:
        return {m.id: m for m in self.store.networks.members(network_id) if m.joined}

    def _meeting_of(self, network_id: int, meeting_id: int) -> Meeting:
        meeting = self.store.meetings.meeting(int(meeting_id))
        if meeting.network_id != network_id:
            raise InputError(_("Dieses Treffen gehört nicht zu diesem Netzwerk."), "meeting")
        return meeting

    # ------------------------------------------------------------------ planning (coordinators)

    def propose(self, network_id: int, year: Any, rhythm: Any = 3, weekday: Any = 2, week: Any = 2) -> list[Proposal]:
        """A year plan with hosts in turn (who hosted least recently first); nothing is stored."""
        self.networks.require_coordinator(network_id)
        joined = self._joined(network_id)
        names = {m.id: m.name for m in joined.values()}
        last = {k: v for k, v in self.store.meetings.last_hosted(network_id).items() if k in names}
        return propose_year(check_year(year), names, last, check_rhythm(rhythm), weekday, week)

    def plan_year(self, network_id: int, proposals: list[Proposal], defaults: dict[str, Any]) -> list[Meeting]:
        """Store a proposed year plan (``defaults``: starts, ends, place, agenda for every meeting)."""
        self.networks.require_coordinator(network_id)
        if not proposals:
            raise InputError(_("Bitte zuerst einen Vorschlag erstellen."), "year")
        joined = set(self._joined(network_id))
        today = date.today()
        rows = []
        for p in proposals:
            values = {
                "starts": DEFAULT_START,
                "ends": DEFAULT_END,
                **defaults,
                "title": p.title,
                "day": p.day,
                "host_member_id": p.host_member_id,
            }
            rows.append({**check_meeting(values, joined, today), "uid": secrets.token_hex(16)})
        years = {p.day.year for p in proposals}
        if len(years) != 1:
            raise InputError(_("Ein Jahresplan umfasst ein Kalenderjahr."), "year")
        made = self.store.meetings.plan_year(network_id, years.pop(), rows, self.access.who())
        return [self.store.meetings.meeting(i) for i in made]

    def add_meeting(self, network_id: int, values: dict[str, Any]) -> Meeting:
        self.networks.require_coordinator(network_id)
        clean = check_meeting(values, set(self._joined(network_id)), date.today())
        return self.store.meetings.add(network_id, clean, secrets.token_hex(16), self.access.who())

    def update_meeting(
        self, network_id: int, meeting_id: int, values: dict[str, Any], participants: tuple[Any, Any] | None = None
    ) -> Meeting:
        """Change a meeting; ``participants``: (member ids, names one per line) replace the stored ones."""
        self.networks.require_coordinator(network_id)
        current = self._meeting_of(network_id, meeting_id)
        joined = set(self._joined(network_id))
        # a host who left the network meanwhile may stay on an old meeting
        hosts = joined | ({current.host_member_id} if current.host_member_id else set())
        merged = {
            "title": current.title,
            "day": current.day,
            "starts": current.starts,
            "ends": current.ends,
            "place": current.place,
            "host_member_id": current.host_member_id,
            "agenda": current.agenda,
            "minutes": current.minutes,
            "status": current.status.value,
            **values,
        }
        clean = check_meeting(merged, hosts, date.today())
        people = check_participants(*participants, joined) if participants is not None else None
        self.store.meetings.update(current.id, clean, people, self.access.who())
        return self.store.meetings.meeting(current.id)

    # ------------------------------------------------------------------ reading (everyone in the network)

    def meetings(self, network_id: int, year: int | None = None) -> list[MeetingView]:
        """The network's meetings as this person may see them (coordinators: every name)."""
        self.networks.require_view(network_id)
        meetings = self.store.meetings.meetings(network_id, year)
        members = {m.id: m for m in self.store.networks.members(network_id)}
        coordinating = self.networks.coordinates(network_id)
        own = {m.id for m in self.networks.own_members(network_id)}
        agreements: dict[int, list[Agreement]] = {}
        for a in self.store.networks.agreements(network_id):
            if a.meeting_id is not None:
                agreements.setdefault(a.meeting_id, []).append(a)

        def shown(member_id: int | None) -> str | None:
            member = members.get(member_id) if member_id is not None else None
            if member is None:
                return None
            return member.name if coordinating or member.id in own or member.named else None

        views = []
        for m in meetings:
            host = shown(m.host_member_id) or (_("ein Mitglied") if m.host_member_id in members else "")
            names = [shown(p.member_id) if p.member_id is not None else (p.name if coordinating else None)
                     for p in m.participants]  # fmt: skip
            visible = tuple(n for n in names if n)
            views.append(MeetingView(m, host, visible, len(names) - len(visible), tuple(agreements.get(m.id, ()))))
        return views

    def next_meeting(self, network_id: int, today: date | None = None) -> Meeting | None:
        """The next planned meeting from ``today`` on, else the latest one (what a coordinator works on now)."""
        self.networks.require_view(network_id)
        found = self.store.meetings.meetings(network_id)
        today = today or date.today()
        upcoming = [m for m in found if m.day >= today and m.status == MeetingStatus.GEPLANT]
        return upcoming[0] if upcoming else (found[-1] if found else None)

    def years(self, network_id: int) -> list[int]:
        self.networks.require_view(network_id)
        return sorted({m.year for m in self.store.meetings.meetings(network_id)})

    # ------------------------------------------------------------------ agreements (coordinators)

    def add_agreement(self, network_id: int, meeting_id: int, values: dict[str, Any]) -> Agreement:
        self.networks.require_coordinator(network_id)
        meeting = self._meeting_of(network_id, meeting_id)
        clean = check_meeting_agreement(values, meeting.day)
        return self.store.meetings.add_agreement(network_id, meeting.id, clean, self.access.who())

    def _agreement_of(self, network_id: int, agreement_id: int) -> Agreement:
        agreement = self.store.meetings.agreement(int(agreement_id))
        if agreement.network_id != network_id:
            raise InputError(_("Diese Vereinbarung gehört nicht zu diesem Netzwerk."), "agreement")
        return agreement

    def release(self, network_id: int, agreement_id: int) -> int:
        """Release the agreement to every member's plan: each joined member on this server gets an open decision
        (a second release asks only members who joined since). Returns how many were asked now."""
        self.networks.require_coordinator(network_id)
        agreement = self._agreement_of(network_id, agreement_id)
        return self.store.meetings.release(agreement.id, self.access.who())

    def agreement_status(self, network_id: int) -> list[AgreementStatus]:
        """Per released agreement: the numbers, and per member its status – for the coordinators only."""
        self.networks.require_coordinator(network_id)
        dialogues = self.store.dialogues.hosts(network_id)  # their agreements go to the host alone
        released = [
            a for a in self.store.networks.agreements(network_id) if a.released and a.meeting_id not in dialogues
        ]
        everyone = [m for m in self.store.networks.members(network_id) if m.joined]
        asked = [m for m in everyone if m.institution_id is not None]
        decisions = self.store.meetings.adoptions([a.id for a in released])
        found = []
        for a in released:
            by_member = {d.member_id: d for d in decisions.get(a.id, [])}
            complete = [by_member.get(m.id, Adoption(a.id, m.id)) for m in asked]
            per_member = tuple((m.name, d.status) for m, d in zip(asked, complete, strict=True))
            found.append(AgreementStatus(a, tally(complete), per_member, len(everyone) - len(asked)))
        return found

    # ------------------------------------------------------------------ deciding (a member's QMB)

    def open_agreements(self, member_id: int) -> list[tuple[Agreement, Adoption]]:
        """The agreements released to this member with its decision (newest first): the network's, and those of the
        quality dialogues it hosted."""
        member = self.networks.require_member(int(member_id), Right.READ)
        mine = self.store.meetings.adoptions_of(member.id)
        hosts = self.store.dialogues.hosts(member.network_id)
        return [
            (a, mine.get(a.id, Adoption(a.id, member.id)))
            for a in self.store.networks.agreements(member.network_id)
            if a.released and member.joined and hosts.get(a.meeting_id or 0, member.id) == member.id
        ]

    def member_cycles(self, member_id: int) -> list[Cycle]:
        """The member's cycles where an adopted agreement can go, most recently changed first."""
        member = self.networks.require_member(int(member_id), Right.READ)
        return self.store.cycles.all(member.institution_id)

    def default_measure(self, agreement: Agreement) -> dict[str, Any]:
        """Title, description and due date a measure from this agreement gets unless the member adapts it."""
        network = self.store.networks.get(agreement.network_id)
        dialogue = agreement.meeting_id in self.store.dialogues.hosts(agreement.network_id)
        return {
            "title": measure_title(agreement.text, dialogue),
            "description": measure_description(network.name, agreement.text, agreement.agreed_on, dialogue),
            "due": agreement.due,
        }

    def _released_to(self, member: Member, agreement_id: int) -> Agreement:
        agreement = self._agreement_of(member.network_id, agreement_id)
        if not member.joined:
            raise InputError(_("Bitte zuerst die Einladung annehmen."), "member")
        if not agreement.released:
            raise InputError(_("Diese Vereinbarung ist noch nicht für die Mitglieder freigegeben."), "agreement")
        hosts = self.store.dialogues.hosts(member.network_id)
        if hosts.get(agreement.meeting_id or 0, member.id) != member.id:
            raise AccessDenied(_("Diese Vereinbarung gehört zum Qualitätsdialog einer anderen Einrichtung."))
        return agreement

    def adopt(
        self, member_id: int, agreement_id: int, cycle_id: int, responsible: Any, changes: dict[str, Any] | None = None
    ) -> Measure:
        """The agreement becomes a measure in the member's cycle: as it is ('übernommen') or with the title and due
        date the member changed ('angepasst'). Only for the member's own institution."""
        member = self.networks.require_member(int(member_id), Right.MANAGE)  # its own institution only
        agreement = self._released_to(member, agreement_id)
        planning = Planning.open(self.store, int(cycle_id), self.catalogs, access=self.access)
        if planning.cycle.institution_id != member.institution_id:
            raise InputError(_("Dieser Zyklus gehört nicht zu „{name}“.").format(name=member.name), "cycle")
        self.access.require(planning.cycle.institution_id, Right.EDIT)
        default = self.default_measure(agreement)
        values = {**default, **(changes or {}), "responsible": responsible}
        clean = check_measure(values)
        adapted = clean["title"] != default["title"] or clean["due"] != default["due"]
        status = AdoptionStatus.ANGEPASST if adapted else AdoptionStatus.UEBERNOMMEN
        made = self.store.meetings.decide(
            agreement.id, member.id, status, self.access.who(), measure=(planning.cycle.id, clean)
        )
        assert made.measure_id is not None
        return self.store.plans.measure(made.measure_id)

    def decline(self, member_id: int, agreement_id: int, reason: Any) -> Adoption:
        """The member does not adopt the agreement; a reason is needed (the coordinators see only that one exists)."""
        member = self.networks.require_member(int(member_id), Right.MANAGE)
        agreement = self._released_to(member, agreement_id)
        text = check_decline(reason)
        who = self.access.who()
        return self.store.meetings.decide(agreement.id, member.id, AdoptionStatus.ABGELEHNT, who, None, text)


__all__ = ["AgreementStatus", "MeetingView", "NetworkMeetings"]
