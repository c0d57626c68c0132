"""The Excel round trip: read a checklist that colleagues filled offline and preview what would change.

The file is checked before openpyxl sees it (size, zip entries, declared sizes, what it really is); then every
answer cell is compared three ways: with the value written at export (a very hidden sheet), with the store now,
and with the file. A change in the file is *new* or *changed*; when the app changed the same field since the
export as well, it is a *conflict*. Unknown ids, values outside the scale, formulas, moved or renamed columns,
merged cells and extra sheets are listed, never applied. Nothing in the store changes here: :func:`apply_preview`
does that, after the QMB confirmed. No widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from qmkit.domain.catalog import Catalog, Requirement
from qmkit.domain.model import Assessment
from qmkit.errors import InputError
from qmkit.excel.checklist import META_FIELDS, REMARK_COLUMN, RESULT_COLUMN
from qmkit.excel.reading import cell_text
from qmkit.excel.returned import FilePreview, ReturnedChecklist
from qmkit.i18n import N_, _, n_
from qmkit.services.selfeval import SelfEvaluation

FIELD_LABELS = {
    "rating": N_("Selbstbewertung"),
    "implementation": N_("Umsetzung in der Einrichtung"),
    "responsible": N_("Verantwortlich"),
}
KIND_LABELS = {"new": N_("neu"), "changed": N_("geändert"), "conflict": N_("Konflikt")}


@dataclass(frozen=True)
class FieldChange:
    """One answer the file would change. ``base`` is the value at export (None when the file does not say)."""

    requirement_id: str
    field: str
    old: str
    new: str
    base: str | None
    kind: str  # "new" | "changed" | "conflict"
    old_text: str = ""
    new_text: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.requirement_id, self.field)


@dataclass(frozen=True)
class ImportPreview(FilePreview):
    """What an import would do; applying it is a separate, confirmed step."""

    changes: tuple[FieldChange, ...] = ()

    @property
    def applicable(self) -> tuple[FieldChange, ...]:
        """Changes without conflict: what "alle übernehmen" applies."""
        return tuple(c for c in self.changes if c.kind != "conflict")

    @property
    def conflicts(self) -> tuple[FieldChange, ...]:
        return tuple(c for c in self.changes if c.kind == "conflict")

    def summary(self) -> str:
        counts = {k: sum(1 for c in self.changes if c.kind == k) for k in KIND_LABELS}
        conflicts = n_("{n} Konflikt", "{n} Konflikte", counts["conflict"]).format(n=counts["conflict"])
        return _("{new} neu, {changed} geändert, {conflicts}, {same} unverändert, {problems}").format(
            new=counts["new"],
            changed=counts["changed"],
            conflicts=conflicts,
            same=self.unchanged,
            problems=self.problems_text(),
        )


@dataclass
class ApplyResult:
    applied: list[FieldChange] = field(default_factory=list)
    skipped: list[tuple[FieldChange, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- the file


# ---------------------------------------------------------------------------------------------- reading


def _rating_value(catalog: Catalog, req: Requirement, cell_text: str) -> str | None:
    """The stored value of a rating cell (label or value id), '' for empty, None when outside the scale."""
    text = cell_text.strip()
    if not text:
        return ""
    for v in catalog.scale_for(req):
        if text.casefold() in (v.label.casefold(), v.value.casefold()):
            return v.value
    return None


def read_checklist(
    open_cycle: Callable[[int], SelfEvaluation], content: bytes, name: str = "Datei", cycle_id: int | None = None
) -> ImportPreview:
    """The preview of importing ``content`` (an .xlsx) into its cycle; raises :class:`ImportFileError`."""
    checklist = ReturnedChecklist.open(open_cycle, content, name, cycle_id)
    evaluation, meta, problems, notices = checklist.evaluation, checklist.meta, checklist.problems, checklist.notices
    if not meta.found:
        notices.append(_("Ohne Exportstand: Konflikte mit Änderungen in der App können nicht erkannt werden."))
    catalog = evaluation.catalog
    known = {r.id: r for r in catalog.requirements()}
    stored = evaluation.assessments()
    wanted = {"ID": "id", **{label: key for key, label in FIELD_LABELS.items()}}
    wanted |= {RESULT_COLUMN: "assessor", REMARK_COLUMN: "assessor_text"}
    changes: list[FieldChange] = []
    unchanged = assessed = 0
    for row in checklist.rows(wanted, frozenset({"assessor", "assessor_text"})):
        req_id = row.requirement_id
        assessed += any(cell_text(row.cells[k].value).strip() for k in ("assessor", "assessor_text") if k in row.cells)
        current = stored.get(req_id, Assessment(evaluation.cycle.id, req_id))
        for key in META_FIELDS:
            raw = row.text(key, FIELD_LABELS[key])
            if raw is None:
                continue
            if key == "rating":
                new = _rating_value(catalog, known[req_id], raw)
                if new is None:
                    problems.append(
                        _("{w}: „{v}“ ist kein Wert der Skala – nicht übernommen.").format(w=row.where, v=raw[:60])
                    )
                    continue
            else:
                new = raw.strip() if key == "responsible" else raw.strip("\n ")
            old = (current.rating or "") if key == "rating" else getattr(current, key)
            base = meta.base.get(req_id, {}).get(key) if meta.base else None
            if new == old:
                unchanged += 1
                continue
            if base is not None and new == base:
                unchanged += 1  # only the app changed it since the export: the file brings nothing new
                continue
            kind = "conflict" if base is not None and old != base else ("new" if not old else "changed")
            show = (lambda v: catalog.scale.label(v) or "") if key == "rating" else (lambda v: v)
            changes.append(FieldChange(req_id, key, old, new, base, kind, show(old), show(new)))
    if assessed:
        notices.append(
            n_(
                "{n} Anforderung hat eine Rückmeldung der Gutachter*innen; sie wird auf der Seite „Rückmeldung“ "
                "eingelesen.",
                "{n} Anforderungen haben eine Rückmeldung der Gutachter*innen; sie werden auf der Seite "
                "„Rückmeldung“ eingelesen.",
                assessed,
            ).format(n=assessed)
        )
    return ImportPreview(changes=tuple(changes), **checklist.preview_fields(unchanged))


def apply_preview(
    evaluation: SelfEvaluation,
    preview: ImportPreview,
    keys: set[tuple[str, str]] | None = None,
    user: str = "",
) -> ApplyResult:
    """Apply the chosen changes (default: all without conflict); a conflict is applied only when chosen.

    Each change goes through the self-evaluation's checks. A field that changed in the store since the
    preview is skipped with a reason, so nothing typed in the app meanwhile is overwritten unseen.
    """
    if preview.cycle_id != evaluation.cycle.id:
        raise InputError(_("Die Vorschau gehört zu einem anderen Zyklus."), "cycle")
    chosen = [c for c in preview.changes if (c.key in keys if keys is not None else c.kind != "conflict")]
    result = ApplyResult()
    for change in chosen:
        current = evaluation.assessment(change.requirement_id)
        now = (current.rating or "") if change.field == "rating" else getattr(current, change.field)
        if now != change.old:
            result.skipped.append((change, _("inzwischen in der App geändert")))
            continue
        try:
            if change.field == "rating":
                evaluation.rate(change.requirement_id, change.new or None, user)
            else:
                evaluation.set_text(change.requirement_id, change.field, change.new, user)
        except InputError as exc:
            result.skipped.append((change, str(exc)))
            continue
        result.applied.append(change)
    return result
