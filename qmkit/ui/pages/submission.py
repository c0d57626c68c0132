"""The Einreichung page: the readiness check (a simulated document review) and the submission package.

Every finding links to the page that fixes it; the package is one click and lands in the exports folder.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.package import EvidenceSource, build_package, describe, package_filename
from qmkit.domain.evidence import size_text
from qmkit.domain.readiness import Readiness, Severity, check_readiness
from qmkit.i18n import _
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import Feedback, button, card, cycle_header, download_html, esc, guard, make, page_box

PAGE_FILES = {"selbstbewertung": "Selbstbewertung.ipynb", "nachweise": "Nachweise.ipynb"}
DOWNLOAD_LIMIT = 25 * 1024 * 1024  # larger packages are only saved: a data: link that big stalls the browser


def _bar(percent: int) -> str:
    color = "#2e7d32" if percent >= 90 else "#f9a825" if percent >= 60 else "#b42318"
    return f'<div class="qm-bar" title="{percent} %"><span style="width:{percent}%;background:{color}"></span></div>'


class SubmissionPage:
    """Readiness per area and per requirement, then the package button."""

    def __init__(self, evaluation: SelfEvaluation, files: EvidenceSource | None = None, today: date | None = None):
        self.evaluation, self.cycle = evaluation, evaluation.cycle
        self.files = files or evaluation.register().files
        self.today = today
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        inst, cat = evaluation.institution, evaluation.catalog
        self.summary = make(w.HTML)
        self.findings = make(w.HTML)
        self.show_hints = make(w.Checkbox, value=False, description=_("auch Hinweise zeigen"), indent=False)
        self.show_hints.observe(self.guard(lambda _c: self.render()), names="value")
        self.recheck = button(self.guard, "neu prüfen", "refresh", self.refresh)
        self.package_button = button(self.guard, "Einreichungspaket erstellen", "file-archive-o", self.build_package)
        self.package_button.button_style = "primary"
        self.package_info = make(w.HTML)
        self.readiness: Readiness | None = None
        header = cycle_header("einreichung", _("Einreichung"), self.cycle.id, inst.name, self.cycle.name, cat.title)
        intro = make(
            w.HTML,
            '<p class="qm-muted">'
            + esc(
                _(
                    "Der Einreichungscheck prüft wie eine Dokumentenprüfung: Ist jede Anforderung bewertet, die "
                    "Umsetzung beschrieben, der erforderliche Nachweis vorhanden und noch gültig? Das Paket enthält "
                    "die Excel-Checkliste, alle Nachweisdateien außer „nur vor Ort“ und ein Inhaltsverzeichnis."
                )
            )
            + "</p>",
        )
        self.widget = page_box(
            header,
            intro,
            self.feedback.widget,
            card(make(w.HTML, f"<h2>{esc(_('Einreichungscheck'))}</h2>"), self.summary),
            card(make(w.HTML, f"<h2>{esc(_('Einreichungspaket'))}</h2>"), self.package_button, self.package_info),
            card(make(w.HTML, f"<h2>{esc(_('Was noch fehlt'))}</h2>"),
                 make(w.HBox, [self.recheck, self.show_hints], layout={"align_items": "center"}), self.findings),
        )  # fmt: skip
        self.refresh()

    def _link(self, page: str, req_id: str, doc_id: int | None) -> str:
        query: dict[str, str | int] = {"zyklus": self.cycle.id, "anforderung": req_id}
        if doc_id is not None:
            query["dokument"] = doc_id
        return f"{PAGE_FILES[page]}?{urlencode(query)}"

    def refresh(self) -> None:
        """Run the check on the stored state (only assessments and their documents are read) and show it."""
        ev = self.evaluation
        self.readiness = check_readiness(ev.catalog, ev.cycle, ev.assessments(), self.today)
        self.render()

    def render(self) -> None:
        """Show the last check (the hints switch only changes what is shown)."""
        report = self.readiness
        assert report is not None
        rows = "".join(
            f"<tr><td>{esc(a.area_id)}</td><td>{esc(a.title)}</td><td>{_bar(a.percent)}</td>"
            f"<td>{a.percent} %</td><td>{esc(_('{r} von {t}').format(r=a.ready, t=a.total))}</td></tr>"
            for a in report.areas
        )
        self.summary.value = (
            f'<div class="qm-readiness-total"><b>{esc(_("Bereit"))}: {report.percent} %</b> – '
            + esc(
                _("{ready} von {total} Anforderungen ohne offene Punkte").format(ready=report.ready, total=report.total)
            )
            + f'</div>{_bar(report.percent)}<table class="qm-chart">{rows}</table>'
        )
        hints = bool(self.show_hints.value)
        items = []
        for item in report.requirements:
            shown = [f for f in item.findings if hints or f.severity == Severity.MISSING]
            if not shown:
                continue
            lines = "".join(
                f'<li class="qm-{f.severity.value}">{esc(f.message)} – '
                f'<a href="{esc(self._link(f.page, f.requirement_id, f.document_id))}" target="_self">'
                f"{esc(_('beheben') if f.severity == Severity.MISSING else _('ansehen'))}</a></li>"
                for f in shown
            )
            items.append(f"<li><b>{esc(item.requirement_id)}</b> {esc(item.title)}<ul>{lines}</ul></li>")
        if items:
            self.findings.value = f'<ul class="qm-findings">{"".join(items)}</ul>'
        else:
            self.findings.value = (
                f'<div class="qm-msg-ok">{esc(_("Nichts offen – alle Anforderungen sind bereit."))}</div>'
            )

    def build_package(self) -> Path:
        data = self.evaluation.checklist_data()
        if self.today is not None:
            data = replace(data, as_of=self.today)
        target = exports_dir() / package_filename(data)
        result = build_package(data, self.files, target)
        self.readiness = data.readiness  # the package was built from this state: show its check
        self.render()
        parts = [f'<div class="qm-msg-ok" role="status">{esc(describe(result))}</div>']
        if result.missing:
            names = ", ".join(e.document.title for e in result.missing)
            text = _("Diese Dateien fehlen im Nachweisordner und sind nicht im Paket: {names}").format(names=names)
            parts.append(f'<div class="qm-msg-error">{esc(text)}</div>')
        if result.size <= DOWNLOAD_LIMIT:
            parts.append(download_html(result.path, _("Paket herunterladen"), "qm-package-download", "application/zip"))
        else:
            text = _(
                "Das Paket ist {size} groß – zu groß zum Herunterladen im Browser. Es liegt als „{name}“ im "
                "Exportordner; bitte die Administration um die Datei bitten (oder auf diesem Rechner öffnen)."
            ).format(size=size_text(result.size), name=result.path.name)
            parts.append(f'<div class="qm-muted">{esc(text)}</div>')
        self.package_info.value = "".join(parts)
        return result.path


def build(request: PageRequest) -> w.VBox:
    return SubmissionPage(request.evaluation()).widget
