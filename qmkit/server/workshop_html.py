"""A workshop participant's pages as plain HTML: join, then rate – readable at 360 px, usable without JavaScript.

Pure functions (data in, text out); every text from the catalog, the workshop or a participant is escaped. With
JavaScript each answer is saved as it is chosen (one requirement per request; a comment a moment after typing
stops); without it the button at the end sends every answer. Nothing is loaded from outside the machine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from qmkit.domain.catalog import ScaleValue
from qmkit.domain.model import day_text
from qmkit.domain.workshop import CANNOT_JUDGE, ROLE_GROUPS, Workshop
from qmkit.i18n import _
from qmkit.server.survey_html import STYLE, shell

EXTRA_STYLE = """
select{width:100%;font:inherit;padding:10px 8px;border:1px solid #9aa3b0;border-radius:6px;background:#fff;
min-height:44px}
.qm-req{font-weight:600}
details{margin:0 0 6px;clear:both}
summary{cursor:pointer;color:#1f4e79;padding:6px 0}
.qm-saved{color:#2e7d32;font-size:.9em;min-height:1.2em;margin:4px 0 0}
.qm-saved.err{color:#c62828;background:none;border:0;padding:0}
.qm-join,button[type=submit]{width:100%}
"""

SCRIPT = """
(function(){
  var form=document.getElementById('qm-workshop'); if(!form||!window.fetch) return;
  var progress=document.getElementById('qm-progress'); var timers={};
  function save(box){
    var data=new FormData(form); data.append('nur',box.dataset.req);
    var state=box.querySelector('.qm-saved'); state.textContent=form.dataset.saving; state.className='qm-saved';
    fetch(form.action,{method:'POST',body:data,credentials:'same-origin',headers:{'X-Requested-With':'fetch'}})
      .then(function(r){return r.json();}).then(function(d){
        state.textContent=d.text; state.className='qm-saved'+(d.ok?'':' err');
        if(d.progress){progress.textContent=d.progress;}
      }).catch(function(){state.textContent=form.dataset.offline; state.className='qm-saved err';});
  }
  function later(box,ms){
    var id=box.dataset.req; clearTimeout(timers[id]); timers[id]=setTimeout(function(){save(box);},ms);
  }
  form.addEventListener('change',function(e){
    var box=e.target.closest('fieldset'); if(box) later(box,10);
  });
  form.addEventListener('input',function(e){
    var box=e.target.closest('fieldset'); if(box&&e.target.tagName==='TEXTAREA') later(box,1500);
  });
})();
"""


@dataclass(frozen=True)
class Item:
    """One requirement of the workshop as the participant sees it."""

    id: str
    title: str
    text: str
    scale: Sequence[ScaleValue]


def page(title: str, body: str, script: bool = False) -> str:
    return shell(title, body, STYLE + EXTRA_STYLE, SCRIPT if script else None)


def _note(note: tuple[str, str] | None, element_id: str = "qm-state") -> str:
    if note is None:
        return f"<div id='{element_id}'></div>"
    return f"<div id='{element_id}' class='note {escape(note[0])}' role='status'>{escape(note[1])}</div>"


def _head(workshop: Workshop, count: int) -> str:
    about = _("Workshop am {day} · {n} Punkte zum Bewerten").format(day=day_text(workshop.held_on), n=count)
    return f"<h1>{escape(workshop.title)}</h1><p class='muted'>{escape(about)}</p>"


def join_page(workshop: Workshop, count: int, action: str, hidden: str, note: tuple[str, str] | None = None) -> str:
    """Before the first answer: an optional role group, in a named workshop an optional name, then "Teilnehmen"."""
    intro = _("Sie bewerten zuerst allein. Danach spricht die Gruppe über die Ergebnisse.") + " "
    if workshop.named:
        intro += _("Ihr Name steht bei Ihren Antworten, wenn Sie ihn angeben.")
    else:
        intro += _("Ihre Antworten bleiben anonym: Es wird kein Name gespeichert.")
    roles = "".join(f'<option value="{escape(_(r))}">{escape(_(r))}</option>' for r in ROLE_GROUPS)
    name = ""
    if workshop.named:
        name = (
            f"<label for='name'>{escape(_('Anzeigename (freiwillig)'))}</label>"
            f'<input type="text" id="name" name="name" maxlength="100" autocomplete="off" '
            f'placeholder="{escape(_("Name oder Kürzel (freiwillig)"))}">'
        )
    body = (
        f"{_head(workshop, count)}<p>{escape(intro)}</p>{_note(note)}"
        f'<form method="post" action="{escape(action)}">{hidden}'
        '<input type="hidden" name="aktion" value="teilnehmen"><fieldset>'
        f"<label for='rolle'>{escape(_('Rollengruppe (freiwillig)'))}</label>"
        f'<select id="rolle" name="rolle"><option value="">{escape(_("keine Angabe"))}</option>{roles}</select>'
        f"{name}</fieldset>"
        f'<button type="submit" class="qm-join">{escape(_("Teilnehmen"))}</button></form>'
    )
    return page(workshop.title, body)


def progress_text(answered: int, total: int) -> str:
    text = _("{n} von {total} beantwortet").format(n=answered, total=total)
    if total and answered == total:
        text += " – " + _("danke, alles gespeichert!")
    return text


def _item(item: Item, answer: tuple[str, str] | None, saved: str) -> str:
    value, comment = answer or ("", "")
    name = escape(item.id)
    choices = [(v.value, v.label) for v in item.scale] + [(CANNOT_JUDGE, _("kann ich nicht beurteilen"))]
    options = "".join(
        f'<label><input type="radio" name="w:{name}" value="{escape(v)}"{" checked" if v == value else ""}>'
        f"{escape(label)}</label>"
        for v, label in choices
    )
    hint = _("Kommentar (freiwillig, kurz; bitte keine Namen von Personen)")
    return (
        f'<fieldset data-req="{name}"><legend class="qm-req">{escape(item.id)} · {escape(item.title)}</legend>'
        f"<details><summary>{escape(_('Worum geht es?'))}</summary><p class='muted'>{escape(item.text)}</p></details>"
        f"{options}"
        f'<textarea name="k:{name}" rows="2" maxlength="500" aria-label="{escape(hint)}" placeholder="{escape(hint)}">'
        f"{escape(comment)}</textarea>"
        f"<p class='qm-saved' aria-live='polite'>{escape(saved)}</p></fieldset>"
    )


def rating_page(
    workshop: Workshop,
    items: Sequence[Item],
    answers: Mapping[str, tuple[str, str]],
    action: str,
    hidden: str,
    note: tuple[str, str] | None = None,
    stored: frozenset[str] = frozenset(),
) -> str:
    """One card per requirement (scale, "kann ich nicht beurteilen", a short comment) and the send button.

    ``answers``: requirement id -> (value, comment) to show; ``stored``: the requirements whose answer is stored
    (they say "✓ gespeichert"); ``note``: (css class, text) above the cards."""
    saved = "✓ " + _("gespeichert")
    answered = sum(1 for item in items if item.id in stored)
    offline = _("Nicht gespeichert – keine Verbindung. Bitte später „Antworten speichern“ drücken.")
    body = (
        f"{_head(workshop, len(items))}"
        f"<div id='qm-progress' class='note ok' role='status'>{escape(progress_text(answered, len(items)))}</div>"
        f"{_note(note)}"
        f'<form id="qm-workshop" method="post" action="{escape(action)}" data-offline="{escape(offline)}" '
        f'data-saving="{escape(_("wird gespeichert …"))}">{hidden}'
        '<input type="hidden" name="aktion" value="bewerten">'
        + "".join(_item(item, answers.get(item.id), saved if item.id in stored else "") for item in items)
        + f"<button type='submit'>{escape(_('Antworten speichern'))}</button></form>"
        "<p class='muted'>"
        + escape(
            _(
                "Jede Antwort ist gespeichert, sobald Sie sie wählen. Sie können Antworten ändern. Wenn Sie die Seite "
                "schließen und den Link wieder öffnen, geht es hier weiter."
            )
        )
        + "</p>"
    )
    return page(workshop.title, body, script=True)
