"""The workshop's live view: per requirement the answers, distribution, median, spread and consensus, read
again every second while the facilitator's page is open (below the anonymity threshold counts only).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from qmkit.domain.catalog import Catalog
from qmkit.domain.workshop import RequirementStats, WorkshopResult
from qmkit.i18n import N_, _
from qmkit.ui.widgets.common import esc

log = logging.getLogger("qmkit.ui")
LIVE_INTERVAL = 1.0  # seconds between two reads of the store while the facilitator page is open


def _bar(catalog: Catalog, stats: RequirementStats) -> str:
    total = sum(stats.counts.values()) or 1
    parts = "".join(
        f'<span style="width:{100 * stats.counts.get(v.value, 0) / total:.1f}%;background:{esc(v.color)}" '
        f'title="{esc(v.label)}: {stats.counts.get(v.value, 0)}"></span>'
        for v in catalog.scale.values
        if stats.counts.get(v.value, 0)
    )
    legend = " · ".join(f"{esc(v.label)} <b>{stats.counts.get(v.value, 0)}</b>" for v in catalog.scale.values)
    return f'<div class="qm-bar">{parts}</div><div class="qm-muted">{legend}</div>'


LIVE_HEADINGS = (
    N_("Anforderung"),
    N_("Antworten"),
    N_("Verteilung"),
    N_("Median"),
    N_("Streuung"),
    N_("Hinweis"),
    N_("Konsens"),
)


def live_html(catalog: Catalog, result: WorkshopResult) -> str:
    """The projector view: per requirement answers, distribution, median, spread, disagreement, consensus."""
    titles = {r.id: r.title for r in catalog.requirements()}
    threshold = result.workshop.threshold
    rows = []
    for s in result.stats:
        agreed = result.consensus.get(s.requirement_id)
        if s.shown:
            dist = _bar(catalog, s)
            if s.by_role:
                dist += "".join(
                    f'<div class="qm-muted">{esc(role)}: '
                    + ", ".join(f"{esc(catalog.scale.label(v))} {n}" for v, n in counts.items() if n)
                    + "</div>"
                    for role, counts in sorted(s.by_role.items())
                )
            comments = result.comments.get(s.requirement_id, ())
            if comments:
                many = _("{n} Kommentare").format(n=len(comments))
                dist += (
                    f"<details><summary>{esc(_('1 Kommentar') if len(comments) == 1 else many)}</summary><ul>"
                    + "".join(f"<li>{esc(c)}</li>" for c in comments)
                    + "</ul></details>"
                )
            median = esc(catalog.scale.label(s.median))
            spread = (
                esc(_("1 Stufe") if s.spread == 1 else _("{n} Stufen").format(n=s.spread))
                if s.spread is not None
                else ""
            )
        else:
            dist = (
                '<span class="qm-muted">'
                + esc(_("Verteilung ab {t} Bewertungen (jetzt {n})").format(t=threshold, n=s.rated))
                + "</span>"
            )
            median = spread = ""
        flag = f'<span class="qm-flag">⚠ {esc(_("uneinig – besprechen"))}</span>' if s.disagreement else ""
        decided = f"✓ {esc(catalog.scale.label(agreed.rating))}" if agreed else '<span class="qm-muted">–</span>'
        rows.append(
            f'<tr class="{"qm-disagree" if s.disagreement else ""}" data-req="{esc(s.requirement_id)}">'
            f"<td><b>{esc(s.requirement_id)}</b> {esc(titles.get(s.requirement_id, ''))}</td>"
            f'<td class="qm-count">{s.answers}'
            + (
                f'<div class="qm-muted">{esc(_("davon {n} ohne Urteil").format(n=s.cannot_judge))}</div>'
                if s.cannot_judge
                else ""
            )
            + f"</td><td>{dist}</td><td>{median}</td><td>{spread}</td><td>{flag}</td><td>{decided}</td></tr>"
        )
    head = "".join(f"<th>{esc(_(h))}</th>" for h in LIVE_HEADINGS)
    return f'<table class="qm-live"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


class LiveUpdater:
    """Calls ``refresh`` every ``interval`` seconds on the kernel's event loop while the kernel lives."""

    def __init__(self, refresh: Any, interval: float = LIVE_INTERVAL):
        self.refresh, self.interval = refresh, interval
        self.stopped = False
        self.task: asyncio.Task[None] | None = None  # kept: the loop holds tasks only weakly

    def start(self) -> str:
        """Start on the running event loop (a Voilà kernel has one); outside a kernel nothing starts."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return "none"
        self.task = loop.create_task(self._run())
        return "asyncio"

    async def _run(self) -> None:
        while not self.stopped:
            await asyncio.sleep(self.interval)
            try:
                self.refresh()
            except Exception:  # a failed read must not end the live view; the next tick tries again
                log.exception("live view refresh failed")
