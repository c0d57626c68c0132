"""Survey instruments from XLSForm, the Excel format of ODK and KoboToolbox, read with pyxform's own reader.

What qmkit takes: ``select_one`` (one answer; a scale with ``qmkit_kind: scale`` in its row), ``select_multiple``
and ``text`` rows of the ``survey`` sheet with their ``choices``; the groups of respondents from the choice list
``qmkit_gruppen`` (else one group "alle Befragten"); the requirements a question informs from the column
``qmkit_informs``; title, id and version from ``settings`` (``form_title``, ``form_id``, ``version``,
``qmkit_threshold``). Everything else (numbers, dates, notes, calculations, repeats, media, skip logic) is
listed with its name – never silently dropped. Labels are text: a label starting with ``=`` stays text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from qmkit.domain.catalog import Catalog
from qmkit.domain.survey import MAX_QUESTIONS, Instrument
from qmkit.domain.yaml_data import loc_text, problem_text
from qmkit.errors import CatalogError
from qmkit.i18n import _

MAX_XLSFORM_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
GROUP_LIST = "qmkit_gruppen"
IGNORED = {"begin group", "end group", "begin_group", "end_group", "start", "end", "today", "deviceid"}
SKIP_LOGIC = ("relevant", "constraint", "calculation", "choice_filter", "repeat_count")


@dataclass(frozen=True)
class XlsformResult:
    instrument: Instrument
    not_taken: tuple[str, ...]  # what the file has and qmkit does not use, one German line each


def _label(row: Mapping[str, Any]) -> str:
    """The row's label: ``label``, else the first ``label::<language>`` column (German first)."""
    if row.get("label"):
        return str(row["label"])
    keys = sorted((k for k in row if str(k).startswith("label::")), key=lambda k: ("deutsch" not in k.lower(), k))
    return str(row[keys[0]]) if keys else ""


def _ident(text: str, fallback: str) -> str:
    clean = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_.-")[:40]
    return clean if clean and clean[0].isalnum() else fallback


def _choices(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    lists: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        name = str(row.get("list_name") or row.get("list name") or "")
        if name and row.get("name") is not None:
            lists.setdefault(name, []).append({"value": _ident(str(row["name"]), "x"), "label": _label(row)[:200]})
    return lists


def _question(row: dict[str, Any], lists: Mapping[str, list[dict[str, str]]], scales: dict[str, Any]) -> Any:
    """The instrument's question for a row, or a German reason why qmkit does not take it."""
    kind, _sep, list_name = str(row.get("type", "")).strip().partition(" ")
    name = _ident(str(row.get("name") or ""), "")
    if not name:
        return _("eine Zeile ohne Namen (Typ {type})").format(type=kind or "–")
    question: dict[str, Any] = {"id": name, "text": _label(row)[:1000] or name}
    informs = [i for i in re.split(r"[,;\s]+", str(row.get("qmkit_informs") or "")) if i]
    question["informs"] = informs
    if kind == "text":
        return {**question, "kind": "text"}
    if kind in ("select_one", "select_multiple"):
        choices = lists.get(list_name.strip(), [])
        if len(choices) < 2:
            return _("„{name}“: die Auswahlliste „{list}“ fehlt oder hat weniger als zwei Einträge").format(
                name=name, list=list_name.strip()
            )
        if kind == "select_one" and str(row.get("qmkit_kind", "")).strip().lower() == "scale":
            scales[list_name.strip()] = choices
            return {**question, "kind": "scale", "scale": list_name.strip()}
        return {**question, "kind": "single" if kind == "select_one" else "multiple", "choices": choices}
    return _("„{name}“ (Typ {type}) – diesen Fragetyp kennt qmkit nicht").format(name=name, type=kind or "–")


def read_xlsform(data: bytes, source: str, catalogs: Mapping[str, Catalog] | None = None) -> XlsformResult:
    """An instrument from an XLSForm file; :class:`CatalogError` (file, place, fix) when it cannot be one."""
    from pyxform.xls2json_backends import xlsx_to_dict

    if len(data) > MAX_XLSFORM_BYTES:
        raise CatalogError(source, [_("{src}: Datei ist größer als 5 MB").format(src=source)])
    try:
        book = xlsx_to_dict(io.BytesIO(data))
    except Exception:  # pyxform raises many kinds for a file that is no workbook
        raise CatalogError(source, [_("{src}: keine lesbare XLSForm-Datei (.xlsx)").format(src=source)]) from None
    rows = book.get("survey") or []
    if not rows:
        raise CatalogError(source, [_("{src}: das Blatt „survey“ fehlt oder ist leer").format(src=source)])
    if len(rows) > MAX_ROWS:
        raise CatalogError(
            source,
            [_("{src}: {n} Zeilen im Blatt „survey“ – höchstens {max}").format(src=source, n=len(rows), max=MAX_ROWS)],
        )
    lists = _choices(book.get("choices") or [])
    scales: dict[str, Any] = {}
    questions, not_taken = [], []
    for row in rows:
        kind = str(row.get("type", "")).strip()
        if kind in IGNORED or not kind:
            continue
        made = _question(row, lists, scales)
        if isinstance(made, str):
            not_taken.append(made)
            continue
        questions.append(made)
        logic = [k for k in SKIP_LOGIC if row.get(k)]
        if logic:
            not_taken.append(
                _("„{name}“: {cols} wird nicht ausgewertet").format(name=made["id"], cols=", ".join(logic))
            )
    settings = (book.get("settings") or [{}])[0]
    groups = [{"id": c["value"], "title": c["label"] or c["value"]} for c in lists.get(GROUP_LIST, [])]
    values = {
        "id": _ident(str(settings.get("form_id") or ""), "xlsform"),
        "title": str(settings.get("form_title") or source)[:200],
        "version": str(settings.get("version") or "1")[:40],
        "threshold": int(settings["qmkit_threshold"]) if str(settings.get("qmkit_threshold", "")).isdigit() else 5,
        "groups": groups or [{"id": "alle", "title": _("alle Befragten")}],
        "scales": scales,
        "questions": questions[: MAX_QUESTIONS + 1],
    }
    return XlsformResult(_validated(values, source, catalogs), tuple(not_taken))


def _validated(values: dict[str, Any], source: str, catalogs: Mapping[str, Catalog] | None) -> Instrument:
    try:
        instrument = Instrument.model_validate(values)
    except ValidationError as exc:
        problems = [
            _("{src} ({loc}): {problem}").format(src=source, loc=loc_text(tuple(e["loc"])), problem=problem_text(e))
            for e in exc.errors()
        ]
        raise CatalogError(source, problems) from None
    if catalogs is not None:
        known = {r.id for c in catalogs.values() for r in c.requirements()}
        unknown = sorted({i for q in instrument.questions for i in q.informs if i not in known})
        if unknown:
            raise CatalogError(
                source,
                [
                    _("{src}: „qmkit_informs“ nennt Anforderungen, die kein Katalog kennt: {ids}").format(
                        src=source, ids=", ".join(unknown)
                    )
                ],
            )
    return instrument
