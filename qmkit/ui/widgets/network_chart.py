"""The network comparison drawn as plain HTML: a box per area (quartiles, median, own mark) and a stacked bar of
the members' ratings per requirement. Nothing is drawn for a group below the threshold; the own mark exists only
in a member's view."""

from __future__ import annotations

from collections.abc import Sequence

from qmkit.domain.network_comparison import AreaStat, NetworkReport, RequirementStat, TrendRow
from qmkit.i18n import _
from qmkit.ui.widgets.common import esc


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _hidden(report: NetworkReport, n: int) -> str:
    return esc(_("verborgen: {n} von mindestens {min}").format(n=n, min=report.threshold))


def _box(area: AreaStat, mine: bool) -> str:
    """Quartile box on a 0–100 line with the median as a line and, for the member, its own value as a mark."""
    s = area.spread
    parts = [
        '<div class="qm-spread" role="img" aria-label="{}">'.format(esc(_("Verteilung {area}").format(area=area.title)))
    ]
    if s.shown and s.q1 is not None and s.q3 is not None:
        parts.append(f'<span class="qm-spread-box" style="left:{s.q1:.1f}%;width:{max(0.8, s.q3 - s.q1):.1f}%"></span>')
        parts.append(f'<span class="qm-spread-median" style="left:{s.median:.1f}%"></span>')
    if mine and area.own_score is not None:
        parts.append(
            f'<span class="qm-spread-own" style="left:{area.own_score:.1f}%" title="{esc(_("Ihr Wert"))}"></span>'
        )
    return "".join(parts) + "</div>"


def areas_html(report: NetworkReport) -> str:
    mine = report.own_member is not None
    head = [_("Bereich"), _("Mitglieder"), _("Verteilung (0–100)"), _("Median (Quartile)")]
    head += [_("Ihr Wert")] if mine else []
    rows = []
    for a in report.areas:
        s = a.spread
        figures = f"{_num(s.median)} ({_num(s.q1)}–{_num(s.q3)})" if s.shown else _hidden(report, s.n)
        cells = [
            f"<b>{esc(a.area_id)}</b> {esc(a.title)}",
            str(s.n),
            _box(a, mine),
            figures,
        ] + ([_num(a.own_score)] if mine else [])
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    legend = _("Kasten: mittlere Hälfte der Mitglieder; Strich: Median.")
    if mine:
        legend += " " + _("Raute: Ihr eigener Wert (nur Sie sehen ihn).")
    return (
        '<table class="qm-table qm-network"><thead><tr>'
        + "".join(f"<th>{esc(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table><div class='qm-muted'>{esc(legend)}</div>"
    )


def _distribution(report: NetworkReport, stat: RequirementStat) -> str:
    if stat.counts is None or not stat.n:
        return f'<span class="qm-muted">{_hidden(report, stat.n)}</span>'
    colors = {v.value: (v.color, v.label) for v in report.catalog.scale.values}
    segments = []
    for value, count in stat.counts.items():
        if count:
            color, label = colors.get(value, ("#9e9e9e", value))
            share = 100.0 * count / stat.n
            segments.append(
                f'<span style="width:{share:.2f}%;background:{color}" title="{esc(label)}: {count}"></span>'
            )
    label = _("Verteilung {id}").format(id=stat.requirement_id)
    return f'<div class="qm-bar" role="img" aria-label="{esc(label)}">{"".join(segments)}</div>'


def requirements_html(report: NetworkReport) -> str:
    mine = report.own_member is not None
    head = [_("Anforderung"), _("Mitglieder"), _("Verteilung"), _("Median")] + ([_("Ihre Bewertung")] if mine else [])
    rows = []
    for s in report.requirements:
        cells = [
            f"<b>{esc(s.requirement_id)}</b> {esc(s.title)}",
            str(s.n),
            _distribution(report, s),
            esc(s.median_label) if s.shown else "",
        ] + ([esc(s.own_label or _("nicht bewertet"))] if mine else [])
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    legend = " ".join(
        f'<span style="display:inline-block;width:10px;height:10px;background:{v.color}"></span> {esc(v.label)}'
        for v in report.catalog.scale.values
    )
    return (
        '<table class="qm-table qm-network"><thead><tr>'
        + "".join(f"<th>{esc(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table><div class='qm-muted'>{legend}</div>"
    )


def trend_html(rows: Sequence[TrendRow], rounds: Sequence[str], mine: bool) -> str:
    head = [_("Bereich")] + [_("Median {round}").format(round=r) for r in rounds]
    head += [_("Ihr Wert {round}").format(round=r) for r in rounds] if mine else []
    body = []
    for row in rows:
        cells = [f"<b>{esc(row.area_id)}</b> {esc(row.title)}"] + [_num(m) for m in row.medians]
        cells += [_num(o) for o in row.own] if mine else []
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (
        '<table class="qm-table qm-network"><thead><tr>'
        + "".join(f"<th>{esc(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
