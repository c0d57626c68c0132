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
from .comparison import Comparison, compare, load_history
from .errors import CatalogError, ExportError, InputError, NotFoundError, QmkitError, StoreError
from .excel import build_workbook, export_filename, save_workbook
from .excel_plan import build_plan_workbook, plan_filename
from .model import Assessment, CatalogDrift, Cycle, EvidenceRef, Institution
from .planning import Gap, Goal, GoalKind, Measure, MeasureStatus, find_gaps
from .review import (
    ActDecision,
    Effectiveness,
    ManagementReview,
    MeasureReview,
    PdcaScore,
    PlanData,
    SignOff,
)
from .selfeval import ChecklistData, SelfEvaluation, Summary, summarize
from .store import Store

__version__ = "0.3.0"

__all__ = [
    "ActDecision",
    "Assessment",
    "Catalog",
    "CatalogDrift",
    "CatalogError",
    "CatalogSet",
    "ChecklistData",
    "Comparison",
    "Cycle",
    "Effectiveness",
    "EvidenceRef",
    "ExportError",
    "Gap",
    "Goal",
    "GoalKind",
    "Group",
    "InputError",
    "Institution",
    "ManagementReview",
    "Measure",
    "MeasureReview",
    "MeasureStatus",
    "NotFoundError",
    "PdcaScore",
    "PlanData",
    "QmkitError",
    "Requirement",
    "Scale",
    "ScaleValue",
    "SelfEvaluation",
    "SignOff",
    "Store",
    "StoreError",
    "Summary",
    "build_plan_workbook",
    "build_workbook",
    "compare",
    "discover",
    "export_filename",
    "find_gaps",
    "load_catalog",
    "load_history",
    "page",
    "parse_catalog",
    "plan_filename",
    "save_workbook",
    "summarize",
]


def page(name: str) -> Any:
    """The app object of one notebook page ("start", "selbstbewertung", "planung", "review").

    Waits for Voilà's request first, so a preheated kernel never shows stale data.
    """
    from .ui.pages import page as _page

    return _page(name)
