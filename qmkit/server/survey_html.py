"""The respondent's pages of a survey as plain HTML: readable at 360 px, usable without JavaScript.

Pure functions (answers in, text out); every text from an instrument or a respondent is escaped. With JavaScript
each answer is saved as it is chosen (the whole form is sent, so nothing is lost between two answers); without it
the button at the end sends the form. Nothing is loaded from outside the machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from qmkit.domain.survey import Instrument, Question, QuestionKind
from qmkit.i18n import _, language

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f5f6f8;color:#1d2430;
font-size:17px;line-height:1.45}
main{max-width:680px;margin:0 auto;padding:12px}
h1{font-size:1.35em;margin:8px 0}
fieldset{border:1px solid #d5d9e0;border-radius:8px;background:#fff;margin:12px 0;padding:10px 12px}
legend{font-weight:600;padding:0;margin:0 0 6px;float:left;width:100%}
fieldset>label:first-of-type,fieldset>textarea{clear:both}
label{display:block;padding:8px 4px;border-radius:6px;min-height:28px}
label:hover{background:#eef3fb}
input[type=radio],input[type=checkbox]{transform:scale(1.3);margin-right:10px}
textarea,input[type=text]{width:100%;box-sizing:border-box;font:inherit;padding:8px;border:1px solid #9aa3b0;
border-radius:6px}
button{font:inherit;background:#1f4e79;color:#fff;border:0;border-radius:6px;padding:12px 18px;margin:8px 0;
min-height:44px}
.note{padding:10px 12px;border-radius:6px;margin:10px 0}
.ok{background:#e6f4ea;border-left:4px solid #2e7d32}
#qm-state.note{position:sticky;top:0;z-index:1}
.err{background:#fdecea;border-left:4px solid #c62828}
.muted{color:#5a6472;font-size:.9em}
a{color:#1f4e79}
"""

SCRIPT = """
(function(){
  var form=document.getElementById('qm-survey'); if(!form||!window.fetch) return;
  var state=document.getElementById('qm-state'); var timer=null;
  function save(){
    fetch(form.action,{method:'POST',body:new FormData(form),credentials:'same-origin',
      headers:{'X-Requested-With':'fetch'}}).then(function(r){return r.json();}).then(function(d){
      state.textContent=d.text; state.className='note '+(d.ok?'ok':'err');
    }).catch(function(){state.textContent=form.dataset.offline; state.className='note err';});
  }
  form.addEventListener('change',function(e){
    if(e.target.tagName==='TEXTAREA'){clearTimeout(timer);timer=setTimeout(save,400);}else{save();}
  });
})();
"""


def shell(title: str, body: str, style: str, script: str | None = None) -> str:
    """The light pages' frame (surveys and workshops): German, phone width, no referrer, inline style and script."""
    js = f"<script>{script}</script>" if script else ""
    return (
        f'<!DOCTYPE html><html lang="{language()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{style}</style></head>"
        f"<body><main>{body}</main>{js}</body></html>"
    )


def page(title: str, body: str, script: bool = False) -> str:
    return shell(title, body, STYLE, SCRIPT if script else None)


def message_page(title: str, text: str, status_class: str = "err") -> str:
    return page(title, f"<h1>{escape(title)}</h1><div class='note {status_class}'>{escape(text)}</div>")


def _question(instrument: Instrument, question: Question, answer: Any, easy: bool) -> str:
    text = question.easy if easy and question.easy else question.text
    name = escape(question.id)
    if question.kind == QuestionKind.TEXT:
        value = escape(str(answer or ""))
        field = (
            f'<textarea name="{name}" rows="4" maxlength="{question.max_length}" '
            f'aria-label="{escape(text)}">{value}</textarea>'
        )
        return f"<fieldset><legend>{escape(text)}</legend>{field}</fieldset>"
    kind = "checkbox" if question.kind == QuestionKind.MULTIPLE else "radio"
    chosen = set(answer) if isinstance(answer, list) else {answer}
    options = []
    for choice in instrument.choices_of(question):
        label = choice.easy if easy and choice.easy else choice.label
        checked = " checked" if choice.value in chosen else ""
        options.append(
            f'<label><input type="{kind}" name="{name}" value="{escape(choice.value)}"{checked}>{escape(label)}</label>'
        )
    return f"<fieldset><legend>{escape(text)}</legend>{''.join(options)}</fieldset>"


def survey_page(
    instrument: Instrument,
    title: str,
    group_title: str,
    answers: Mapping[str, Any],
    action: str,
    hidden: str,
    easy: bool = False,
    note: tuple[str, str] | None = None,
    easy_link: str = "",
    threshold: int = 0,
) -> str:
    """The form: intro, one fieldset per question, the send button. ``hidden``: the form's hidden fields (the
    anti-forgery token, a paper code); ``note``: (css class, text) shown above and below the form."""
    intro = instrument.intro_easy if easy and instrument.intro_easy else instrument.intro
    switch = ""
    if easy_link and instrument.intro_easy:
        word = _("Standardsprache") if easy else _("Leichte Sprache")
        switch = f'<p><a href="{escape(easy_link)}">{escape(word)}</a></p>'
    state = (
        f"<div id='qm-state' class='note {note[0]}'>{escape(note[1])}</div>" if note else "<div id='qm-state'></div>"
    )
    questions = "".join(_question(instrument, q, answers.get(q.id), easy) for q in instrument.questions)
    rule = _("Ergebnisse Ihrer Gruppe werden erst ab {n} Antworten gezeigt, Ihr Name nie.").format(n=threshold)
    shown_from = f"<p class='muted'>{escape(rule)}</p>" if threshold else ""
    offline = _("Nicht gespeichert – keine Verbindung. Bitte später „Antworten senden“ drücken.")
    body = (
        f"<h1>{escape(title)}</h1>"
        f"<p class='muted'>{escape(_('Sie antworten als: {group}').format(group=group_title))}</p>"
        f"<p>{escape(intro)}</p>{switch}{shown_from}{state}"
        f'<form id="qm-survey" method="post" action="{escape(action)}" data-offline="{escape(offline)}">'
        f"{hidden}{questions}"
        f"<button type='submit'>{escape(_('Antworten senden'))}</button>"
        f"<p class='muted'>{escape(_('Sie können Ihre Antworten bis zum Ende der Befragung ändern.'))}</p>"
        "</form>"
    )
    return page(title, body, script=True)


def code_page(action: str, hidden: str, note: tuple[str, str] | None = None) -> str:
    """Where a person with a printed code types it."""
    title = _("Befragung")
    shown = f"<div class='note {note[0]}'>{escape(note[1])}</div>" if note else ""
    body = (
        f"<h1>{escape(title)}</h1>{shown}"
        f'<form method="post" action="{escape(action)}">{hidden}'
        f"<label for='code'>{escape(_('Ihr Code (steht auf dem Blatt)'))}</label>"
        '<input type="text" id="code" name="code" autocomplete="off" autocapitalize="characters" maxlength="20">'
        f"<button type='submit'>{escape(_('Weiter'))}</button></form>"
    )
    return page(title, body)
