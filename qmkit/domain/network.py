"""Networks that develop quality together: a Verbund (QESplus), a region (QMF) or a municipality (DKBM).

A network has member institutions (each of its own kind), coordinators, one shared catalog, rounds (a QMF round
of three years, a QESplus certification period) and agreements. Members join on a coordinator's invitation and
may leave; what a member contributes to a round is a copy of its ratings, nothing else (no texts, no names of
people). Plain data types and checks, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from qmkit.domain.text import clean_text, parse_day
from qmkit.errors import InputError
from qmkit.i18n import N_, _

DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3


class NetworkKind(StrEnum):
    VERBUND = "verbund"
    REGION = "region"
    KOMMUNE = "kommune"


NETWORK_KIND_LABELS = {
    NetworkKind.VERBUND: N_("Verbund"),
    NetworkKind.REGION: N_("Region"),
    NetworkKind.KOMMUNE: N_("Kommune"),
}


class MemberKind(StrEnum):
    TRAEGER = "traeger"
    JUGENDAMT = "jugendamt"
    VHS = "vhs"
    SCHULE = "schule"
    BERATUNG = "beratung"
    KITA = "kita"
    BILDUNGSBUERO = "bildungsbuero"
    SONSTIGE = "sonstige"


MEMBER_KIND_LABELS = {
    MemberKind.TRAEGER: N_("Träger"),
    MemberKind.JUGENDAMT: N_("Jugendamt"),
    MemberKind.VHS: N_("Volkshochschule"),
    MemberKind.SCHULE: N_("Schule"),
    MemberKind.BERATUNG: N_("Beratungsstelle"),
    MemberKind.KITA: N_("Kindertageseinrichtung"),
    MemberKind.BILDUNGSBUERO: N_("Bildungsbüro"),
    MemberKind.SONSTIGE: N_("sonstige Einrichtung"),
}


class MemberStatus(StrEnum):
    EINGELADEN = "eingeladen"
    MITGLIED = "mitglied"


@dataclass(frozen=True)
class Network:
    id: int
    name: str
    kind: NetworkKind
    catalog_id: str
    threshold: int = DEFAULT_THRESHOLD
    description: str = ""
    created_at: str = ""
    uid: str = ""  # names the network in exchanged files (the same on every member's laptop)
    copy: bool = False  # a member's copy made from an invitation file (the figures come as result files)


@dataclass(frozen=True)
class Member:
    """An institution in a network. ``institution_id`` is ``None`` for a member working on its own laptop (its
    contributions arrive as files); ``named``: the member agreed that its name may appear next to its values."""

    id: int
    network_id: int
    name: str
    kind: MemberKind
    status: MemberStatus
    institution_id: int | None = None
    named: bool = False
    key: str = ""
    invited_by: str = ""
    joined_at: str = ""

    @property
    def joined(self) -> bool:
        return self.status == MemberStatus.MITGLIED


@dataclass(frozen=True)
class Round:
    """A period the members compare: a QMF round of three years, a QESplus certification period, a year."""

    id: int
    network_id: int
    name: str
    starts: date | None = None
    ends: date | None = None


@dataclass(frozen=True)
class Agreement:
    id: int
    network_id: int
    text: str
    agreed_on: date | None
    changed_by: str = ""
    meeting_id: int | None = None  # the network meeting that agreed it
    due: date | None = None  # to be done by (the measure's due date when members adopt it)
    released_at: str = ""  # when it was released to the members' plans ('' = not yet)

    @property
    def released(self) -> bool:
        return bool(self.released_at)


@dataclass(frozen=True)
class Contribution:
    """A member's ratings for one round: requirement id → scale value (the stored copy, no texts)."""

    member_id: int
    round_id: int
    catalog_id: str
    catalog_version: str
    ratings: dict[str, str]
    progress: float  # share of the catalog's requirements rated, 0–100
    cycle_id: int | None = None
    source: str = ""  # "Zyklus …" on a shared server, "Datei …" for an imported contribution
    content_hash: str = ""
    submitted_at: str = ""


def _choice(value: Any, kind: type[StrEnum], field: str, message: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise InputError(message, field) from None


def check_network(values: dict[str, Any], catalog_ids: set[str]) -> dict[str, Any]:
    """A network's fields as they may be stored, or :class:`InputError` naming the field."""
    name = clean_text(values.get("name"), "name", limit=200, label=N_("Name des Netzwerks"))
    if not name:
        raise InputError(_("Bitte einen Namen für das Netzwerk eingeben."), "name")
    kind = _choice(values.get("kind"), NetworkKind, "kind", _("Bitte Verbund, Region oder Kommune wählen."))
    catalog_id = str(values.get("catalog_id") or "")
    if catalog_id not in catalog_ids:
        raise InputError(
            _("Den Katalog „{id}“ gibt es nicht. Bitte einen der vorhandenen Kataloge wählen.").format(id=catalog_id),
            "catalog_id",
        )
    return {
        "name": name,
        "kind": kind.value,
        "catalog_id": catalog_id,
        "threshold": check_threshold(values.get("threshold", DEFAULT_THRESHOLD)),
        "description": clean_text(
            values.get("description", ""), "description", limit=2000, label=N_("Beschreibung"), multiline=True
        ),
    }


def check_threshold(value: Any) -> int:
    """The smallest group whose figures are shown: default 5, never below 3 (a group of 2 reveals each other)."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(_("Die Mindestgruppe ist eine ganze Zahl (Standard 5)."), "threshold") from None
    if number < MIN_THRESHOLD:
        raise InputError(
            _(
                "Die Mindestgruppe ist mindestens {min}: bei weniger Mitgliedern ließe sich auf einzelne schließen."
            ).format(min=MIN_THRESHOLD),
            "threshold",
        )
    if number > 1000:
        raise InputError(_("Die Mindestgruppe ist höchstens 1000."), "threshold")
    return number


def check_member(values: dict[str, Any]) -> dict[str, Any]:
    name = clean_text(values.get("name"), "name", limit=200, label=N_("Name der Einrichtung"))
    if not name:
        raise InputError(_("Bitte den Namen der Einrichtung eingeben."), "name")
    kind = _choice(
        values.get("kind", MemberKind.TRAEGER), MemberKind, "kind", _("Bitte die Art der Einrichtung wählen.")
    )
    return {"name": name, "kind": kind.value}


def check_round(values: dict[str, Any]) -> dict[str, Any]:
    name = clean_text(values.get("name"), "name", limit=100, label=N_("Name der Runde"))
    if not name:
        raise InputError(_("Bitte einen Namen für die Runde eingeben, z. B. „Runde 2025–2027“."), "name")
    starts = parse_day(values.get("starts"), "starts", N_("Beginn"))
    ends = parse_day(values.get("ends"), "ends", N_("Ende"))
    if starts and ends and ends < starts:
        raise InputError(_("Das Ende der Runde liegt vor ihrem Beginn."), "ends")
    return {"name": name, "starts": starts, "ends": ends}


def check_agreement(values: dict[str, Any]) -> dict[str, Any]:
    text = clean_text(values.get("text"), "text", limit=4000, label=N_("Vereinbarung"), multiline=True)
    if not text:
        raise InputError(_("Bitte den Text der Vereinbarung eingeben."), "text")
    return {"text": text, "agreed_on": parse_day(values.get("agreed_on"), "agreed_on", N_("vereinbart am"))}
