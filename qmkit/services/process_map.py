"""The process map of a cycle's institution, checked: processes, their requirement and document links, coverage
and the content of the exports.

Processes belong to the institution; the cycle's catalog decides which requirement ids are valid here (links to
requirements of another catalog stay stored and are left alone). Reading needs *lesen*, every change *bearbeiten*;
a refused value gets a German message and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.catalog import Catalog, CatalogSet
from qmkit.domain.evidence import Document
from qmkit.domain.process_map import (
    FIELD_LABELS,
    MapRequirement,
    Process,
    ProcessMapData,
    check_field,
    check_process,
    coverage,
    sort_key,
)
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _
from qmkit.services.access import Access, needs
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store

MAX_PROCESSES = 200


class ProcessMap:
    """The processes of one institution, seen through one cycle's catalog."""

    def __init__(self, evaluation: SelfEvaluation):
        self.evaluation = evaluation
        self.store: Store = evaluation.store
        self.access: Access = evaluation.access
        self.catalog: Catalog = evaluation.catalog
        self._requirements = {r.id for r in self.catalog.requirements()}

    @classmethod
    def open(cls, store: Store, cycle_id: int, catalogs: CatalogSet, access: Access | None = None) -> ProcessMap:
        """The map for a cycle the person may see (else a German refusal)."""
        return cls(SelfEvaluation.open(store, int(cycle_id), catalogs, access))

    @property
    def institution_id(self) -> int:
        return self.evaluation.institution_id

    @property
    def enabled(self) -> bool:
        """Whether the cycle's catalog asks for a process map (the page works either way)."""
        return self.catalog.process_map

    @property
    def may_edit(self) -> bool:
        return self.access.may(self.institution_id, Right.EDIT)

    # ------------------------------------------------------------------ reading

    def processes(self) -> list[Process]:
        """The institution's processes in map order."""
        return sorted(self.store.processes.of_institution(self.institution_id), key=sort_key)

    def process(self, process_id: Any) -> Process:
        """A process of this institution; an id of another institution is refused like an unknown one."""
        try:
            found = self.store.processes.get(int(process_id))
        except (TypeError, ValueError):
            raise NotFoundError(_("Diesen Prozess gibt es nicht (mehr).")) from None
        if found.institution_id != self.institution_id:
            raise NotFoundError(_("Diesen Prozess gibt es nicht (mehr)."))
        return found

    def documents(self) -> list[Document]:
        """The institution's register, the documents a process may name."""
        return self.store.evidence.documents(self.institution_id)

    def data(self) -> ProcessMapData:
        """The map against the cycle's catalog: processes, matrix, coverage, document titles."""
        requirements = tuple(
            MapRequirement(req.id, req.title, area.id, area.title)
            for area in self.catalog.areas
            for req in area.all_requirements()
        )
        found = tuple(self.processes())
        cycle = self.evaluation.cycle
        return ProcessMapData(
            self.evaluation.institution.name,
            cycle.name,
            self.catalog.title,
            self.enabled,
            requirements,
            found,
            {d.id: d.title for d in self.documents()},
            coverage([r.id for r in requirements], found),
        )

    def foreign_links(self, process: Process) -> list[str]:
        """Requirement ids of the process that this cycle's catalog does not know (kept, not shown)."""
        return [r for r in process.requirement_ids if r not in self._requirements]

    # ------------------------------------------------------------------ changes

    @needs(Right.EDIT)
    def add(self, values: dict[str, Any]) -> Process:
        """A new process: name and kind required; owner, purpose, inputs and outputs optional."""
        clean = check_process(values)
        if len(self.store.processes.of_institution(self.institution_id)) >= MAX_PROCESSES:
            raise InputError(_("Mehr als {n} Prozesse je Einrichtung gehen nicht.").format(n=MAX_PROCESSES), "name")
        return self.store.processes.add(self.institution_id, clean, self.access.who())

    @needs(Right.EDIT)
    def update(self, process_id: Any, field: str, value: Any) -> Process:
        """One field of a process, checked (name, kind, owner, purpose, inputs, outputs)."""
        if field not in FIELD_LABELS:
            raise InputError(_("Unbekanntes Feld."), field)
        clean = check_field(field, value)
        found = self.process(process_id)
        return self.store.processes.update(found.id, field, clean, self.access.who())

    @needs(Right.EDIT)
    def delete(self, process_id: Any) -> None:
        found = self.process(process_id)
        self.store.processes.delete(found.id)

    @needs(Right.EDIT)
    def move(self, process_id: Any, step: int) -> Process:
        """One place earlier (``step`` < 0) or later among the processes of its kind (the core chain's order)."""
        found = self.process(process_id)
        return self.store.processes.move(found.id, -1 if step < 0 else 1, self.access.who())

    @needs(Right.EDIT)
    def set_requirements(self, process_id: Any, requirement_ids: Iterable[Any]) -> Process:
        """The requirements of this catalog the process serves; its links to other catalogs' ids stay."""
        found = self.process(process_id)
        wanted = self._checked_requirements(requirement_ids)
        mine = {r for r in found.requirement_ids if r in self._requirements}
        add = [r for r in wanted if r not in mine]
        remove = sorted(mine - set(wanted))
        if not add and not remove:
            return found
        return self.store.processes.link_requirements(found.id, add, remove, self.access.who())

    def _checked_requirements(self, requirement_ids: Iterable[Any]) -> list[str]:
        wanted: list[str] = []
        for raw in requirement_ids:
            req = str(raw)
            if req not in self._requirements:
                raise InputError(
                    _("Anforderung „{id}“ gibt es im Katalog {catalog} nicht – nichts wurde gespeichert.").format(
                        id=req[:64], catalog=self.catalog.title
                    ),
                    "requirements",
                )
            if req not in wanted:
                wanted.append(req)
        return wanted

    @needs(Right.EDIT)
    def set_documents(self, process_id: Any, document_ids: Iterable[Any]) -> Process:
        """The register documents that describe the process (documents of this institution only)."""
        found = self.process(process_id)
        wanted: list[int] = []
        for raw in document_ids:
            doc = self._document(raw)
            if doc.id not in wanted:
                wanted.append(doc.id)
        add = [d for d in wanted if d not in found.document_ids]
        remove = [d for d in found.document_ids if d not in wanted]
        if not add and not remove:
            return found
        return self.store.processes.link_documents(found.id, add, remove, self.access.who())

    def _document(self, raw: Any) -> Document:
        try:
            doc = self.store.evidence.document(int(raw))
        except (TypeError, ValueError):
            raise InputError(_("Dieses Dokument gibt es im Nachweisregister nicht."), "documents") from None
        if doc.institution_id != self.institution_id:
            raise InputError(
                _("Dieses Dokument gehört zu einer anderen Einrichtung – nichts wurde gespeichert."), "documents"
            )
        return doc
