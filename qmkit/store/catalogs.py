"""The catalog files: every ``*.yaml`` in ``standards/`` and the folders of ``QMKIT_STANDARDS``, read and validated.

A file that cannot be loaded is listed with file, place and fix; the other catalogs still work.
"""

from __future__ import annotations

from pathlib import Path

from qmkit.config import standards_dirs
from qmkit.domain.catalog import MAX_CATALOG_BYTES, Catalog, CatalogSet, parse_catalog
from qmkit.errors import CatalogError
from qmkit.i18n import _


def load_catalog(path: Path | str) -> Catalog:
    """Load one catalog file; errors raise :class:`CatalogError`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_CATALOG_BYTES:
            raise CatalogError(str(path), [_("{src}: Datei ist größer als 5 MB").format(src=path)])
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CatalogError(str(path), [_("{src}: keine UTF-8-Textdatei").format(src=path)]) from None
    except OSError as exc:
        raise CatalogError(
            str(path), [_("{src}: kann nicht gelesen werden ({err})").format(src=path, err=exc.strerror)]
        ) from None
    return parse_catalog(text, str(path))


def _catalog_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def fingerprint(dirs: list[Path] | None = None) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and change times of all catalog files: cheap to compare, to reload only when needed."""
    found = []
    for folder in dirs if dirs is not None else standards_dirs():
        for path in _catalog_files(folder) if folder.is_dir() else []:
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def discover(dirs: list[Path] | None = None) -> CatalogSet:
    """Load every ``*.yaml``/``*.yml`` in the standards folders; broken files become errors, not crashes."""
    found = CatalogSet()
    for folder in dirs if dirs is not None else standards_dirs():
        if not folder.is_dir():
            found.errors.append(CatalogError(str(folder), [_("{src}: Ordner nicht gefunden").format(src=folder)]))
            continue
        for path in _catalog_files(folder):
            try:
                catalog = load_catalog(path)
            except CatalogError as exc:
                found.errors.append(exc)
                continue
            if catalog.id in found.catalogs:
                found.errors.append(
                    CatalogError(
                        str(path),
                        [
                            _(
                                "{src}: Katalog-ID '{id}' gibt es schon in {other} – diese Datei wird übersprungen"
                            ).format(src=path, id=catalog.id, other=found.paths[catalog.id])
                        ],
                    )
                )
                continue
            found.catalogs[catalog.id] = catalog
            found.paths[catalog.id] = path
    return found
