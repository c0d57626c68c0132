"""Network meetings: the year plan with rotating hosts, a meeting's fields, its participants, and what a member
decides about an agreement released to all members (übernehmen, anpassen, ablehnen).

QESplus partners meet quarterly, each time at another partner's house; between the meetings everyone works at
home. The year plan proposes a date in the middle month of each period (the n-th weekday) and hosts in turn:
who hosted least recently (or never) comes first, ties by name. Plain data types and checks, no I/O.
"""

from __future__ import annotations

from calendar import Calendar
from dataclasses import dataclass, field
from datetime import date, time
from enum import IntEnum, StrEnum
from typing import Any

from qmkit.domain.text import clean_text, parse_day
from qmkit.errors import InputError
from qmkit.i18n import N_, _

MAX_PARTICIPANTS = 200
TITLE_LIMIT = 200  # as a measure's title


class Rhythm(IntEnum):
    """How often the network meets: the number of months between two meetings."""

    MONATLICH = 1
    ZWEIMONATLICH = 2
    QUARTALSWEISE = 3
    HALBJAEHRLICH = 6


RHYTHM_LABELS = {
    Rhythm.QUARTALSWEISE: N_("vierteljährlich (Standard in QESplus)"),
    Rhythm.MONATLICH: N_("monatlich"),
    Rhythm.ZWEIMONATLICH: N_("alle zwei Monate"),
    Rhythm.HALBJAEHRLICH: N_("halbjährlich"),
}

WEEKDAY_LABELS = (
    N_("Montag"),
    N_("Dienstag"),
    N_("Mittwoch"),
    N_("Donnerstag"),
    N_("Freitag"),
)


class MeetingKind(StrEnum):
    """A network meeting, or a member's quality dialogue within a round (QMF: every member hosts one per round)."""

    TREFFEN = "treffen"
    QUALITAETSDIALOG = "qualitaetsdialog"


class MeetingStatus(StrEnum):
    GEPLANT = "geplant"
    STATTGEFUNDEN = "stattgefunden"
    ABGESAGT = "abgesagt"


MEETING_STATUS_LABELS = {
    MeetingStatus.GEPLANT: N_("geplant"),
    MeetingStatus.STATTGEFUNDEN: N_("stattgefunden"),
    MeetingStatus.ABGESAGT: N_("abgesagt"),
}


class AdoptionStatus(StrEnum):
    """What a member made of an agreement released to all members."""

    OFFEN = "offen"
    UEBERNOMMEN = "uebernommen"
    ANGEPASST = "angepasst"
    ABGELEHNT = "abgelehnt"


ADOPTION_LABELS = {
    AdoptionStatus.OFFEN: N_("offen"),
    AdoptionStatus.UEBERNOMMEN: N_("übernommen"),
    AdoptionStatus.ANGEPASST: N_("angepasst übernommen"),
    AdoptionStatus.ABGELEHNT: N_("abgelehnt"),
}
DECIDED = (AdoptionStatus.UEBERNOMMEN, AdoptionStatus.ANGEPASST)  # a measure exists


@dataclass(frozen=True)
class Participant:
    """Who took part (or, ``invited``, who is invited): a member institution (``member_id``) and/or a person's
    name (guests, speakers)."""

    member_id: int | None
    name: str = ""
    invited: bool = False


@dataclass(frozen=True)
class Meeting:
    id: int
    network_id: int
    day: date
    title: str
    starts: time | None = None
    ends: time | None = None
    place: str = ""
    host_member_id: int | None = None
    agenda: str = ""
    minutes: str = ""
    status: MeetingStatus = MeetingStatus.GEPLANT
    uid: str = ""
    revision: int = 0
    participants: tuple[Participant, ...] = ()
    changed_by: str = ""
    changed_at: str = ""
    kind: MeetingKind = MeetingKind.TREFFEN
    round_id: int | None = None  # a quality dialogue's round
    invited: tuple[Participant, ...] = ()  # invited to a quality dialogue (``participants``: who took part)

    @property
    def year(self) -> int:
        return self.day.year


@dataclass(frozen=True)
class Adoption:
    """A member's decision about a released agreement (``measure_id``: the measure in its plan)."""

    agreement_id: int
    member_id: int
    status: AdoptionStatus = AdoptionStatus.OFFEN
    measure_id: int | None = None
    cycle_id: int | None = None
    reason: str = ""
    changed_by: str = ""
    changed_at: str = ""


@dataclass(frozen=True)
class Proposal:
    """One meeting of a proposed year plan."""

    day: date
    title: str
    host_member_id: int | None
    host_name: str = ""


@dataclass(frozen=True)
class Tally:
    """How the members decided about one agreement (numbers; who decided what is the coordinator's view)."""

    counts: dict[AdoptionStatus, int] = field(default_factory=dict)
    reasons: int = 0  # how many gave a reason for declining (the reasons stay with the members)

    def get(self, status: AdoptionStatus) -> int:
        return self.counts.get(status, 0)


def tally(adoptions: list[Adoption]) -> Tally:
    counts = {s: sum(1 for a in adoptions if a.status == s) for s in AdoptionStatus}
    reasons = sum(1 for a in adoptions if a.status == AdoptionStatus.ABGELEHNT and a.reason)
    return Tally(counts, reasons)


# ---------------------------------------------------------------------- the year plan


def _number(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def meeting_days(year: int, rhythm: Rhythm = Rhythm.QUARTALSWEISE, weekday: Any = 2, week: Any = 2) -> list[date]:
    """One day per period of ``rhythm`` months: the ``week``-th ``weekday`` (0 = Monday) of the middle month."""
    weekday, week = _number(weekday), _number(week)
    if weekday is None or not 0 <= weekday <= 4:
        raise InputError(_("Bitte einen Wochentag von Montag bis Freitag wählen."), "weekday")
    if week is None or not 1 <= week <= 4:
        raise InputError(_("Bitte die 1. bis 4. Woche des Monats wählen."), "week")
    days = []
    for first in range(1, 13, int(rhythm)):
        month = first + int(rhythm) // 2 if int(rhythm) > 1 else first
        matching = [d for d in Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
        days.append(matching[week - 1])
    return days


def host_order(members: dict[int, str], last_hosted: dict[int, date]) -> list[int]:
    """Member ids in the order they host next: never hosted first, then who hosted longest ago; ties by name."""
    return sorted(members, key=lambda m: (last_hosted.get(m, date.min), members[m].casefold(), m))


def propose_year(
    year: int,
    members: dict[int, str],
    last_hosted: dict[int, date],
    rhythm: Rhythm = Rhythm.QUARTALSWEISE,
    weekday: Any = 2,
    week: Any = 2,
) -> list[Proposal]:
    """The meetings of ``year`` with hosts in turn (``members``: joined member id → name)."""
    order = host_order(members, last_hosted)
    days = meeting_days(year, rhythm, weekday, week)
    plan = []
    for i, day in enumerate(days):
        host = order[i % len(order)] if order else None
        title = _("{n}. Netzwerktreffen {year}").format(n=i + 1, year=year)
        plan.append(Proposal(day, title, host, members.get(host, "") if host is not None else ""))
    return plan


def check_rhythm(value: Any) -> Rhythm:
    try:
        return Rhythm(int(value))
    except (TypeError, ValueError):
        raise InputError(_("Bitte einen Rhythmus wählen."), "rhythm") from None


def check_year(value: Any) -> int:
    try:
        year = int(str(value).strip())
    except ValueError:
        raise InputError(_("Bitte ein Jahr wie 2027 eingeben."), "year") from None
    if not 2000 <= year <= 2100:
        raise InputError(_("Bitte ein Jahr zwischen 2000 und 2100 eingeben."), "year")
    return year


# ---------------------------------------------------------------------- a meeting


def parse_clock(value: Any, name: str, label: str) -> time | None:
    """A time of day from a ``time`` or a text like '9:30', '09:30' or '14'; empty is ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    text = str(value).strip().replace(".", ":")
    try:
        hours, _sep, minutes = text.partition(":")
        return time(int(hours), int(minutes or 0))
    except ValueError:
        raise InputError(_("{label}: bitte eine Uhrzeit wie 9:30 eingeben.").format(label=_(label)), name) from None


def check_meeting(values: dict[str, Any], member_ids: set[int], today: date) -> dict[str, Any]:
    """A meeting's fields as they may be stored, or :class:`InputError` naming the field.

    ``member_ids``: the joined members (who may host); ``today``: a meeting in the future has not taken place.
    """
    title = clean_text(values.get("title"), "title", limit=TITLE_LIMIT, label=N_("Titel"))
    if not title:
        raise InputError(_("Bitte einen Titel für das Treffen eingeben."), "title")
    day = parse_day(values.get("day"), "day", N_("Datum"))
    if day is None:
        raise InputError(_("Bitte das Datum des Treffens eingeben."), "day")
    starts = parse_clock(values.get("starts"), "starts", N_("Beginn"))
    ends = parse_clock(values.get("ends"), "ends", N_("Ende"))
    if starts and ends and ends <= starts:
        raise InputError(_("Das Treffen endet vor seinem Beginn. Bitte die Uhrzeiten prüfen."), "ends")
    if ends and not starts:
        raise InputError(_("Bitte auch den Beginn eingeben."), "starts")
    raw = values.get("host_member_id")
    host = _number(raw) if raw not in (None, "") else None
    if raw not in (None, "") and (host is None or host not in member_ids):
        raise InputError(_("Gastgeber kann nur ein Mitglied des Netzwerks sein."), "host_member_id")
    try:
        status = MeetingStatus(values.get("status") or MeetingStatus.GEPLANT)
    except ValueError:
        raise InputError(_("Unbekannter Status."), "status") from None
    if status == MeetingStatus.STATTGEFUNDEN and day > today:
        raise InputError(_("Ein Treffen in der Zukunft kann noch nicht stattgefunden haben."), "status")
    return {
        "title": title,
        "day": day,
        "starts": starts,
        "ends": ends,
        "place": clean_text(values.get("place", ""), "place", limit=300, label=N_("Ort")),
        "host_member_id": host,
        "agenda": clean_text(values.get("agenda", ""), "agenda", limit=8000, label=N_("Tagesordnung"), multiline=True),
        "minutes": clean_text(values.get("minutes", ""), "minutes", limit=20000, label=N_("Protokoll"), multiline=True),
        "status": status.value,
    }


def check_participants(member_ids: Any, names: Any, joined: set[int], invited: bool = False) -> list[Participant]:
    """Participating (or ``invited``) members (ids of joined members) and persons (one name per line), no doubles."""
    chosen = []
    for raw in member_ids or ():
        member = _number(raw)
        if member is None or member not in joined:
            raise InputError(_("Teilnehmen können nur Mitglieder des Netzwerks."), "participants")
        if member not in chosen:
            chosen.append(member)
    text = clean_text(names, "participants", limit=8000, label=N_("Teilnehmende"), multiline=True)
    people: list[str] = []
    for line in text.splitlines():
        name = clean_text(line, "participants", limit=200, label=N_("Name"))
        if name and name.casefold() not in {p.casefold() for p in people}:
            people.append(name)
    if len(chosen) + len(people) > MAX_PARTICIPANTS:
        raise InputError(_("Höchstens {n} Teilnehmende je Treffen.").format(n=MAX_PARTICIPANTS), "participants")
    return [Participant(m, "", invited) for m in chosen] + [Participant(None, p, invited) for p in people]


# ---------------------------------------------------------------------- agreements and adoptions


def check_meeting_agreement(values: dict[str, Any], meeting_day: date) -> dict[str, Any]:
    """An agreement made at a meeting: text, agreed on (the meeting's day unless given), to be done by."""
    text = clean_text(values.get("text"), "text", limit=4000, label=N_("Vereinbarung"), multiline=True)
    if not text:
        raise InputError(_("Bitte den Text der Vereinbarung eingeben."), "text")
    agreed_on = parse_day(values.get("agreed_on"), "agreed_on", N_("vereinbart am")) or meeting_day
    due = parse_day(values.get("due"), "due", N_("umsetzen bis"))
    if due is not None and due < agreed_on:
        raise InputError(_("„Umsetzen bis“ liegt vor dem Tag der Vereinbarung."), "due")
    return {"text": text, "agreed_on": agreed_on, "due": due}


def measure_title(text: str, dialogue: bool = False) -> str:
    """The title a measure from an agreement (of a quality dialogue) gets: its first line, shortened to fit."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    title = (_("Qualitätsdialog: {text}") if dialogue else _("Netzwerk: {text}")).format(text=first)
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1].rstrip() + "…"


def measure_description(network: str, text: str, agreed_on: date | None, dialogue: bool = False) -> str:
    day = agreed_on.strftime("%d.%m.%Y") if agreed_on else ""
    head = (
        _("Vereinbarung aus dem Qualitätsdialog (Netzwerk „{network}“) vom {day}:")
        if dialogue
        else _("Vereinbarung des Netzwerks „{network}“ vom {day}:")
    ).format(network=network, day=day)
    return (head + "\n" + text)[:4000]


def check_decline(reason: Any) -> str:
    """Declining an agreement needs a reason (it stays with the member; the coordinator sees only a count)."""
    text = clean_text(reason, "reason", limit=2000, label=N_("Begründung"), multiline=True)
    if not text:
        raise InputError(_("Bitte kurz begründen, warum Sie die Vereinbarung nicht übernehmen."), "reason")
    return text
