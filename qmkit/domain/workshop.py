"""Workshop data: staff rate alone, the group agrees a consensus (the CAF method).

Plain frozen dataclasses, the tokens that guard a workshop, and the aggregation the facilitator's live view
shows (count, distribution, median, spread, disagreement) with an anonymity threshold. No widgets.
"""

from __future__ import annotations

import hmac
import secrets
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from qmkit.domain.catalog import Catalog
from qmkit.domain.model import day_text
from qmkit.domain.planning import parse_date
from qmkit.domain.text import clean_name, clean_text
from qmkit.errors import InputError
from qmkit.i18n import N_, _

CANNOT_JUDGE = "kann_nicht"  # "kann ich nicht beurteilen": an answer, not a rating
DEFAULT_THRESHOLD = 3
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
ROLE_GROUPS = (N_("Leitung"), N_("Pädagogische Mitarbeitende"), N_("Verwaltung"), N_("Honorarkräfte"), N_("Andere"))
OPEN_DAYS = 7  # participants answer until a week after the workshop's day (as long as the browser keeps its key)
MAX_PARTICIPANTS = 1000  # per workshop: far above a real room, a wall against a script joining endlessly


def new_token() -> str:
    """A random token for a join or facilitator link (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def new_join_code() -> str:
    """A short code to type on a phone (6 characters, no look-alike characters)."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


def valid_key(key: Any) -> bool:
    """Whether ``key`` looks like a participant key (22–64 URL-safe characters), as a browser may bring it."""
    return isinstance(key, str) and 22 <= len(key) <= 64 and set(key) <= _KEY_CHARS


def same_token(given: Any, expected: str) -> bool:
    """Compare a token from an address in constant time; anything but a string is no match."""
    return isinstance(given, str) and len(given) < 200 and hmac.compare_digest(given.encode(), expected.encode())


@dataclass(frozen=True)
class Workshop:
    """A rating workshop of a cycle on selected requirements."""

    id: int
    cycle_id: int
    title: str
    held_on: date
    requirement_ids: tuple[str, ...]
    token: str
    facilitator_token: str
    join_code: str
    named: bool = False
    threshold: int = DEFAULT_THRESHOLD
    created_at: str = ""

    @property
    def source(self) -> str:
        """How a consensus rating names where it came from."""
        return _("Workshop {title}, {day}").format(title=self.title, day=day_text(self.held_on))

    @property
    def author(self) -> str:
        """Who changed a rating taken from the workshop (the form shows the day and time of the change beside it,
        so the workshop's day would say the date twice)."""
        return _("Workshop „{title}“").format(title=self.title)


@dataclass(frozen=True)
class Participant:
    """One person (or device) in a workshop; ``key`` lets the same person continue after reconnecting."""

    id: int
    workshop_id: int
    key: str
    display_name: str = ""
    role_group: str = ""


@dataclass(frozen=True)
class WorkshopRating:
    participant_id: int
    requirement_id: str
    value: str
    comment: str = ""
    role_group: str = ""


@dataclass(frozen=True)
class Consensus:
    """The group's agreed rating for a requirement, with the reason and any dissent."""

    workshop_id: int
    requirement_id: str
    rating: str
    reason: str = ""
    dissent: str = ""
    decided_by: str = ""
    decided_at: str = ""


@dataclass(frozen=True)
class RequirementStats:
    """What the live view shows for one requirement; ``counts`` is empty while below the threshold."""

    requirement_id: str
    answers: int
    rated: int
    cannot_judge: int
    counts: dict[str, int] = field(default_factory=dict)
    median: str | None = None
    spread: int | None = None
    disagreement: bool = False
    by_role: dict[str, dict[str, int]] = field(default_factory=dict)
    shown: bool = False


def closed_reason(workshop: Workshop, today: date, decided: set[str]) -> str | None:
    """Why participants can no longer answer (a German sentence), or None while the workshop is open.

    A workshop ends a week after its day, or as soon as the group has agreed on every requirement (``decided``:
    the requirements with a consensus) – later answers would only blur what the group decided.
    """
    if today > workshop.held_on + timedelta(days=OPEN_DAYS):
        return _("Dieser Workshop ist beendet (er war am {day}). Sie können nicht mehr antworten.").format(
            day=day_text(workshop.held_on)
        )
    if workshop.requirement_ids and set(workshop.requirement_ids) <= decided:
        return _("Dieser Workshop ist beendet: Die Gruppe hat sich zu allen Punkten geeinigt. Danke fürs Mitmachen!")
    return None


def check_role(role_group: Any) -> str:
    """A role group as chosen from the list (or none); anything else is refused."""
    if role_group in (None, ""):
        return ""
    if role_group not in {_(r) for r in ROLE_GROUPS}:
        raise InputError(_("Bitte eine Rollengruppe aus der Liste wählen."), "role_group")
    return str(role_group)


def check_workshop(values: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """The workshop's fields as they may be stored, or :class:`InputError` naming the field."""
    title = clean_name(values.get("title", ""), "title", limit=200, label=N_("Titel"))
    if not title:
        raise InputError(_("Bitte einen Titel für den Workshop eingeben."), "title")
    held_on = parse_date(values.get("held_on"), "held_on") or date.today()
    known = [r.id for r in catalog.requirements()]
    chosen = list(dict.fromkeys(values.get("requirement_ids") or ()))
    if not chosen:
        raise InputError(_("Bitte mindestens eine Anforderung für den Workshop auswählen."), "requirement_ids")
    unknown = [r for r in chosen if r not in known]
    if unknown:
        raise InputError(
            _("Diese Anforderungen gibt es im Katalog nicht: {ids}").format(ids=", ".join(map(str, unknown[:5]))),
            "requirement_ids",
        )
    try:
        threshold = int(values.get("threshold", DEFAULT_THRESHOLD))
    except (TypeError, ValueError):
        raise InputError(_("Die Anonymitätsschwelle muss eine ganze Zahl sein."), "threshold") from None
    if not 1 <= threshold <= 50:
        raise InputError(_("Die Anonymitätsschwelle muss zwischen 1 und 50 liegen."), "threshold")
    return {
        "title": title,
        "held_on": held_on,
        "requirement_ids": tuple(r for r in known if r in chosen),
        "named": bool(values.get("named", False)),
        "threshold": threshold,
    }


def check_answer(catalog: Catalog, requirement_id: str, value: Any, comment: Any) -> tuple[str, str]:
    """A participant's answer (a value of the requirement's scale or "cannot judge") and a short comment."""
    req = next((r for r in catalog.requirements() if r.id == requirement_id), None)
    if req is None:
        raise InputError(_("Diese Anforderung gehört nicht zum Workshop."), "requirement_id")
    allowed = {v.value for v in catalog.scale_for(req)} | {CANNOT_JUDGE}
    if value not in allowed:
        raise InputError(_("Bitte einen Wert der Skala wählen."), "value")
    return str(value), clean_text(comment, "comment", limit=500, label=N_("Kommentar"), multiline=True)


def aggregate(
    catalog: Catalog,
    workshop: Workshop,
    ratings: list[WorkshopRating],
    dots: dict[str, dict[str, int]] | None = None,
) -> list[RequirementStats]:
    """Per selected requirement: answers, distribution, median and spread over the scale order.

    The distribution (and median, spread, role breakdown) is only shown from ``workshop.threshold`` ratings
    on; the role breakdown only when every role group shown has at least that many. Dot counts from a room
    without devices (facilitator-only mode) count like ratings without a role.
    """
    ordered = [v.value for v in catalog.scale.values if not v.not_applicable]
    rank = {v: i for i, v in enumerate(ordered)}
    result = []
    for req_id in workshop.requirement_ids:
        mine = [r for r in ratings if r.requirement_id == req_id]
        values = [r.value for r in mine]
        for value, n in (dots or {}).get(req_id, {}).items():
            values += [value] * max(0, int(n))
        cannot = values.count(CANNOT_JUDGE)
        rated = [v for v in values if v != CANNOT_JUDGE]
        counts = {v.value: rated.count(v.value) for v in catalog.scale.values}
        ranks = sorted(rank[v] for v in rated if v in rank)
        shown = len(rated) >= workshop.threshold
        median = spread = None
        disagreement = False
        if shown and ranks:
            median = ordered[int(statistics.median_low(ranks))]
            spread = ranks[-1] - ranks[0]
            top = max(counts.values())
            disagreement = spread >= 2 or top / len(rated) < 0.5
        by_role: dict[str, dict[str, int]] = {}
        if shown:
            groups: dict[str, list[str]] = {}
            for r in mine:
                if r.value != CANNOT_JUDGE and r.role_group:
                    groups.setdefault(r.role_group, []).append(r.value)
            if len(groups) > 1 and all(len(v) >= workshop.threshold for v in groups.values()):
                by_role = {g: {s.value: vs.count(s.value) for s in catalog.scale.values} for g, vs in groups.items()}
        result.append(
            RequirementStats(
                req_id,
                len(values),
                len(rated),
                cannot,
                counts if shown else {},
                median,
                spread,
                disagreement,
                by_role,
                shown,
            )
        )
    return result


@dataclass(frozen=True)
class WorkshopResult:
    """A workshop as the live view and the exports show it: aggregates, consensus and comments.

    ``comments`` per requirement are only those of requirements at or above the anonymity threshold, sorted
    (not in the order people wrote them), with a name only in a workshop set to named.
    """

    workshop: Workshop
    participants: int
    stats: tuple[RequirementStats, ...]
    consensus: dict[str, Consensus]
    comments: dict[str, tuple[str, ...]]
    with_dots: bool = False


def comments_shown(
    workshop: Workshop,
    stats: list[RequirementStats],
    ratings: list[WorkshopRating],
    names: dict[int, str],
) -> dict[str, tuple[str, ...]]:
    """The comments that may be shown per requirement (see :class:`WorkshopResult`)."""
    shown = {s.requirement_id for s in stats if s.shown}
    found: dict[str, list[str]] = {}
    for r in ratings:
        if r.requirement_id in shown and r.comment:
            name = names.get(r.participant_id, "") if workshop.named else ""
            found.setdefault(r.requirement_id, []).append(f"{name}: {r.comment}" if name else r.comment)
    return {req: tuple(sorted(texts, key=str.casefold)) for req, texts in found.items()}
