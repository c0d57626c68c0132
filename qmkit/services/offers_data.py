"""Offers against needs of a cycle's institution, checked: loading the education office's tables (validated whole,
stored with their source, date, who loaded them and the column mapping), the data version each cycle keeps, and
the analysis and the content of the exports.

Loads belong to the institution; a cycle keeps the load it used per kind (the one loaded in it or chosen), else
the newest. Reading needs *lesen*; loading and choosing *bearbeiten*. A refused table gets German messages with
its rows and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from qmkit.domain.access import Right
from qmkit.domain.catalog import Catalog, CatalogSet
from qmkit.domain.data_loads import KINDS, DataLoad
from qmkit.domain.evidence import display_name
from qmkit.domain.offers import FIELDS, MAX_TEXT, needs_frame, offers_frame, text_key
from qmkit.domain.offers_analysis import Analysis, AnalysisReport, Filters, analyse
from qmkit.domain.offers_members import MemberReport
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _
from qmkit.services.access import Access, needs
from qmkit.services.cycle_data import current_load, load_rows
from qmkit.services.offers_members import MemberOffers
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store

MAX_NAMED = 8
Rows = Sequence[Sequence[str]]


@dataclass(frozen=True)
class Checked:
    """A table read and validated, not stored yet: its headings, its rows as a frame and hints (not refusals)."""

    kind: str
    source: str
    header: tuple[str, ...]
    frame: pd.DataFrame
    mapping: dict[str, str]
    hints: tuple[str, ...]


def check_kind(kind: Any) -> str:
    if kind not in KINDS:
        raise InputError(_("Bitte „needs“ (Bedarfe) oder „offers“ (Angebote) angeben."), "kind")
    return str(kind)


def check_mapping(kind: str, mapping: Mapping[Any, Any] | None) -> dict[str, str]:
    """Field → heading in the file; fields of ``kind`` only, each heading once; empty entries dropped."""
    wanted = FIELDS[kind]
    clean: dict[str, str] = {}
    for field, heading in (mapping or {}).items():
        name = next((f for f, h in wanted.items() if field in (f, h)), None)
        if name is None:
            raise InputError(
                _("Zuordnung: „{field}“ gibt es nicht; möglich sind {names}.").format(
                    field=str(field)[:40], names=", ".join(wanted.values())
                ),
                "mapping",
            )
        text = " ".join(str(heading or "").split())
        if len(text) > MAX_TEXT:
            raise InputError(_("Zuordnung: höchstens {n} Zeichen je Überschrift.").format(n=MAX_TEXT), "mapping")
        if text and text != wanted[name]:
            clean[name] = text
    taken = [h for h in clean.values() if list(clean.values()).count(h) > 1]
    if taken:
        raise InputError(
            _("Zuordnung: Die Spalte „{h}“ ist mehreren Feldern zugeordnet.").format(h=taken[0]), "mapping"
        )
    return clean


def _named(values: set[str]) -> str:
    shown = sorted(values)[:MAX_NAMED]
    return ", ".join(shown) + (" …" if len(values) > MAX_NAMED else "")


class OffersNeeds:
    """The needs and offers data of one institution, seen through one cycle."""

    def __init__(self, evaluation: SelfEvaluation):
        self.evaluation = evaluation
        self.store: Store = evaluation.store
        self.access: Access = evaluation.access
        self.catalog: Catalog = evaluation.catalog
        self._frames: tuple[tuple[int | None, int | None], pd.DataFrame, pd.DataFrame] | None = None
        self.members = MemberOffers(self.store, self.access, self.institution_id)

    @classmethod
    def open(cls, store: Store, cycle_id: int, catalogs: CatalogSet, access: Access | None = None) -> OffersNeeds:
        return cls(SelfEvaluation.open(store, int(cycle_id), catalogs, access))

    @property
    def institution_id(self) -> int:
        return self.evaluation.institution_id

    @property
    def cycle_id(self) -> int:
        return self.evaluation.cycle.id

    @property
    def enabled(self) -> bool:
        """Whether the cycle's catalog asks for the data page (it works either way)."""
        return self.catalog.offers_needs

    @property
    def may_edit(self) -> bool:
        return self.access.may(self.institution_id, Right.EDIT)

    # ------------------------------------------------------------------ reading

    def loads(self, kind: str | None = None) -> list[DataLoad]:
        """The institution's loads (of ``kind``), newest first."""
        found = self.store.offers_data.loads(self.institution_id)
        return [d for d in found if kind is None or d.kind == kind]

    def current(self, kind: str) -> DataLoad | None:
        """The load this cycle uses for ``kind``: the one it keeps, else the newest (None: nothing loaded)."""
        return current_load(self.store, self.institution_id, self.cycle_id, check_kind(kind))

    def kept(self, kind: str) -> int | None:
        """The load this cycle keeps for ``kind`` (None: it follows the newest)."""
        return self.store.offers_data.chosen(self.cycle_id).get(check_kind(kind))

    def mapping(self, kind: str) -> dict[str, str]:
        """The column mapping of the newest load of ``kind`` (remembered for the next file)."""
        loads = self.loads(check_kind(kind))
        return dict(loads[0].mapping) if loads else {}

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The needs and offers this cycle uses (empty frames where nothing is loaded); loads never change, so
        the rows of the same two loads are read once."""
        need, offer = self.current("needs"), self.current("offers")
        key = (need.id if need else None, offer.id if offer else None)
        if self._frames is None or self._frames[0] != key:
            self._frames = (key, *load_rows(self.store, need, offer))
        return self._frames[1], self._frames[2]

    def analysis(self, filters: Filters | None = None, members: Sequence[Any] = ()) -> Analysis | None:
        """The analysis of the cycle's data; None until needs data is loaded. ``members``: networks (ids) whose
        members' reported offers are added (a German refusal unless this person coordinates them)."""
        return self.analysed(filters, members)[0]

    def analysed(
        self, filters: Filters | None, members: Sequence[Any]
    ) -> tuple[Analysis | None, tuple[MemberReport, ...]]:
        """:meth:`analysis` and the member reports it includes (what the page lists beside it)."""
        needs_rows, offer_rows = self.frames()
        reports: tuple[MemberReport, ...] = ()
        if members:
            offer_rows, reports = self.members.combined(offer_rows, self.evaluation.institution.name, members)
        if needs_rows.empty:
            return None, reports
        return analyse(needs_rows, offer_rows, filters), reports

    def report(self, filters: Filters | None = None, members: Sequence[Any] = ()) -> AnalysisReport:
        """The content of the workbook (a German refusal while needs data is missing); with ``members`` it names
        the member reports included."""
        found, reports = self.analysed(filters, members)
        if found is None:
            raise NotFoundError(_("Noch keine Bedarfsdaten geladen – zuerst eine Tabelle einlesen."))
        need, offer = self.current("needs"), self.current("offers")
        return AnalysisReport(
            self.evaluation.institution.name,
            self.evaluation.cycle.name,
            self.catalog.title,
            need.title if need else "–",
            offer.title if offer else _("keine Angebote geladen"),
            found,
            reports,
        )

    # ------------------------------------------------------------------ checking (nothing stored)

    def check(self, kind: str, rows: Rows, name: str, mapping: Mapping[Any, Any] | None = None) -> Checked:
        """The table's rows (as :func:`qmkit.documents.table_files.read_table` gives them) validated whole – a
        German refusal listing its rows –, with hints; nothing stored."""
        kind = check_kind(kind)
        source = display_name(name)
        clean = check_mapping(kind, mapping)
        if not rows:
            raise InputError(_("„{name}“ enthält keine Zeilen.").format(name=source), "file")
        frame = needs_frame(rows, clean) if kind == "needs" else offers_frame(rows, clean)
        if frame.empty:
            raise InputError(_("„{name}“ enthält nur Überschriften, keine Daten.").format(name=source), "file")
        return Checked(kind, source, tuple(rows[0]), frame, clean, tuple(self._hints(kind, frame)))

    def _hints(self, kind: str, frame: pd.DataFrame) -> list[str]:
        if kind == "needs":
            if not (frame["indicator"].map(text_key) == text_key("Bevölkerung")).any():
                return [_("Kein Indikator „Bevölkerung“: Ohne Zielbevölkerung gibt es keine Quote je 1.000.")]
            return []
        needs_rows, _offers = self.frames()
        if needs_rows.empty:
            return [_("Noch keine Bedarfsdaten geladen: Die Sozialräume werden geprüft, sobald sie da sind.")]
        known = set(needs_rows["district"])
        unknown = set(frame["district"]) - known
        if not unknown:
            return []
        close = {text_key(k): k for k in known}
        hints = [
            _(
                "{n} Angebote liegen in Sozialräumen, die die Bedarfsdaten nicht kennen: {names}. Sie werden "
                "aufgeführt, aber nicht gezählt."
            ).format(n=int(frame["district"].isin(unknown).sum()), names=_named(unknown))
        ]
        for name in sorted(unknown):
            if text_key(name) in close:
                hints.append(_("Meinten Sie „{known}“ statt „{name}“?").format(known=close[text_key(name)], name=name))
        return hints

    # ------------------------------------------------------------------ changes

    @needs(Right.EDIT)
    def load(
        self, kind: str, rows: Rows, name: str, mapping: Mapping[Any, Any] | None = None
    ) -> tuple[DataLoad, tuple[str, ...]]:
        """Check and store a table's rows; this cycle keeps it from now on. Returns the load and its hints."""
        checked = self.check(kind, rows, name, mapping)
        made = self.store.offers_data.add(
            self.institution_id,
            checked.kind,
            checked.source,
            checked.mapping,
            checked.frame,
            self.access.who(),
            self.cycle_id,
        )
        return made, checked.hints

    @needs(Right.EDIT)
    def choose(self, kind: str, load_id: Any) -> DataLoad | None:
        """The load this cycle keeps for ``kind``; ``None`` or "" = always the newest."""
        kind = check_kind(kind)
        if load_id in (None, ""):
            self.store.offers_data.choose(self.cycle_id, kind, None, self.access.who())
            return self.current(kind)
        found = self._own(load_id)
        if found.kind != kind:
            raise InputError(_("Dieser Datenstand gehört zu einer anderen Art."), "load")
        self.store.offers_data.choose(self.cycle_id, kind, found.id, self.access.who())
        return found

    @needs(Right.EDIT)
    def delete(self, load_id: Any) -> DataLoad:
        """A load read in by mistake, with its rows; refused while another cycle keeps it (its analysis would
        change). This cycle then uses the newest again."""
        found = self._own(load_id)
        others = [c for c in self.store.offers_data.keeping(found.id) if c != self.cycle_id]
        if others:
            names = ", ".join(f"„{self.store.cycles.get(c).name}“" for c in others)
            raise InputError(
                _("Den Datenstand {title} nutzt der Zyklus {names} – er bleibt gespeichert.").format(
                    title=found.title, names=names
                ),
                "load",
            )
        self.store.offers_data.delete(found.id)
        return found

    def _own(self, load_id: Any) -> DataLoad:
        gone = _("Diesen Datenstand gibt es nicht (mehr).")
        try:
            found = self.store.offers_data.load(int(load_id))
        except (TypeError, ValueError):
            raise NotFoundError(gone) from None
        if found.institution_id != self.institution_id:
            raise NotFoundError(gone)
        return found
