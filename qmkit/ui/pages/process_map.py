"""The Prozesslandkarte page: the institution's leadership, core and support processes, which requirements of the
cycle's catalog each serves (the matrix), the coverage both ways, the map as a diagram, Excel and SVG.

Catalogs switch the page on with ``process_map: true`` (QESplus); opened by its address for another catalog it
says that this model does not ask for a map and works all the same. Every change goes through
:class:`~qmkit.services.process_map.ProcessMap` (rights and checks there) and is stored at once.
"""

from __future__ import annotations

import base64
from pathlib import Path

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.process_svg import process_map_svg
from qmkit.domain.process_map import ProcessMapData
from qmkit.errors import InputError
from qmkit.excel.process_map import process_map_filename, process_map_workbook
from qmkit.excel.style import save_atomic, save_workbook
from qmkit.i18n import _
from qmkit.services.process_map import ProcessMap
from qmkit.ui.pages.process_editor import ProcessEditor, kind_options
from qmkit.ui.routes import NoCycle, PageRequest, cycle_from_query
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
    scroll_html,
)

SVG_MIME = "image/svg+xml"
WIDE = {"width": "440px"}
LABEL = {"description_width": "110px"}


def coverage_html(data: ProcessMapData) -> str:
    """The figures, the requirements no process serves and the processes that serve none."""
    cov = data.coverage
    head = _("{covered} von {total} Anforderungen werden von mindestens einem Prozess bedient ({percent} %).").format(
        covered=cov.covered, total=cov.total, percent=cov.percent
    )
    gaps = "".join(
        f"<li class='qm-fehlt'>{esc(r)} – {esc(data.requirement(r).title)} "
        f"<span class='qm-muted'>({esc(data.requirement(r).area_title)})</span></li>"
        for r in cov.uncovered
    )
    idle = "".join(
        f"<li class='qm-hinweis'>{esc(data.process(p).name)} <span class='qm-muted'>"
        f"({esc(data.process(p).kind_label)})</span></li>"
        for p in cov.idle
    )
    none = f"<div class='qm-muted'>{esc(_('keine'))}</div>"
    return (
        f"<h2>{esc(_('Abdeckung'))}</h2><div id='qm-coverage'>{esc(head)}</div>"
        f"<h3>{esc(_('Anforderungen ohne Prozess ({n})').format(n=len(cov.uncovered)))}</h3>"
        + (f"<ul class='qm-findings'>{gaps}</ul>" if gaps else none)
        + f"<h3>{esc(_('Prozesse ohne Anforderung ({n})').format(n=len(cov.idle)))}</h3>"
        + (f"<ul class='qm-findings'>{idle}</ul>" if idle else none)
    )


def matrix_html(data: ProcessMapData) -> str:
    """Requirements × processes with ✓, grouped by area; rows without a process tinted."""
    if not data.processes:
        return f"<h2>{esc(_('Matrix'))}</h2><div class='qm-muted'>{esc(_('Noch keine Prozesse erfasst.'))}</div>"
    heads = "".join(f"<th class='qm-proc' title='{esc(p.name)}'>{esc(p.name)}</th>" for p in data.processes)
    rows, area = [], None
    for req in data.requirements:
        if req.area_id != area:
            area = req.area_id
            rows.append(f"<tr class='qm-area'><td colspan='{len(data.processes) + 3}'>{esc(req.area_title)}</td></tr>")
        served = data.coverage.served_by.get(req.id, ())
        ticks = "".join(f"<td class='qm-tick'>{'✓' if p.id in served else ''}</td>" for p in data.processes)
        css = " class='qm-gap'" if not served else ""
        rows.append(f"<tr{css}><td>{esc(req.id)}</td><td>{esc(req.title)}</td>{ticks}<td>{len(served)}</td></tr>")
    return f"<h2>{esc(_('Matrix: Anforderungen × Prozesse'))}</h2>" + scroll_html(
        _("Matrix: Anforderungen × Prozesse"),
        f"<table class='qm-plan qm-matrix'><thead><tr><th>{esc(_('ID'))}</th><th>{esc(_('Anforderung'))}</th>"
        f"{heads}<th>{esc(_('Anzahl'))}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>",
    )


def diagram_html(data: ProcessMapData) -> str:
    """The SVG as a picture (an <img> never runs anything inside it)."""
    payload = base64.b64encode(process_map_svg(data).encode("utf-8")).decode("ascii")
    alt = _("Prozesslandkarte: Führungs-, Kern- und Unterstützungsprozesse")
    return (
        f"<h2>{esc(_('Landkarte'))}</h2><div class='qm-map'>"
        f"<img id='qm-process-map' alt='{esc(alt)}' src='data:{SVG_MIME};base64,{payload}'></div>"
    )


class ProcessMapPage:
    def __init__(self, service: ProcessMap):
        self.service = service
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        evaluation = service.evaluation
        cycle = evaluation.cycle
        head = cycle_header(
            "prozesse", _("Prozesslandkarte"), cycle.id, evaluation.institution.name, cycle.name, service.catalog.title
        )
        lead = _(
            "Ordnen Sie die eigenen Prozesse der Einrichtung – Führung, Kern, Unterstützung – den Anforderungen zu. "
            "Die Prozesse gehören zur Einrichtung und gelten in jedem Zyklus; jede Änderung wird sofort gespeichert."
        )
        notes = [f"<div class='qm-muted'>{esc(lead)}</div>"]
        if not service.enabled:
            text = _(
                "Das Qualitätsmodell {catalog} verlangt keine Prozesslandkarte. Sie können sie trotzdem nutzen."
            ).format(catalog=service.catalog.title)
            notes.append(f"<div class='qm-msg-info' role='status'>{esc(text)}</div>")
        if not service.may_edit:
            text = _("Ihre Rolle in dieser Einrichtung erlaubt hier nur das Lesen.")
            notes.append(f"<div class='qm-msg-info' role='status'>{esc(text)}</div>")
        self.coverage, self.matrix, self.diagram, self.link = (make(w.HTML) for _i in range(4))
        self.editor = ProcessEditor(service, self.feedback, self.guard, self.refresh)
        downloads = make(
            w.HBox,
            [
                button(self.guard, "Prozesslandkarte als Excel", "file-excel-o", self.excel),
                button(self.guard, "Landkarte als SVG", "download", self.svg),
            ],
            layout={"flex_flow": "row wrap"},
        )
        self.widget = page_box(
            head,
            make(w.HTML, "".join(notes)),
            self.feedback.widget,
            self._add_card(),
            card(make(w.HTML, f"<h2>{esc(_('Prozess bearbeiten'))}</h2>"), self.editor.widget),
            card(self.coverage),
            card(self.matrix),
            card(self.diagram, downloads, self.link),
        )
        self.editor.refill(service.processes())
        self.refresh()

    def _add_card(self) -> w.VBox:
        self.new_name = make(
            w.Text, description=_("Name"), placeholder=_("z. B. Kurse durchführen"), layout=WIDE, style=LABEL
        )
        self.new_kind = make(
            w.Dropdown, options=kind_options(), value="kern", description=_("Art"), layout=WIDE, style=LABEL
        )
        self.new_owner = make(
            w.Text, description=_("Verantwortlich"), placeholder=_("Rolle oder Name"), layout=WIDE, style=LABEL
        )
        self.add_error = make(w.HTML)
        add = button(self.guard, "Prozess anlegen", "plus", self.add)
        if not self.service.may_edit:
            for widget in (self.new_name, self.new_kind, self.new_owner, add):
                widget.disabled = True
        return card(
            make(w.HTML, f"<h2>{esc(_('Neuer Prozess'))}</h2>"),
            self.new_name,
            self.new_kind,
            self.new_owner,
            make(w.HBox, [add, self.add_error]),
        )

    def add(self) -> None:
        values = {"name": self.new_name.value, "kind": self.new_kind.value, "owner": self.new_owner.value}
        try:
            made = self.service.add(values)
        except InputError as exc:
            self.add_error.value = error_html(exc)
            return
        self.add_error.value = ""
        self.new_name.value = self.new_owner.value = ""
        self.feedback.ok(_("Prozess „{name}“ angelegt. Jetzt die Anforderungen zuordnen.").format(name=made.name))
        self.editor.refill(self.service.processes(), made.id)
        self.refresh()

    def refresh(self) -> None:
        """Coverage, matrix and diagram from what is stored now."""
        data = self.service.data()
        self.coverage.value = coverage_html(data)
        self.matrix.value = matrix_html(data)
        self.diagram.value = diagram_html(data)
        self.link.value = ""

    def excel(self) -> None:
        data = self.service.data()
        path = save_workbook(process_map_workbook(data), exports_dir() / process_map_filename(data))
        self.link.value = download_html(path, _("Prozesslandkarte herunterladen (.xlsx)"), "qm-download-process-map")

    def svg(self) -> None:
        data = self.service.data()
        text = process_map_svg(data)
        path = exports_dir() / process_map_filename(data, ".svg")
        save_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
        self.link.value = download_html(path, _("Landkarte herunterladen (.svg)"), "qm-download-process-svg", SVG_MIME)


def build(request: PageRequest) -> w.VBox:
    cycle_id = cycle_from_query(request.query, request.services.cycles())
    if cycle_id is None:
        raise NoCycle
    return ProcessMapPage(request.services.process_map(cycle_id)).widget
