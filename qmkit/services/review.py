"""The PDCA review of one cycle, checked: Do/Check/Act per measure, PDCA-phase scores, management reviews."""

from __future__ import annotations

from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.catalog import Catalog
from qmkit.domain.comparison import Comparison, CycleSnapshot, compare
from qmkit.domain.model import Cycle
from qmkit.domain.planning import recheck
from qmkit.domain.review import (
    MGMT_FIELDS,
    REVIEW_FIELDS,
    ManagementReview,
    MeasureReview,
    PdcaScore,
    check_management_review,
    check_review,
    check_score,
)
from qmkit.errors import NotFoundError
from qmkit.i18n import _
from qmkit.services.access import needs
from qmkit.services.cycles import CycleService
from qmkit.services.planning import Planning
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store


class Review(Planning):
    """The Check and Act of a cycle's plan; reads the plan like :class:`Planning`."""

    def history(self) -> Comparison:
        """Every cycle of the institution with the same quality model, compared step by step."""
        return load_history(self.store, self.cycle, self.catalog)

    @needs(Right.MANAGE)
    def start_next_cycle(self, name: Any, user: str = "") -> Review:
        """The next cycle from this one (see :meth:`CycleService.start_next`), opened for its review."""
        cycle = CycleService(self.store, self.access).start_next(self.cycle.id, name, self.catalog, user)
        return Review(SelfEvaluation(self.store, cycle, self.catalog, self.access), self.fixed_today)

    def review(self, measure_id: int) -> MeasureReview:
        return self.store.reviews.of_measure(self.measure(measure_id).id)

    def reviews(self) -> dict[int, MeasureReview]:
        """Reviews of the cycle's measures by measure id (measures without one are missing)."""
        return self.store.reviews.of_cycle(self.cycle.id)

    @needs(Right.EDIT)
    def set_review_field(self, measure_id: int, field: str, value: Any, user: str = "") -> MeasureReview:
        """Store one field of a measure's Do/Check/Act, checked as a whole; the later save wins.

        "wirksam: ja" sets the measure's status to *wirksam*, "verwerfen" to *verworfen*, in the same transaction.
        """
        measure = self.measure(measure_id)
        clean = recheck(self.store.reviews.of_measure(measure.id), REVIEW_FIELDS, field, value, check_review)
        return self.store.reviews.set_field(measure.id, field, clean, measure.status, self.access.author(user))

    def pdca_scores(self) -> dict[str, PdcaScore]:
        return self.store.reviews.pdca_scores(self.cycle.id)

    @needs(Right.EDIT)
    def set_pdca_score(self, target_id: str, field: str, value: Any, user: str = "") -> PdcaScore:
        """Store one score 0–100 (``level`` or a phase) of an area or requirement of the catalog."""
        number = check_score(field, value)
        known = {a.id for a in self.catalog.areas} | {r.id for r in self.catalog.requirements()}
        if target_id not in known:
            raise NotFoundError(_("Diesen Bereich oder diese Anforderung gibt es im Katalog nicht."))
        return self.store.reviews.set_pdca_score(self.cycle.id, target_id, field, number, self.access.author(user))

    # ------------------------------------------------------------------ management reviews

    def management_reviews(self) -> list[ManagementReview]:
        """The cycle's management reviews, the latest date first (undated ones first of all)."""
        return self.store.reviews.management_reviews(self.cycle.id)

    def management_review(self, review_id: int) -> ManagementReview:
        found = self.store.reviews.management_review(int(review_id))
        if found.cycle_id != self.cycle.id:
            raise NotFoundError(_("Diese Managementbewertung gibt es nicht mehr."))
        return found

    @needs(Right.SIGN_OFF)
    def add_management_review(self, user: str = "", **values: Any) -> ManagementReview:
        clean = check_management_review(values)
        return self.store.reviews.add_management_review(self.cycle.id, clean, self.access.author(user))

    @needs(Right.SIGN_OFF)
    def update_management_review(self, review_id: int, field: str, value: Any, user: str = "") -> ManagementReview:
        current = self.management_review(review_id)
        clean = recheck(current, MGMT_FIELDS, field, value, check_management_review)
        return self.store.reviews.update_management_review(current.id, field, clean, self.access.author(user))

    @needs(Right.SIGN_OFF)
    def delete_management_review(self, review_id: int) -> None:
        self.store.reviews.delete_management_review(self.management_review(review_id).id)


def load_history(store: Store, cycle: Cycle, catalog: Catalog) -> Comparison:
    """Read every cycle of ``cycle``'s institution that uses the same quality model, and compare them."""
    snapshots = [
        CycleSnapshot(c, store.assessments.of_cycle(c.id), tuple(store.plans.measures(c.id)))
        for c in store.cycles.all(cycle.institution_id)
        if c.catalog_id == catalog.id
    ]
    return compare(catalog, snapshots)
