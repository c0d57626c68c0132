"""The facilitator's page of one workshop: join link and QR code, live view, consensus, dot counts for a room
without devices, the report as Excel.

The live view (:mod:`qmkit.ui.pages.live_view`) reads the store every second while the page is open, so a
participant's rating shows within about a second.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any
from urllib.parse import urlencode

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.word import DOCX_MIME, save_document
from qmkit.documents.workshop_report import workshop_docx_filename, workshop_report_document
from qmkit.domain.model import day_text
from qmkit.domain.workshop import Workshop, WorkshopResult
from qmkit.errors import InputError
from qmkit.excel.style import save_workbook
from qmkit.excel.workshop import build_workshop_workbook, workshop_filename
from qmkit.i18n import _
from qmkit.server.serve import join_url
from qmkit.services.selfeval import SelfEvaluation
from qmkit.services.workshop import Workshops
from qmkit.ui.pages.join_hint import loopback_hint
from qmkit.ui.pages.live_view import LiveUpdater, live_html
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
    style_html,
    user_field,
)
from qmkit.ui.widgets.save_state import SaveState

log = logging.getLogger("qmkit.ui")

WORKSHOP_CSS = style_html("workshop.css")


def participant_link(workshop: Workshop) -> str:
    """The join link in the QR code: the participant server's address with the workshop's token."""
    return join_url() + "?" + urlencode({"t": workshop.token})


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URL, drawn here (no service on the internet is asked)."""
    import segno

    return str(segno.make(text, error="m").svg_data_uri(scale=6, border=2))


class FacilitatorPage:
    """One workshop for the facilitator: how to join, live results, consensus, dots, report."""

    def __init__(self, evaluation: SelfEvaluation, workshop: Workshop):
        self.evaluation, self.workshops, self.catalog = evaluation, Workshops(evaluation), evaluation.catalog
        self.workshop = workshop
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.user_name = user_field(evaluation.institution.qmb or _("Moderation"))
        self.updater: LiveUpdater | None = None
        inst, cycle = evaluation.institution, evaluation.cycle
        header = cycle_header(
            "workshop",
            _("Workshop: {title}").format(title=workshop.title),
            cycle.id,
            inst.name,
            cycle.name,
            self.catalog.name,
        )
        back = make(
            w.HTML,
            f'<a href="Workshop.ipynb?zyklus={int(cycle.id)}">← {esc(_("alle Workshops dieses Zyklus"))}</a>',
        )
        self.counts = make(w.HTML, "")
        self.live = make(w.HTML, "")
        self.live.add_class("qm-live-view")
        self.stamp = make(w.HTML, "")
        self.result: WorkshopResult | None = None
        self._build_consensus()
        self._build_dots()
        self.download = make(w.HTML, "")
        export = make(
            w.HBox,
            [
                button(self.guard, "Workshop-Bericht als Excel", "download", self.export),
                button(self.guard, "Workshop-Bericht als Word", "file-word-o", lambda: export_word(self)),
            ],
        )
        self.join_info = make(w.HTML, f"<h2>{esc(_('Beitreten'))}</h2>" + self._join_html())
        self.widget = page_box(
            make(w.HTML, WORKSHOP_CSS),
            header,
            back,
            self.feedback.widget,
            card(self.join_info, self.counts),
            card(make(w.HTML, f"<h2>{esc(_('Live-Ansicht'))}</h2>"), self.stamp, self.live),
            card(make(w.HTML, f"<h2>{esc(_('Konsens'))}</h2>"), self.user_name, self.consensus_box),
            card(make(w.HTML, f"<h2>{esc(_('Klebepunkte eintragen (Raum ohne Geräte)'))}</h2>"), self.dots_box),
            card(make(w.HTML, f"<h2>{esc(_('Bericht'))}</h2>"), export, self.download),
        )
        self.refresh()

    # ------------------------------------------------------------------ join and live view

    def _join_html(self) -> str:
        link = participant_link(self.workshop)
        mode = (
            _("Namen werden gezeigt, wenn Teilnehmende sie angeben.")
            if self.workshop.named
            else _("anonym (keine Namen)")
        )
        local_only = _(
            "Diese Moderationsseite ist nur auf diesem Rechner erreichbar; der Link der Teilnehmenden öffnet sie nicht."
        )
        details = " · ".join(
            [
                _("Datum: {d}").format(d=day_text(self.workshop.held_on)),
                mode,
                _("Anonymitätsschwelle: {t} Bewertungen").format(t=self.workshop.threshold),
            ]
        )
        return (
            '<div class="qm-join">'
            f'<img id="qm-qr" alt="{esc(_("QR-Code zum Beitreten"))}" src="{qr_data_uri(link)}">'
            f"<div><div>{esc(_('Beitrittscode'))}</div>"
            f'<div class="qm-code" id="qm-join-code">{esc(self.workshop.join_code)}</div>'
            f"<div>{esc(_('oder der Link'))}:</div>"
            f'<div class="qm-link" id="qm-join-link">{esc(link)}</div>'
            f'<p class="qm-muted">{esc(details)}</p><p class="qm-muted">{esc(local_only)}</p>'
            "</div></div>" + loopback_hint(link)
        )

    def refresh(self) -> None:
        """Read the workshop from the store and update the live view where it changed.

        Nothing is sent to the browser while nothing changed, so a page left behind lets its kernel go idle
        and be ended by the server's culling.
        """
        result = self.workshops.result(self.workshop)
        self.result = result
        html = live_html(self.catalog, result)
        counts = esc(
            _("{p} Teilnehmende · {a} Antworten · Konsens bei {c} von {n} Anforderungen").format(
                p=result.participants,
                a=sum(s.answers for s in result.stats),
                c=len(result.consensus),
                n=len(result.stats),
            )
        )
        counts_html = f'<div class="qm-msg-info" id="qm-workshop-counts">{counts}</div>'
        if self.live.value == html and self.counts.value == counts_html:
            return
        self.live.value = html
        self.counts.value = counts_html
        self.show_hint()
        self.stamp.value = (
            '<div class="qm-muted">'
            + esc(
                _("aktualisiert sich selbst, sobald jemand bewertet · letzte Änderung {t}").format(
                    t=time.strftime("%H:%M:%S")
                )
            )
            + "</div>"
        )

    def start_live(self) -> str:
        self.updater = LiveUpdater(self.refresh)
        return self.updater.start()

    # ------------------------------------------------------------------ consensus

    def _requirement_choice(self) -> w.Dropdown:
        """A drop-down of the workshop's requirements (consensus and dots each have one)."""
        titles = {r.id: r.title for r in self.catalog.requirements()}
        return make(
            w.Dropdown,
            options=[(f"{rid} · {titles.get(rid, '')}", rid) for rid in self.workshop.requirement_ids],
            description=_("Anforderung"),
            style={"description_width": "120px"},
            layout={"width": "100%"},
        )

    def _build_consensus(self) -> None:
        self.consensus_req = self._requirement_choice()
        self.consensus_rating = make(
            w.Dropdown,
            options=[(_("– bitte wählen –"), "")] + [(v.label, v.value) for v in self.catalog.scale.values],
            value="",
            description=_("Konsens"),
            style={"description_width": "120px"},
            layout={"width": "420px"},
        )
        self.consensus_reason = make(
            w.Textarea,
            placeholder=_("Warum diese Bewertung? (kurz)"),
            description=_("Begründung"),
            style={"description_width": "120px"},
            layout={"width": "100%"},
        )
        self.consensus_dissent = make(
            w.Textarea,
            placeholder=_("Wer sah es anders und warum? (ohne Namen, wenn der Workshop anonym ist)"),
            description=_("Abweichend"),
            tooltip=_("Abweichende Meinungen"),
            style={"description_width": "120px"},
            layout={"width": "100%"},
        )
        self.consensus_message = make(w.HTML, "")
        self.consensus_hint = make(w.HTML, "")
        self.consensus_save = button(self.guard, "Konsens übernehmen", "check", self.save_consensus)
        self.consensus_req.observe(self.guard(lambda _c: self.show_consensus()), names="value")
        self.consensus_box = make(
            w.VBox,
            [
                self.consensus_req,
                self.consensus_hint,
                self.consensus_rating,
                self.consensus_reason,
                self.consensus_dissent,
                self.consensus_message,
                self.consensus_save,
            ],
            layout={"width": "100%"},
        )
        self.show_consensus()

    def show_consensus(self) -> None:
        """Fill the form with the chosen requirement's consensus (or empty, with the group's median as a hint)."""
        req_id = self.consensus_req.value
        agreed = self.workshops.consensus(self.workshop).get(req_id)
        self.consensus_rating.value = agreed.rating if agreed else ""
        self.consensus_reason.value = agreed.reason if agreed else ""
        self.consensus_dissent.value = agreed.dissent if agreed else ""
        self.consensus_message.value = ""
        self.show_hint()

    def show_hint(self) -> None:
        """The group's median for the requirement in the consensus form (kept current by the live view)."""
        req_id = self.consensus_req.value
        stats = next((s for s in (self.result.stats if self.result else ()) if s.requirement_id == req_id), None)
        hint = ""
        if stats and stats.shown and stats.median:
            hint = _("Median der Gruppe: {m}").format(m=self.catalog.scale.label(stats.median))
            if stats.disagreement:
                hint += " · " + _("die Bewertungen gehen auseinander")
        html = f'<div class="qm-muted">{esc(hint)}</div>' if hint else ""
        if self.consensus_hint.value != html:
            self.consensus_hint.value = html

    def save_consensus(self) -> None:
        req_id = self.consensus_req.value
        if not self.consensus_rating.value:
            self.consensus_message.value = error_html(_("Bitte die vereinbarte Bewertung wählen."))
            return
        try:
            agreed = self.workshops.record_consensus(
                self.workshop,
                req_id,
                self.consensus_rating.value,
                self.consensus_reason.value,
                self.consensus_dissent.value,
                self.user_name.value.strip(),
            )
        except InputError as exc:
            self.consensus_message.value = error_html(str(exc))
            return
        self.consensus_message.value = ""
        self.feedback.ok(
            _("Konsens für {id} übernommen: {rating}. Er steht jetzt in der Selbstbewertung (Quelle: {src}).").format(
                id=req_id, rating=self.catalog.scale.label(agreed.rating), src=self.workshop.source
            )
        )
        self.refresh()

    # ------------------------------------------------------------------ dots

    def _build_dots(self) -> None:
        self.dots_req = self._requirement_choice()
        self.dot_inputs: dict[str, w.BoundedIntText] = {}
        for v in self.catalog.scale.values:
            field = make(
                w.BoundedIntText,
                value=0,
                min=0,
                max=500,
                description=v.label,
                style={"description_width": "160px"},
                layout={"width": "260px"},
            )
            field.observe(self.guard(self._dot_saver(v.value)), names="value")
            self.dot_inputs[v.value] = field
        self.dots_state = SaveState()
        self.dots_message = self.dots_state.line
        self._loading_dots = False
        self.dots_req.observe(self.guard(lambda _c: self.show_dots()), names="value")
        intro = make(
            w.HTML,
            '<p class="qm-muted">'
            + esc(
                _(
                    "Für einen Raum ohne Geräte: die Punkte an der Pinnwand je Skalenwert zählen und hier eintragen. "
                    "Sie zählen in der Live-Ansicht wie Bewertungen ohne Rollengruppe."
                )
            )
            + "</p>",
        )
        self.dots_box = make(
            w.VBox, [intro, self.dots_req, *self.dot_inputs.values(), self.dots_message], layout={"width": "100%"}
        )
        self.show_dots()

    def show_dots(self) -> None:
        counts = self.workshops.dots(self.workshop).get(self.dots_req.value, {})
        self._loading_dots = True
        try:
            for value, field in self.dot_inputs.items():
                field.value = counts.get(value, 0)
        finally:
            self._loading_dots = False
        self.dots_state.forget()

    def _dot_saver(self, value: str) -> Any:
        def save(change: dict[str, Any]) -> None:
            if self._loading_dots:
                return
            field = self.dot_inputs[value]
            set_dots = functools.partial(
                self.workshops.set_dots, self.workshop, self.dots_req.value, value, change["new"]
            )
            if self.dots_state.attempt(value, field.description, field, set_dots)[0]:
                self.refresh()

        return save

    # ------------------------------------------------------------------ report

    def export(self) -> None:
        data = self.evaluation.checklist_data()
        result = self.workshops.result(self.workshop)
        path = save_workbook(build_workshop_workbook(data, result), exports_dir() / workshop_filename(data, result))
        self.last_export = path
        self.download.value = download_html(path, _("Workshop-Bericht herunterladen"), "qm-download-workshop")
        self.feedback.ok(_("Der Workshop-Bericht ist erstellt."))


def export_word(page: FacilitatorPage) -> None:
    """The workshop report as a Word document, offered for download on the page."""
    data = page.evaluation.checklist_data()
    result = page.workshops.result(page.workshop)
    doc = workshop_report_document(data, result)
    path = save_document(doc, exports_dir() / workshop_docx_filename(result))
    page.download.value = download_html(
        path, _("Workshop-Bericht herunterladen (.docx)"), "qm-download-workshop-docx", DOCX_MIME
    )
    page.feedback.ok(_("Der Workshop-Bericht ist erstellt."))


def build_facilitator_page(request: PageRequest) -> w.VBox:
    """The page behind ``Workshop.ipynb?moderation=<token>``; with ``request.live`` its live view starts."""
    workshop = request.services.facilitator_workshop(request.query.get("moderation"))
    facilitator = FacilitatorPage(request.services.evaluation(workshop.cycle_id), workshop)
    if request.live:
        log.info("live view runs on %s", facilitator.start_live())
    return facilitator.widget
