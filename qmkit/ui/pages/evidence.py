"""The Nachweise page: the institution's evidence register with uploads, references, metadata and links.

Uploads arrive in pieces (:class:`~qmkit.ui.widgets.upload.ChunkedUpload`) and are kept by content hash; every
metadata change is saved at once; a document can serve any number of requirements and later cycles.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from qmkit.domain.evidence import KIND_LABELS, Document, size_text
from qmkit.domain.model import day_text
from qmkit.errors import InputError
from qmkit.i18n import N_, _
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import (
    Feedback,
    button,
    card,
    cycle_header,
    esc,
    guard,
    make,
    page_box,
    scroll_html,
    user_field,
)
from qmkit.ui.widgets.fields import FieldSpec, widget_for
from qmkit.ui.widgets.record_editor import Chooser, FormField, RecordEditor
from qmkit.ui.widgets.upload import ChunkedUpload

if TYPE_CHECKING:  # the evidence folder is the store's; this page only hands it on
    from qmkit.store.files import EvidenceFiles, StoredFile

DOCUMENT_FORM = [
    FormField("title", "line", N_("Titel")),
    FormField("kind", "choice", N_("Art"), options=[(label, kind.value) for kind, label in KIND_LABELS.items()]),
    FormField("version", "line", N_("Version"), N_("z. B. 2.1")),
    FormField("effective_on", "date", N_("Stand vom")),
    FormField("review_on", "date", N_("Gültig bis / prüfen am")),
    FormField("owner", "line", N_("Verantwortlich"), N_("Name oder Funktion")),
    FormField("location", "line", N_("Fundstelle (Pfad oder Link)"), N_("z. B. QM-Handbuch S. 12 oder https://…")),
    FormField("on_site_only", "flag", N_("nur vor Ort einsehbar (kommt nicht ins Einreichungspaket)")),
]
ALL, UNLINKED, EXPIRED, ON_SITE = "alle", "ohne_zuordnung", "abgelaufen", "vor_ort"
FILTERS = [
    (N_("alle Dokumente"), ALL),
    (N_("in diesem Zyklus nicht zugeordnet"), UNLINKED),
    (N_("abgelaufen"), EXPIRED),
    (N_("nur vor Ort"), ON_SITE),
]
NONE = ""


class EvidencePage:
    """Register table, upload, reference form, and the editor of one document with its requirements."""

    def __init__(
        self,
        evaluation: SelfEvaluation,
        files: EvidenceFiles | None = None,
        focus_document: int | None = None,
        focus_requirement: str | None = None,
        today: date | None = None,
    ):
        self.evaluation, self.cycle = evaluation, evaluation.cycle
        self.today = today or date.today()
        self.register = evaluation.register(files)
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        inst, cat = evaluation.institution, evaluation.catalog
        self.user_name = user_field(inst.qmb)
        self.req_options = [(f"{r.id} – {r.title}"[:90], r.id) for r in cat.requirements()]
        known = {v for _l, v in self.req_options}
        focus = focus_requirement if focus_requirement in known else None
        self._adding_widgets(focus)
        self._register_widgets()
        self._document_widgets(focus)
        self.widget = self._layout()
        self.refresh(select=focus_document)

    def _adding_widgets(self, focus: str | None) -> None:
        """Upload, or a reference to a document kept elsewhere; either can be linked to a requirement at once."""
        self.upload = ChunkedUpload(self.register.files, self.guard(self._uploaded), self.feedback.error)
        spec = FieldSpec(_("Anforderung zuordnen"), [(_("– keiner Anforderung –"), NONE), *self.req_options])
        self.link_new = widget_for("choice", NONE, replace(spec, width="420px"))
        if focus is not None:
            self.link_new.value = focus
        self.ref_title = widget_for("line", "", FieldSpec(placeholder=_("Titel des Dokuments"), width="300px"))
        self.ref_place = widget_for(
            "line", "", FieldSpec(placeholder=_("Fundstelle: Pfad, Ordner oder Link"), width="360px")
        )
        self.ref_button = button(self.guard, "Verweis eintragen", "plus", self.add_reference)

    def _register_widgets(self) -> None:
        """The register table with its search and filter."""
        self.search = widget_for(
            "line", "", FieldSpec(placeholder=_("Suchen (Titel, Datei, Verantwortlich)"), width="300px")
        )
        self.filter = widget_for(
            "choice", ALL, FieldSpec(_("Filter"), options=[(_(lbl), v) for lbl, v in FILTERS], width="300px")
        )
        self.search.observe(self.guard(lambda _c: self.refresh_table()), names="value")
        self.filter.observe(self.guard(lambda _c: self.refresh_table()), names="value")
        self.table = make(w.HTML)

    def _document_widgets(self, focus: str | None) -> None:
        """The editor of the chosen document: metadata, its requirements in this cycle, deleting."""
        self.chooser = Chooser(self.guard, self._show, _("Dokument"))
        self.editor = RecordEditor(
            DOCUMENT_FORM,
            lambda d, name, value: self.register.update(d, name, value, self.user()),
            self.guard,
            lambda _d: self.refresh(show=False),  # the editor shows the saved record already
            lambda d: self.register.document(d.id),
        )
        self.file_info = make(w.HTML)
        self.links_box = make(w.VBox, layout={"width": "100%"})
        spec = FieldSpec(_("Anforderung für dieses Dokument"), [(_("Anforderung wählen …"), NONE), *self.req_options])
        self.link_choice = widget_for("choice", NONE, replace(spec, width="420px"))
        if focus is not None:
            self.link_choice.value = focus
        self.link_button = button(self.guard, "zuordnen", "link", self.link_selected)
        self.link_message = make(w.HTML)
        self.delete_links = widget_for("flag", False, FieldSpec(_("auch alle Zuordnungen lösen")))
        self.delete_button = button(self.guard, "Dokument löschen", "trash", self.delete_selected)

    def _layout(self) -> w.VBox:
        inst, cat = self.evaluation.institution, self.evaluation.catalog
        header = cycle_header("nachweise", _("Nachweise"), self.cycle.id, inst.name, self.cycle.name, cat.title)
        intro = make(
            w.HTML,
            '<p class="qm-muted">'
            + esc(
                _(
                    "Das Nachweisregister gilt für die ganze Einrichtung: ein Dokument kann mehreren Anforderungen "
                    "dienen und in späteren Zyklen wieder verwendet werden. Hochgeladene Dateien liegen im "
                    "Datenordner (dieselbe Datei nur einmal); Dokumente „nur vor Ort“ kommen nicht ins "
                    "Einreichungspaket."
                )
            )
            + "</p>",
        )
        adding = card(
            make(w.HTML, f"<h2>{esc(_('Dokumente hinzufügen'))}</h2>"),
            make(
                w.HBox,
                [self.upload, make(w.HTML, esc(_("gleich zuordnen zu:"))), self.link_new],
                layout={"flex_flow": "row wrap", "align_items": "center"},
            ),
            make(w.HBox, [self.ref_title, self.ref_place, self.ref_button], layout={"flex_flow": "row wrap"}),
        )
        register_card = card(
            make(w.HTML, f"<h2>{esc(_('Nachweisregister'))}</h2>"),
            make(w.HBox, [self.search, self.filter], layout={"flex_flow": "row wrap"}),
            self.table,
        )
        editor_card = card(
            make(w.HTML, f"<h2>{esc(_('Dokument bearbeiten'))}</h2>"),
            self.chooser.widget,
            self.file_info,
            self.editor.widget,
            make(w.HTML, f"<b>{esc(_('Zugeordnete Anforderungen in diesem Zyklus'))}</b>"),
            self.links_box,
            make(w.HBox, [self.link_choice, self.link_button], layout={"flex_flow": "row wrap"}),
            self.link_message,
            make(
                w.HBox,
                [self.delete_button, self.delete_links],
                layout={"flex_flow": "row wrap", "align_items": "center"},
            ),
        )
        return page_box(header, intro, self.feedback.widget, self.user_name, adding, register_card, editor_card)

    def user(self) -> str:
        return str(self.user_name.value)

    # ------------------------------------------------------------------ reading

    def documents(self) -> list[Document]:
        return self.register.documents()

    def _usage_here(self) -> dict[int, list[str]]:
        usage = self.register.usage()
        return {doc: [r for c, r in uses if c == self.cycle.id] for doc, uses in usage.items()}

    def shown_documents(self, docs: list[Document], usage: dict[int, list[str]]) -> list[Document]:
        """The documents the table shows under the current search and filter."""
        needle = str(self.search.value).strip().casefold()
        mode = self.filter.value
        shown = []
        for doc in docs:
            if needle and needle not in f"{doc.title} {doc.file_name} {doc.owner} {doc.location}".casefold():
                continue
            if mode == UNLINKED and usage.get(doc.id):
                continue
            if mode == EXPIRED and not doc.expired(self.today):
                continue
            if mode == ON_SITE and not doc.on_site_only:
                continue
            shown.append(doc)
        return shown

    def refresh(self, select: int | None = None, show: bool = True) -> None:
        """Table and chooser from the store; with ``show`` the chosen document's editor and links too."""
        all_docs = self.documents()
        self.refresh_table(all_docs)
        options = [
            (f"{d.title or _('(ohne Titel)')}" + (f" ({d.version})" if d.version else ""), d.id) for d in all_docs
        ]
        chosen = self.chooser.refill(options, select if select is not None else self.chooser.value)
        if show:
            self._show(chosen)

    def refresh_table(self, all_docs: list[Document] | None = None) -> None:
        all_docs = self.documents() if all_docs is None else all_docs
        usage = self._usage_here()
        docs = self.shown_documents(all_docs, usage)
        head = [_("Titel"), _("Art"), _("Version"), _("Stand vom"), _("Gültig bis"), _("Verantwortlich"),
                _("Datei / Fundstelle"), _("nur vor Ort"), _("Anforderungen")]  # fmt: skip
        rows = []
        for d in docs:
            expired = d.expired(self.today)
            until = esc(day_text(d.review_on)) + (
                f' <span class="qm-error">{esc(_("abgelaufen"))}</span>' if expired else ""
            )
            place = (
                f"{esc(d.file_name)} <span class='qm-muted'>({esc(size_text(d.file_size))})</span>"
                if d.has_file
                else esc(d.location)
            )
            reqs = usage.get(d.id, [])
            rows.append(
                f'<tr data-doc="{d.id}"><td>{esc(d.title)}</td><td>{esc(d.kind_label)}</td><td>{esc(d.version)}</td>'
                f"<td>{esc(day_text(d.effective_on))}</td><td>{until}</td><td>{esc(d.owner)}</td><td>{place}</td>"
                f"<td>{esc(_('ja') if d.on_site_only else '')}</td><td>{esc(', '.join(reqs))}</td></tr>"
            )
        total = len(all_docs)
        count = _("{n} von {total} Dokumenten").format(n=len(docs), total=total)
        if not total:
            self.table.value = f'<p class="qm-muted">{esc(_("Noch keine Dokumente im Register."))}</p>'
            return
        table = "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>" + "".join(rows)
        self.table.value = f'<div class="qm-muted">{esc(count)}</div>' + scroll_html(
            _("Dokumentenregister"), f'<table class="qm-plan qm-register">{table}</table>'
        )

    def _show(self, doc_id: Any) -> None:
        doc = self.register.document(doc_id) if doc_id is not None else None
        self.editor.show(doc)
        self.link_message.value = ""
        for child in self.links_box.children:
            child.close()
        if doc is None:
            self.file_info.value = f'<p class="qm-muted">{esc(_("Kein Dokument gewählt."))}</p>'
            self.links_box.children = []
            return
        if doc.has_file:
            self.file_info.value = (
                '<div class="qm-muted">'
                + esc(_("Datei: {name}, {size}").format(name=doc.file_name, size=size_text(doc.file_size)))
                + "</div>"
            )
        else:
            self.file_info.value = f'<div class="qm-muted">{esc(_("Verweis ohne Datei"))}</div>'
        rows: list[w.Widget] = []
        titles = dict((v, lbl) for lbl, v in self.req_options)
        for ref in self.evaluation.evidence():
            if ref.document.id != doc.id:
                continue
            unlink = make(w.Button, description=_("lösen"), icon="unlink", layout={"width": "auto"})
            unlink.on_click(self.guard(lambda _b, link=ref.id: self.unlink(link)))
            label = make(w.HTML, esc(titles.get(ref.requirement_id, ref.requirement_id)))
            rows.append(make(w.HBox, [label, unlink], layout={"align_items": "center"}))
        if not rows:
            rows.append(make(w.HTML, f'<span class="qm-muted">{esc(_("noch keiner Anforderung zugeordnet"))}</span>'))
        self.links_box.children = rows

    def selected(self) -> Document | None:
        return self.editor.record

    # ------------------------------------------------------------------ changes

    def _uploaded(self, stored: StoredFile) -> None:
        doc, new = self.register.add_upload(stored, self.user())
        target = self.link_new.value
        if target:
            self.register.link(self.cycle.id, target, doc, self.user())
        if new:
            text = _("„{name}“ ({size}) ist im Register gespeichert.").format(
                name=stored.name, size=size_text(stored.size)
            )
        else:
            text = _("Diese Datei ist schon im Register als „{title}“; es wurde nichts doppelt gespeichert.").format(
                title=doc.title
            )
        if target:
            text += " " + _("Zugeordnet zu {req}.").format(req=target)
        self.feedback.ok(text)
        self.refresh(select=doc.id)

    def add_reference(self) -> None:
        try:
            doc = self.register.add_reference(self.user(), title=self.ref_title.value, location=self.ref_place.value)
        except InputError as exc:
            self.feedback.error(str(exc))
            return
        target = self.link_new.value
        if target:
            self.register.link(self.cycle.id, target, doc, self.user())
        self.ref_title.value = ""
        self.ref_place.value = ""
        self.feedback.ok(_("„{title}“ ist im Register eingetragen.").format(title=doc.title))
        self.refresh(select=doc.id)

    def link_selected(self) -> None:
        doc = self.selected()
        req_id = self.link_choice.value
        if doc is None:
            self.link_message.value = f'<span class="qm-error">{esc(_("Bitte zuerst ein Dokument wählen."))}</span>'
            return
        if not req_id:
            self.link_message.value = f'<span class="qm-error">{esc(_("Bitte eine Anforderung wählen."))}</span>'
            return
        self.register.link(self.cycle.id, req_id, doc, self.user())
        self.refresh(select=doc.id)
        self.link_message.value = f'<span class="qm-muted">✓ {esc(_("zugeordnet zu {req}").format(req=req_id))}</span>'

    def unlink(self, link_id: int) -> None:
        doc = self.selected()
        self.register.unlink(link_id, self.user())
        self.refresh(select=doc.id if doc else None)

    def delete_selected(self) -> None:
        doc = self.selected()
        if doc is None:
            return
        self.register.delete(doc, unlink=bool(self.delete_links.value), user=self.user())
        self.delete_links.value = False
        self.feedback.ok(_("„{title}“ wurde aus dem Register gelöscht.").format(title=doc.title))
        self.refresh(select=None)


def build(request: PageRequest) -> w.VBox:
    """``Nachweise.ipynb``, optionally opened on one document (``?dokument=N``) or requirement (``?anforderung=``)."""
    evaluation = request.evaluation()
    doc = request.query.get("dokument", "")
    return EvidencePage(
        evaluation,
        focus_document=int(doc) if doc.isdigit() and len(doc) < 12 else None,
        focus_requirement=request.query.get("anforderung"),
    ).widget
