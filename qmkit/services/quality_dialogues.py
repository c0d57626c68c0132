"""Quality dialogues per round, checked: a member's QMB plans its institution's dialogue in a round (date, place,
topics, who is invited), records it (who took part, topics, minutes, status) and its agreements, which go to the
host's own plan the way network agreements go to the members' plans (one click, one measure). The coordinators see
the round's overview: who has held, who has planned, who has not yet – per kind of member – and who is overdue.

Who sees what: a dialogue is its host's. The coordinators see date, place, host and state, never topics, minutes,
persons' names or agreements; an invited member sees date, time, place, host and topics of the dialogue it is
invited to, nothing of the record. Offered in regions (QMF) and where the network's catalog asks for dialogues.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.network import Agreement, Member, Round
from qmkit.domain.network_meetings import (
    Adoption,
    Meeting,
    MeetingKind,
    MeetingStatus,
    check_meeting_agreement,
    check_participants,
)
from qmkit.domain.planning import Measure
from qmkit.domain.quality_dialogues import (
    HostState,
    RoundOverview,
    check_dialogue,
    dialogues_offered,
    host_state,
    round_overview,
)
from qmkit.errors import AccessDenied, InputError, NotFoundError
from qmkit.i18n import _
from qmkit.services.network_meetings import NetworkMeetings
from qmkit.services.networks import NetworkService

DIALOGUE = MeetingKind.QUALITAETSDIALOG


@dataclass(frozen=True)
class DialogueView:
    """A dialogue as this person may see it (``dialogue`` already without what is not for them)."""

    dialogue: Meeting
    host: str
    round_name: str
    invited: tuple[str, ...] = ()  # institutions and persons invited (the host's view)
    participants: tuple[str, ...] = ()  # who took part (the host's view)
    agreements: tuple[tuple[Agreement, Adoption], ...] = ()  # the host's view: each with its decision


def _plan_only(meeting: Meeting, topics: bool) -> Meeting:
    """The dialogue without its record (and without topics unless ``topics``): what others may see."""
    return dataclasses.replace(
        meeting, agenda=meeting.agenda if topics else "", minutes="", participants=(), invited=()
    )


class QualityDialogues:
    def __init__(self, networks: NetworkService):
        self.networks = networks
        self.meetings = NetworkMeetings(networks)
        self.store, self.catalogs, self.access = networks.store, networks.catalogs, networks.access

    # ------------------------------------------------------------------ where and which round

    def offered(self, network_id: int) -> bool:
        """Whether the network works with quality dialogues (a region, or its catalog asks for them)."""
        network = self.networks.require_view(network_id)
        try:
            procedure = self.catalogs.get(network.catalog_id).procedure
            ids = [s.id for s in procedure.steps] + [d.id for d in procedure.deadlines]
        except NotFoundError:
            ids = []
        return dialogues_offered(network.kind, ids)

    def _require_offered(self, network_id: int) -> None:
        if not self.offered(network_id):
            raise InputError(_("Dieses Netzwerk arbeitet nicht mit Qualitätsdialogen."), "network")

    def _round(self, network_id: int, round_id: Any) -> Round:
        try:
            found = self.store.networks.round(int(round_id))
        except (TypeError, ValueError):
            raise InputError(_("Bitte eine Runde wählen."), "round") from None
        if found.network_id != network_id:
            raise InputError(_("Diese Runde gehört nicht zu diesem Netzwerk."), "round")
        return found

    def current_round(self, network_id: int, today: date | None = None) -> Round | None:
        """The round running today, else the latest that has begun, else the first."""
        rounds = self.networks.rounds(network_id)
        today = today or date.today()
        running = [r for r in rounds if (r.starts or date.min) <= today <= (r.ends or date.max)]
        begun = [r for r in rounds if (r.starts or date.min) <= today]
        if running or begun:
            return (running or begun)[-1]
        return rounds[0] if rounds else None

    # ------------------------------------------------------------------ the coordinators' overview

    def overview(self, network_id: int, round_id: Any, today: date | None = None) -> RoundOverview:
        """Per joined member: not yet planned, planned or held, and who is overdue – date, place and host only."""
        self.networks.require_coordinator(network_id)
        self._require_offered(network_id)
        found = self._round(network_id, round_id)
        dialogues = [_plan_only(d, topics=False) for d in self._dialogues(network_id, found.id)]
        members = self.store.networks.members(network_id)
        return round_overview(found, members, dialogues, today or date.today())

    def _dialogues(self, network_id: int, round_id: int | None = None) -> list[Meeting]:
        return self.store.meetings.meetings(network_id, kind=DIALOGUE, round_id=round_id)

    # ------------------------------------------------------------------ a member's own dialogues

    def _ready(self, member: Member) -> Member:
        """The member (whose right was checked) when its network has dialogues and it has joined."""
        self._require_offered(member.network_id)
        if not member.joined:
            raise InputError(_("Bitte zuerst die Einladung annehmen."), "member")
        return member

    def _own(self, member: Member, dialogue_id: Any) -> Meeting:
        dialogue = self.store.meetings.meeting(int(dialogue_id))
        if dialogue.kind != DIALOGUE or dialogue.network_id != member.network_id:
            raise InputError(_("Diesen Qualitätsdialog gibt es in diesem Netzwerk nicht."), "dialogue")
        if dialogue.host_member_id != member.id:
            raise AccessDenied(
                _("Das ist der Qualitätsdialog einer anderen Einrichtung; „{name}“ plant und erfasst nur den eigenen.")
                .format(name=member.name)
            )  # fmt: skip
        return dialogue

    def _names(self, network_id: int) -> dict[int, str]:
        return {m.id: m.name for m in self.store.networks.members(network_id)}

    def hosted(self, member_id: Any, round_id: Any = None) -> list[DialogueView]:
        """The member's own dialogues (of one round when given), with invitations, record and agreements."""
        member = self._ready(self.networks.require_member(int(member_id), Right.READ))
        rounds = {r.id: r.name for r in self.store.networks.rounds(member.network_id)}
        names = self._names(member.network_id)
        wanted = self._round(member.network_id, round_id).id if round_id is not None else None
        decisions = self.store.meetings.adoptions_of(member.id)
        agreements = self.store.networks.agreements(member.network_id)
        views = []
        for d in self._dialogues(member.network_id, wanted):
            if d.host_member_id != member.id:
                continue

            def label(p: Any) -> str:
                return names.get(p.member_id, _("ausgeschieden")) if p.member_id is not None else p.name

            own = tuple((a, decisions.get(a.id, Adoption(a.id, member.id))) for a in agreements if a.meeting_id == d.id)
            views.append(DialogueView(d, member.name, rounds.get(d.round_id or 0, ""),
                                      tuple(label(p) for p in d.invited), tuple(label(p) for p in d.participants),
                                      own))  # fmt: skip
        return views

    def own_state(self, member_id: Any, round_id: Any, today: date | None = None) -> HostState:
        """The member's own state in the round, as the coordinators' overview shows it."""
        member = self._ready(self.networks.require_member(int(member_id), Right.READ))
        found = self._round(member.network_id, round_id)
        return host_state(member, self._dialogues(member.network_id, found.id), found, today or date.today())

    def invitations(self, member_id: Any) -> list[DialogueView]:
        """Other members' dialogues this member is invited to: date, time, place, host and topics."""
        member = self._ready(self.networks.require_member(int(member_id), Right.READ))
        rounds = {r.id: r.name for r in self.store.networks.rounds(member.network_id)}
        names = self._names(member.network_id)
        return [
            DialogueView(
                _plan_only(d, topics=True), names.get(d.host_member_id or 0, ""), rounds.get(d.round_id or 0, "")
            )
            for d in self._dialogues(member.network_id)
            if d.host_member_id != member.id and any(p.member_id == member.id for p in d.invited)
        ]

    def plan(
        self, member_id: Any, round_id: Any, values: dict[str, Any], invited: tuple[Any, Any] = ((), "")
    ) -> Meeting:
        """Plan the member's dialogue in the round; ``invited``: (member ids, persons one per line). For a member on
        its own installation the coordination enters the dates (it cannot do so here itself)."""
        member = self.store.networks.member(int(member_id))
        if member.institution_id is None:  # on its own installation: the coordination enters its dates here
            self.networks.require_coordinator(member.network_id)
        else:
            member = self.networks.require_member(member.id, Right.MANAGE)
        member = self._ready(member)
        found = self._round(member.network_id, round_id)
        clean = check_dialogue({"status": MeetingStatus.GEPLANT.value, **values}, found, member, date.today())
        joined = {m.id for m in self.store.networks.members(member.network_id) if m.joined} - {member.id}
        guests = check_participants(*invited, joined, invited=True)
        made = self.store.dialogues.plan(member.network_id, clean, guests, secrets.token_hex(16), self.access.who())
        return self.store.meetings.meeting(made)

    def update(
        self,
        member_id: Any,
        dialogue_id: Any,
        values: dict[str, Any],
        invited: tuple[Any, Any] | None = None,
        present: tuple[Any, Any] | None = None,
    ) -> Meeting:
        """Change or record the member's own dialogue: fields, who is invited, who took part."""
        member = self.store.networks.member(int(member_id))
        if member.institution_id is None:  # on its own installation: the coordination enters its dates here
            self.networks.require_coordinator(member.network_id)
        else:
            member = self.networks.require_member(member.id, Right.MANAGE)
        member = self._ready(member)
        current = self._own(member, dialogue_id)
        found = self._round(member.network_id, current.round_id)
        merged = {
            "title": current.title,
            "day": current.day,
            "starts": current.starts,
            "ends": current.ends,
            "place": current.place,
            "agenda": current.agenda,
            "minutes": current.minutes,
            "status": current.status.value,
            **values,
        }
        clean = check_dialogue(merged, found, member, date.today())
        if current.status == MeetingStatus.ABGESAGT and clean["status"] != MeetingStatus.ABGESAGT.value:
            self.store.dialogues.check_reactivation(current.id, found.id, member.id)
        joined = {m.id for m in self.store.networks.members(member.network_id) if m.joined}
        guests = check_participants(*invited, joined - {member.id}, invited=True) if invited is not None else None
        people = check_participants(*present, joined) if present is not None else None
        self.store.meetings.update(current.id, clean, people, self.access.who(), guests)
        return self.store.meetings.meeting(current.id)

    # ------------------------------------------------------------------ agreements → the host's plan

    def add_agreement(self, member_id: Any, dialogue_id: Any, values: dict[str, Any]) -> Agreement:
        """An agreement of the member's dialogue, at once released to the member's own plan (and nobody else's)."""
        member = self._ready(self.networks.require_member(int(member_id), Right.MANAGE))
        dialogue = self._own(member, dialogue_id)
        clean = check_meeting_agreement(values, dialogue.day)
        who = self.access.who()
        made = self.store.meetings.add_agreement(member.network_id, dialogue.id, clean, who)
        self.store.meetings.release(made.id, who, only={member.id})
        return self.store.meetings.agreement(made.id)

    def adopt(
        self, member_id: Any, agreement_id: Any, cycle_id: Any, responsible: Any, changes: dict[str, Any] | None = None
    ) -> Measure:
        """The agreement becomes a measure in the host's cycle – once (see :meth:`NetworkMeetings.adopt`)."""
        return self.meetings.adopt(int(member_id), int(agreement_id), int(cycle_id), responsible, changes)

    # ------------------------------------------------------------------ the calendar

    def calendar(self, network_id: int, round_id: Any, member_id: Any = None) -> list[tuple[Meeting, str]]:
        """The round's dialogues for a calendar: a coordinator gets all (date, place, host), a member (``member_id``)
        its own and those it is invited to."""
        found = self._round(network_id, round_id)
        if member_id is None:
            self.networks.require_coordinator(network_id)
            self._require_offered(network_id)
            names = self._names(network_id)
            dialogues = self._dialogues(network_id, found.id)
            return [(_plan_only(d, topics=False), names.get(d.host_member_id or 0, "")) for d in dialogues]
        own = [(v.dialogue, v.host) for v in self.hosted(member_id, found.id)]
        guest = [(v.dialogue, v.host) for v in self.invitations(member_id) if v.dialogue.round_id == found.id]
        return sorted(own + guest, key=lambda x: (x[0].day, x[0].starts or time.min, x[0].id))


__all__ = ["DialogueView", "QualityDialogues"]
