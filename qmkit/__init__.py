"""qmkit: self-evaluation, quality planning and Excel checklists for QM in education and social work.

The core (catalogs, store, self-evaluation, exports) never imports ipywidgets; the browser pages live in
``qmkit.ui`` and are reached through :func:`page`, which notebooks call.
"""

from __future__ import annotations

from typing import Any

from .catalog import (
    Catalog,
    CatalogSet,
    Group,
    Requirement,
    Scale,
    ScaleValue,
    discover,
    load_catalog,
    parse_catalog,
)
from .errors import CatalogError, ExportError, InputError, NotFoundError, QmkitError, StoreError
from .excel import build_workbook, export_filename, save_workbook
from .model import Assessment, CatalogDrift, Cycle, EvidenceRef, Institution
from .planning import Gap, Goal, GoalKind, Measure, MeasureStatus, find_gaps
from .selfeval import ChecklistData, SelfEvaluation, Summary, summarize
from .store import Store

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "Catalog",
    "CatalogDrift",
    "CatalogError",
    "CatalogSet",
    "ChecklistData",
    "Cycle",
    "EvidenceRef",
    "ExportError",
    "Gap",
    "Goal",
    "GoalKind",
    "Group",
    "InputError",
    "Institution",
    "Measure",
    "MeasureStatus",
    "NotFoundError",
    "QmkitError",
    "Requirement",
    "Scale",
    "ScaleValue",
    "SelfEvaluation",
    "Store",
    "StoreError",
    "Summary",
    "build_workbook",
    "discover",
    "export_filename",
    "find_gaps",
    "load_catalog",
    "page",
    "parse_catalog",
    "save_workbook",
    "summarize",
]


def page(name: str) -> Any:
    """The app object of one notebook page ("start", "selbstbewertung", "planung"); waits for Voilà's request first."""
    from .ui.pages import page as _page

    return _page(name)
