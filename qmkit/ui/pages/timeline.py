"""The Fristen page: the certification procedure with planned and done dates, the certificate and its end of
validity, what is due next, and the deadlines as a calendar file.

Every date is saved when it is picked; a date the store refuses shows its German message in the row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.calendar import cycle_calendar
from qmkit.domain.timeline import Status, Timeline, TimelineItem, wording
from qmkit.excel.style import save_atomic
from qmkit.i18n import _
from qmkit.services.certification import CertificationPlan
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import (
    Feedback,
    button,
    card,
    cycle_header,
    download_html,
    error_html,
    esc,
    guard,
    make,
    page_box,
    user_field,
)
from qmkit.ui.widgets.date_field import DateField
from qmkit.ui.widgets.save_state import SaveState

ICS_MIME = "text/calendar"


def day_text(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "–"


def when_text(item: TimelineItem, today: date) -> str:
    """'in 12 Tagen', 'heute', 'seit 3 Tagen überfällig' for an open dated item."""
    if item.due is None:
        return ""
    days = (item.due - today).days
    if days == 0:
        return _("heute")
    if days > 0:
        if days == 1:
            return _("morgen")
        if days <= 60:
            return _("in {n} Tagen").format(n=days)
        months = round(days / 30.44)
        return (
            _("in etwa {n} Monaten").format(n=months)
            if months < 24
            else _("in etwa {n} Jahren").format(n=round(days / 365.25))
        )
    if item.kind == "expiry":
        return _("seit {n} Tagen abgelaufen").format(n=-days)
    return _("seit {n} Tagen überfällig").format(n=-days)


class _Row:
    """One step or deadline: title, dates (pickers where the QMB enters them), status and message."""

    def __init__(self, item: TimelineItem, save: Callable[[str, str, Any], None], wrap: Callable[..., Any]):
        self.key = item.key
        self.loading = False
        self.title = make(w.HTML, layout={"width": "42%"})
        self.pickers: dict[str, DateField] = {}
        editable = ["planned", "done"] if item.kind == "step" else ["done"] if item.kind == "deadline" else []
        self.due = make(w.HTML, layout={"width": "150px"})
        for name in editable:
            when = _("geplant") if name == "planned" else _("erledigt am")
            picker = make(DateField, layout={"width": "150px"}, name=f"{item.title}: {when}")
            picker.observe(wrap(self._saver(name, save)), names="value")
            self.pickers[name] = picker
        self.status = make(w.HTML, layout={"width": "170px"})
        self.state = SaveState()
        self.message = self.state.line
        cells: list[w.Widget] = [self.title]
        cells.append(self.pickers["planned"] if "planned" in self.pickers else self.due)
        cells.append(self.pickers.get("done") or make(w.HTML, layout={"width": "150px"}))
        cells.append(self.status)
        line = make(w.HBox, cells, layout={"align_items": "center", "width": "100%", "flex_flow": "row wrap"})
        self.widget = make(w.VBox, [line, self.message], layout={"width": "100%"})
        self.widget.add_class("qm-tl-row")

    def _saver(self, name: str, save: Callable[[str, str, Any], None]) -> Callable[[dict[str, Any]], None]:
        def changed(change: dict[str, Any]) -> None:
            if not self.loading:
                label = _("Geplant") if name == "planned" else _("Erledigt am")
                self.state.attempt(name, label, self.pickers[name], lambda: save(self.key, name, change["new"]))

        return changed

    def show(self, item: TimelineItem, today: date) -> None:
        note = f'<div class="qm-muted">{esc(item.note)}</div>' if item.note else ""
        self.title.value = f"<b>{esc(item.title)}</b>{note}"
        self.due.value = esc(day_text(item.due))
        self.loading = True
        try:
            # a refused date stays as typed (marked) when another row's save redraws the list
            if "planned" in self.pickers and not self.state.is_refused("planned"):
                self.pickers["planned"].value = item.due
            if "done" in self.pickers and not self.state.is_refused("done"):
                self.pickers["done"].value = item.done
        finally:
            self.loading = False
        state = item.status(today)
        extra = f"<br>{esc(item.done_note)}" if item.done_note else ""
        if state in (Status.OVERDUE, Status.SOON, Status.PLANNED) and item.due:
            extra = f"<br>{esc(when_text(item, today))}"
        self.status.value = f'<span class="qm-tl-{state.value}">{esc(item.status_text(today))}</span>{extra}'


class TimelinePage:
    """Steps, certificate, deadlines and the calendar export of one cycle."""

    def __init__(self, evaluation: SelfEvaluation, today: date | None = None):
        proc = evaluation.catalog.procedure
        self.words = wording(proc.certificate, proc.validity_years)
        self.plan = CertificationPlan(evaluation, today)
        self.cycle = evaluation.cycle
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.user_name = user_field(evaluation.institution.qmb)
        self.next_box = make(w.HTML)
        self._certificate_widgets()
        timeline = self.plan.timeline()
        self._step_widgets(timeline)
        self.calendar_button = button(self.guard, "Fristen als Kalender (.ics)", "calendar", self.export_calendar)
        self.calendar_info = make(w.HTML)
        self.widget = self._layout(evaluation)
        self.render(timeline)

    def _certificate_widgets(self) -> None:
        """When the certificate was granted and, where the document says so, until when it is valid."""
        self.cert_pickers: dict[str, DateField] = {}
        self.cert_labels: dict[str, w.HTML] = {}
        self.cert_label_text: dict[str, str] = {}
        labels = {"certified_on": self.words.start, "valid_until": self.words.end}
        self._cert_loading = False
        for name, label in labels.items():
            picker = make(DateField, layout={"width": "170px"}, name=label)
            picker.observe(self.guard(self._cert_saver(name)), names="value")
            self.cert_pickers[name] = picker
            self.cert_label_text[name] = f"<b>{esc(label)}</b>"
            self.cert_labels[name] = make(w.HTML, self.cert_label_text[name])
        self.cert_info = make(w.HTML)
        self.cert_state = SaveState(say_saved=False)

    def _step_widgets(self, timeline: Timeline) -> None:
        """The procedure's steps (planned and done) with the suggestion, and the box of the deadlines."""
        self.start = make(DateField, value=None, description=_("Beginn"), layout={"width": "auto"})
        self.suggest_button = button(self.guard, "Zeitplan vorschlagen", "magic", self.suggest)
        self.step_rows = {i.key: _Row(i, self._save_date, self.guard) for i in timeline.steps}
        self.deadline_box = make(w.VBox, layout={"width": "100%"})
        self.deadline_rows: dict[str, _Row] = {}
        self._deadline_shape: tuple[tuple[str, date | None], ...] = ()

    def _layout(self, evaluation: SelfEvaluation) -> w.VBox:
        inst, proc = evaluation.institution, evaluation.catalog.procedure
        cert_parts = [part for name, picker in self.cert_pickers.items() for part in (self.cert_labels[name], picker)]
        header = cycle_header(
            "fristen", _("Zeitplan und Fristen"), self.cycle.id, inst.name, self.cycle.name, evaluation.catalog.title
        )
        validity = self.words.validity
        intro = make(
            w.HTML,
            f'<p class="qm-muted"><b>{esc(proc.name)}</b> – {esc(validity)} {esc(proc.cycle_note)}</p>',
        )
        head = make(w.HTML, self._head_html(_("Geplant"), _("Erledigt am")))
        deadline_head = make(w.HTML, self._head_html(_("Fällig am"), _("Erledigt am")))
        return page_box(
            header,
            intro,
            self.feedback.widget,
            self.user_name,
            card(make(w.HTML, f"<h2>{esc(_('Als Nächstes'))}</h2>"), self.next_box),
            card(make(w.HTML, f"<h2>{esc(self.words.title)}</h2>"), *cert_parts, self.cert_info),
            card(
                make(w.HTML, f"<h2>{esc(_('Verfahrensschritte'))}</h2>"),
                make(
                    w.HTML,
                    '<span class="qm-muted">'
                    + esc(_("Vorschlag aus den üblichen Dauern; nur Schritte ohne geplantes Datum bekommen eins."))
                    + "</span>",
                ),
                make(w.HBox, [self.start, self.suggest_button], layout={"align_items": "center"}),
                head,
                *[r.widget for r in self.step_rows.values()],
            ),
            card(make(w.HTML, f"<h2>{esc(_('Fristen'))}</h2>"), deadline_head, self.deadline_box),
            card(
                make(w.HTML, f"<h2>{esc(_('Kalender'))}</h2>"),
                make(
                    w.HTML,
                    '<span class="qm-muted">'
                    + esc(
                        _(
                            "Alle offenen Termine als Datei für Outlook, Thunderbird oder das Telefon, mit Erinnerung "
                            "zwei Wochen vor jeder Frist. Ein erneuter Import aktualisiert die Einträge."
                        )
                    )
                    + "</span>",
                ),
                make(w.HBox, [self.calendar_button]),
                self.calendar_info,
            ),
        )

    @staticmethod
    def _head_html(second: str, third: str) -> str:
        return (
            '<div class="qm-tl-head"><span style="width:42%">' + esc(_("Was")) + "</span>"
            f'<span style="width:150px">{esc(second)}</span><span style="width:150px">{esc(third)}</span>'
            f'<span style="width:170px">{esc(_("Stand"))}</span></div>'
        )

    def user(self) -> str:
        return str(self.user_name.value)

    @property
    def today(self) -> date:
        return self.plan.today

    # ---------------------------------------------------------------- saving

    def _save_date(self, key: str, field: str, value: Any) -> None:
        self.plan.set_date(key, field, value, self.user())
        self.render()

    def _cert_saver(self, name: str) -> Callable[[dict[str, Any]], None]:
        def changed(change: dict[str, Any]) -> None:
            if self._cert_loading:
                return
            label = self.cert_label_text[name]
            picker = self.cert_pickers[name]
            saved, _r = self.cert_state.attempt(
                name, "", picker, lambda: self.plan.set_certificate(name, change["new"], self.user())
            )
            if not saved:
                self.cert_labels[name].value = f"{label} {error_html(self.cert_state.message(name))}"
                self.cert_labels[name].value += " " + esc(_("nicht gespeichert"))
                return
            self.cert_labels[name].value = label
            self.render()

        return changed

    def suggest(self) -> list[str]:
        keys = self.plan.suggest(self.start.value, self.user())
        self.render()
        if keys:
            self.feedback.ok(_("{n} Schritte haben ein geplantes Datum bekommen.").format(n=len(keys)))
        else:
            self.feedback.info(_("Alle Schritte hatten schon ein geplantes Datum; nichts wurde geändert."))
        return keys

    def export_calendar(self) -> None:
        name, data = cycle_calendar(self.plan)
        path = save_atomic(exports_dir() / name, lambda tmp: Path(tmp).write_bytes(data))
        count = data.count(b"BEGIN:VEVENT")
        self.calendar_info.value = (
            f'<div class="qm-msg-ok" role="status">{esc(_("{n} Termine im Kalender.").format(n=count))}</div>'
            + download_html(path, _("Kalender herunterladen"), "qm-ics-download", ICS_MIME)
        )

    # ---------------------------------------------------------------- showing

    def render(self, timeline: Timeline | None = None) -> None:
        """Show the stored state: next items, certificate, step and deadline rows."""
        timeline = timeline or self.plan.timeline()
        today = self.today
        self._render_next(timeline, today)
        self._render_certificate(timeline)
        for item in timeline.steps:
            self.step_rows[item.key].show(item, today)
        shape = tuple((i.key, i.due) for i in timeline.deadlines)
        if shape != self._deadline_shape:
            self.deadline_rows = {i.key: _Row(i, self._save_date, self.guard) for i in timeline.deadlines}
            self.deadline_box.children = [r.widget for r in self.deadline_rows.values()]
            self._deadline_shape = shape
        for item in timeline.deadlines:
            self.deadline_rows[item.key].show(item, today)

    def _render_next(self, timeline: Timeline, today: date) -> None:
        upcoming = timeline.upcoming(today)
        if not upcoming:
            hint = (
                _("Noch keine Termine: „{date}“ eintragen oder die Verfahrensschritte planen.").format(
                    date=self.words.start
                )
                if not any(i.due for i in timeline.items)
                else _("Alles erledigt – keine offenen Termine.")
            )
            self.next_box.value = f'<div class="qm-msg-info">{esc(hint)}</div>'
            return
        rows = "".join(
            f'<tr class="qm-tl-{i.status(today).value}"><td>{esc(day_text(i.due))}</td>'
            f"<td><b>{esc(i.title)}</b></td><td>{esc(when_text(i, today))}</td></tr>"
            for i in upcoming
        )
        note = ""
        if timeline.certificate_expected:
            note = (
                '<div class="qm-muted">'
                + esc(_("Fristen voraussichtlich: berechnet aus dem geplanten letzten Verfahrensschritt."))
                + "</div>"
            )
        self.next_box.value = f'<table class="qm-plan qm-next">{rows}</table>{note}'

    def _render_certificate(self, timeline: Timeline) -> None:
        cert = timeline.certificate
        self._cert_loading = True
        try:
            for name, value in (("certified_on", cert.certified_on), ("valid_until", cert.valid_until)):
                if not self.cert_state.is_refused(name):  # a refused date stays as typed, marked
                    self.cert_pickers[name].value = value
        finally:
            self._cert_loading = False
        if timeline.valid_until is None:
            text = self.words.missing
        elif timeline.valid_until_computed:
            text = self.words.computed.format(
                d=day_text(timeline.valid_until),
                n=timeline.validity_years,
                s=day_text(timeline.certified_on),
                x=_(", voraussichtlich") if timeline.certificate_expected else "",
            )
        else:
            text = self.words.stated.format(d=day_text(timeline.valid_until))
        self.cert_info.value = f'<div class="qm-msg-info">{esc(text)}</div>'


def build(request: PageRequest) -> w.VBox:
    return TimelinePage(request.evaluation()).widget
