"""Institutions and their cycles, checked: create, find, and start the next cycle from the last one."""

from __future__ import annotations

from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.catalog import Catalog
from qmkit.domain.model import Cycle, Institution
from qmkit.domain.planning import OPEN_STATUSES, Measure, MeasureStatus, check_goal, check_measure
from qmkit.domain.review import ActDecision, MeasureReview
from qmkit.domain.selfeval import Summary, summarize
from qmkit.domain.text import clean_name
from qmkit.errors import InputError
from qmkit.i18n import N_, _
from qmkit.services.access import Access
from qmkit.services.demo import create_demo
from qmkit.store import Store
from qmkit.store.plans import GOAL_FIELDS, MEASURE_FIELDS


def _name(value: Any, missing: str) -> str:
    name = clean_name(value, "name", limit=200, label=N_("Name"))
    if not name:
        raise InputError(missing, "name")
    return name


class CycleService:
    """The institutions the person may see and their cycles (the start page and the CLI work through it)."""

    def __init__(self, store: Store, access: Access | None = None):
        self.store = store
        self.access = access or Access(store)

    def person(self) -> str:
        """Who is logged in (empty on a laptop without log-in)."""
        return "" if self.access.identity.local else self.access.who()

    def manages_installation(self) -> bool:
        """Whether the person may add institutions and demo data (the laptop's person and the administration)."""
        return self.access.identity.everything

    def institutions(self) -> list[Institution]:
        return self.access.visible(self.store.institutions.all())

    def institution(self, institution_id: int) -> Institution:
        found = self.store.institutions.get(int(institution_id))
        self.access.require(found.id, Right.READ)
        return found

    def find_institution(self, name: str) -> Institution:
        found = self.store.institutions.find(name)
        self.access.require(found.id, Right.READ)
        return found

    def create_institution(self, name: Any, qmb: Any = "") -> Institution:
        """A new institution (the name is required and unique); in a shared installation the administration's."""
        self.access.require_admin()
        clean = _name(name, _("Bitte einen Namen für die Einrichtung eingeben."))
        return self.store.institutions.create(clean, clean_name(qmb, "qmb", limit=200, label=N_("QMB")))

    def cycles(self, institution_id: int | None = None) -> list[Cycle]:
        """Cycles the person may see, most recently changed first."""
        if institution_id is not None:
            self.access.require(int(institution_id), Right.READ)
            return self.store.cycles.all(institution_id)
        visible = {i.id for i in self.institutions()}
        return [c for c in self.store.cycles.all(None) if c.institution_id in visible]

    def cycle(self, cycle_id: int) -> Cycle:
        found = self.store.cycles.get(int(cycle_id))
        self.access.require(found.institution_id, Right.READ)
        return found

    def find_cycle(self, institution_id: int, name: str) -> Cycle:
        self.access.require(int(institution_id), Right.READ)
        return self.store.cycles.find(institution_id, name)

    def progress(self, cycle: Cycle, catalog: Catalog) -> Summary:
        """How far the cycle's self-evaluation is, per area and overall."""
        return summarize(catalog, self.store.assessments.of_cycle(cycle.id))

    def create_demo(self, catalog: Catalog) -> tuple[Cycle, bool]:
        """The demo institution's partly rated cycle of ``catalog`` (made now, or found); ``True`` when made."""
        self.access.require_admin()
        return create_demo(self.store, catalog)

    def latest(self) -> Cycle | None:
        """The most recently changed cycle the person may see, if there is one."""
        if self.access.identity.everything:
            return self.store.cycles.latest()
        return next(iter(self.cycles()), None)

    def create_cycle(self, institution_id: int, name: Any, catalog: Catalog) -> Cycle:
        """A new cycle of ``catalog``'s requirements (the name is required and unique per institution)."""
        clean = _name(name, _("Bitte einen Namen für den Zyklus eingeben."))
        institution = self.institution(institution_id)
        self.access.require(institution.id, Right.MANAGE)
        return self.store.cycles.create(institution.id, clean, catalog)

    def start_next(self, previous_id: int, name: Any, catalog: Catalog, user: str = "") -> Cycle:
        """A new cycle with the previous one's answers, evidence, goals and open measures as a baseline.

        Copied answers are marked "to confirm" until someone confirms or changes them. Measures still open,
        and those whose review said "in den nächsten Zyklus übernehmen", are carried over (not discarded
        ones). The certificate and the deadlines' done dates go along (the certificate stays valid); the
        procedure steps start empty. Nothing of the previous cycle changes. All in one transaction.
        """
        previous = self.cycle(previous_id)
        self.access.require(previous.institution_id, Right.MANAGE)
        if previous.catalog_id != catalog.id:
            raise InputError(_("Der neue Zyklus muss mit demselben Qualitätsmodell arbeiten."), "catalog")
        clean = _name(name, _("Bitte einen Namen für den neuen Zyklus eingeben."))
        known = {r.id for r in catalog.requirements()}
        answers = {k: a for k, a in self.store.assessments.of_cycle(previous.id).items() if k in known}
        goals = [
            {"id": g.id, **check_goal({k: getattr(g, k) for k in GOAL_FIELDS})}
            for g in self.store.plans.goals(previous.id)
        ]
        reviews = self.store.reviews.of_cycle(previous.id)
        measures = [
            {"id": m.id, **self._carried(m)}
            for m in self.store.plans.measures(previous.id)
            if self._carries(m, reviews)
        ]
        author = self.access.author(user)
        created = self.store.carry_over.start_next(previous, clean, catalog, answers, goals, measures, author)
        return self.cycle(created)

    @staticmethod
    def _carries(measure: Measure, reviews: dict[int, MeasureReview]) -> bool:
        """Open measures and those whose review says "carry over" go along; discarded ones never."""
        if measure.status == MeasureStatus.VERWORFEN:
            return False
        review = reviews.get(measure.id)
        return measure.status in OPEN_STATUSES or (review is not None and review.act == ActDecision.UEBERTRAGEN)

    @staticmethod
    def _carried(measure: Measure) -> dict[str, Any]:
        """The measure's checked values for the next cycle; a done one that is carried starts as planned."""
        values = check_measure({k: getattr(measure, k) for k in MEASURE_FIELDS})
        if measure.status not in OPEN_STATUSES:
            values["status"] = MeasureStatus.GEPLANT
        return values
