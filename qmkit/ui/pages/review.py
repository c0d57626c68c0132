"""The PDCA-Review page: Do/Check/Act per measure, PDCA-phase scores (CAF style), management reviews,
the next cycle from this one, and the comparison over all cycles.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import ipywidgets as w

from qmkit.domain.comparison import Comparison
from qmkit.domain.goal_data import IndicatorReading
from qmkit.domain.model import day_text
from qmkit.domain.planning import STATUS_LABELS, Measure
from qmkit.domain.review import (
    ACT_LABELS,
    BANDS,
    EFFECT_LABELS,
    PDCA_ABOUT,
    PDCA_HINTS,
    PHASE_LABELS,
    PHASES,
    MeasureReview,
    band_label,
)
from qmkit.domain.text import number_text
from qmkit.i18n import N_, _
from qmkit.services.review import Review
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.pages.goal_data_view import movement_html, reading_text
from qmkit.ui.pages.review_management import ManagementCard
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.chart import comparison_chart_html
from qmkit.ui.widgets.common import (
    Feedback,
    button,
    card,
    cycle_header,
    esc,
    guard,
    make,
    page_box,
    shown,
    user_field,
)
from qmkit.ui.widgets.fields import FieldSpec, widget_for
from qmkit.ui.widgets.record_editor import Chooser, FormField, RecordEditor

EMPTY = [("–", "")]
REVIEW_FORM = [
    FormField("done_text", "text", N_("Do – was wurde getan"), N_("Was wurde umgesetzt, von wem?")),
    FormField("done_on", "date", N_("Do – wann abgeschlossen")),
    FormField("actual", "line", N_("Check – Istwert des Indikators"), N_("z. B. 58")),
    FormField("effect_evidence", "text", N_("Check – Beleg der Wirkung"), N_("Befragung, Kennzahl, Dokument …")),
    FormField(
        "effective", "choice", N_("Check – wirksam?"), options=EMPTY + [(v, str(k)) for k, v in EFFECT_LABELS.items()]
    ),
    FormField(
        "act", "choice", N_("Act – wie geht es weiter?"), options=EMPTY + [(v, str(k)) for k, v in ACT_LABELS.items()]
    ),
    FormField("act_note", "text", N_("Act – Anmerkung")),
]


def score_options() -> list[tuple[str, str]]:
    """0, 5, …, 100 with their CAF band, in the page's language (built with the page, not at import)."""
    return EMPTY + [(f"{v} – {band_label(v)}", str(v)) for v in range(0, 101, 5)]


class ReviewPage:
    """Check what the measures achieved, decide how to act, record the management review, go on."""

    def __init__(self, evaluation: SelfEvaluation, today: date | None = None):
        self.evaluation, self.review = evaluation, Review(evaluation, today)
        self.cycle, self.catalog = evaluation.cycle, evaluation.catalog
        self.today = today or date.today()
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.user_name = user_field(evaluation.institution.qmb)
        self.goal_data = self.review.goal_data
        self.reading: IndicatorReading | None = None  # the chosen measure's goal read from the data
        self._check_widgets()
        self.score_inputs: dict[tuple[str, str], w.Dropdown] = {}
        self.score_box = self._score_box()  # PDCA-phase scores, where the catalog has them
        self.management = ManagementCard(self.evaluation, self.review, self.guard, self.feedback, self.user, self.today)
        self.next_name = make(
            w.Text, value=self._next_name_suggestion(), description=_("Name"), layout={"width": "360px"}
        )
        self.next_button = button(self.guard, "Nächsten Zyklus anlegen", "forward", self.start_next_cycle)
        self.next_result = make(w.HTML)
        self.comparison_html = make(w.HTML)
        self.widget = self._layout()
        self.refresh_measures()
        self.management.refresh()
        self.refresh_comparison()

    def _check_widgets(self) -> None:
        """Do / Check / Act: the measures' table and the review of one measure."""
        self.measure_table = make(w.HTML)
        self.measure_info = make(w.HTML)
        self.take_button = button(self.guard, "Istwert aus den Daten übernehmen", "download", self.take_actual)
        shown(self.take_button, False)
        self.measure_chooser = Chooser(self.guard, lambda mid: self.show_review(mid), _("Maßnahme"))
        self.review_editor = RecordEditor(
            REVIEW_FORM,
            lambda r, name, value: self.review.set_review_field(r.measure_id, name, value, self.user()),
            self.guard,
            lambda _r: self.refresh_measures(),
            lambda r: self.review.review(r.measure_id),
        )

    def _layout(self) -> w.VBox:
        inst = self.evaluation.institution
        header = cycle_header("review", _("PDCA-Review"), self.cycle.id, inst.name, self.cycle.name, self.catalog.title)
        self.review_card = card(
            make(w.HTML, f"<h2>{esc(_('Maßnahmen prüfen: Do – Check – Act'))}</h2>"), self.measure_table
        )
        cards = [self.review_card]
        if self.score_box is not None:
            cards.append(self.score_box)
        cards += [
            self.management.widget,
            card(
                make(w.HTML, f"<h2>{esc(_('Nächster Zyklus'))}</h2>"),
                make(
                    w.HTML,
                    '<div class="qm-muted">'
                    + esc(
                        _(
                            "Übernimmt Bewertungen, Texte, Nachweise, Ziele und offene Maßnahmen als Ausgangsstand; "
                            "übernommene Bewertungen sind „zu bestätigen“. Dieser Zyklus bleibt unverändert."
                        )
                    )
                    + "</div>",
                ),
                make(w.HBox, [self.next_name, self.next_button]),
                self.next_result,
            ),
            card(make(w.HTML, f"<h2>{esc(_('Vergleich über die Zyklen'))}</h2>"), self.comparison_html),
        ]
        return page_box(header, self.feedback.widget, self.user_name, *cards)

    def user(self) -> str:
        return self.user_name.value.strip()

    # ------------------------------------------------------------------ Do / Check / Act

    def refresh_measures(self, select: int | None = None) -> None:
        measures = self.review.measures()
        reviews = self.review.reviews()
        self.measure_table.value = review_table_html(measures, reviews)
        options = [(f"{m.title} ({_(STATUS_LABELS[m.status])})", m.id) for m in measures]
        chosen = self.measure_chooser.refill(options, select)
        parts = [*self.review_card.children[:2]]
        if measures:  # the editor only when there is something to review
            parts += [self.measure_chooser.widget, self.measure_info, self.take_button, self.review_editor.widget]
        if list(self.review_card.children) != parts:
            self.review_card.children = parts
        if chosen is None or self.review_editor.record is None or self.review_editor.record.measure_id != chosen:
            self.show_review(chosen)
        elif chosen is not None:
            self._show_measure_info(self.review.measure(chosen))

    def show_review(self, measure_id: int | None) -> None:
        if measure_id is None:
            self.review_editor.show(None)
            self.measure_info.value = ""
            return
        self._show_measure_info(self.review.measure(measure_id))
        self.review_editor.show(self.review.review(measure_id))

    def _show_measure_info(self, m: Measure) -> None:
        parts = [
            _("Verantwortlich: {who}").format(who=m.responsible),
            _("Status: {status}").format(status=_(STATUS_LABELS[m.status])),
        ]
        if m.requirement_ids:
            parts.append(_("Anforderungen: {ids}").format(ids=", ".join(m.requirement_ids)))
        if m.goal_id is not None:
            goal = self.review.goal(m.goal_id)
            self.reading = self.goal_data.reading(goal)
            if self.reading is not None:  # the figures come from the data
                parts.append(_("Ziel „{title}“: {indicator}").format(title=goal.title, indicator=goal.indicator))
                parts.append(_("Kennzahl aus den Daten: {text}").format(text=reading_text(self.reading)))
            else:
                target = _("Ziel „{title}“: {indicator}, Ausgangswert {base}, Zielwert {target}").format(
                    title=goal.title,
                    indicator=goal.indicator or "–",
                    base=goal.baseline or "–",
                    target=goal.target or "–",
                )
                parts.append(target)
        else:
            self.reading = None
        has_value = self.reading is not None and self.reading.current is not None
        shown(self.take_button, has_value)
        self.measure_info.value = f'<div class="qm-muted">{" · ".join(esc(p) for p in parts)}</div>'

    def take_actual(self) -> None:
        """Check: the newest value of the goal's indicator from the data as the measure's actual value."""
        chosen = self.measure_chooser.value
        if chosen is None or self.reading is None or self.reading.current is None:
            return
        value = number_text(self.reading.current)
        self.review.set_review_field(chosen, "actual", value, self.user())
        self.review_editor.show(self.review.review(chosen))
        self.feedback.ok(
            _("Istwert {value} ({year}) aus den Daten übernommen.").format(value=value, year=self.reading.year)
        )

    # ------------------------------------------------------------------ PDCA-phase scores

    def _score_box(self) -> w.VBox | None:
        setting = self.catalog.pdca_scoring
        if setting is None:
            return None
        targets = self.catalog.pdca_targets()
        fields = ("level",) if setting.variant == "classical" else PHASES
        stored = self.review.pdca_scores()
        rows: list[w.Widget] = []
        for target_id, title in targets:
            score = stored.get(target_id)
            widgets = []
            for name in fields:
                value = getattr(score, name) if score is not None else None
                label = _("Reifegrad") if name == "level" else _(PHASE_LABELS[name])
                spec = FieldSpec(f"{target_id} {label}", options=score_options(), width="190px")
                dropdown = widget_for("choice", "" if value is None else str(value), spec)
                dropdown.observe(self.guard(self._score_saver(target_id, name)), names="value")
                self.score_inputs[(target_id, name)] = dropdown
                widgets.append(dropdown)
            rows.append(
                make(
                    w.HBox,
                    [make(w.HTML, f"<b>{esc(target_id)}</b> {esc(title)}", layout={"width": "300px"}), *widgets],
                )
            )
        classical = setting.variant == "classical"
        names = [_("Reifegrad")] if classical else list(PHASE_LABELS.values())
        # the header is a row like the rows below (same widths), so each heading stands over its column
        heads = [make(w.HTML, f"<b>{esc(_('Anforderung'))}</b>", layout={"width": "300px"})]
        heads += [make(w.HTML, f"<b>{esc(name)}</b>", layout={"width": "190px"}) for name in names]
        bands = " · ".join(f"{lo}–{hi}: {esc(_(label))}" for lo, hi, label in BANDS)
        text = f'<div class="qm-muted">{esc(_(PDCA_ABOUT))}<br>{esc(_(PDCA_HINTS[classical]))}<br>{bands}</div>'
        return card(
            make(w.HTML, f"<h2>{esc(_('PDCA-Reifegrad'))}</h2>"), make(w.HTML, text), make(w.HBox, heads), *rows
        )

    def _score_saver(self, target_id: str, name: str) -> Callable[[dict[str, str]], None]:
        def save(change: dict[str, str]) -> None:
            self.review.set_pdca_score(target_id, name, change["new"], self.user())
            self.feedback.ok(_("PDCA-Bewertung für {id} gespeichert.").format(id=target_id))

        return save

    # ------------------------------------------------------------------ next cycle and comparison

    def _next_name_suggestion(self) -> str:
        return _("Selbstbewertung {year}").format(year=self.today.year + 1)

    def start_next_cycle(self) -> None:
        following = self.review.start_next_cycle(self.next_name.value, self.user())
        new, count = following.cycle, len(following.evaluation.to_confirm())
        self.next_result.value = (
            '<div class="qm-msg-ok">'
            + esc(
                _("Zyklus „{name}“ angelegt: {n} Bewertungen zu bestätigen, {m} Maßnahmen übernommen.").format(
                    name=new.name, n=count, m=len(following.measures())
                )
            )
            + f' <a class="qm-button" href="Selbstbewertung.ipynb?zyklus={new.id}">'
            + esc(_("Zur Selbstbewertung des neuen Zyklus"))
            + "</a></div>"
        )
        self.refresh_comparison()

    def refresh_comparison(self) -> None:
        self.comparison_html.value = comparison_html(self.review.history()) + movement_html(self.goal_data.movement())


def review_table_html(measures: list[Measure], reviews: dict[int, MeasureReview]) -> str:
    """Measures with their review state: status, done on, effective, decision."""
    if not measures:
        return f'<div class="qm-muted">{esc(_("Noch keine Maßnahmen im Plan."))}</div>'
    rows = []
    for m in measures:
        r = reviews.get(m.id, MeasureReview(m.id))
        rows.append(
            f"<tr><td>{esc(m.title)}</td><td>{esc(_(STATUS_LABELS[m.status]))}</td>"
            f"<td>{esc(day_text(r.done_on, '–'))}</td>"
            f"<td>{esc(_(EFFECT_LABELS[r.effective]) if r.effective else '–')}</td>"
            f"<td>{esc(_(ACT_LABELS[r.act]) if r.act else '–')}</td></tr>"
        )
    head = "".join(
        f"<th>{esc(_(h))}</th>"
        for h in (N_("Maßnahme"), N_("Status"), N_("Do: erledigt am"), N_("Check: wirksam"), N_("Act"))
    )
    done = sum(1 for m in measures if reviews.get(m.id, MeasureReview(m.id)).reviewed)
    counts = _("{done} von {n} Maßnahmen geprüft").format(done=done, n=len(measures))
    return (
        f'<div class="qm-muted">{esc(counts)}</div>'
        f'<table class="qm-plan"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def comparison_html(comparison: Comparison) -> str:
    """Chart per area over the cycles, then per step the changed requirements and the measures in between."""
    if len(comparison.cycles) < 2:
        text = _("Für einen Vergleich braucht es mindestens zwei Zyklen mit diesem Qualitätsmodell.")
        return f'<div class="qm-muted">{esc(text)}</div>'
    parts = [comparison_chart_html(comparison)]
    for step in reversed(comparison.steps):
        title = _("Von „{a}“ zu „{b}“: {up} besser, {down} schlechter, {n} geändert").format(
            a=step.before.name, b=step.after.name, up=step.improved, down=step.worse, n=len(step.changes)
        )
        change_rows = "".join(
            f"<tr><td><b>{esc(c.requirement_id)}</b> {esc(c.title)}</td><td>{esc(c.before_label)}</td>"
            f"<td>{esc(c.after_label)}</td><td>{_arrow(c.delta)}</td></tr>"
            for c in step.changes
        )
        effect_rows = "".join(
            f"<tr><td>{esc(e.measure.title)}</td><td>{esc(e.requirement_id)}</td>"
            f"<td>{esc(e.before_label)} → {esc(e.after_label)}</td><td>{_arrow(e.delta)}</td></tr>"
            for e in step.effects
        )
        changes = (
            f'<table class="qm-plan"><thead><tr><th>{esc(_("Anforderung"))}</th><th>{esc(_("vorher"))}</th>'
            f"<th>{esc(_('nachher'))}</th><th></th></tr></thead><tbody>{change_rows}</tbody></table>"
            if change_rows
            else f'<div class="qm-muted">{esc(_("Keine Bewertung hat sich geändert."))}</div>'
        )
        effects = (
            f"<h4>{esc(_('Umgesetzte Maßnahmen dazwischen'))}</h4>"
            f'<table class="qm-plan"><thead><tr><th>{esc(_("Maßnahme"))}</th><th>{esc(_("Anforderung"))}</th>'
            f"<th>{esc(_('Bewertung'))}</th><th></th></tr></thead><tbody>{effect_rows}</tbody></table>"
            if effect_rows
            else ""
        )
        parts.append(f"<details open><summary><b>{esc(title)}</b></summary>{changes}{effects}</details>")
    return "".join(parts)


def _arrow(delta: int | None) -> str:
    if delta is None:
        return ""
    if delta > 0:
        return f'<span style="color:#2e7d32" title="{esc(_("besser"))}">▲ {esc(_("besser"))}</span>'
    if delta < 0:
        return f'<span class="qm-error" title="{esc(_("schlechter"))}">▼ {esc(_("schlechter"))}</span>'
    return "="


def build(request: PageRequest) -> w.VBox:
    return ReviewPage(request.evaluation()).widget
