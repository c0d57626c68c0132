"""The process map (Prozesslandkarte): an institution's own leadership, core and support processes, what each
needs and delivers, the documents that describe it and the requirements of a catalog it serves.

QESplus asks an organisation to map its processes against the requirements; any catalog can switch this on
(``process_map: true``). Processes belong to the institution and outlive a cycle; their requirement links are ids
of a catalog, and the catalog of the cycle at hand decides which of them count. Pure types, checks and the
coverage figures; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from qmkit.domain.text import clean_name, clean_text
from qmkit.errors import InputError
from qmkit.i18n import N_, _


class ProcessKind(StrEnum):
    """The three kinds of process, in the order the map shows them (top to bottom)."""

    FUEHRUNG = "fuehrung"
    KERN = "kern"
    UNTERSTUETZUNG = "unterstuetzung"


KIND_LABELS: dict[ProcessKind, str] = {
    ProcessKind.FUEHRUNG: N_("Führung"),
    ProcessKind.KERN: N_("Kern"),
    ProcessKind.UNTERSTUETZUNG: N_("Unterstützung"),
}
LANE_TITLES: dict[ProcessKind, str] = {
    ProcessKind.FUEHRUNG: N_("Führungsprozesse"),
    ProcessKind.KERN: N_("Kernprozesse"),
    ProcessKind.UNTERSTUETZUNG: N_("Unterstützungsprozesse"),
}
KIND_ORDER = {kind: i for i, kind in enumerate(ProcessKind)}

NAME_LIMIT = 120
OWNER_LIMIT = 200
TEXT_LIMIT = 4000
FIELD_LABELS: dict[str, str] = {
    "name": N_("Name"),
    "kind": N_("Art"),
    "owner": N_("Verantwortlich"),
    "purpose": N_("Zweck"),
    "inputs": N_("Eingaben"),
    "outputs": N_("Ergebnisse"),
}
TEXT_FIELDS = ("purpose", "inputs", "outputs")


@dataclass(frozen=True)
class Process:
    """One process of an institution; ``requirement_ids`` may name requirements of several catalogs."""

    id: int
    institution_id: int
    name: str
    kind: ProcessKind
    owner: str = ""
    purpose: str = ""
    inputs: str = ""
    outputs: str = ""
    position: int = 0
    requirement_ids: tuple[str, ...] = ()
    document_ids: tuple[int, ...] = ()
    changed_by: str = ""
    changed_at: str = ""
    revision: int = 1

    @property
    def kind_label(self) -> str:
        return _(KIND_LABELS[self.kind])


def sort_key(process: Process) -> tuple[int, int, str, int]:
    """Leadership first, then the core chain in its order, then support."""
    return (KIND_ORDER[process.kind], process.position, process.name.casefold(), process.id)


def check_kind(value: Any) -> ProcessKind:
    try:
        return ProcessKind(value)
    except ValueError:
        allowed = ", ".join(_(label) for label in KIND_LABELS.values())
        raise InputError(
            _("Art: „{value}“ gibt es nicht; erlaubt sind {allowed}. Nichts wurde gespeichert.").format(
                value=str(value)[:40], allowed=allowed
            ),
            "kind",
        ) from None


def check_field(name: str, value: Any) -> Any:
    """One field as it may be stored, or :class:`InputError` naming the field in German."""
    if name == "name":
        clean = clean_name(value, "name", limit=NAME_LIMIT, label=FIELD_LABELS["name"])
        if not clean:
            raise InputError(_("Bitte einen Namen für den Prozess eingeben – nichts wurde gespeichert."), "name")
        return clean
    if name == "kind":
        return check_kind(value)
    if name == "owner":
        return clean_name(value, "owner", limit=OWNER_LIMIT, label=FIELD_LABELS["owner"])
    if name in TEXT_FIELDS:
        return clean_text(value, name, limit=TEXT_LIMIT, label=FIELD_LABELS[name], multiline=True)
    raise InputError(_("Unbekanntes Feld."), name)


def check_process(values: dict[str, Any]) -> dict[str, Any]:
    """A new process: name and kind required, the other fields optional; every field checked."""
    unknown = set(values) - set(FIELD_LABELS)
    if unknown:
        raise InputError(_("Unbekanntes Feld."), sorted(unknown)[0])
    clean = {"name": check_field("name", values.get("name")), "kind": check_field("kind", values.get("kind"))}
    for name in ("owner", *TEXT_FIELDS):
        clean[name] = check_field(name, values.get(name))
    return clean


def same_name(name: str, other: str) -> bool:
    return name.casefold() == other.casefold()


def name_taken(name: str) -> InputError:
    return InputError(
        _("Einen Prozess „{name}“ gibt es schon; bitte einen anderen Namen wählen.").format(name=name), "name"
    )


# ---------------------------------------------------------------------- coverage and the map's content


@dataclass(frozen=True)
class MapRequirement:
    """A requirement of the cycle's catalog as the matrix shows it."""

    id: str
    title: str
    area_id: str
    area_title: str


@dataclass(frozen=True)
class Coverage:
    """Which requirements processes serve: per requirement the processes, and the gaps on both sides."""

    served_by: dict[str, tuple[int, ...]]  # requirement id -> ids of the processes serving it
    uncovered: tuple[str, ...]  # requirement ids no process serves (catalog order)
    idle: tuple[int, ...]  # ids of processes serving no requirement of this catalog

    @property
    def total(self) -> int:
        return len(self.served_by)

    @property
    def covered(self) -> int:
        return self.total - len(self.uncovered)

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.total) if self.total else 0


def coverage(requirement_ids: Sequence[str], processes: Iterable[Process]) -> Coverage:
    """Coverage of ``requirement_ids`` (the catalog's, in order) by ``processes``; links to ids of other catalogs
    do not count."""
    known = set(requirement_ids)
    served: dict[str, list[int]] = {r: [] for r in requirement_ids}
    idle = []
    for process in processes:
        mine = [r for r in process.requirement_ids if r in known]
        if not mine:
            idle.append(process.id)
        for req in mine:
            served[req].append(process.id)
    return Coverage(
        {r: tuple(ids) for r, ids in served.items()},
        tuple(r for r in requirement_ids if not served[r]),
        tuple(idle),
    )


@dataclass(frozen=True)
class ProcessMapData:
    """Everything an export of the map shows: the processes of the institution against the cycle's catalog."""

    institution: str
    cycle: str
    catalog: str
    enabled: bool  # the catalog asks for a process map (``process_map: true``)
    requirements: tuple[MapRequirement, ...]
    processes: tuple[Process, ...]  # in map order (see :func:`sort_key`)
    document_titles: dict[int, str] = field(default_factory=dict)
    coverage: Coverage = field(default_factory=lambda: Coverage({}, (), ()))

    def of_kind(self, kind: ProcessKind) -> list[Process]:
        return [p for p in self.processes if p.kind == kind]

    def serves(self, process: Process, requirement_id: str) -> bool:
        return process.id in self.coverage.served_by.get(requirement_id, ())

    def requirement_links(self, process: Process) -> list[str]:
        """The process's requirements of this catalog, in catalog order."""
        return [r.id for r in self.requirements if self.serves(process, r.id)]

    def documents(self, process: Process) -> list[str]:
        return [self.document_titles[d] for d in process.document_ids if d in self.document_titles]

    def process(self, process_id: int) -> Process:
        return next(p for p in self.processes if p.id == process_id)

    def requirement(self, requirement_id: str) -> MapRequirement:
        return next(r for r in self.requirements if r.id == requirement_id)
