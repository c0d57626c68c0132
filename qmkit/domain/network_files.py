"""The files a network exchanges when its members work on their own laptops (no shared server).

Three kinds, each a small JSON file with a format name, a version, the content and its SHA-256 hash:

- the **invitation** (coordinator → member): network, catalog, threshold, rounds and the member's key;
- the **contribution** (member → coordinator): one round's ratings per requirement and the progress, the member's
  key and whether its name may be shown – no texts, no names of people;
- the **result** (coordinator → members): per round the anonymous figures exactly as the shared server shows them
  (hidden below the threshold); a member's own column is added on its own laptop, never in the file.

Rounds are named by their name (ids differ between installations), the network by its uid, a member by its key.
Pure functions: bytes in, checked data out, with German messages naming the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from qmkit.domain.catalog import Catalog
from qmkit.domain.network_comparison import (
    AreaStat,
    NetworkReport,
    RequirementStat,
    Spread,
    member_area_scores,
    nearest_label,
    value_scores,
)
from qmkit.errors import InputError
from qmkit.i18n import _

VERSION = 1
MAX_BYTES = 4 * 1024 * 1024
INVITATION, CONTRIBUTION, RESULT = "qmkit-netzwerk-einladung", "qmkit-netzwerk-beitrag", "qmkit-netzwerk-ergebnis"
_KIND_NAMES = {INVITATION: "Einladungsdatei", CONTRIBUTION: "Beitragsdatei", RESULT: "Ergebnisdatei"}


class FileRefused(InputError):
    """An exchanged file that cannot be read in: wrong kind, changed after export, broken or too large."""


@dataclass(frozen=True)
class RoundInfo:
    name: str
    starts: date | None = None
    ends: date | None = None


@dataclass(frozen=True)
class Invitation:
    network_uid: str
    network_name: str
    kind: str
    catalog_id: str
    catalog_version: str
    threshold: int
    member_key: str
    member_name: str
    member_kind: str
    rounds: tuple[RoundInfo, ...]


@dataclass(frozen=True)
class ContributionFile:
    network_uid: str
    member_key: str
    member_name: str
    round_name: str
    catalog_id: str
    catalog_version: str
    ratings: dict[str, str]
    progress: float
    named: bool
    content_hash: str = ""


@dataclass(frozen=True)
class RoundResult:
    info: RoundInfo
    report: NetworkReport  # without an own column


@dataclass(frozen=True)
class ResultFile:
    network_uid: str
    network_name: str
    catalog_id: str
    rounds: tuple[RoundResult, ...]
    content_hash: str = ""


# ------------------------------------------------------------------ sealing and opening


def file_name(*parts: str, suffix: str = ".json") -> str:
    """'Beitrag_<network>_<member>_<round>.json' and the like, safe on every file system."""
    raw = "_".join(p for p in parts if p)
    return re.sub(r"_+", "_", re.sub(r"[^\w\-]+", "_", raw)).strip("_-")[:150] + suffix


def content_hash(content: Any) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal(kind: str, content: dict[str, Any]) -> bytes:
    document = {"format": kind, "version": VERSION, "inhalt": content, "pruefsumme": content_hash(content)}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _refuse(name: str, message: str) -> FileRefused:
    return FileRefused(_("„{file}“: {message}").format(file=name, message=message), "file")


def open_sealed(data: bytes, kind: str, name: str) -> tuple[dict[str, Any], str]:
    """The content of a sealed file of ``kind`` and its hash, or :class:`FileRefused` saying what is wrong."""
    if len(data) > MAX_BYTES:
        raise _refuse(name, _("Die Datei ist zu groß für eine {kind}.").format(kind=_(_KIND_NAMES[kind])))
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        document = None
    if not isinstance(document, dict) or document.get("format") not in _KIND_NAMES:
        raise _refuse(name, _("Das ist keine Datei aus einem qmkit-Netzwerk. Bitte die .json-Datei aus qmkit wählen."))
    if document["format"] != kind:
        raise _refuse(
            name,
            _("Das ist eine {have}, hier wird eine {want} erwartet.").format(
                have=_(_KIND_NAMES[document["format"]]), want=_(_KIND_NAMES[kind])
            ),
        )
    if document.get("version") != VERSION:
        raise _refuse(name, _("Diese Dateiversion kennt qmkit nicht. Bitte qmkit aktualisieren."))
    content = document.get("inhalt")
    if not isinstance(content, dict) or content_hash(content) != document.get("pruefsumme"):
        raise _refuse(
            name,
            _("Die Datei wurde nach dem Export verändert (Prüfsumme stimmt nicht). Bitte die Datei neu exportieren."),
        )
    return content, str(document["pruefsumme"])


def _get(content: Mapping[str, Any], key: str, kind: type, name: str) -> Any:
    value = content.get(key)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _refuse(name, _("Das Feld „{key}“ fehlt oder ist ungültig.").format(key=key))
    return value


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _rounds_of(items: Any, name: str) -> tuple[RoundInfo, ...]:
    if not isinstance(items, list) or not all(isinstance(r, dict) and isinstance(r.get("name"), str) for r in items):
        raise _refuse(name, _("Das Feld „{key}“ fehlt oder ist ungültig.").format(key="runden"))
    return tuple(RoundInfo(r["name"], _day(r.get("beginn")), _day(r.get("ende"))) for r in items)


def _round_dict(info: RoundInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "beginn": info.starts.isoformat() if info.starts else "",
        "ende": info.ends.isoformat() if info.ends else "",
    }


# ------------------------------------------------------------------ invitation


def invitation_bytes(invitation: Invitation) -> bytes:
    i = invitation
    return seal(
        INVITATION,
        {
            "netzwerk": {"uid": i.network_uid, "name": i.network_name, "art": i.kind, "schwelle": i.threshold},
            "katalog": {"id": i.catalog_id, "version": i.catalog_version},
            "mitglied": {"schluessel": i.member_key, "name": i.member_name, "art": i.member_kind},
            "runden": [_round_dict(r) for r in i.rounds],
        },
    )


def read_invitation(data: bytes, name: str) -> Invitation:
    content, _hash = open_sealed(data, INVITATION, name)
    net, cat, mem = (_get(content, k, dict, name) for k in ("netzwerk", "katalog", "mitglied"))
    return Invitation(
        _get(net, "uid", str, name),
        _get(net, "name", str, name),
        _get(net, "art", str, name),
        _get(cat, "id", str, name),
        str(cat.get("version", "")),
        _get(net, "schwelle", int, name),
        _get(mem, "schluessel", str, name),
        _get(mem, "name", str, name),
        _get(mem, "art", str, name),
        _rounds_of(content.get("runden"), name),
    )


# ------------------------------------------------------------------ contribution


def contribution_bytes(c: ContributionFile) -> bytes:
    return seal(
        CONTRIBUTION,
        {
            "netzwerk": c.network_uid,
            "mitglied": {"schluessel": c.member_key, "name": c.member_name, "name_zeigen": c.named},
            "runde": c.round_name,
            "katalog": {"id": c.catalog_id, "version": c.catalog_version},
            "bewertungen": dict(sorted(c.ratings.items())),
            "fortschritt": c.progress,
        },
    )


def read_contribution(data: bytes, name: str) -> ContributionFile:
    content, digest = open_sealed(data, CONTRIBUTION, name)
    mem, cat = _get(content, "mitglied", dict, name), _get(content, "katalog", dict, name)
    ratings = _get(content, "bewertungen", dict, name)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in ratings.items()):
        raise _refuse(name, _("Das Feld „{key}“ fehlt oder ist ungültig.").format(key="bewertungen"))
    progress = _get(content, "fortschritt", float, name)
    return ContributionFile(
        _get(content, "netzwerk", str, name),
        _get(mem, "schluessel", str, name),
        _get(mem, "name", str, name),
        _get(content, "runde", str, name),
        _get(cat, "id", str, name),
        str(cat.get("version", "")),
        ratings,
        max(0.0, min(100.0, progress)),
        bool(mem.get("name_zeigen", False)),
        digest,
    )


def check_ratings(catalog: Catalog, ratings: Mapping[str, str], name: str) -> None:
    """Every rated requirement exists in the catalog and every value is on its scale."""
    known = {req.id: {v.value for v in catalog.scale_for(req)} for req in catalog.requirements()}
    wrong = sorted(k for k, v in ratings.items() if v not in known.get(k, set()))
    if wrong:
        raise _refuse(
            name,
            _("Anforderungen oder Werte passen nicht zum Katalog „{catalog}“: {ids}. Nichts wurde eingelesen.").format(
                catalog=catalog.id, ids=", ".join(wrong[:8]) + (" …" if len(wrong) > 8 else "")
            ),
        )


# ------------------------------------------------------------------ result


def _spread_dict(s: Spread) -> dict[str, Any]:
    return {"n": s.n, "median": s.median, "q1": s.q1, "q3": s.q3}


def _spread(d: Any, name: str) -> Spread:
    if not isinstance(d, dict) or not isinstance(d.get("n"), int):
        raise _refuse(name, _("Das Feld „{key}“ fehlt oder ist ungültig.").format(key="verteilung"))
    numbers = [d.get(k) for k in ("median", "q1", "q3")]
    if not all(x is None or (isinstance(x, (int, float)) and 0 <= x <= 100) for x in numbers):
        raise _refuse(name, _("Das Feld „{key}“ fehlt oder ist ungültig.").format(key="verteilung"))
    if any(x is None for x in numbers):
        return Spread(d["n"])
    return Spread(d["n"], *(float(x) for x in numbers))  # type: ignore[arg-type]


def report_figures(report: NetworkReport) -> dict[str, Any]:
    return {
        "schwelle": report.threshold,
        "mitglieder": report.members,
        "beitraege": report.contributions,
        "bereiche": {a.area_id: _spread_dict(a.spread) for a in report.areas},
        "anforderungen": {
            r.requirement_id: {"n": r.n, "anzahl": r.counts, "verteilung": _spread_dict(r.spread)}
            for r in report.requirements
        },
    }


def result_bytes(result: ResultFile) -> bytes:
    return seal(
        RESULT,
        {
            "netzwerk": {"uid": result.network_uid, "name": result.network_name},
            "katalog": result.catalog_id,
            "runden": [{**_round_dict(r.info), "ergebnis": report_figures(r.report)} for r in result.rounds],
        },
    )


def read_result(data: bytes, name: str, catalog_of: Any) -> ResultFile:
    """``catalog_of(catalog_id)`` gives the catalog the figures belong to (an unknown one is refused)."""
    content, digest = open_sealed(data, RESULT, name)
    net = _get(content, "netzwerk", dict, name)
    catalog: Catalog = catalog_of(_get(content, "katalog", str, name))
    items = content.get("runden")
    infos = _rounds_of(items, name)
    assert isinstance(items, list)  # _rounds_of refused anything else
    rounds = tuple(
        RoundResult(info, figures_report(catalog, info.name, item.get("ergebnis"), name))
        for info, item in zip(infos, items, strict=True)
    )
    return ResultFile(_get(net, "uid", str, name), _get(net, "name", str, name), catalog.id, rounds, digest)


def figures_report(catalog: Catalog, round_name: str, shared: Any, name: str) -> NetworkReport:
    """The report of a round from the figures of a result file (checked against the catalog)."""
    if not isinstance(shared, dict):
        raise _refuse(name, _("Das Feld „{key}“ fehlt oder ist ungültig.").format(key="ergebnis"))
    areas_in, reqs_in = _get(shared, "bereiche", dict, name), _get(shared, "anforderungen", dict, name)
    areas = tuple(AreaStat(a.id, a.title, _spread(areas_in.get(a.id, {"n": 0}), name)) for a in catalog.areas)
    requirements = []
    for area in catalog.areas:
        for req in area.all_requirements():
            got = reqs_in.get(req.id, {"n": 0, "anzahl": None, "verteilung": {"n": 0}})
            counts = got.get("anzahl") if isinstance(got, dict) else None
            if counts is not None and not (
                isinstance(counts, dict) and all(isinstance(v, int) and v >= 0 for v in counts.values())
            ):
                raise _refuse(name, _("Das Feld „{key}“ fehlt oder ist ungültig.").format(key="anzahl"))
            stat_spread = _spread(got.get("verteilung") if isinstance(got, dict) else None, name)
            requirements.append(
                RequirementStat(
                    req.id,
                    req.title,
                    area.id,
                    int(got.get("n", 0)) if isinstance(got, dict) else 0,
                    {v.value: int(counts.get(v.value, 0)) for v in catalog.scale_for(req)} if counts else None,
                    stat_spread,
                    nearest_label(catalog, req, stat_spread.median),
                )
            )
    return NetworkReport(
        catalog,
        round_name,
        _get(shared, "schwelle", int, name),
        _get(shared, "mitglieder", int, name),
        _get(shared, "beitraege", int, name),
        areas,
        tuple(requirements),
    )


def with_own(report: NetworkReport, own: Mapping[str, str] | None, own_name: str) -> NetworkReport:
    """The shared figures with the member's own column added from its own ratings (on its own laptop)."""
    if own is None:
        return report
    catalog = report.catalog
    own_areas = member_area_scores(catalog, own)
    by_id = {req.id: req for req in catalog.requirements()}
    requirements = []
    for stat in report.requirements:
        scale = catalog.scale_for(by_id[stat.requirement_id])
        value = own.get(stat.requirement_id)
        requirements.append(
            RequirementStat(
                **{
                    **stat.__dict__,
                    "own_value": value,
                    "own_score": value_scores(scale).get(value) if value else None,
                    "own_label": next((v.label for v in scale if v.value == value), ""),
                }
            )
        )
    areas = tuple(AreaStat(a.area_id, a.title, a.spread, own_areas.get(a.area_id)) for a in report.areas)
    return NetworkReport(
        catalog,
        report.round_name,
        report.threshold,
        report.members,
        report.contributions,
        areas,
        tuple(requirements),
        own_name,
    )
