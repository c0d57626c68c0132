"""Commands that move Excel files in and out: qmkit import checklist|feedback and qmkit export checklist|plan."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from qmkit.config import exports_dir
from qmkit.errors import NotFoundError, QmkitError
from qmkit.i18n import _
from qmkit.store.catalogs import discover

if TYPE_CHECKING:
    from qmkit.domain.model import Cycle
    from qmkit.store import Store


def read_excel(path: Path) -> bytes:
    """An Excel file to read in: refused over the import limit before it is read, German message on failure."""
    from qmkit.excel.reading import check_size

    try:
        check_size(path.stat().st_size, path.name)
        return path.read_bytes()
    except OSError as exc:
        raise NotFoundError(
            _("Die Datei {path} kann nicht gelesen werden: {err}").format(path=path, err=exc.strerror)
        ) from None


def _cycle_of_file(store: Store, args: argparse.Namespace) -> int | None:
    """The cycle named by ``--cycle`` (and ``--institution``) for a file without qmkit's export record."""
    from qmkit.services.cycles import CycleService

    if not args.cycle:
        return None
    cycles = CycleService(store)
    inst = cycles.find_institution(args.institution) if args.institution else None
    matches = [c for c in cycles.cycles(inst.id if inst else None) if c.name == args.cycle]
    if len(matches) != 1:
        raise NotFoundError(_("Den Zyklus „{name}“ gibt es nicht eindeutig.").format(name=args.cycle))
    return int(matches[0].id)


def import_feedback(args: argparse.Namespace) -> int:
    """``import feedback``: preview the assessors' findings; ``--apply`` stores new ones (``--replace`` all)."""
    from qmkit.excel.feedback_import import apply_feedback, change_label, read_feedback
    from qmkit.services.feedback_report import FeedbackReport
    from qmkit.services.selfeval import SelfEvaluation
    from qmkit.store import Store

    path: Path = args.path
    content = read_excel(path)
    store = Store()
    catalogs = discover()
    preview = read_feedback(SelfEvaluation.opener(store, catalogs), content, path.name, _cycle_of_file(store, args))
    print(_("Vorschau für {name}: {summary}").format(name=path.name, summary=preview.summary()))
    for c in preview.changes:
        label = _("neu") if c.kind == "new" else _("geändert")
        print(f"  {label:<9} {c.requirement_id:<10} {change_label(c.new_kind)}: „{c.new_text[:70]}“")
    for text in preview.problems:
        print(_("  Problem: {t}").format(t=text))
    for text in preview.notices:
        print(_("  Hinweis: {t}").format(t=text))
    new = {c.requirement_id for c in preview.changes if c.kind == "new"}
    keys = {c.requirement_id for c in preview.changes} if args.replace else new
    if not args.apply:
        if preview.changes:
            print(_("Nichts geändert. Mit --apply werden {n} neue Rückmeldungen übernommen.").format(n=len(new)))
        return 0
    report = FeedbackReport(SelfEvaluation.open(store, preview.cycle_id, catalogs))
    result = apply_feedback(report, preview, keys, args.user)
    print(
        _("{n} Rückmeldungen übernommen; {k} gespeicherte nicht ersetzt (mit --replace ersetzen).").format(
            n=len(result.applied), k=len(preview.changes) - len(keys)
        )
    )
    for change, why in result.skipped:
        print(_("  nicht übernommen: {id}: {why}").format(id=change.requirement_id, why=why))
    return 0


def import_checklist(args: argparse.Namespace) -> int:
    """``import checklist``: preview a filled checklist; with ``--apply`` take over what has no conflict."""
    from qmkit.excel.checklist_import import FIELD_LABELS, KIND_LABELS, apply_preview, read_checklist
    from qmkit.services.selfeval import SelfEvaluation
    from qmkit.store import Store

    path: Path = args.path
    content = read_excel(path)
    store = Store()
    cycle_id = _cycle_of_file(store, args)
    catalogs = discover()
    preview = read_checklist(SelfEvaluation.opener(store, catalogs), content, path.name, cycle_id)
    print(
        _("Vorschau für {name} ({source}): {summary}").format(
            name=path.name, source=preview.exported_from or "–", summary=preview.summary()
        )
    )
    for c in preview.changes:
        print(
            f"  {KIND_LABELS[c.kind]:<9} {c.requirement_id:<10} {_(FIELD_LABELS[c.field])}: "
            f"„{c.old_text[:60]}“ → „{c.new_text[:60]}“"
        )
    for text in preview.problems:
        print(_("  Problem: {t}").format(t=text))
    for text in preview.notices:
        print(_("  Hinweis: {t}").format(t=text))
    if not args.apply:
        if preview.applicable:
            print(
                _("Nichts geändert. Mit --apply werden {n} Änderungen ohne Konflikt übernommen.").format(
                    n=len(preview.applicable)
                )
            )
        return 0
    evaluation = SelfEvaluation.open(store, preview.cycle_id, catalogs)
    result = apply_preview(evaluation, preview, user=args.user)
    print(
        _("{n} Änderungen übernommen; {k} Konflikte nicht übernommen (in der App auswählen).").format(
            n=len(result.applied), k=len(preview.conflicts)
        )
    )
    for change, why in result.skipped:
        print(
            _("  nicht übernommen: {id} {f}: {why}").format(
                id=change.requirement_id, f=_(FIELD_LABELS[change.field]), why=why
            )
        )
    return 0


def find_cycle(store: Store, institution: str | None, name: str | None) -> Cycle:
    """The cycle named on the command line (``--institution``, ``--cycle``), or the most recent one."""
    from qmkit.services.cycles import CycleService

    cycles = CycleService(store)
    found: Cycle | None
    if institution:
        inst = cycles.find_institution(institution)
        found = cycles.find_cycle(inst.id, name) if name else next(iter(cycles.cycles(inst.id)), None)
    elif name:
        matches = [c for c in cycles.cycles() if c.name == name]
        if len(matches) > 1:
            raise QmkitError(
                _("Den Zyklus „{name}“ gibt es in mehreren Einrichtungen; bitte --institution angeben.").format(
                    name=name
                )
            )
        found = matches[0] if matches else None
    else:
        found = cycles.latest()
    if found is None:
        raise NotFoundError(_("Kein passender Zyklus gefunden. Zuerst in der App oder mit „qmkit demo“ einen anlegen."))
    return found


def export(args: argparse.Namespace) -> int:
    """``export checklist`` and ``export plan``: find the cycle, build the workbook, save it."""
    from qmkit.excel.checklist import build_workbook
    from qmkit.excel.plan import build_plan_workbook, plan_filename
    from qmkit.excel.style import export_filename, save_workbook
    from qmkit.services.selfeval import SelfEvaluation
    from qmkit.store import Store

    store = Store()
    cycle = find_cycle(store, args.institution, args.cycle)
    data = SelfEvaluation.open(store, cycle.id, discover()).checklist_data()
    if args.export_command == "plan":
        path = save_workbook(build_plan_workbook(data), args.out or exports_dir() / plan_filename(data))
        print(_("Maßnahmenplan gespeichert: {path}").format(path=path))
    else:
        path = save_workbook(build_workbook(data), args.out or exports_dir() / export_filename(data))
        print(_("Checkliste gespeichert: {path}").format(path=path))
    return 0
