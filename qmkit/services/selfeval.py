"""A self-evaluation of one cycle: checked changes to the store and the progress summary.

The UI and the CLI change assessments only through :class:`SelfEvaluation`, so every value is checked
(scale, length, control characters) before it reaches the store, with a German message when it is not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Self

from qmkit.domain.access import Right
from qmkit.domain.catalog import Catalog, CatalogSet, Requirement
from qmkit.domain.evidence import check_document_field
from qmkit.domain.model import Assessment, CatalogDrift, Cycle, EvidenceRef, Institution
from qmkit.domain.review import PlanData
from qmkit.domain.selfeval import ChecklistData, Summary, catalog_drift, clean_text, summarize
from qmkit.domain.workshop import Workshop, WorkshopResult, aggregate, comments_shown
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.services.access import Access, needs
from qmkit.services.cycle_data import goal_readings
from qmkit.services.register import EvidenceRegister
from qmkit.store import Store
from qmkit.store.files import EvidenceFiles


class SelfEvaluation:
    """Checked changes to the assessments of one cycle; each change is one store transaction."""

    def __init__(self, store: Store, cycle: Cycle, catalog: Catalog, access: Access | None = None):
        self.store = store
        self.cycle = cycle
        self.catalog = catalog
        self.access = access or Access(store)
        self._requirements = {r.id: r for r in catalog.requirements()}

    @classmethod
    def open(cls, store: Store, cycle_id: int, catalogs: CatalogSet, access: Access | None = None) -> SelfEvaluation:
        """The cycle's self-evaluation, for a person who may see its institution (else a German refusal)."""
        access = access or Access(store)
        cycle = store.cycles.get(cycle_id)
        access.require(cycle.institution_id, Right.READ)
        return cls(store, cycle, catalogs.get(cycle.catalog_id), access)

    @classmethod
    def opener(
        cls, store: Store, catalogs: CatalogSet, access: Access | None = None
    ) -> Callable[[int], SelfEvaluation]:
        """Opens a cycle of ``store`` the person may see (what an import calls for the cycle its file names)."""
        return lambda cycle_id: cls.open(store, cycle_id, catalogs, access)

    def sibling_opener(self, catalogs: CatalogSet) -> Callable[[int], SelfEvaluation]:
        """:meth:`opener` on this self-evaluation's store, for the same person."""
        return self.opener(self.store, catalogs, self.access)

    @property
    def institution_id(self) -> int:
        return self.cycle.institution_id

    @property
    def institution(self) -> Institution:
        return self.store.institutions.get(self.cycle.institution_id)

    def requirement(self, req_id: str) -> Requirement:
        try:
            return self._requirements[req_id]
        except KeyError:
            raise InputError(
                _("Anforderung „{id}“ gibt es im Katalog nicht.").format(id=req_id), "requirement"
            ) from None

    def assessments(self) -> dict[str, Assessment]:
        return self.store.assessments.of_cycle(self.cycle.id)

    def assessment(self, req_id: str) -> Assessment:
        return self.store.assessments.get(self.cycle.id, req_id)

    def summary(self) -> Summary:
        return summarize(self.catalog, self.assessments())

    def drift(self) -> CatalogDrift:
        return catalog_drift(self.cycle, self.catalog, set(self.assessments()))

    def register(self, files: EvidenceFiles | None = None) -> EvidenceRegister:
        """The evidence register of this cycle's institution."""
        return EvidenceRegister(self.store, self.cycle.institution_id, files, self.access)

    def evidence(self) -> Sequence[EvidenceRef]:
        """Every evidence link of the cycle, in the order the requirements show them."""
        return self.store.evidence.of_cycle(self.cycle.id)

    def to_confirm(self) -> set[str]:
        """Requirements whose answers were copied from the previous cycle and are not confirmed yet."""
        return self.store.assessments.to_confirm(self.cycle.id)

    @needs(Right.EDIT)
    def confirm(self, req_id: str, user: str = "") -> Assessment:
        """The copied answer still holds: drop its 'to confirm' mark."""
        self.requirement(req_id)
        return self.store.assessments.confirm(self.cycle.id, req_id, self.access.author(user))

    def checklist_data(self) -> ChecklistData:
        return ChecklistData(
            self.catalog,
            self.institution,
            self.cycle,
            self.assessments(),
            self.drift(),
            plan_data(self.store, self.cycle.id),
            frozenset(self.to_confirm()),
            tuple(workshop_result(self.store, ws, self.catalog) for ws in self.store.workshops.of_cycle(self.cycle.id)),
            findings=self.store.feedback.findings(self.cycle.id),
            feedback_head=self.store.feedback.head(self.cycle.id),
        )

    # ---------------------------------------------------------------- changes

    @needs(Right.EDIT)
    def rate(self, req_id: str, value: str | None, user: str = "") -> Assessment:
        """Set (or with ``None`` clear) the rating; only values of the requirement's scale are accepted."""
        req = self.checked_rating(req_id, value)
        return self.store.assessments.set_field(self.cycle.id, req.id, "rating", value, self.access.author(user))

    @needs(Right.EDIT)
    def rate_all(self, ratings: dict[str, str], user: str = "") -> None:
        """Many ratings at once, all checked before any is stored (one transaction)."""
        clean = {self.checked_rating(req_id, value).id: value for req_id, value in ratings.items()}
        self.store.assessments.rate_all(self.cycle.id, clean, self.access.author(user))

    def checked_rating(self, req_id: str, value: str | None) -> Requirement:
        """The requirement, when ``value`` is a value of its scale (or ``None``); else a German :class:`InputError`."""
        req = self.requirement(req_id)
        if value is not None:
            allowed = {v.value: v for v in self.catalog.scale_for(req)}
            if value not in allowed:
                labels = ", ".join(v.label for v in allowed.values())
                raise InputError(
                    _("„{value}“ ist keine Bewertung dieser Skala. Erlaubt: {labels}.").format(
                        value=str(value)[:40], labels=labels
                    ),
                    "rating",
                )
        return req

    @needs(Right.EDIT)
    def set_text(self, req_id: str, field_name: str, value: Any, user: str = "") -> Assessment:
        """Set the implementation text or the responsible person."""
        if field_name not in ("implementation", "responsible"):
            raise InputError(_("Unbekanntes Feld."), field_name)
        req = self.requirement(req_id)
        text = clean_text(value, field_name)
        return self.store.assessments.set_field(self.cycle.id, req.id, field_name, text, self.access.author(user))

    @needs(Right.EDIT)
    def add_evidence(self, req_id: str, user: str = "", **values: Any) -> EvidenceRef:
        """A document for a requirement: the register's entry of the same title when there is one, else a new one."""
        req = self.requirement(req_id)
        fields = {k: self._evidence_value(k, v) for k, v in values.items()}
        title = str(fields.get("title", "")).casefold()
        if title and set(fields) == {"title"}:
            same = [d for d in self.store.evidence.documents(self.cycle.institution_id) if d.title.casefold() == title]
            if same:
                return self.link_document(req.id, same[0].id, user)
        author = self.access.author(user)
        return self.store.evidence.add_linked(self.cycle.id, self.cycle.institution_id, req.id, author, **fields)

    @needs(Right.EDIT)
    def link_document(self, req_id: str, document_id: int, user: str = "") -> EvidenceRef:
        """Let a register document serve ``req_id`` in this cycle."""
        req = self.requirement(req_id)
        doc = self.store.evidence.document(int(document_id))
        if doc.institution_id != self.cycle.institution_id:
            raise InputError(_("Dieses Dokument gehört zu einer anderen Einrichtung."), "document")
        return self.store.evidence.link(self.cycle.id, req.id, doc.id, self.access.author(user))

    @needs(Right.EDIT)
    def update_evidence(self, evidence: EvidenceRef, field_name: str, value: Any, user: str = "") -> EvidenceRef:
        """Change the document behind ``evidence``: every requirement using it sees the change."""
        if evidence.cycle_id != self.cycle.id:
            raise InputError(_("Dieser Nachweis gehört zu einem anderen Zyklus."), field_name)
        return self.store.evidence.update_linked(
            evidence.id, field_name, self._evidence_value(field_name, value), self.access.author(user)
        )

    @needs(Right.EDIT)
    def remove_evidence(self, evidence: EvidenceRef, user: str = "") -> None:
        """The requirement no longer uses the document; the document stays in the register."""
        if evidence.cycle_id != self.cycle.id:
            raise InputError(_("Dieser Nachweis gehört zu einem anderen Zyklus."), "evidence")
        self.store.evidence.unlink(evidence.id, self.access.author(user))

    @staticmethod
    def _evidence_value(field_name: str, value: Any) -> Any:
        """An evidence field edited at a requirement: the register's own check of that field."""
        if field_name not in ("title", "version", "location", "on_site_only"):
            raise InputError(_("Unbekanntes Feld."), field_name)
        return check_document_field(field_name, value)


class CycleWork:
    """Checked work on one cycle beside its self-evaluation (timeline, feedback report), with a "today" that
    tests can fix."""

    def __init__(self, evaluation: SelfEvaluation, today: date | None = None):
        self.evaluation = evaluation
        self.store, self.cycle, self.catalog = evaluation.store, evaluation.cycle, evaluation.catalog
        self.access = evaluation.access
        self.fixed_today = today

    @classmethod
    def open(
        cls, store: Store, cycle_id: int, catalogs: CatalogSet, today: date | None = None, access: Access | None = None
    ) -> Self:
        return cls(SelfEvaluation.open(store, cycle_id, catalogs, access), today)

    @property
    def institution_id(self) -> int:
        return self.cycle.institution_id

    @property
    def today(self) -> date:
        return self.fixed_today or date.today()


def plan_data(store: Store, cycle_id: int) -> PlanData:
    """Goals (with their Leitziele and indicators read from the data), measures, reviews, sign-offs, management
    reviews and PDCA scores of a cycle."""
    goals = store.plans.goals(cycle_id)
    strategic: dict[int, str] = {}
    readings = {}
    if any(g.strategic_goal_id or g.data_indicator for g in goals):
        institution_id = store.cycles.get(cycle_id).institution_id
        strategic = {s.id: s.title for s in store.strategy.goals(institution_id)}
        readings = goal_readings(store, institution_id, cycle_id, goals)
    return PlanData(
        goals=tuple(goals),
        measures=tuple(store.plans.measures(cycle_id)),
        reviews=store.reviews.of_cycle(cycle_id),
        signoffs=tuple(store.plans.signoffs(cycle_id)),
        management_reviews=tuple(store.reviews.management_reviews(cycle_id)),
        pdca_scores=store.reviews.pdca_scores(cycle_id),
        carried_from=store.plans.origins(cycle_id),
        strategic=strategic,
        readings=readings,
    )


def workshop_result(store: Store, workshop: Workshop, catalog: Catalog) -> WorkshopResult:
    """Everything the live view and the exports show of a workshop, read at one moment."""
    ratings = store.workshops.ratings(workshop.id)
    dots = store.workshops.dots(workshop.id)
    people = store.workshops.participants(workshop.id)
    stats = aggregate(catalog, workshop, ratings, dots)
    return WorkshopResult(
        workshop=workshop,
        participants=len(people),
        stats=tuple(stats),
        consensus=store.workshops.consensus(workshop.id),
        comments=comments_shown(workshop, stats, ratings, {p.id: p.display_name for p in people}),
        with_dots=any(n for counts in dots.values() for n in counts.values()),
    )
