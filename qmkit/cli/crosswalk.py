"""Crosswalk commands: ``qmkit crosswalk check [PATH...]`` and ``qmkit prefill --cycle N [--from-cycle N] [--apply]``.

``prefill`` runs as the person named by ``QMKIT_USER`` (or JupyterHub's user) when set, else as the laptop's local
person, and needs the right to edit the cycle.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from qmkit.config import login_name
from qmkit.domain.catalog import CatalogSet
from qmkit.domain.crosswalk import GLEICH, Crosswalk, version_notes
from qmkit.errors import CatalogError
from qmkit.i18n import _
from qmkit.store.catalogs import CROSSWALK_DIR, discover, load_crosswalk


def _print_valid(where: str, walk: Crosswalk, found: CatalogSet) -> None:
    """One line for a valid crosswalk, and a hint where a catalog's version differs from the one it was written for."""
    same = sum(1 for m in walk.mappings if m.kind == GLEICH)
    line = _("{path}: gültig – {id}: {a} ↔ {b}, {n} Zuordnungen ({same} gleich, {part} teilweise)").format(
        path=where,
        id=walk.id,
        a=walk.source.catalog,
        b=walk.target.catalog,
        n=len(walk.mappings),
        same=same,
        part=len(walk.mappings) - same,
    )
    print(line)
    for note in version_notes(walk, found.catalogs):
        print("  " + _("Hinweis: {note}").format(note=note))


def _check_all(found: CatalogSet) -> int:
    """Every crosswalk the app loads, and the problems of those it cannot."""
    for walk in sorted(found.crosswalks.values(), key=lambda c: c.id):
        _print_valid(walk.title, walk, found)
    broken = [e for e in found.errors if Path(e.source).parent.name == CROSSWALK_DIR]
    for err in broken:
        for problem in err.problems:
            print(problem)
    if not found.crosswalks and not broken:
        print(_("Keine Crosswalks gefunden (Ordner crosswalks/ neben den Katalogen)."))
    return 1 if broken else 0


def crosswalk_check(args: argparse.Namespace) -> int:
    """``crosswalk check``: the given files against the loaded catalogs (none given: all that the app loads)."""
    found = discover()
    if not args.paths:
        return _check_all(found)
    failed = 0
    for path in args.paths:
        try:
            walk = load_crosswalk(path, found.catalogs)
        except CatalogError as exc:
            failed += 1
            for problem in exc.problems:
                print(problem)
            continue
        _print_valid(str(path), walk, found)
    return 1 if failed else 0


def prefill(args: argparse.Namespace) -> int:
    """``prefill``: show what a cycle would take from a cycle of another catalog; ``--apply`` stores it."""
    from qmkit.services.access import Access
    from qmkit.services.people import identify
    from qmkit.services.prefill import Prefill
    from qmkit.store import Store

    store = Store()
    service = Prefill.open(store, args.cycle, discover(), Access(store, identify(store, login_name())))
    if args.apply:
        print(service.apply(args.from_cycle, args.user).message())
        return 0
    sources = service.sources()
    if args.from_cycle is None and len(sources) > 1:
        print(_("Mögliche Vorlagen (mit --from-cycle wählen; ohne gilt die neueste):"))
        for source in sources:
            print(f"  {source.cycle.id:>5}  {source.label}")
    print(service.preview(args.from_cycle).message())
    print(_("Nichts gespeichert – mit --apply übernehmen."))
    return 0
