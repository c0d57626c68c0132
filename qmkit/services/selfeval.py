"""A self-evaluation of one cycle: checked changes to the store and the progress summary.

The UI and the CLI change assessments only through :class:`SelfEvaluation`, so every value is checked
(scale, length, control characters) before it reaches the store, with a German message when it is not.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from qmkit.domain.catalog import Catalog, CatalogSet, Requirement
from qmkit.domain.evidence import check_document_field
from qmkit.domain.model import Assessment, CatalogDrift, Cycle, EvidenceRef, Institution
from qmkit.domain.selfeval import ChecklistData, Summary, clean_text, summarize
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.store.store import Store


class SelfEvaluation:
    """Checked changes to the assessments of one cycle; each change is one store transaction."""

    def __init__(self, store: Store, cycle: Cycle, catalog: Catalog):
        self.store = store
        self.cycle = cycle
        self.catalog = catalog
        self._requirements = {r.id: r for r in catalog.requirements()}

    @classmethod
    def open(cls, store: Store, cycle_id: int, catalogs: CatalogSet) -> SelfEvaluation:
        cycle = store.get_cycle(cycle_id)
        return cls(store, cycle, catalogs.get(cycle.catalog_id))

    @property
    def institution(self) -> Institution:
        return self.store.get_institution(self.cycle.institution_id)

    def requirement(self, req_id: str) -> Requirement:
        try:
            return self._requirements[req_id]
        except KeyError:
            raise InputError(
                _("Anforderung „{id}“ gibt es im Katalog nicht.").format(id=req_id), "requirement"
            ) from None

    def assessments(self) -> dict[str, Assessment]:
        return self.store.assessments(self.cycle.id)

    def assessment(self, req_id: str) -> Assessment:
        return self.store.assessment(self.cycle.id, req_id)

    def summary(self) -> Summary:
        return summarize(self.catalog, self.assessments())

    def drift(self) -> CatalogDrift:
        return self.store.catalog_drift(self.cycle, self.catalog)

    def to_confirm(self) -> set[str]:
        """Requirements whose answers were copied from the previous cycle and are not confirmed yet."""
        return self.store.to_confirm(self.cycle.id)

    def confirm(self, req_id: str, user: str = "") -> Assessment:
        """The copied answer still holds: drop its 'to confirm' mark."""
        self.requirement(req_id)
        return self.store.confirm_baseline(self.cycle.id, req_id, user)

    def checklist_data(self) -> ChecklistData:
        return ChecklistData(
            self.catalog,
            self.institution,
            self.cycle,
            self.assessments(),
            self.drift(),
            self.store.plan_data(self.cycle.id),
            frozenset(self.to_confirm()),
            tuple(self.store.workshop_result(ws, self.catalog) for ws in self.store.workshops(self.cycle.id)),
            findings=self.store.findings(self.cycle.id),
            feedback_head=self.store.feedback_head(self.cycle.id),
        )

    # ---------------------------------------------------------------- changes

    def rate(self, req_id: str, value: str | None, user: str = "") -> Assessment:
        """Set (or with ``None`` clear) the rating; only values of the requirement's scale are accepted."""
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
        return self.store.set_assessment_field(self.cycle.id, req.id, "rating", value, clean_text(user, "responsible"))

    def set_text(self, req_id: str, field_name: str, value: Any, user: str = "") -> Assessment:
        """Set the implementation text or the responsible person."""
        if field_name not in ("implementation", "responsible"):
            raise InputError(_("Unbekanntes Feld."), field_name)
        req = self.requirement(req_id)
        text = clean_text(value, field_name)
        return self.store.set_assessment_field(self.cycle.id, req.id, field_name, text, clean_text(user, "responsible"))

    def add_evidence(self, req_id: str, user: str = "", **values: Any) -> EvidenceRef:
        """A document for a requirement: the register's entry of the same title when there is one, else a new one."""
        req = self.requirement(req_id)
        fields = {k: self._evidence_value(k, v) for k, v in values.items()}
        title = str(fields.get("title", "")).casefold()
        if title and set(fields) == {"title"}:
            same = [d for d in self.store.documents(self.cycle.institution_id) if d.title.casefold() == title]
            if same:
                return self.link_document(req.id, same[0].id, user)
        return self.store.add_evidence(self.cycle.id, req.id, clean_text(user, "responsible"), **fields)

    def link_document(self, req_id: str, document_id: int, user: str = "") -> EvidenceRef:
        """Let a register document serve ``req_id`` in this cycle."""
        req = self.requirement(req_id)
        return self.store.link_document(self.cycle.id, req.id, int(document_id), clean_text(user, "responsible"))

    def update_evidence(self, evidence: EvidenceRef, field_name: str, value: Any, user: str = "") -> EvidenceRef:
        """Change the document behind ``evidence``: every requirement using it sees the change."""
        if evidence.cycle_id != self.cycle.id:
            raise InputError(_("Dieser Nachweis gehört zu einem anderen Zyklus."), field_name)
        return self.store.update_evidence(
            evidence.id, field_name, self._evidence_value(field_name, value), clean_text(user, "responsible")
        )

    def remove_evidence(self, evidence: EvidenceRef, user: str = "") -> None:
        """The requirement no longer uses the document; the document stays in the register."""
        if evidence.cycle_id != self.cycle.id:
            raise InputError(_("Dieser Nachweis gehört zu einem anderen Zyklus."), "evidence")
        self.store.remove_evidence(evidence.id, clean_text(user, "responsible"))

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
        self.fixed_today = today

    @property
    def today(self) -> date:
        return self.fixed_today or date.today()
