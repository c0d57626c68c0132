"""The tree an imported requirement list becomes: areas, intermediate levels and requirements, row by row.

Every layout (area column, heading rows, level column, sheet per area, numbered ids, a peer library) feeds the
same builder with headings and requirement rows; what cannot be used is listed with its row. No widgets, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from qmkit.domain.catalog import ID_PATTERN, Catalog, Group
from qmkit.i18n import N_, _

ROLE_LABELS = {
    "id": N_("ID / Nummer"),
    "area": N_("Bereich"),
    "level": N_("Ebene / Gliederungstiefe"),
    "requirement": N_("Anforderung (Text)"),
    "title": N_("Kurztitel"),
    "guidance": N_("Erläuterung / Hinweis"),
    "evidence": N_("Nachweise"),
    "evidence_required": N_("Nachweis Pflicht"),
    "scale": N_("Skala (Werte)"),
}
_ID_RE = re.compile(ID_PATTERN)
# "1 Leitbild", "QB2: Personal", "Qualitätsbereich 2 – Personal und Professionalisierung", "F1.1 – Leitbild"
_NUMBERED_TITLE = re.compile(
    r"^\s*(?:[^\W\d_]{5,}\s+)?([A-Za-z]{0,4}\s?\d{1,3}(?:\.\d{1,3})*[a-z]?)[\s.:)–-]+(.+)$", re.S
)
_DASHED_TITLE = re.compile(r"^\s*([A-Za-z0-9_.\-]{1,64}) – (.+)$", re.S)
NUMBERED_ID = re.compile(r"^[A-Za-z]{0,6}\d{1,3}(?:\.[A-Za-z]{0,3}\d{1,3}[a-z]?)*[a-z]?$")
TRUE_WORDS = {"ja", "x", "yes", "true", "wahr", "1", "pflicht"}


def safe_id(raw: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", raw.strip())[:64].strip("_.-")


def split_title(text: str, dashed: bool = False) -> tuple[str, str]:
    """(id, title) of a heading such as "2 Personal" or (``dashed``, as exported) "F – Führung"; ('', text)
    when it names no id."""
    for pattern in (_DASHED_TITLE, _NUMBERED_TITLE) if dashed else (_NUMBERED_TITLE,):
        match = pattern.match(text)
        if match and _ID_RE.match(safe_id(match.group(1).replace(" ", ""))):
            return safe_id(match.group(1).replace(" ", "")), match.group(2).strip()
    return "", text.strip()


def title_from(text: str, limit: int = 80) -> str:
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    if len(first) <= limit:
        return first.rstrip(".")
    return first[:limit].rsplit(" ", 1)[0] + " …"


def row_problem(number: int, raw: dict[str, str], seen: dict[str, int]) -> str | None:
    """Why row ``number`` cannot become a requirement (None when it can)."""
    formula = next((role for role, text in raw.items() if text.startswith("=")), None)
    if formula:
        label = _(ROLE_LABELS.get(formula, N_("Ebene")))
        return _("Zeile {n}: „{col}“ enthält eine Formel – nicht übernommen.").format(n=number, col=label)
    req_id = safe_id(raw.get("id", ""))
    if not req_id or not raw.get("requirement"):
        return _("Zeile {n}: ID oder Anforderungstext fehlt – nicht übernommen.").format(n=number)
    if req_id in seen:
        return _("Zeile {n}: ID „{id}“ kam schon in Zeile {m} vor – nicht übernommen.").format(
            n=number, id=req_id, m=seen[req_id]
        )
    return None


def requirement_data(raw: dict[str, str]) -> dict[str, Any]:
    """A requirement as catalog data from the cells of its row (title from the text when there is none)."""
    text = raw["requirement"]
    data: dict[str, Any] = {"id": safe_id(raw["id"]), "title": (raw.get("title") or title_from(text))[:200]}
    data["text"] = text
    if raw.get("guidance"):
        data["guidance"] = raw["guidance"]
    if raw.get("evidence"):
        parts = [p.strip(" -•\t") for p in re.split(r"[\n;]", raw["evidence"])]
        data["evidence"] = [p[:200] for p in parts if p]
    if raw.get("evidence_required", "").casefold() in TRUE_WORDS:
        data["evidence_required"] = True
    if raw.get("scale"):
        data["scale"] = [v.strip() for v in re.split(r"[,;\s]+", raw["scale"]) if v.strip()]
    return data


@dataclass
class Node:
    """An area or intermediate level as read: where it came from and what it holds."""

    id: str
    title: str
    row: int
    description: str = ""
    children: list[Node] = field(default_factory=list)
    requirements: list[dict[str, Any]] = field(default_factory=list)

    def count(self) -> int:
        return len(self.requirements) + sum(c.count() for c in self.children)


class TreeBuilder:
    """Headings and requirements in reading order become a tree; a heading of the same title under the same
    parent is the same group (an area column repeats its area on every row)."""

    def __init__(self, fallback_area: str = ""):
        self.roots: list[Node] = []
        self.stack: list[Node] = []
        self.problems: list[str] = []
        self.seen: dict[str, int] = {}
        self.fallback_area = fallback_area

    def heading(self, level: int, node_id: str, title: str, row: int, description: str = "") -> None:
        level = max(1, min(level, len(self.stack) + 1))  # a skipped level hangs under the nearest one above
        del self.stack[level - 1 :]
        siblings = self.stack[-1].children if self.stack else self.roots
        node_id, title = safe_id(node_id), title.strip()[:200] or node_id
        key = (node_id or title).casefold()
        node = next((n for n in siblings if (n.id or n.title).casefold() == key), None)
        if node is None:
            node = Node(node_id, title, row, description)
            siblings.append(node)
        self.stack.append(node)

    def requirement(self, number: int, raw: dict[str, str]) -> None:
        problem = row_problem(number, raw, self.seen)
        if problem:
            self.problems.append(problem)
            return
        if not self.stack:
            if not self.fallback_area:
                self.problems.append(_("Zeile {n}: steht vor dem ersten Bereich – nicht übernommen.").format(n=number))
                return
            self.heading(1, "", self.fallback_area, number)
        data = requirement_data(raw)
        self.seen[data["id"]] = number
        self.stack[-1].requirements.append(data)

    def tree(self) -> tuple[list[Node], list[str]]:
        """The non-empty top nodes with unique ids, and every problem met (empty headings included)."""
        taken = set(self.seen)
        kept = self._prune(self.roots)
        self._name(kept, "", taken)
        return kept, self.problems

    def _prune(self, nodes: list[Node]) -> list[Node]:
        kept = []
        for node in nodes:
            node.children = self._prune(node.children)
            if node.count():
                kept.append(node)
            else:
                self.problems.append(
                    _("Zeile {n}: Überschrift „{t}“ ohne Anforderungen darunter – nicht übernommen.").format(
                        n=node.row, t=node.title[:80]
                    )
                )
        return kept

    def _name(self, nodes: list[Node], parent: str, taken: set[str]) -> None:
        """Ids for nodes that have none or a taken one: B1, B2 … for areas, <parent>.1 … below."""
        for number, node in enumerate(nodes, start=1):
            if not node.id or node.id in taken:
                base = f"{parent}.{number}" if parent else f"B{number}"
                candidates = [base, f"{base}_g", *(f"{base}_g{k}" for k in range(2, 1000))]
                node.id = next(c for c in candidates if c not in taken)
            taken.add(node.id)
            self._name(node.children, node.id, taken)


def depth(nodes: list[Node]) -> int:
    return 1 + max((depth(n.children) for n in nodes if n.children), default=0)


def node_data(node: Node) -> dict[str, Any]:
    data: dict[str, Any] = {"id": node.id, "title": node.title or node.id}
    if node.description:
        data["description"] = node.description
    if node.children:
        data["groups"] = [node_data(c) for c in node.children]
    if node.requirements:
        data["requirements"] = node.requirements
    return data


def tree_lines(catalog: Catalog, limit: int = 400) -> list[tuple[int, str]]:
    """(depth, "1 Leitbild – 2 Anforderungen") for each area and level, for the preview (at most ``limit``)."""
    lines: list[tuple[int, str]] = []

    def walk(group: Group, level: int) -> None:
        if len(lines) >= limit:
            return
        count = len(group.all_requirements())
        label = _("{n} Anforderungen").format(n=count) if count != 1 else _("1 Anforderung")
        lines.append((level, f"{group.id} {group.title} – {label}"))
        for sub in group.groups:
            walk(sub, level + 1)

    for area in catalog.areas:
        walk(area, 0)
    return lines
