"""Written work, checked: the reference text (versions, sign-off), the narrative per requirement, and the content of
the Selbstreport for a cycle.

Rights: reading needs *lesen*; the definition's text and the narratives *bearbeiten*; a sign-off *freigeben*
(Leitung or QMB). Every field is saved as typed; a refused one gets its German message and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.catalog import CatalogSet
from qmkit.domain.evidence import KIND_LABELS, DocumentKind
from qmkit.domain.offers_analysis import AnalysisReport
from qmkit.domain.planning import GoalKind
from qmkit.domain.written import (
    Definition,
    ReportArea,
    ReportRequirement,
    SelfReport,
    check_definition,
    check_focal,
    check_sign_off,
    evidence_index,
    narrative_state,
)
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _
from qmkit.services.access import Access
from qmkit.services.offers_data import OffersNeeds
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store


class WrittenWork:
    def __init__(self, store: Store, catalogs: CatalogSet, access: Access | None = None):
        self.store, self.catalogs = store, catalogs
        self.access = access or Access(store)

    # ------------------------------------------------------------------ the reference text

    def definitions(self, institution_id: int) -> list[Definition]:
        """Every version, newest first."""
        self.access.require(int(institution_id), Right.READ)
        return self.store.written.definitions(int(institution_id))

    def current(self, institution_id: int) -> Definition | None:
        """The newest signed-off version (the one answers are justified against), else the newest draft."""
        versions = self.definitions(institution_id)
        signed = [d for d in versions if d.signed]
        return signed[0] if signed else (versions[0] if versions else None)

    def save_definition(self, institution_id: int, text: Any) -> Definition:
        """Into the open draft, or as a new version when the newest one is signed off."""
        self.access.require(int(institution_id), Right.EDIT)
        clean = check_definition(text)
        return self.store.written.save_definition(int(institution_id), clean, self.access.who())

    def sign_off(self, institution_id: int, definition_id: int, person: Any, day: Any = None) -> Definition:
        self.access.require(int(institution_id), Right.SIGN_OFF)
        found = self.store.written.definition(int(definition_id))
        if found.institution_id != int(institution_id):
            raise InputError(_("Diese Fassung gehört zu einer anderen Einrichtung."), "definition")
        name, when = check_sign_off(person, day)
        return self.store.written.sign_off(found.id, name, when, self.access.who())

    # ------------------------------------------------------------------ narratives

    def narratives(self, cycle_id: int) -> dict[str, dict[str, str]]:
        SelfEvaluation.open(self.store, int(cycle_id), self.catalogs, self.access)
        return self.store.written.narratives(int(cycle_id))

    def write_focal(self, cycle_id: int, requirement_id: str, key: str, text: Any) -> str:
        """One focal point of a requirement, saved as typed; returns the stored text."""
        evaluation = SelfEvaluation.open(self.store, int(cycle_id), self.catalogs, self.access)
        self.access.require(evaluation.institution_id, Right.EDIT)
        evaluation.requirement(requirement_id)
        clean = check_focal(key, text)
        self.store.written.write_focal(evaluation.cycle.id, requirement_id, key, clean, self.access.who())
        return clean

    # ------------------------------------------------------------------ the Selbstreport

    def self_report(self, cycle_id: int) -> SelfReport:
        evaluation = SelfEvaluation.open(self.store, int(cycle_id), self.catalogs, self.access)
        catalog, cycle = evaluation.catalog, evaluation.cycle
        answers = evaluation.assessments()
        narratives = self.store.written.narratives(cycle.id) if catalog.self_report.narrative else {}
        order = [r.id for r in catalog.requirements() if r.id in set(cycle.requirement_ids)]
        numbers, index = evidence_index({r: list(answers[r].evidence) if r in answers else [] for r in order})
        labels = {v.value: v.label for v in catalog.scale.values}
        areas = []
        for area in catalog.areas:
            rows = []
            for req in area.all_requirements():
                if req.id not in set(cycle.requirement_ids):
                    continue
                answer = answers.get(req.id)
                narrative = narratives.get(req.id, {})
                if catalog.self_report.narrative:
                    state = narrative_state(narrative)
                else:
                    state = labels.get(answer.rating or "", _("noch nicht bewertet")) if answer else _("offen")
                rows.append(ReportRequirement(req.id, req.title, req.text, narrative,
                                              answer.implementation if answer else "", state,
                                              tuple(numbers.get(req.id, ()))))  # fmt: skip
            if rows:
                areas.append(ReportArea(area.id, area.title, tuple(rows)))
        goals = tuple(
            (g.title, g.why, " → ".join(x for x in (g.indicator, g.target) if x))
            for g in self.store.plans.goals(cycle.id)
            if g.kind == GoalKind.ENTWICKLUNGSZIEL
        )
        index = tuple(_with_kind_label(e) for e in index)
        return SelfReport(
            evaluation.institution.name,
            cycle.name,
            catalog.title,
            catalog.self_report.definition,
            self.current(cycle.institution_id) if catalog.self_report.definition else None,
            catalog.self_report.narrative,
            tuple(areas),
            index,
            goals,
            _offers(evaluation) if catalog.offers_needs else None,
        )


def _offers(evaluation: SelfEvaluation) -> AnalysisReport | None:
    """The analysis of offers against needs for the report's chapter; None while no needs data is loaded."""
    try:
        return OffersNeeds(evaluation).report()
    except NotFoundError:
        return None


def _with_kind_label(entry: Any) -> Any:
    from dataclasses import replace

    try:
        return replace(entry, kind=_(KIND_LABELS[DocumentKind(entry.kind)]))
    except ValueError:
        return entry
