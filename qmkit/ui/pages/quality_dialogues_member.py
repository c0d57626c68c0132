"""The member's card "Unser Qualitätsdialog" on the network page: its state in the round, planning its dialogue
(date, time, place, topics, who is invited), recording it (who took part, topics, minutes, status) and its
agreements – which then wait under "Vereinbarungen für Ihren Plan" to become a measure, like the network's – the
dialogues it is invited to, and its dialogues as a calendar file."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from qmkit.domain.model import day_text
from qmkit.domain.network import Member, Network
from qmkit.domain.network_meetings import ADOPTION_LABELS, AdoptionStatus, MeetingStatus
from qmkit.domain.quality_dialogues import STATE_LABELS
from qmkit.i18n import N_, _
from qmkit.services.quality_dialogues import DialogueView, QualityDialogues
from qmkit.ui.pages.network_meetings import TEXT, clock
from qmkit.ui.pages.network_meetings import _field as field
from qmkit.ui.pages.quality_dialogues import STATE_CLASS, dialogue_calendar_link, round_choice
from qmkit.ui.widgets.common import Feedback, button, card, esc, make
from qmkit.ui.widgets.date_field import DateField
from qmkit.ui.widgets.save_state import SaveState, save_each

Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]
LABEL = {"description_width": "120px"}
STATUS = [
    (MeetingStatus.GEPLANT, N_("geplant")),
    (MeetingStatus.STATTGEFUNDEN, N_("durchgeführt")),
    (MeetingStatus.ABGESAGT, N_("abgesagt")),
]


def _people(label: str, members: list[tuple[str, int]], chosen: set[int], names: str) -> tuple[Any, Any]:
    """Institutions (a multiple choice) and persons (one per line) – invited or present."""
    missing = [(_("(Mitglied ohne Namensnennung)"), i) for i in chosen if i not in {v for _l, v in members}]
    options = members + missing
    who = make(w.SelectMultiple, options=options, value=[v for _l, v in options if v in chosen],
               description=_(label), layout={"width": "420px", "height": "90px"}, style=LABEL)  # fmt: skip
    people = make(w.Textarea, value=names, description=_("Personen"), style=LABEL,
                  placeholder=_("eine Person je Zeile, z. B. Fachberatung des Jugendamts"),
                  layout={"width": "620px", "height": "60px"})  # fmt: skip
    return who, people


class MemberDialoguesCard:
    """A member's own quality dialogue in a round; every click is checked again by the service."""

    def __init__(
        self,
        dialogues: QualityDialogues,
        network: Network,
        member: Member,
        wrap: Wrap,
        feedback: Feedback,
        refresh: Callable[[], None],
    ):
        self.dialogues, self.network, self.member = dialogues, network, member
        self.wrap, self.feedback, self.refresh = wrap, feedback, refresh
        named = [m for m in dialogues.networks.members(network.id) if m.joined]
        self.others = [(m.name, m.id) for m in named if m.id != member.id]
        self.everyone = [(m.name, m.id) for m in named]
        self.round_choice = round_choice(dialogues, network)
        self.state = make(w.HTML)
        self.editor = make(w.VBox)
        self.download = make(w.HTML)
        self.round_choice.observe(self.wrap(lambda _c: self.show()), names="value")
        lead = _(
            "Jede Einrichtung richtet in jeder Runde einen Qualitätsdialog aus: planen (Termin, Ort, Themen, "
            "Einladungen), danach erfassen (wer teilnahm, Themen, Protokoll, Vereinbarungen). Die Koordination sieht "
            "nur Termin, Ort und Stand; Eingeladene sehen Termin, Ort und Themen."
        )
        self.widget = card(
            make(w.HTML, f"<h2>{esc(_('Unser Qualitätsdialog'))}</h2><div class='qm-muted'>{esc(lead)}</div>"),
            make(
                w.HBox,
                [self.round_choice, button(self.wrap, "Qualitätsdialoge als Kalender (.ics)", "calendar", self.ics)],
            ),
            self.download,
            self.state,
            self.editor,
            make(w.HTML, self._invitations_html()),
        )
        self.show()

    # ------------------------------------------------------------------ the round

    def views(self) -> list[DialogueView]:
        chosen = self.round_choice.value
        return self.dialogues.hosted(self.member.id, chosen) if chosen is not None else []

    def show(self) -> None:
        self.download.value = ""
        chosen = self.round_choice.value
        if chosen is None:
            text = _("Noch keine Runde angelegt; die Koordination legt die Runden an.")
            self.state.value, self.editor.children = f"<div class='qm-muted'>{esc(text)}</div>", ()
            return
        row = self.dialogues.own_state(self.member.id, chosen)
        text = _("Stand in dieser Runde: {state}").format(state=_(STATE_LABELS[row.state]))
        when = _("am {day}").format(day=day_text(row.dialogue.day)) if row.dialogue else ""
        note = "".join(f" – {esc(x)}" for x in (when, row.note) if x)
        css = "qm-tl-ueberfaellig" if row.overdue else STATE_CLASS[row.state]
        self.state.value = f"<div class='{css}'>{esc(text)}{note}</div>"
        views = self.views()
        active = [v for v in views if v.dialogue.status != MeetingStatus.ABGESAGT]
        parts: list[w.Widget] = []
        if active:
            parts += self._editor(active[0]) + self._agreements(active[0])
        else:
            parts += self._plan_form()
        cancelled = [v for v in views if v.dialogue.status == MeetingStatus.ABGESAGT]
        if cancelled:
            days = ", ".join(day_text(v.dialogue.day) for v in cancelled)
            parts.append(make(w.HTML, f"<div class='qm-muted'>{esc(_('Abgesagt: {days}').format(days=days))}</div>"))
        self.editor.children = tuple(parts)

    def ics(self) -> None:
        chosen = self.round_choice.value
        if chosen is None:
            self.feedback.error(_("Bitte zuerst eine Runde wählen."))
            return
        the_round = next(r for r in self.dialogues.networks.rounds(self.network.id) if r.id == chosen)
        entries = self.dialogues.calendar(self.network.id, chosen, self.member.id)
        self.download.value = dialogue_calendar_link(self.network, the_round, entries)

    # ------------------------------------------------------------------ planning

    def _plan_form(self) -> list[w.Widget]:
        fields = {
            "day": field(DateField, None, "Datum"),
            "starts": field(w.Text, "14:00", "Beginn"),
            "ends": field(w.Text, "16:30", "Ende"),
            "place": field(w.Text, self.member.name, "Ort"),
            "agenda": field(w.Textarea, "", "Themen", TEXT),
        }
        who, people = _people(N_("Eingeladen"), self.others, set(), "")

        def save() -> None:
            values = {k: f.value for k, f in fields.items()}
            made = self.dialogues.plan(self.member.id, self.round_choice.value, values, (list(who.value), people.value))
            self.feedback.ok(_("Qualitätsdialog am {day} geplant.").format(day=day_text(made.day)))
            self.show()

        head = make(w.HTML, f"<h3>{esc(_('Qualitätsdialog planen'))}</h3>")
        return [head, *fields.values(), who, people, make(w.HBox, [button(self.wrap, "Qualitätsdialog planen",
                                                                          "calendar-plus-o", save)])]  # fmt: skip

    # ------------------------------------------------------------------ recording

    def _editor(self, view: DialogueView) -> list[w.Widget]:
        d = view.dialogue
        once = False  # a short field is saved when the cursor leaves it (or on Enter); texts as they are typed
        fields = {
            "title": field(w.Text, d.title, "Titel", continuous_update=once),
            "day": field(DateField, d.day, "Datum"),
            "starts": field(w.Text, d.starts.strftime("%H:%M") if d.starts else "", "Beginn", continuous_update=once),
            "ends": field(w.Text, d.ends.strftime("%H:%M") if d.ends else "", "Ende", continuous_update=once),
            "place": field(w.Text, d.place, "Ort", continuous_update=once),
            "status": field(w.Dropdown, d.status.value, "Status", options=[(_(lb), s.value) for s, lb in STATUS]),
            "agenda": field(w.Textarea, d.agenda, "Themen", TEXT),
            "minutes": field(w.Textarea, d.minutes, "Protokoll", TEXT),
        }
        invited = _people(N_("Eingeladen"), self.others, {p.member_id for p in d.invited if p.member_id},
                          "\n".join(p.name for p in d.invited if p.member_id is None))  # fmt: skip
        present = _people(N_("Teilgenommen"), self.everyone, {p.member_id for p in d.participants if p.member_id},
                          "\n".join(p.name for p in d.participants if p.member_id is None))  # fmt: skip
        state = SaveState(self.wrap, self.show)
        save_each(fields, state, self.wrap, functools.partial(self._save, d.id, fields, invited, present), self._saved)
        for name, pair in (("invited", invited), ("present", present)):
            for widget in pair:
                save_each(
                    {name: widget}, state, self.wrap, functools.partial(self._save, d.id, fields, invited, present)
                )
        when = " ".join(x for x in (day_text(d.day), clock(d)) if x)
        head = make(w.HTML, f"<h3>{esc(d.title)} · {esc(when)}</h3>")
        return [
            head,
            *fields.values(),
            make(w.HTML, f"<b>{esc(_('Einladungen'))}</b>"),
            *invited,
            make(w.HTML, f"<b>{esc(_('Teilgenommen haben'))}</b>"),
            *present,
            state.widget,
        ]

    def _save(
        self, dialogue_id: int, fields: dict[str, Any], invited: tuple[Any, Any], present: tuple[Any, Any], name: str
    ) -> Any:
        """Store the one field ``name`` (or who is invited / took part) of the member's dialogue."""
        if name == "invited":
            return self.dialogues.update(
                self.member.id, dialogue_id, {}, invited=(list(invited[0].value), invited[1].value)
            )
        if name == "present":
            return self.dialogues.update(
                self.member.id, dialogue_id, {}, present=(list(present[0].value), present[1].value)
            )
        return self.dialogues.update(self.member.id, dialogue_id, {name: fields[name].value})

    def _saved(self, name: str, _made: Any) -> None:
        """A new day or state changes the round's state line; a cancelled dialogue gives way to planning a new one."""
        if name in ("day", "status"):
            self.show()

    # ------------------------------------------------------------------ agreements

    def _agreements(self, view: DialogueView) -> list[w.Widget]:
        items = []
        for agreement, decision in view.agreements:
            due = _(" · umsetzen bis {day}").format(day=day_text(agreement.due)) if agreement.due else ""
            state = _(ADOPTION_LABELS[decision.status])
            if decision.status == AdoptionStatus.OFFEN:
                state += " – " + _("unter „Vereinbarungen für Ihren Plan“ übernehmen")
            items.append(f"<li><b>{esc(agreement.text)}</b> <span class='qm-muted'>{esc(state + due)}</span></li>")
        listing = f"<ul>{''.join(items)}</ul>" if items else ""
        text = make(w.Textarea, description=_("Vereinbarung"), layout=TEXT, style=LABEL)
        due = make(DateField, description=_("umsetzen bis"), layout={"width": "420px"}, style=LABEL)

        def add() -> None:
            self.dialogues.add_agreement(self.member.id, view.dialogue.id, {"text": text.value, "due": due.value})
            self.feedback.ok(
                _(
                    "Vereinbarung gespeichert. Unter „Vereinbarungen für Ihren Plan“ wird sie mit einem Klick eine "
                    "Maßnahme."
                )
            )
            self.refresh()

        head = make(w.HTML, f"<h3>{esc(_('Vereinbarungen des Qualitätsdialogs'))}</h3>{listing}")
        return [head, text, due, make(w.HBox, [button(self.wrap, "Vereinbarung festhalten", "plus", add)])]

    # ------------------------------------------------------------------ invitations

    def _invitations_html(self) -> str:
        found = self.dialogues.invitations(self.member.id)
        if not found:
            return ""
        items = []
        for v in found:
            d = v.dialogue
            facts = " · ".join(x for x in (day_text(d.day), clock(d), d.place, v.round_name) if x)
            topics = "<br>".join(esc(line) for line in d.agenda.splitlines())
            extra = f"<div class='qm-muted'>{esc(_('Themen'))}:</div><div>{topics}</div>" if topics else ""
            cancelled = (
                f" <span class='qm-error'>{esc(_('abgesagt'))}</span>" if d.status == MeetingStatus.ABGESAGT else ""
            )
            items.append(f"<li><b>{esc(d.title)}</b> · {esc(facts)}{cancelled}{extra}</li>")
        return f"<h3>{esc(_('Eingeladen zu'))}</h3><ul>{''.join(items)}</ul>"
