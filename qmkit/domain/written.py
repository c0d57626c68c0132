"""Written work of a self-evaluation: the organisation's own reference text (LQW: its definition of successful
learning), the narrative per requirement in five focal points, and the content of the self-report (Selbstreport).

The definition is versioned: each saved text is a new version; a version is signed off by a named person on a day
and stays as it was (a later change is the next version). The narrative answers, per requirement, what the
organisation does in the learners' (or clients') interest, by which methods, with which results, how it evaluates
them and what it concludes. Pure types and checks; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from qmkit.domain.text import clean_name, clean_text, parse_day
from qmkit.errors import InputError
from qmkit.i18n import N_, _

if TYPE_CHECKING:
    from qmkit.domain.offers_analysis import AnalysisReport

FOCAL_POINTS: tuple[tuple[str, str], ...] = (
    ("begruendung", N_("Begründung im Interesse der Lernenden/Kunden")),
    ("verfahren", N_("Verfahren und Methoden")),
    ("ergebnisse", N_("Ergebnisse")),
    ("evaluation", N_("Evaluation")),
    ("schlussfolgerungen", N_("Schlussfolgerungen")),
)
FOCAL_KEYS = tuple(key for key, _label in FOCAL_POINTS)
FOCAL_LIMIT = 12000
DEFINITION_LIMIT = 20000


@dataclass(frozen=True)
class Definition:
    """One version of the organisation's reference text."""

    id: int
    institution_id: int
    version: int
    text: str
    signed_off_by: str = ""
    signed_off_on: date | None = None
    changed_by: str = ""
    changed_at: str = ""

    @property
    def signed(self) -> bool:
        return self.signed_off_on is not None


def check_definition(text: Any) -> str:
    clean = clean_text(text, "definition", limit=DEFINITION_LIMIT, label=N_("Definition"), multiline=True)
    if not clean:
        raise InputError(_("Bitte die Definition eingeben – sie ist der Maßstab jeder Anforderung."), "definition")
    return clean


def check_sign_off(person: Any, day: Any) -> tuple[str, date]:
    name = clean_name(person, "signed_off_by", limit=200, label=N_("Freigegeben von"))
    if not name:
        raise InputError(_("Bitte angeben, wer die Definition freigibt (z. B. Leitung)."), "signed_off_by")
    found = parse_day(day, "signed_off_on", N_("Freigegeben am")) or date.today()
    if found > date.today():
        raise InputError(
            _("Eine Freigabe in der Zukunft geht nicht; bitte das heutige oder ein früheres Datum."), "signed_off_on"
        )
    return name, found


def check_focal(key: str, text: Any) -> str:
    labels = dict(FOCAL_POINTS)
    if key not in labels:
        raise InputError(_("Unbekanntes Feld."), key)
    return clean_text(text, key, limit=FOCAL_LIMIT, label=labels[key], multiline=True)


def narrative_state(narrative: dict[str, str]) -> str:
    """How complete a requirement's narrative is: "beschrieben" (all five), "in Arbeit" (some) or "offen"."""
    filled = sum(1 for key in FOCAL_KEYS if narrative.get(key, "").strip())
    if filled == len(FOCAL_KEYS):
        return _("beschrieben")
    return _("in Arbeit") if filled else _("offen")


@dataclass(frozen=True)
class ReportRequirement:
    id: str
    title: str
    text: str
    narrative: dict[str, str]  # focal point -> text (narrative catalogs) …
    implementation: str  # … or the "Umsetzung" of other catalogs
    state: str  # completeness (narrative) or the self-rating's label
    evidence: tuple[str, ...] = ()  # evidence numbers ("N3") of the index below


@dataclass(frozen=True)
class ReportArea:
    id: str
    title: str
    requirements: tuple[ReportRequirement, ...]


@dataclass(frozen=True)
class IndexEntry:
    number: str  # "N1", "N2", … in order of first use
    title: str
    kind: str
    version: str
    on_site_only: bool
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class SelfReport:
    """Everything the Selbstreport shows, already in reading order."""

    institution: str
    cycle: str
    catalog: str
    definition_title: str  # "" when the catalog has no reference text
    definition: Definition | None
    narrative: bool
    areas: tuple[ReportArea, ...]
    index: tuple[IndexEntry, ...]
    goals: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)  # title, why, indicator/target
    offers: AnalysisReport | None = None  # offers against needs, for a catalog with offers_needs and data loaded


def evidence_index(links: dict[str, list[Any]]) -> tuple[dict[str, list[str]], tuple[IndexEntry, ...]]:
    """Number the documents in order of first use: requirement id -> ["N1", …] and the index itself.

    ``links``: requirement id (in catalog order) -> its evidence references (with ``.document``).
    """
    numbers: dict[int, str] = {}
    used_by: dict[int, list[str]] = {}
    docs: dict[int, Any] = {}
    per_requirement: dict[str, list[str]] = {}
    for req_id, refs in links.items():
        for ref in refs:
            doc = ref.document
            if doc.id not in numbers:
                numbers[doc.id] = f"N{len(numbers) + 1}"
                docs[doc.id] = doc
            used_by.setdefault(doc.id, []).append(req_id)
            per_requirement.setdefault(req_id, []).append(numbers[doc.id])
    index = tuple(
        IndexEntry(
            number,
            docs[d].title,
            str(docs[d].kind),
            docs[d].version or "",
            bool(docs[d].on_site_only),
            tuple(used_by[d]),
        )
        for d, number in numbers.items()
    )
    return per_requirement, index
