"""The facilitator's workshop pages: create a workshop, then run it (join link and QR code, live view,
consensus, dot counts for a room without devices, the report as Excel).

The live view reads the store every second while the page is open, so a participant's rating shows within
about a second; below the anonymity threshold it shows counts only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import date
from typing import Any
from urllib.parse import urlencode

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.domain.catalog import Catalog
from qmkit.domain.model import day_text, local_time_text
from qmkit.domain.workshop import DEFAULT_THRESHOLD, RequirementStats, Workshop, WorkshopResult
from qmkit.errors import InputError
from qmkit.excel.style import save_workbook
from qmkit.excel.workshop import build_workshop_workbook, workshop_filename
from qmkit.i18n import N_, _
from qmkit.server.serve import join_url
from qmkit.services.selfeval import SelfEvaluation
from qmkit.services.workshop import Workshops
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

log = logging.getLogger("qmkit.ui")
LIVE_INTERVAL = 1.0  # seconds between two reads of the store while the facilitator page is open

WORKSHOP_CSS = """
<style>
table.qm-live { border-collapse: collapse; width: 100%; font-size: 15px; }
table.qm-live th, table.qm-live td { border-bottom: 1px solid #d0d7de; padding: 5px 6px; text-align: left;
  vertical-align: top; }
tr.qm-disagree td { background: #fff4e5; }
.qm-flag { color: #9a3412; font-weight: 600; }
.qm-code { font-size: 2.2em; letter-spacing: 0.15em; font-weight: 700; font-family: monospace; }
.qm-join { display: flex; gap: 18px; flex-wrap: wrap; align-items: flex-start; }
.qm-join img { width: 220px; height: 220px; image-rendering: pixelated; border: 1px solid #d0d7de; }
.qm-link { font-family: monospace; word-break: break-all; }
</style>
"""


def participant_link(workshop: Workshop) -> str:
    """The join link in the QR code: the participant server's address with the workshop's token."""
    return join_url() + "?" + urlencode({"t": workshop.token})


def facilitator_link(workshop: Workshop) -> str:
    return "Workshop.ipynb?" + urlencode({"moderation": workshop.facilitator_token})


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URL, drawn here (no service on the internet is asked)."""
    import segno

    return str(segno.make(text, error="m").svg_data_uri(scale=6, border=2))


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
    head = "".join(
        f"<th>{esc(_(h))}</th>"
        for h in (
            N_("Anforderung"),
            N_("Antworten"),
            N_("Verteilung"),
            N_("Median"),
            N_("Streuung"),
            N_("Hinweis"),
            N_("Konsens"),
        )
    )
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
        export = button(self.guard, "Workshop-Bericht als Excel", "download", self.export)
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
            "</div></div>"
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
        self.dots_message = make(w.HTML, "")
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
        self.dots_message.value = ""

    def _dot_saver(self, value: str) -> Any:
        def save(change: dict[str, Any]) -> None:
            if self._loading_dots:
                return
            try:
                self.workshops.set_dots(self.workshop, self.dots_req.value, value, change["new"])
            except InputError as exc:
                self.dots_message.value = error_html(str(exc))
                return
            self.dots_message.value = f'<span class="qm-saved">✓ {esc(_("gespeichert"))}</span>'
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


class WorkshopListPage:
    """The workshops of a cycle, with a form to create one."""

    def __init__(self, evaluation: SelfEvaluation):
        self.evaluation, self.workshops, self.catalog = evaluation, Workshops(evaluation), evaluation.catalog
        self.cycle = evaluation.cycle
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        inst = evaluation.institution
        header = cycle_header("workshop", _("Workshops"), self.cycle.id, inst.name, self.cycle.name, self.catalog.name)
        intro = make(
            w.HTML,
            '<p class="qm-muted">'
            + esc(
                _(
                    "Im Workshop bewerten Kolleg*innen die ausgewählten Anforderungen zuerst allein auf dem eigenen "
                    "Gerät; danach bespricht die Gruppe, wo die Bewertungen auseinandergehen, und hält den Konsens "
                    "mit Begründung und abweichenden Meinungen fest. Der Konsens geht in die Selbstbewertung."
                )
            )
            + "</p>",
        )
        self.list_html = make(w.HTML, "")
        self._build_form()
        self.widget = page_box(
            header,
            intro,
            self.feedback.widget,
            card(make(w.HTML, f"<h2>{esc(_('Workshops dieses Zyklus'))}</h2>"), self.list_html),
            card(make(w.HTML, f"<h2>{esc(_('Neuer Workshop'))}</h2>"), self.form),
        )
        self.refresh_list()

    def refresh_list(self) -> None:
        found = self.workshops.workshops()
        if not found:
            self.list_html.value = f'<p class="qm-muted">{esc(_("Noch kein Workshop."))}</p>'
            return
        rows = []
        for ws in found:
            people = len(self.workshops.participants(ws))
            agreed = len(self.workshops.consensus(ws))
            rows.append(
                f"<tr><td>{esc(ws.title)}</td><td>{esc(day_text(ws.held_on))}</td>"
                f"<td>{len(ws.requirement_ids)}</td><td>{people}</td><td>{agreed}</td>"
                f"<td>{esc(local_time_text(ws.created_at))}</td>"
                f'<td><a class="qm-button" href="{esc(facilitator_link(ws))}">'
                f"{esc(_('Moderation öffnen'))}</a></td></tr>"
            )
        head = "".join(
            f"<th>{esc(_(h))}</th>"
            for h in (
                N_("Titel"),
                N_("Datum"),
                N_("Anforderungen"),
                N_("Teilnehmende"),
                N_("Konsens"),
                N_("angelegt"),
                "",
            )
        )
        self.list_html.value = f'<table class="qm-plan"><tr>{head}</tr>{"".join(rows)}</table>'

    def _build_form(self) -> None:
        style = {"description_width": "160px"}
        self.title = make(
            w.Text,
            description=_("Titel"),
            placeholder=_("z. B. Teamtag Qualität"),
            style=style,
            layout={"width": "520px"},
        )
        self.held_on = make(w.DatePicker, value=date.today(), description=_("Datum"), style=style)
        self.threshold = make(
            w.BoundedIntText, value=DEFAULT_THRESHOLD, min=1, max=50, description=_("Anonymitätsschwelle"), style=style
        )
        self.named = make(
            w.Checkbox,
            value=False,
            description=_("Namen der Teilnehmenden zeigen (sonst anonym)"),
            indent=False,
            layout={"width": "auto"},
        )
        options = [(f"{r.id} · {r.title}", r.id) for r in self.catalog.requirements()]
        self.requirements = make(
            w.SelectMultiple,
            options=options,
            rows=min(12, len(options)),
            description=_("Anforderungen"),
            style=style,
            layout={"width": "100%"},
        )
        self.area_boxes: dict[str, w.Checkbox] = {}
        for area in self.catalog.areas:
            box = make(
                w.Checkbox, value=False, description=f"{area.id} {area.title}", indent=False, layout={"width": "auto"}
            )
            box.observe(self.guard(self._area_toggler(area.id)), names="value")
            self.area_boxes[area.id] = box
        self.errors = {name: make(w.HTML, "") for name in ("title", "held_on", "threshold", "requirement_ids")}
        create = button(self.guard, "Workshop anlegen", "plus", self.create)
        create.add_class("qm-create-workshop")
        self.created = make(w.HTML, "")
        self.form = make(
            w.VBox,
            [
                self.title,
                self.errors["title"],
                self.held_on,
                self.errors["held_on"],
                self.threshold,
                self.errors["threshold"],
                self.named,
                make(w.HTML, f"<b>{esc(_('Ganze Bereiche auswählen'))}</b>"),
                make(w.VBox, list(self.area_boxes.values())),
                self.requirements,
                make(
                    w.HTML, f'<div class="qm-muted">{esc(_("Strg/Umschalt-Klick wählt mehrere Anforderungen."))}</div>'
                ),
                self.errors["requirement_ids"],
                create,
                self.created,
            ],
            layout={"width": "100%"},
        )

    def _area_toggler(self, area_id: str) -> Any:
        def toggle(change: dict[str, Any]) -> None:
            ids = [r.id for r in next(a for a in self.catalog.areas if a.id == area_id).all_requirements()]
            chosen = list(self.requirements.value)
            if change["new"]:
                chosen += [i for i in ids if i not in chosen]
            else:
                chosen = [i for i in chosen if i not in ids]
            order = [value for _label, value in self.requirements.options]
            self.requirements.value = tuple(sorted(chosen, key=order.index))

        return toggle

    def create(self) -> Workshop | None:
        for field in self.errors.values():
            field.value = ""
        try:
            ws = self.workshops.create(
                title=self.title.value,
                held_on=self.held_on.value,
                requirement_ids=list(self.requirements.value),
                threshold=self.threshold.value,
                named=self.named.value,
            )
        except InputError as exc:
            target = self.errors.get(exc.field or "", None)
            if target is None:
                self.feedback.error(str(exc))
            else:
                target.value = error_html(str(exc))
            return None
        self.created.value = (
            f'<div class="qm-msg-ok">{esc(_("Workshop „{t}“ angelegt.").format(t=ws.title))} '
            f'<a class="qm-button" id="qm-open-workshop" href="{esc(facilitator_link(ws))}">'
            f"{esc(_('Moderation öffnen'))}</a></div>"
        )
        self.title.value = ""
        self.refresh_list()
        return ws
