"""The readiness check: a simulated document review of one cycle before the real one.

Per requirement: rated? implementation described? required evidence present? evidence expired or older than
the cycle? Each finding says what is missing and which page fixes it. Plain data, no widgets, no store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from qmkit.domain.catalog import Catalog, Requirement
from qmkit.domain.evidence import Document
from qmkit.domain.model import Assessment, Cycle, day_text
from qmkit.i18n import _


class Severity(StrEnum):
    """A ``MISSING`` finding keeps a requirement from being ready; a ``HINT`` is worth a look."""

    MISSING = "fehlt"
    HINT = "hinweis"


class Check(StrEnum):
    RATED = "bewertet"
    IMPLEMENTATION = "umsetzung"
    EVIDENCE = "nachweis"
    EXPIRED = "abgelaufen"
    OUTDATED = "veraltet"
    NO_FILE = "ohne_datei"


@dataclass(frozen=True)
class Finding:
    """One thing to fix; ``page`` is where to fix it ("selbstbewertung" or "nachweise")."""

    requirement_id: str
    check: Check
    severity: Severity
    message: str
    page: str
    document_id: int | None = None


@dataclass(frozen=True)
class RequirementReadiness:
    requirement_id: str
    title: str
    area_id: str
    findings: tuple[Finding, ...] = ()

    @property
    def ready(self) -> bool:
        return not any(f.severity == Severity.MISSING for f in self.findings)


@dataclass(frozen=True)
class AreaReadiness:
    area_id: str
    title: str
    ready: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.ready / self.total) if self.total else 100


@dataclass(frozen=True)
class Readiness:
    """The whole check: per requirement, per area, and overall."""

    as_of: date
    requirements: tuple[RequirementReadiness, ...]
    areas: tuple[AreaReadiness, ...]

    @property
    def ready(self) -> int:
        return sum(1 for r in self.requirements if r.ready)

    @property
    def total(self) -> int:
        return len(self.requirements)

    @property
    def percent(self) -> int:
        return round(100 * self.ready / self.total) if self.total else 100

    def findings(self, severity: Severity | None = None) -> list[Finding]:
        return [f for r in self.requirements for f in r.findings if severity is None or f.severity == severity]


def cycle_start(cycle: Cycle) -> date | None:
    """The day the cycle was created (local date of its UTC stamp)."""
    try:
        return datetime.fromisoformat(cycle.created_at).astimezone().date()
    except ValueError:
        return None


def _year_before(day: date) -> date:
    return day.replace(year=day.year - 1) if not (day.month == 2 and day.day == 29) else date(day.year - 1, 2, 28)


def _document_findings(req_id: str, doc: Document, today: date, started: date | None) -> list[Finding]:
    """What is wrong with one document serving a requirement: expired, older than the cycle, nowhere to find."""
    found: list[Finding] = []
    name = doc.title or _("(ohne Titel)")
    if doc.expired(today):
        found.append(
            Finding(
                req_id,
                Check.EXPIRED,
                Severity.MISSING,
                _("„{name}“ ist seit {day} abgelaufen").format(name=name, day=day_text(doc.review_on)),
                "nachweise",
                doc.id,
            )
        )
    elif started and doc.effective_on and doc.review_on is None and doc.effective_on < _year_before(started):
        # a document from the months before the cycle began is normal; one older than a year is worth a look
        found.append(
            Finding(
                req_id,
                Check.OUTDATED,
                Severity.HINT,
                _(
                    "„{name}“ hat den Stand {day}, mehr als ein Jahr vor Beginn dieses Zyklus ({start}), und kein "
                    "Prüfdatum – noch aktuell?"
                ).format(name=name, day=day_text(doc.effective_on), start=day_text(started)),
                "nachweise",
                doc.id,
            )
        )
    if not doc.has_file and not doc.location and not doc.on_site_only:
        found.append(
            Finding(
                req_id,
                Check.NO_FILE,
                Severity.HINT,
                _("„{name}“ hat weder Datei noch Fundstelle").format(name=name),
                "nachweise",
                doc.id,
            )
        )
    return found


def check_requirement(
    catalog: Catalog, req: Requirement, assessment: Assessment, today: date, started: date | None
) -> tuple[Finding, ...]:
    """The findings of one requirement (empty when nothing is to do)."""
    req_id = req.id
    found: list[Finding] = []

    def add(check: Check, severity: Severity, message: str, page: str, doc: int | None = None) -> None:
        found.append(Finding(req_id, check, severity, message, page, doc))

    value = catalog.scale.get(assessment.rating) if assessment.rating else None
    not_applicable = bool(value and value.not_applicable)
    if value is None:
        add(Check.RATED, Severity.MISSING, _("noch nicht bewertet"), "selbstbewertung")
    if not assessment.implementation.strip():
        text = (
            _("Begründung fehlt, warum die Anforderung nicht zutrifft")
            if not_applicable
            else _("Umsetzung ist nicht beschrieben")
        )
        add(Check.IMPLEMENTATION, Severity.MISSING, text, "selbstbewertung")
    if not_applicable:
        return tuple(found)
    docs = [e.document for e in assessment.evidence]
    if req.evidence_required and not docs:
        hint = ", ".join(req.evidence[:3])
        add(
            Check.EVIDENCE,
            Severity.MISSING,
            _("Nachweis erforderlich, aber keiner zugeordnet") + (f" ({_('z. B.')} {hint})" if hint else ""),
            "nachweise",
        )
    for doc in docs:
        found.extend(_document_findings(req_id, doc, today, started))
    return tuple(found)


def check_readiness(
    catalog: Catalog, cycle: Cycle, assessments: Mapping[str, Assessment], today: date | None = None
) -> Readiness:
    """Run the readiness check over every requirement of the catalog."""
    today = today or date.today()
    started = cycle_start(cycle)
    rows: list[RequirementReadiness] = []
    areas: list[AreaReadiness] = []
    for area in catalog.areas:
        reqs = area.all_requirements()
        area_rows = [
            RequirementReadiness(
                r.id,
                r.title,
                area.id,
                check_requirement(catalog, r, assessments.get(r.id, Assessment(cycle.id, r.id)), today, started),
            )
            for r in reqs
        ]
        rows.extend(area_rows)
        areas.append(AreaReadiness(area.id, area.title, sum(1 for r in area_rows if r.ready), len(area_rows)))
    return Readiness(today, tuple(rows), tuple(areas))
