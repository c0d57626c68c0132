"""Collegial inspections (kollegiale Begehung) in a network round: focus topics, inspections, findings, agreements.

The region sets focus topics for a round (e.g. "Beteiligung von Kindern"), each with a few checkable questions.
An inspection: a host institution, a peer team from other member institutions, a day, an agenda, documents of the
host's evidence register to look at on site; per topic and question what the peers saw, strengths and suggestions;
the host's statement; agreements that become measures in the host's plan; at the next round the follow-up of the
last inspection's agreements. No case data: the forms ask for what was seen in structures, not about children or
families. Pure types and checks; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from qmkit.domain.text import clean_name, clean_text, parse_day
from qmkit.errors import InputError
from qmkit.i18n import N_, _

MAX_QUESTIONS = 12
MAX_PEERS = 8
MAX_DOCUMENTS = 60
FINDING_FIELDS = ("seen", "strengths", "suggestions")
FINDING_LABELS = {
    "seen": N_("Was wir gesehen haben"),
    "strengths": N_("Stärken"),
    "suggestions": N_("Anregungen"),
}


class InspectionStatus(StrEnum):
    GEPLANT = "geplant"
    DURCHGEFUEHRT = "durchgefuehrt"
    ABGESCHLOSSEN = "abgeschlossen"  # the report is agreed, with the host's statement


STATUS_LABELS = {
    InspectionStatus.GEPLANT: N_("geplant"),
    InspectionStatus.DURCHGEFUEHRT: N_("durchgeführt"),
    InspectionStatus.ABGESCHLOSSEN: N_("Bericht abgeschlossen"),
}


@dataclass(frozen=True)
class FocusTopic:
    id: int
    network_id: int
    round_id: int
    title: str
    questions: tuple[str, ...]
    position: int = 0


@dataclass(frozen=True)
class Inspection:
    id: int
    network_id: int
    round_id: int
    host_member_id: int
    day: date
    place: str = ""
    agenda: str = ""
    peers: tuple[int, ...] = ()  # member ids of the peer team's institutions
    peer_names: tuple[str, ...] = ()  # the persons of the peer team
    documents: tuple[int, ...] = ()  # evidence register entries of the host to look at on site
    status: InspectionStatus = InspectionStatus.GEPLANT
    statement: str = ""  # the host's statement on the report
    changed_by: str = ""
    changed_at: str = ""


@dataclass(frozen=True)
class Finding:
    inspection_id: int
    topic_id: int
    question: int  # index into the topic's questions
    seen: str = ""
    strengths: str = ""
    suggestions: str = ""
    changed_by: str = ""

    @property
    def empty(self) -> bool:
        return not (self.seen or self.strengths or self.suggestions)


@dataclass(frozen=True)
class InspectionAgreement:
    id: int
    inspection_id: int
    text: str
    responsible: str
    due: date | None
    cycle_id: int | None = None
    measure_id: int | None = None


def check_topic(values: dict[str, Any]) -> dict[str, Any]:
    """A focus topic: a title and 1 to 12 checkable questions (one per line, or a list)."""
    title = clean_name(values.get("title"), "title", limit=200, label=N_("Schwerpunktthema"))
    if not title:
        raise InputError(_("Bitte das Schwerpunktthema benennen (z. B. „Beteiligung von Kindern“)."), "title")
    raw = values.get("questions") or ""
    lines = raw.splitlines() if isinstance(raw, str) else [str(q) for q in raw]
    questions: list[str] = []
    for line in lines:
        question = clean_text(line, "questions", limit=300, label=N_("Prüffrage"))
        if question and question not in questions:
            questions.append(question)
    if not questions:
        raise InputError(_("Bitte mindestens eine Prüffrage eingeben (eine je Zeile)."), "questions")
    if len(questions) > MAX_QUESTIONS:
        raise InputError(_("Höchstens {n} Prüffragen je Thema.").format(n=MAX_QUESTIONS), "questions")
    return {"title": title, "questions": questions}


def _ids(raw: Any, field: str, allowed: set[int], message: str) -> list[int]:
    found: list[int] = []
    for value in raw or ():
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise InputError(message, field) from None
        if number not in allowed:
            raise InputError(message, field)
        if number not in found:
            found.append(number)
    return found


def check_inspection(values: dict[str, Any], joined: set[int], host_documents: set[int]) -> dict[str, Any]:
    """An inspection's fields: host and peers among the joined members (a host never inspects itself)."""
    try:
        host = int(values.get("host_member_id") or 0)
    except (TypeError, ValueError):
        host = 0
    if host not in joined:
        raise InputError(_("Gastgebend kann nur ein Mitglied des Netzwerks sein."), "host_member_id")
    day = parse_day(values.get("day"), "day", N_("Datum"))
    if day is None:
        raise InputError(_("Bitte das Datum der Begehung eingeben."), "day")
    not_peer = _("Zum Begehungsteam gehören Mitglieder des Netzwerks, nicht die gastgebende Einrichtung.")
    peers = _ids(values.get("peers"), "peers", joined - {host}, not_peer)
    if len(peers) > MAX_PEERS:
        raise InputError(_("Höchstens {n} Einrichtungen im Begehungsteam.").format(n=MAX_PEERS), "peers")
    names = clean_text(values.get("peer_names", ""), "peer_names", limit=2000, label=N_("Personen"), multiline=True)
    people = [clean_name(n, "peer_names", limit=200, label=N_("Name")) for n in names.splitlines() if n.strip()]
    not_host = _("Vor Ort ansehen lassen sich nur Dokumente aus dem Nachweisregister der gastgebenden Einrichtung.")
    documents = _ids(values.get("documents"), "documents", host_documents, not_host)
    if len(documents) > MAX_DOCUMENTS:
        raise InputError(_("Höchstens {n} Dokumente je Begehung.").format(n=MAX_DOCUMENTS), "documents")
    try:
        status = InspectionStatus(values.get("status") or InspectionStatus.GEPLANT)
    except ValueError:
        raise InputError(_("Unbekannter Status."), "status") from None
    return {
        "host_member_id": host,
        "day": day,
        "place": clean_text(values.get("place", ""), "place", limit=300, label=N_("Ort")),
        "agenda": clean_text(values.get("agenda", ""), "agenda", limit=8000, label=N_("Ablauf"), multiline=True),
        "peers": peers,
        "peer_names": people,
        "documents": documents,
        "status": status.value,
    }


def check_finding(field: str, value: Any) -> str:
    if field not in FINDING_FIELDS:
        raise InputError(_("Unbekanntes Feld."), field)
    return clean_text(value, field, limit=6000, label=FINDING_LABELS[field], multiline=True)


def check_statement(value: Any) -> str:
    return clean_text(value, "statement", limit=12000, label=N_("Stellungnahme"), multiline=True)


def check_inspection_agreement(values: dict[str, Any], day: date) -> dict[str, Any]:
    text = clean_text(values.get("text"), "text", limit=4000, label=N_("Vereinbarung"), multiline=True)
    if not text:
        raise InputError(_("Bitte den Text der Vereinbarung eingeben."), "text")
    responsible = clean_name(values.get("responsible"), "responsible", limit=200, label=N_("Verantwortlich"))
    if not responsible:
        raise InputError(_("Jede Vereinbarung braucht eine verantwortliche Person."), "responsible")
    due = parse_day(values.get("due"), "due", N_("umsetzen bis"))
    if due is not None and due < day:
        raise InputError(_("„Umsetzen bis“ liegt vor dem Tag der Begehung."), "due")
    return {"text": text, "responsible": responsible, "due": due}


def agreement_measure(agreement: InspectionAgreement, day: date) -> dict[str, Any]:
    """The measure an agreement becomes in the host's plan."""
    first = agreement.text.strip().splitlines()[0]
    title = _("Begehung: {text}").format(text=first)
    title = title if len(title) <= 200 else title[:199].rstrip() + "…"
    head = _("Vereinbarung der kollegialen Begehung vom {day}:").format(day=day.strftime("%d.%m.%Y"))
    return {
        "title": title,
        "description": (head + "\n" + agreement.text)[:4000],
        "responsible": agreement.responsible,
        "due": agreement.due,
    }


@dataclass(frozen=True)
class OnSiteDocument:
    """A document of the host's register to look at on site (title and where to find it; never the file)."""

    title: str
    kind: str
    version: str = ""
    on_site_only: bool = False
    location: str = ""


@dataclass(frozen=True)
class FollowUp:
    """An agreement of the host's previous inspection and what became of it."""

    day: date
    text: str
    responsible: str
    due: date | None
    measure: str  # the measure's title, or "" when it never went into the plan
    status: str  # the measure's status label, or "nicht in den Plan übernommen"


@dataclass(frozen=True)
class InspectionFile:
    """Everything the inspection report and the empty sheet show, names already resolved."""

    inspection: Inspection
    network: str
    round: str
    host: str
    peers: tuple[str, ...]  # the peer team's institutions
    topics: tuple[FocusTopic, ...]
    findings: tuple[Finding, ...]
    documents: tuple[OnSiteDocument, ...]
    agreements: tuple[tuple[InspectionAgreement, str], ...]  # with the measure's status label ("" = not planned)
    follow_up: tuple[FollowUp, ...] = ()

    def finding(self, topic_id: int, question: int) -> Finding:
        for found in self.findings:
            if found.topic_id == topic_id and found.question == question:
                return found
        return Finding(self.inspection.id, topic_id, question)
