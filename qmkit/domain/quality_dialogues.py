"""Quality dialogues per round (QMF): every provider (Träger) and every youth office (Jugendamt) of the region hosts
one quality dialogue within each three-year round. Where they are offered, a dialogue's fields, and the overview of a
round – per member "noch nicht geplant", "geplant" or "durchgeführt", grouped by the kind of member, and who is
overdue as the round's end nears. Plain data types and checks, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from qmkit.domain.network import MEMBER_KIND_LABELS, Member, MemberKind, NetworkKind, Round
from qmkit.domain.network_meetings import Meeting, MeetingStatus, check_meeting
from qmkit.errors import InputError
from qmkit.i18n import N_, _

WARN_DAYS = 183  # half a year before the round ends, a member without a date is overdue
DIALOGUE_STEP = "qualitaetsdialog"  # a catalog whose procedure has a step or deadline of this id asks for dialogues
KIND_ORDER = (MemberKind.TRAEGER, MemberKind.JUGENDAMT)  # the two kinds QMF names first, then the others


class DialogueState(StrEnum):
    NICHT_GEPLANT = "nicht_geplant"
    GEPLANT = "geplant"
    DURCHGEFUEHRT = "durchgefuehrt"


STATE_LABELS = {
    DialogueState.NICHT_GEPLANT: N_("noch nicht geplant"),
    DialogueState.GEPLANT: N_("geplant"),
    DialogueState.DURCHGEFUEHRT: N_("durchgeführt"),
}


def dialogues_offered(kind: NetworkKind, procedure_ids: Iterable[str]) -> bool:
    """Quality dialogues belong to a region (QMF); a Verbund or a municipality gets them only when its catalog's
    procedure asks for one (a step or deadline whose id starts with ``qualitaetsdialog``)."""
    return kind == NetworkKind.REGION or any(i.startswith(DIALOGUE_STEP) for i in procedure_ids)


@dataclass(frozen=True)
class HostState:
    """One member in the round's overview: its state, the dialogue that decides it, whether it is overdue and
    why (``note``: empty when all is well)."""

    member_id: int
    name: str
    kind: MemberKind
    state: DialogueState
    dialogue: Meeting | None = None
    overdue: bool = False
    note: str = ""


@dataclass(frozen=True)
class RoundOverview:
    round: Round
    rows: tuple[HostState, ...]
    today: date
    counts: dict[MemberKind, dict[DialogueState, int]] = field(default_factory=dict)

    @property
    def overdue(self) -> list[HostState]:
        return [r for r in self.rows if r.overdue]

    def total(self, state: DialogueState) -> int:
        return sum(1 for r in self.rows if r.state == state)

    def kinds(self) -> list[MemberKind]:
        """The kinds of member in this round, providers and youth offices first."""
        present = {r.kind for r in self.rows}
        return [k for k in KIND_ORDER if k in present] + sorted(present - set(KIND_ORDER), key=str)


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def host_state(member: Member, dialogues: list[Meeting], round_: Round, today: date) -> HostState:
    """The member's state in the round from its dialogues there (a cancelled one does not count)."""
    mine = [d for d in dialogues if d.host_member_id == member.id and d.status != MeetingStatus.ABGESAGT]
    held = [d for d in mine if d.status == MeetingStatus.STATTGEFUNDEN]
    ends = round_.ends
    if held:
        dialogue = held[0]
        note = _("nach dem Ende der Runde") if ends is not None and dialogue.day > ends else ""
        return HostState(member.id, member.name, member.kind, DialogueState.DURCHGEFUEHRT, dialogue, False, note)
    if mine:
        dialogue = mine[0]
        if ends is not None and dialogue.day > ends:
            note, overdue = _("Termin liegt nach dem Ende der Runde ({end})").format(end=_day(ends)), True
        elif dialogue.day < today:
            note = _("Termin vorbei – noch nicht als durchgeführt erfasst")
            overdue = ends is not None and ends < today
        else:
            note, overdue = "", False
        return HostState(member.id, member.name, member.kind, DialogueState.GEPLANT, dialogue, overdue, note)
    if ends is None:
        return HostState(member.id, member.name, member.kind, DialogueState.NICHT_GEPLANT)
    left = (ends - today).days
    if left < 0:
        note, overdue = _("Runde am {end} beendet – kein Qualitätsdialog"), True
    elif left < WARN_DAYS:
        note, overdue = _("Runde endet am {end} – noch kein Termin"), True
    else:
        note, overdue = "", False
    return HostState(member.id, member.name, member.kind, DialogueState.NICHT_GEPLANT, None, overdue,
                     note.format(end=_day(ends)))  # fmt: skip


def round_overview(round_: Round, members: list[Member], dialogues: list[Meeting], today: date) -> RoundOverview:
    """Every joined member's state in the round, by kind (providers, youth offices first) and name."""
    joined = [m for m in members if m.joined]
    rows = [host_state(m, dialogues, round_, today) for m in joined]
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    rows.sort(key=lambda r: (order.get(r.kind, len(order)), str(r.kind), r.name.casefold()))
    counts: dict[MemberKind, dict[DialogueState, int]] = {}
    for r in rows:
        per_kind = counts.setdefault(r.kind, {s: 0 for s in DialogueState})
        per_kind[r.state] += 1
    return RoundOverview(round_, tuple(rows), today, counts)


PLURALS = {
    MemberKind.TRAEGER: N_("Träger"),
    MemberKind.JUGENDAMT: N_("Jugendämter"),
    MemberKind.VHS: N_("Volkshochschulen"),
    MemberKind.SCHULE: N_("Schulen"),
    MemberKind.BERATUNG: N_("Beratungsstellen"),
    MemberKind.KITA: N_("Kindertageseinrichtungen"),
    MemberKind.BILDUNGSBUERO: N_("Bildungsbüros"),
    MemberKind.SONSTIGE: N_("sonstige Einrichtungen"),
}


def kind_label(kind: MemberKind, count: int = 2) -> str:
    """The kind of member for the overview's headings: "Träger", "Jugendämter" (one: "Jugendamt")."""
    return _(PLURALS[kind]) if count != 1 else _(MEMBER_KIND_LABELS[kind])


def default_title(host: str) -> str:
    return _("Qualitätsdialog {host}").format(host=host)[:200]


def check_dialogue(values: dict[str, Any], round_: Round, host: Member, today: date) -> dict[str, Any]:
    """A dialogue's fields as they may be stored (the meeting's checks, the host fixed, the day in the round)."""
    fields = {**values, "title": values.get("title") or default_title(host.name), "host_member_id": host.id}
    clean = check_meeting(fields, {host.id}, today)
    if round_.starts is not None and clean["day"] < round_.starts:
        raise InputError(
            _("Der Termin liegt vor dem Beginn der Runde „{round}“ ({day}).").format(
                round=round_.name, day=_day(round_.starts)
            ),
            "day",
        )
    return {**clean, "round_id": round_.id}
