"""The assessors' columns of a returned checklist as a feedback report: a preview first, then the chosen findings.

The same file checks as the self-evaluation import (size, zip bomb, XML tricks, what the file really is), the
same sheet reading (by column heading; merged cells, formulas, unknown and repeated ids listed, never read).
An empty cell never clears a stored finding. Nothing is stored until :func:`apply_feedback`. No widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from qmkit.domain.feedback import KIND_LABELS, TEXT_LIMIT, FindingKind, kind_from_text, kind_label
from qmkit.errors import InputError
from qmkit.excel.checklist import REMARK_COLUMN, RESULT_COLUMN
from qmkit.excel.returned import FilePreview, ReturnedChecklist
from qmkit.i18n import _
from qmkit.services.feedback_report import FeedbackReport
from qmkit.services.selfeval import SelfEvaluation

WANTED = {"ID": "id", RESULT_COLUMN: "kind", REMARK_COLUMN: "text"}


@dataclass(frozen=True)
class FindingChange:
    """A finding the file would add or change; ``revision`` is the stored one's at reading time."""

    requirement_id: str
    old_kind: FindingKind | None
    old_text: str
    new_kind: FindingKind | None
    new_text: str
    revision: int

    @property
    def kind(self) -> str:
        return "new" if self.old_kind is None and not self.old_text else "changed"


@dataclass(frozen=True)
class FeedbackPreview(FilePreview):
    """The findings a returned checklist would add or change; applying them is a separate, confirmed step."""

    changes: tuple[FindingChange, ...] = ()

    def summary(self) -> str:
        new = sum(1 for c in self.changes if c.kind == "new")
        return _("{new} neue Rückmeldungen, {changed} geändert, {same} unverändert, {problems}").format(
            new=new, changed=len(self.changes) - new, same=self.unchanged, problems=self.problems_text()
        )


@dataclass
class FeedbackApplied:
    applied: list[FindingChange] = field(default_factory=list)
    skipped: list[tuple[FindingChange, str]] = field(default_factory=list)


def read_feedback(
    open_cycle: Callable[[int], SelfEvaluation], content: bytes, name: str = "Datei", cycle_id: int | None = None
) -> FeedbackPreview:
    """The preview of the assessors' results and remarks in ``content``; raises :class:`ImportFileError`."""
    checklist = ReturnedChecklist.open(open_cycle, content, name, cycle_id)
    problems = checklist.problems
    stored = FeedbackReport(checklist.evaluation).findings()
    choices = ", ".join(_(label) for label in KIND_LABELS.values())
    changes: list[FindingChange] = []
    unchanged = 0
    for row in checklist.rows(WANTED, optional=frozenset({"kind"})):
        result = row.text("kind", RESULT_COLUMN)
        remark = row.text("text", REMARK_COLUMN)
        result, remark = (result or "").strip(), (remark or "").strip("\n ")
        if not result and not remark:
            continue
        kind = kind_from_text(result, cell=True) if result else kind_from_text(remark)
        if result and kind is None:
            problems.append(
                _("{w}: „{v}“ ist kein Ergebnis ({choices}) – das Ergebnis wird nicht übernommen.").format(
                    w=row.where, v=result[:60], choices=choices
                )
            )
        if len(remark) > TEXT_LIMIT:
            problems.append(
                _("{w}: Die Anmerkung ist länger als {n} Zeichen – nicht übernommen.").format(w=row.where, n=TEXT_LIMIT)
            )
            remark = ""
        if kind is None and not remark:
            continue  # nothing readable in this row
        current = stored.get(row.requirement_id)
        old_kind = current.kind if current else None
        old_text = current.text if current else ""
        new_kind = kind or old_kind
        new_text = remark or old_text
        if (new_kind, new_text) == (old_kind, old_text):
            unchanged += 1
            continue
        revision = current.revision if current else 0
        changes.append(FindingChange(row.requirement_id, old_kind, old_text, new_kind, new_text, revision))
    return FeedbackPreview(changes=tuple(changes), **checklist.preview_fields(unchanged))


def apply_feedback(
    report: FeedbackReport, preview: FeedbackPreview, keys: set[str] | None = None, user: str = ""
) -> FeedbackApplied:
    """Store the chosen findings (default: all); one that changed in the app since the preview is skipped."""
    if preview.cycle_id != report.cycle.id:
        raise InputError(_("Die Vorschau gehört zu einem anderen Zyklus."), "cycle")
    result = FeedbackApplied()
    for change in preview.changes:
        if keys is not None and change.requirement_id not in keys:
            continue
        values = {"kind": change.new_kind.value if change.new_kind else None, "text": change.new_text}
        try:
            report.take_over(change.requirement_id, values, change.revision, user, preview.file_name)
        except InputError as exc:
            result.skipped.append((change, str(exc)))
            continue
        result.applied.append(change)
    return result


def change_label(kind: FindingKind | None) -> str:
    """How a kind shows in the preview ('–' for none)."""
    return kind_label(kind) if kind else "–"
