"""A survey's results drawn as plain HTML: per question a row per group with the distribution as a stacked bar,
the count and the median; free texts listed for groups at the threshold. Nothing for a group below it."""

from __future__ import annotations

from qmkit.domain.survey import QuestionKind, Survey, choice_colors
from qmkit.domain.survey_results import ALL, Cell, QuestionResult, SurveyResult
from qmkit.i18n import _
from qmkit.ui.widgets.common import esc


def _bar(result: SurveyResult, qr: QuestionResult, cell: Cell) -> str:
    if cell.counts is None:
        return f'<span class="qm-muted">{esc(result.hidden_note(cell.group_id))}</span>'
    choices = result.instrument.choices_of(qr.question)
    colors = choice_colors(choices, qr.question.kind == QuestionKind.SCALE)
    total = sum(cell.counts.values())
    if not total:
        return f'<span class="qm-muted">{esc(_("keine Antworten auf diese Frage"))}</span>'
    segments = [
        f'<span style="width:{100.0 * cell.counts[c.value] / total:.2f}%;background:{colors[c.value]}" '
        f'title="{esc(c.label)}: {cell.counts[c.value]}"></span>'
        for c in choices
        if cell.counts.get(c.value)
    ]
    label = _("Verteilung {q}").format(q=qr.question.id)
    return f'<div class="qm-bar" role="img" aria-label="{esc(label)}">{"".join(segments)}</div>'


def _legend(result: SurveyResult, qr: QuestionResult) -> str:
    choices = result.instrument.choices_of(qr.question)
    colors = choice_colors(choices, qr.question.kind == QuestionKind.SCALE)
    items = [
        f'<span class="qm-legend"><span class="qm-swatch" style="background:{colors[c.value]}"></span>'
        f"{esc(c.label)}</span>"
        for c in choices
    ]
    return f"<div class='qm-muted'>{' '.join(items)}</div>"


def _group_titles(result: SurveyResult) -> list[tuple[str, str]]:
    return [(g.id, g.title) for g in result.instrument.groups] + [(ALL, _("alle"))]


def _choice_question(result: SurveyResult, qr: QuestionResult) -> str:
    rows = []
    for group_id, title in _group_titles(result):
        cell = qr.cell(group_id)
        counts = "" if cell.counts is None else str(cell.answered)
        median = esc(cell.median_label) if cell.median_label else ""
        rows.append(
            f"<tr><td>{esc(title)}</td><td>{counts}</td><td style='width:45%'>{_bar(result, qr, cell)}</td>"
            f"<td>{median}</td></tr>"
        )
    head = [_("Gruppe"), _("Antworten"), _("Verteilung"), _("Median") if qr.question.kind == QuestionKind.SCALE else ""]
    return (
        '<table class="qm-table qm-chart"><thead><tr>'
        + "".join(f"<th>{esc(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + _legend(result, qr)
    )


def _text_question(result: SurveyResult, qr: QuestionResult) -> str:
    parts = []
    for group_id, title in _group_titles(result)[:-1]:  # "alle" would only repeat the groups' texts
        cell = qr.cell(group_id)
        if cell.texts is None:
            body = f"<span class='qm-muted'>{esc(result.hidden_note(group_id))}</span>"
        elif not cell.texts:
            body = f"<span class='qm-muted'>{esc(_('keine Antworten auf diese Frage'))}</span>"
        else:
            body = "<ul>" + "".join(f"<li>{esc(t)}</li>" for t in cell.texts) + "</ul>"
        parts.append(f"<div><b>{esc(title)}</b>{body}</div>")
    return "".join(parts)


def results_html(result: SurveyResult) -> str:
    """Every question with its groups (the page's card and the tests read this)."""
    blocks = []
    for qr in result.questions:
        informs = ", ".join(qr.question.informs)
        note = f" <span class='qm-muted'>→ {esc(informs)}</span>" if informs else ""
        body = _text_question(result, qr) if qr.question.kind == QuestionKind.TEXT else _choice_question(result, qr)
        blocks.append(f"<h3>{esc(qr.question.text)}{note}</h3>{body}")
    return "".join(blocks)


def _top(result: SurveyResult, qr: QuestionResult, cell: Cell) -> str:
    """The median's label of a scale question, else the most frequent answer."""
    if cell.median_label:
        return cell.median_label
    counts = cell.counts or {}
    return max(result.instrument.choices_of(qr.question), key=lambda c: counts.get(c.value, 0)).label


def informing_html(found: list[tuple[Survey, SurveyResult]], requirement_id: str) -> str:
    """What the cycle's surveys say about one requirement: per question the groups shown with their median (or
    their most frequent answer), as input for the self-evaluation. '' when no survey informs it."""
    lines = []
    for survey, result in found:
        questions = [qr for qr in result.informing(requirement_id) if qr.question.kind != QuestionKind.TEXT]
        if not questions:
            continue
        lines.append(f"<li class='qm-muted'>{esc(_('Befragung „{title}“').format(title=survey.title))}</li>")
        for qr in questions:
            shown = [
                f"{esc(title)}: {esc(_top(result, qr, qr.cell(gid)))} ({qr.cell(gid).answered})"
                for gid, title in _group_titles(result)
                if qr.cell(gid).counts is not None and qr.cell(gid).answered
            ]
            figures = "; ".join(shown) or esc(_("noch zu wenige Antworten"))
            lines.append(f"<li><i>{esc(qr.question.text)}</i> – {figures}</li>")
    if not lines:
        return ""
    summary = esc(_("Aus Befragungen"))
    return f'<details class="qm-help"><summary>{summary}</summary><ul>{"".join(lines)}</ul></details>'
