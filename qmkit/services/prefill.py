"""Prefill a cycle from a cycle of another catalog of the same institution, along the crosswalk between the catalogs.

Only what is empty is filled: a rating where the requirement has none (a value set meanwhile, by anyone, stays),
evidence links where the requirement has none. What only a *teilweise* mapping carries is stored as a suggestion,
marked "bitte prüfen" until someone confirms or changes it. :meth:`Prefill.preview` shows what would happen,
:meth:`Prefill.apply` does it in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from qmkit.domain.access import Right
from qmkit.domain.catalog import CatalogSet
from qmkit.domain.crosswalk import Crosswalk, Skipped, Translation, translate
from qmkit.domain.model import Cycle
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _
from qmkit.services.access import Access, needs
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store


@dataclass(frozen=True)
class PrefillSource:
    """A cycle of the same institution whose catalog has a crosswalk to this cycle's catalog."""

    cycle: Cycle
    crosswalk: Crosswalk

    @property
    def label(self) -> str:
        return _("{cycle} ({catalog}) über „{crosswalk}“").format(
            cycle=self.cycle.name, catalog=self.cycle.catalog_id, crosswalk=self.crosswalk.title
        )


@dataclass(frozen=True)
class PrefillResult:
    """What a prefill did (or, before :meth:`Prefill.apply`, would do)."""

    source: PrefillSource
    prefilled: tuple[str, ...]  # rated from a *gleich* mapping
    suggested: tuple[str, ...]  # rated from a *teilweise* mapping only, marked "bitte prüfen"
    kept: tuple[str, ...]  # already rated here: left as they are
    skipped: tuple[Skipped, ...]  # mapped, but nothing to carry (source unrated …)
    linked: int  # evidence links made
    applied: bool

    def message(self) -> str:
        """One German paragraph for the page and the command line."""
        verb = _("übernommen") if self.applied else _("würden übernommen")
        text = _(
            "Aus {source}: Bewertungen {n} {verb} ({s} davon nur als Vorschlag, markiert „bitte prüfen“), "
            "{kept} schon bewertet und unverändert; Nachweise: {links} verknüpft."
        ).format(
            source=self.source.label,
            n=len(self.prefilled) + len(self.suggested),
            verb=verb,
            s=len(self.suggested),
            links=self.linked,
            kept=len(self.kept),
        )
        if self.skipped:
            text += " " + _("Nicht übertragen: {items}.").format(
                items="; ".join(f"{s.requirement_id} ({s.reason})" for s in self.skipped)
            )
        return text


class Prefill:
    """Prefill one cycle (the target) from a cycle of another catalog of the same institution."""

    def __init__(self, evaluation: SelfEvaluation, catalogs: CatalogSet):
        self.evaluation, self.catalogs = evaluation, catalogs
        self.store, self.access, self.cycle = evaluation.store, evaluation.access, evaluation.cycle

    @classmethod
    def open(cls, store: Store, cycle_id: int, catalogs: CatalogSet, access: Access | None = None) -> Prefill:
        return cls(SelfEvaluation.open(store, cycle_id, catalogs, access), catalogs)

    @property
    def institution_id(self) -> int:
        return self.cycle.institution_id

    def sources(self) -> list[PrefillSource]:
        """The institution's cycles of other catalogs with a crosswalk to this cycle's catalog, newest first."""
        found = []
        for cycle in self.store.cycles.all(self.institution_id):
            walk = self.catalogs.crosswalk(cycle.catalog_id, self.cycle.catalog_id)
            if cycle.id != self.cycle.id and walk is not None and cycle.catalog_id in self.catalogs.catalogs:
                found.append(PrefillSource(cycle, walk))
        return sorted(found, key=lambda s: (s.cycle.created_at, s.cycle.id), reverse=True)

    def source(self, cycle_id: int | None = None) -> PrefillSource:
        """The chosen cycle (``None``: the newest one) as a source; a German message when it cannot be one."""
        sources = self.sources()
        if cycle_id is None:
            if not sources:
                raise NotFoundError(self._no_source())
            return sources[0]
        cycle = self.store.cycles.get(int(cycle_id))
        if cycle.institution_id != self.institution_id:
            raise InputError(_("Dieser Zyklus gehört zu einer anderen Einrichtung."), "cycle")
        found = next((s for s in sources if s.cycle.id == cycle.id), None)
        if found is None:
            raise InputError(
                _(
                    "Zwischen „{have}“ (Zyklus „{cycle}“) und „{want}“ gibt es keinen Crosswalk – bitte einen "
                    "Zyklus eines anderen Katalogs wählen oder einen Crosswalk in standards/crosswalks/ anlegen."
                ).format(have=cycle.catalog_id, cycle=cycle.name, want=self.cycle.catalog_id)
                if cycle.id != self.cycle.id
                else _("Ein Zyklus kann nicht aus sich selbst vorbelegt werden."),
                "cycle",
            )
        return found

    def _no_source(self) -> str:
        return _(
            "Keine Vorlage: Diese Einrichtung hat keinen Zyklus eines Katalogs, zu dem ein Crosswalk nach „{id}“ "
            "besteht."
        ).format(id=self.cycle.catalog_id)

    def _plan(self, source: PrefillSource) -> tuple[Translation, dict[str, list[int]], PrefillResult]:
        answers = self.store.assessments.of_cycle(source.cycle.id)
        translation = translate(
            source.crosswalk,
            self.catalogs.get(source.cycle.catalog_id),
            self.evaluation.catalog,
            {k: a.rating for k, a in answers.items() if a.rating},
        )
        here = self.evaluation.assessments()
        kept = tuple(k for k in translation.carried if here.get(k) and here[k].rating)
        known = {r.id for r in self.evaluation.catalog.requirements()}
        documents: dict[str, list[int]] = {}
        for link in source.crosswalk.links(source.cycle.catalog_id):
            docs = [ev.document.id for s in link.sources for ev in (answers[s].evidence if s in answers else ())]
            for target in link.targets:
                if docs and target in known and not (here.get(target) and here[target].evidence):
                    documents[target] = list(dict.fromkeys([*documents.get(target, []), *docs]))
        carried = [c for k, c in translation.carried.items() if k not in kept]
        result = PrefillResult(
            source,
            tuple(c.requirement_id for c in carried if not c.suggestion),
            tuple(c.requirement_id for c in carried if c.suggestion),
            kept,
            translation.skipped,
            sum(len(d) for d in documents.values()),
            applied=False,
        )
        return translation, documents, result

    def preview(self, from_cycle_id: int | None = None) -> PrefillResult:
        """What :meth:`apply` would do now (nothing is stored)."""
        return self._plan(self.source(from_cycle_id))[2]

    @needs(Right.EDIT)
    def apply(self, from_cycle_id: int | None = None, user: str = "") -> PrefillResult:
        """Fill empty ratings and evidence of this cycle from ``from_cycle_id`` (default: the newest source)."""
        source = self.source(from_cycle_id)
        translation, documents, planned = self._plan(source)
        ratings = {k: translation.carried[k].value for k in (*planned.prefilled, *planned.suggested)}
        for req_id, value in ratings.items():
            self.evaluation.checked_rating(req_id, value)
        written, linked = self.store.carry_over.prefill(
            self.cycle.id, ratings, set(planned.suggested), documents, self.access.author(user)
        )
        done = set(written)
        return PrefillResult(
            source,
            tuple(k for k in planned.prefilled if k in done),
            tuple(k for k in planned.suggested if k in done),
            (*planned.kept, *(k for k in ratings if k not in done)),
            planned.skipped,
            linked,
            applied=True,
        )
