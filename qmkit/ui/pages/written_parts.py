"""Written work on the Selbstbewertung page: the card with the reference text (versions, sign-off) and the
Selbstreport download, the reference shown beside every requirement, and the five focal points of a requirement
(built when opened, saved as typed; a refused text stays in its box with the German reason).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.selfreport import selfreport_document, selfreport_filename
from qmkit.documents.word import DOCX_MIME, save_document
from qmkit.domain.written import FOCAL_POINTS, Definition, narrative_state
from qmkit.i18n import _
from qmkit.services.written import WrittenWork
from qmkit.ui.widgets.common import Feedback, button, card, download_html, esc, make
from qmkit.ui.widgets.save_state import SaveState

Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]


def definition_note(title: str, found: Definition | None) -> str:
    """The reference text beside a requirement, folded (HTML)."""
    if not title:
        return ""
    if found is None:
        body = esc(_("Noch nicht geschrieben – oben auf dieser Seite."))
    else:
        state = _("freigegeben") if found.signed else _("Entwurf")
        body = f"<div class='qm-muted'>{esc(_('Fassung {n}, {state}').format(n=found.version, state=state))}</div>"
        body += "".join(f"<p>{esc(block)}</p>" for block in found.text.split("\n\n"))
    return f'<details class="qm-help qm-definition"><summary>{esc(title)}</summary>{body}</details>'


class WrittenCard:
    """The reference text (for catalogs that have one) and the Selbstreport as Word (for every catalog)."""

    def __init__(
        self, written: WrittenWork, cycle_id: int, institution_id: int, title: str, wrap: Wrap, feedback: Feedback
    ):
        self.written, self.cycle_id, self.institution_id = written, cycle_id, institution_id
        self.title, self.wrap, self.feedback = title, wrap, feedback
        self.download = make(w.HTML)
        parts: list[w.Widget] = []
        if title:
            parts += self._definition_parts()
        parts += [button(wrap, "Selbstreport als Word", "file-word-o", self.report), self.download]
        self.widget = card(*parts)

    def _definition_parts(self) -> list[w.Widget]:
        current = self.written.current(self.institution_id)
        self.state = make(w.HTML, self._state_html(current))
        self.text = make(
            w.Textarea,
            value=current.text if current else "",
            placeholder=_("Was ist für uns gelungenes Lernen – und warum?"),
            layout={"width": "100%", "height": "140px"},
        )
        self.person = make(
            w.Text, description=_("Freigabe durch"), placeholder=_("z. B. Leitung"), layout={"width": "360px"}
        )
        return [
            make(w.HTML, f"<h2>{esc(self.title)}</h2>"),
            self.state,
            self.text,
            make(
                w.HBox,
                [
                    button(self.wrap, "Als Entwurf speichern", "save", self.save),
                    self.person,
                    button(self.wrap, "Freigeben", "check", self.sign_off),
                ],
                layout={"flex_flow": "row wrap"},
            ),
        ]

    def _state_html(self, current: Definition | None) -> str:
        if current is None:
            text = _("Noch keine Fassung. Jede Anforderung wird an diesem Text begründet.")
        elif current.signed:
            day = current.signed_off_on.strftime("%d.%m.%Y") if current.signed_off_on else ""
            text = _("Fassung {n}, freigegeben von {who} am {day}. Eine Änderung wird Fassung {next}.").format(
                n=current.version, who=current.signed_off_by, day=day, next=current.version + 1
            )
        else:
            text = _("Fassung {n} – Entwurf, noch nicht freigegeben.").format(n=current.version)
        return f"<div class='qm-muted'>{esc(text)}</div>"

    def save(self) -> None:
        saved = self.written.save_definition(self.institution_id, self.text.value)
        self.state.value = self._state_html(saved)
        self.feedback.ok(_("Definition gespeichert (Fassung {n}).").format(n=saved.version))

    def sign_off(self) -> None:
        versions = self.written.definitions(self.institution_id)
        if not versions or versions[0].text != self.text.value.strip():
            self.save()
            versions = self.written.definitions(self.institution_id)
        signed = self.written.sign_off(self.institution_id, versions[0].id, self.person.value)
        self.state.value = self._state_html(signed)
        self.feedback.ok(_("Fassung {n} freigegeben.").format(n=signed.version))

    def report(self) -> None:
        found = self.written.self_report(self.cycle_id)
        path = save_document(selfreport_document(found), exports_dir() / selfreport_filename(found))
        self.download.value = download_html(path, _("Selbstreport herunterladen (.docx)"), "qm-selfreport", DOCX_MIME)
        self.feedback.ok(_("Der Selbstreport ist erstellt."))


class NarrativeBox:
    """The five focal points of one requirement: a summary line, the fields built when opened."""

    def __init__(self, written: WrittenWork, cycle_id: int, requirement_id: str, values: dict[str, str], wrap: Wrap):
        self.written, self.cycle_id, self.requirement_id = written, cycle_id, requirement_id
        self.values, self.wrap = dict(values), wrap
        self.summary = make(w.HTML, self._summary())
        self.toggle = make(
            w.Button, description=_("Fünf Schwerpunkte schreiben"), icon="pencil", layout={"width": "auto"}
        )
        self.toggle.on_click(wrap(lambda _b: self.open()))
        self.fields = make(w.VBox)
        self.widget = make(w.VBox, [self.summary, self.toggle, self.fields])

    def _summary(self) -> str:
        state = narrative_state(self.values)
        return f"<div><b>{esc(_('Beschreibung'))}:</b> {esc(state)}</div>"

    def open(self) -> None:
        if self.fields.children:
            self.fields.children = []
            return
        boxes: list[w.Widget] = []
        for key, label in FOCAL_POINTS:
            boxes.append(make(w.HTML, f"<b>{esc(_(label))}</b>"))
            boxes.append(self._field(key, _(label)))
        self.fields.children = boxes

    def _field(self, key: str, label: str) -> w.VBox:
        box = make(
            w.Textarea,
            value=self.values.get(key, ""),
            placeholder=label,
            continuous_update=False,
            layout={"width": "100%", "height": "90px"},
        )
        state = SaveState()

        def save(_change: Any) -> None:
            saved, stored = state.attempt(
                key, "", box, lambda: self.written.write_focal(self.cycle_id, self.requirement_id, key, box.value)
            )
            if saved:
                self.values[key] = str(stored)
                self.summary.value = self._summary()

        box.observe(self.wrap(save), names="value")
        return make(w.VBox, [box, state.line])
