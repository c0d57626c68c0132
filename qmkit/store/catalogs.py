"""The catalog files: every ``*.yaml`` in ``standards/`` and the folders of ``QMKIT_STANDARDS``, read and validated,
and the crosswalks between them in each folder's ``crosswalks/`` subfolder.

A file that cannot be loaded is listed with file, place and fix; the other catalogs and crosswalks still work.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from qmkit.config import standards_dirs
from qmkit.domain.catalog import MAX_CATALOG_BYTES, Catalog, CatalogSet, parse_catalog
from qmkit.domain.catalog_i18n import localized
from qmkit.domain.crosswalk import Crosswalk, parse_crosswalk
from qmkit.errors import CatalogError
from qmkit.i18n import _, language

CROSSWALK_DIR = "crosswalks"


def read_data_file(path: Path) -> str:
    """The file's text; :class:`CatalogError` when it is too large, not UTF-8 or unreadable."""
    try:
        size = path.stat().st_size
        if size > MAX_CATALOG_BYTES:
            raise CatalogError(str(path), [_("{src}: Datei ist größer als 5 MB").format(src=path)])
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CatalogError(str(path), [_("{src}: keine UTF-8-Textdatei").format(src=path)]) from None
    except OSError as exc:
        raise CatalogError(
            str(path), [_("{src}: kann nicht gelesen werden ({err})").format(src=path, err=exc.strerror)]
        ) from None


def load_catalog(path: Path | str) -> Catalog:
    """Load one catalog file; errors raise :class:`CatalogError`."""
    path = Path(path)
    return parse_catalog(read_data_file(path), str(path))


def load_crosswalk(path: Path | str, catalogs: Mapping[str, Catalog]) -> Crosswalk:
    """Load one crosswalk file and check it against ``catalogs``; errors raise :class:`CatalogError`."""
    path = Path(path)
    return parse_crosswalk(read_data_file(path), str(path), catalogs)


def _catalog_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def fingerprint(dirs: list[Path] | None = None) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and change times of all catalog and crosswalk files: cheap to compare, to reload only when
    needed."""
    found = []
    for folder in dirs if dirs is not None else standards_dirs():
        for sub in (folder, folder / CROSSWALK_DIR):
            for path in _catalog_files(sub) if sub.is_dir() else []:
                try:
                    stat = path.stat()
                except OSError:
                    continue
                found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def discover(dirs: list[Path] | None = None) -> CatalogSet:
    """Load every ``*.yaml``/``*.yml`` in the standards folders, then the crosswalks in their ``crosswalks/``
    folders; broken files become errors, not crashes. Catalogs come with their texts in ``QMKIT_LANG`` where their
    file has a translation (:func:`qmkit.domain.catalog_i18n.localized`)."""
    folders = dirs if dirs is not None else standards_dirs()
    found = CatalogSet()
    for folder in folders:
        if not folder.is_dir():
            found.errors.append(CatalogError(str(folder), [_("{src}: Ordner nicht gefunden").format(src=folder)]))
            continue
        for path in _catalog_files(folder):
            _add_catalog(found, path)
    for folder in folders:
        if (folder / CROSSWALK_DIR).is_dir():
            for path in _catalog_files(folder / CROSSWALK_DIR):
                _add_crosswalk(found, path)
    return found


def _add_catalog(found: CatalogSet, path: Path) -> None:
    try:
        catalog = localized(load_catalog(path), language())
    except CatalogError as exc:
        found.errors.append(exc)
        return
    if catalog.id in found.catalogs:
        found.errors.append(
            CatalogError(
                str(path),
                [
                    _("{src}: Katalog-ID '{id}' gibt es schon in {other} – diese Datei wird übersprungen").format(
                        src=path, id=catalog.id, other=found.paths[catalog.id]
                    )
                ],
            )
        )
        return
    found.catalogs[catalog.id] = catalog
    found.paths[catalog.id] = path


def _add_crosswalk(found: CatalogSet, path: Path) -> None:
    try:
        walk = load_crosswalk(path, found.catalogs)
    except CatalogError as exc:
        found.errors.append(exc)
        return
    same = found.crosswalks.get(walk.id) or found.crosswalk(walk.source.catalog, walk.target.catalog)
    if same is not None:
        found.errors.append(
            CatalogError(
                str(path),
                [
                    _(
                        "{src}: Für {a} ↔ {b} ist schon der Crosswalk „{other}“ geladen (ID '{id}') – diese Datei "
                        "wird übersprungen; bitte die Zuordnungen in einer Datei zusammenführen"
                    ).format(src=path, a=walk.source.catalog, b=walk.target.catalog, other=same.title, id=same.id)
                ],
            )
        )
        return
    found.crosswalks[walk.id] = walk
