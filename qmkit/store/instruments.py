"""Survey instruments: every ``*.yaml`` in the ``instruments/`` subfolder of ``standards/`` and of each folder
of ``QMKIT_STANDARDS``, validated against the loaded catalogs (XLSForm files are read by the CLI:
:mod:`qmkit.excel.xlsform`). A broken file is listed with file, line and fix; the
other instruments still work.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from qmkit.config import standards_dirs
from qmkit.domain.catalog import Catalog
from qmkit.domain.survey import Instrument, parse_instrument
from qmkit.errors import CatalogError
from qmkit.store.catalogs import read_data_file

INSTRUMENT_DIR = "instruments"


def load_instrument(path: Path | str, catalogs: Mapping[str, Catalog] | None = None) -> Instrument:
    path = Path(path)
    return parse_instrument(read_data_file(path), str(path), catalogs)


def discover_instruments(
    catalogs: Mapping[str, Catalog], dirs: list[Path] | None = None
) -> tuple[dict[str, Instrument], list[CatalogError]]:
    """Instrument id -> instrument (a later folder's file of the same id wins), and the files that failed."""
    found: dict[str, Instrument] = {}
    problems: list[CatalogError] = []
    for folder in dirs if dirs is not None else standards_dirs():
        for path in sorted((folder / INSTRUMENT_DIR).glob("*.y*ml")):
            try:
                instrument = load_instrument(path, catalogs)
            except CatalogError as exc:
                problems.append(exc)
                continue
            found[instrument.id] = instrument
    return found, problems
