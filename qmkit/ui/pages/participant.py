"""The participant page of a workshop: join (anonymous or named, optional role group), then rate.

Built for a phone (360 px): one column, big choices. Every answer is stored at once; the participant key from
the address lets the same person continue after a reload or a dropped connection.
"""

from __future__ import annotations

import ipywidgets as w

from qmkit.domain.catalog import Catalog, Requirement
from qmkit.domain.model import day_text
from qmkit.domain.workshop import CANNOT_JUDGE, ROLE_GROUPS, Participant, new_token, valid_key
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.services.workshop import Participation
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import Feedback, card, error_html, esc, guard, make, page_box, style_html

PHONE_CSS = style_html("phone.css")


def answer_options(catalog: Catalog, req: Requirement) -> list[tuple[str, str]]:
    """The choices for one requirement: its scale, then "kann ich nicht beurteilen"."""
    return [(v.label, v.value) for v in catalog.scale_for(req)] + [(_("kann ich nicht beurteilen"), CANNOT_JUDGE)]


class AnswerCard:
    """One requirement: the choice and a short comment, each stored as soon as it changes."""

    def __init__(self, page: ParticipantPage, req: Requirement, value: str | None, comment: str):
        self.page, self.req = page, req
        self.choice = make(
            w.RadioButtons, options=answer_options(page.catalog, req), value=value, layout={"width": "100%"}
        )
        self.comment = make(
            w.Textarea,
            value=comment,
            placeholder=_("Kommentar (freiwillig, kurz; bitte keine Namen von Personen)"),
            continuous_update=False,
            rows=2,
            layout={"width": "100%"},
        )
        self.status = make(w.HTML, value=self._saved_text() if value else "")
        self.choice.observe(page.guard(lambda _c: self.save()), names="value")
        self.comment.observe(page.guard(lambda _c: self.save()), names="value")
        head = make(
            w.HTML,
            f"<b>{esc(req.id)} · {esc(req.title)}</b>"
            f'<details class="qm-help"><summary>{esc(_("Worum geht es?"))}</summary>'
            f'<div class="qm-muted">{esc(req.text)}</div></details>',
        )
        self.widget = card(head, self.choice, self.comment, self.status)

    def _saved_text(self) -> str:
        return f'<span class="qm-saved">✓ {esc(_("gespeichert"))}</span>'

    def save(self) -> None:
        if self.choice.value is None:
            if self.comment.value.strip():
                self.status.value = error_html(
                    _("Bitte zuerst eine Antwort wählen; der Kommentar wird mit ihr gespeichert.")
                )
            return
        try:
            self.page.participation.rate(
                self.page.participant_or_fail(), self.req.id, self.choice.value, self.comment.value
            )
        except InputError as exc:
            self.status.value = error_html(str(exc))
            return
        self.status.value = self._saved_text()
        self.page.show_progress()


class ParticipantPage:
    """Join, then one card per selected requirement; nothing of other people's answers is shown."""

    def __init__(self, participation: Participation, key: str):
        self.participation, self.key = participation, key
        self.catalog, self.workshop = participation.catalog, participation.workshop
        workshop = self.workshop
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.participant: Participant | None = participation.participant(key)
        self.cards: dict[str, AnswerCard] = {}
        self.progress = make(w.HTML, "")
        self.body = make(w.VBox, [], layout={"width": "100%"})
        header = make(
            w.HTML,
            f"<h1>{esc(workshop.title)}</h1>"
            f'<div class="qm-muted">{esc(_("Workshop am"))} {esc(day_text(workshop.held_on))} · '
            f"{esc(_('{n} Anforderungen').format(n=len(workshop.requirement_ids)))}</div>",
        )
        self.widget = page_box(make(w.HTML, PHONE_CSS), header, self.feedback.widget, self.progress, self.body)
        self.widget.add_class("qm-phone")
        if self.participant is None:
            self._show_join()
        else:
            self._show_answers()

    def participant_or_fail(self) -> Participant:
        if self.participant is None:
            raise InputError(_("Bitte zuerst auf „Teilnehmen“ tippen."), "participant")
        return self.participant

    def _show_join(self) -> None:
        intro = (
            _("Sie bewerten zuerst allein; danach bespricht die Gruppe die Ergebnisse.")
            + " "
            + (
                _("Ihr Name erscheint bei Ihren Antworten, wenn Sie ihn angeben.")
                if self.workshop.named
                else _("Ihre Antworten bleiben anonym: es wird kein Name gespeichert.")
            )
        )
        self.role = make(
            w.Dropdown,
            options=[(_("keine Angabe"), "")] + [(_(r), _(r)) for r in ROLE_GROUPS],
            value="",
            description=_("Rollengruppe (freiwillig)"),
            style={"description_width": "initial"},
            layout={"width": "100%"},
        )
        self.name = make(
            w.Text,
            placeholder=_("Name oder Kürzel (freiwillig)"),
            description=_("Anzeigename"),
            style={"description_width": "initial"},
            layout={"width": "100%", "display": "" if self.workshop.named else "none"},
        )
        self.join_error = make(w.HTML, "")
        go = make(w.Button, description=_("Teilnehmen"), icon="check", button_style="primary")
        go.add_class("qm-join")
        go.on_click(self.guard(lambda _b: self.join()))
        self.body.children = [card(make(w.HTML, f"<p>{esc(intro)}</p>"), self.role, self.name, self.join_error, go)]

    def join(self) -> None:
        if self.participant is not None:
            return
        try:
            self.participant = self.participation.join(
                display_name=self.name.value, role_group=self.role.value, key=self.key
            )
        except InputError as exc:
            self.join_error.value = error_html(str(exc))
            return
        self._show_answers()

    def _show_answers(self) -> None:
        answers = self.participation.answers(self.participant_or_fail())
        by_id = {r.id: r for r in self.catalog.requirements()}
        self.cards = {}
        for req_id in self.workshop.requirement_ids:
            req = by_id.get(req_id)
            if req is None:  # the catalog changed since the workshop was made
                continue
            found = answers.get(req_id)
            self.cards[req_id] = AnswerCard(self, req, found.value if found else None, found.comment if found else "")
        done = make(
            w.HTML,
            '<p class="qm-muted">'
            + esc(
                _(
                    "Jede Antwort ist gespeichert, sobald Sie sie wählen. Sie können Antworten ändern; wenn Sie die "
                    "Seite schließen und den Link erneut öffnen, geht es hier weiter."
                )
            )
            + "</p>",
        )
        self.body.children = [c.widget for c in self.cards.values()] + [done]
        self.show_progress()

    def show_progress(self) -> None:
        answered = sum(1 for c in self.cards.values() if c.choice.value is not None)
        total = len(self.cards)
        text = _("{n} von {total} beantwortet").format(n=answered, total=total)
        if total and answered == total:
            text += " – " + _("danke, alles gespeichert!")
        self.progress.value = f'<div class="qm-msg-info" role="status" id="qm-progress">{esc(text)}</div>'


def build_participant_page(participation: Participation, query: dict[str, str]) -> w.VBox:
    """The page for ``?t=<workshop token>&p=<participant key>``; without a valid token only a German refusal."""
    key = query.get("p", "")
    if not valid_key(key):
        key = new_token()  # reached without the gate (e.g. on 127.0.0.1): this view only
    return ParticipantPage(participation, key).widget


def build(request: PageRequest) -> w.VBox:
    return build_participant_page(request.services.participation(request.query.get("t")), request.query)
