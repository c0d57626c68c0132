"""Shared pieces of the pages: German feedback, the callback guard, styles and navigation."""

from __future__ import annotations

import base64
import functools
import html
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import ipywidgets as w

from qmkit.errors import QmkitError
from qmkit.i18n import N_, _

log = logging.getLogger("qmkit.ui")
F = TypeVar("F", bound=Callable[..., Any])

CSS = """
<style>
.qm-page { max-width: 1200px; font-size: 14px; }
.qm-page h1 { font-size: 1.6em; margin: 0.2em 0 0.4em; }
.qm-page h2 { font-size: 1.25em; margin: 0.8em 0 0.3em; }
.qm-card { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; margin: 6px 0 10px; background: #fff; }
.qm-muted { color: #57606a; font-size: 0.92em; }
.qm-error { color: #b42318; font-weight: 600; }
.qm-msg-error { background: #fdecea; border-left: 4px solid #b42318; padding: 6px 10px; }
.qm-msg-info { background: #e8f1fb; border-left: 4px solid #1f6feb; padding: 6px 10px; }
.qm-msg-ok { background: #e9f7ef; border-left: 4px solid #2e7d32; padding: 6px 10px; }
.qm-nav a, a.qm-button { display: inline-block; padding: 6px 12px; margin: 2px 6px 2px 0; border-radius: 4px;
  background: #1f4e79; color: #fff !important; text-decoration: none; }
.qm-nav span.qm-soon { display: inline-block; padding: 6px 12px; margin: 2px 6px 2px 0; border-radius: 4px;
  background: #eaeef2; color: #6e7781; }
.qm-nav a.qm-active { background: #0b2e4f; }
.qm-area-nav .widget-toggle-buttons, .qm-area-nav .widget-inline-vbox { display: flex; flex-direction: column; }
.qm-area-nav .widget-toggle-button { text-align: left; white-space: normal; height: auto; min-height: 30px;
  margin: 0 0 4px 0; padding: 4px 8px; line-height: 1.3; }
.qm-bar { display: flex; height: 16px; background: #eaeef2; border-radius: 3px; overflow: hidden; min-width: 120px; }
.qm-bar span { display: block; height: 100%; }
.qm-chart td { padding: 2px 6px; vertical-align: middle; }
.qm-page .widget-toggle-button.mod-active, .qm-page .jupyter-button.mod-active {
  background: #1f4e79 !important; color: #fff !important; }
.qm-page textarea, .qm-page input { font-family: inherit; }
.qm-req-head { display: flex; justify-content: space-between; flex-wrap: wrap; gap: 8px; }
.qm-status { font-size: 0.85em; }
table.qm-plan { border-collapse: collapse; width: 100%; margin-top: 6px; }
table.qm-plan th, table.qm-plan td { border-bottom: 1px solid #d0d7de; padding: 4px 6px; text-align: left;
  vertical-align: top; }
tr.qm-overdue td { background: #fdecea; }
.qm-compare td { padding: 1px 6px; }
.qm-card .widget-text, .qm-card .widget-textarea, .qm-card .widget-datepicker, .qm-card .widget-dropdown {
  max-width: calc(100% - 6px); box-sizing: border-box; }
details.qm-help summary { cursor: pointer; color: #1f4e79; }
ul.qm-findings li.qm-fehlt { color: #b42318; }
ul.qm-findings li.qm-hinweis { color: #57606a; }
ul.qm-findings a { color: #1f4e79; }
.qm-readiness-total { margin: 4px 0; }
.qm-scroll { max-height: 440px; overflow-y: auto; }
table.qm-register th { position: sticky; top: 0; background: #fff; }
.qm-tl-head { display: flex; font-weight: 600; color: #57606a; border-bottom: 1px solid #d0d7de; margin-top: 6px; }
.qm-tl-row { border-bottom: 1px solid #eaeef2; padding: 2px 0; }
.qm-tl-ueberfaellig { color: #b42318; font-weight: 600; }
.qm-tl-bald { color: #9a6700; font-weight: 600; }
.qm-tl-erledigt { color: #2e7d32; }
tr.qm-tl-ueberfaellig td { background: #fdecea; }
tr.qm-tl-bald td { background: #fff8c5; }
.qm-kind { display: inline-block; min-width: 5.5em; padding: 0 6px; border-radius: 3px; font-size: 0.85em;
  text-align: center; }
.qm-kind-new { background: #e9f7ef; color: #1a5e20; }
.qm-kind-changed { background: #e8f1fb; color: #0b3d91; }
.qm-kind-conflict { background: #fdecea; color: #b42318; font-weight: 600; }
</style>
"""


_SHARED: dict[tuple[Any, ...], w.Widget] = {}
W = TypeVar("W", bound=w.Widget)


def _shared(cls: type[w.Widget], settings: dict[str, Any] | None) -> w.Widget:
    key = (cls, tuple(sorted((settings or {}).items())))
    model = _SHARED.get(key)
    if model is None:
        model = _SHARED[key] = cls(**(settings or {}))
    return model


def make(
    cls: type[W], *args: Any, layout: dict[str, Any] | None = None, style: dict[str, Any] | None = None, **kwargs: Any
) -> W:
    """Create a widget whose Layout and Style models are shared with every widget of the same settings.

    Each model is a message the browser must handle; sharing them cuts a page's models by about two thirds.
    Shared models must never be changed in place: pass the settings here instead.
    """
    kwargs["layout"] = _shared(w.Layout, layout)
    style_trait = cls.class_traits().get("style")
    if style_trait is not None:
        kwargs["style"] = _shared(style_trait.klass, style)
    return cls(*args, **kwargs)


def esc(text: Any) -> str:
    """HTML-escape any value for an HTML widget (user text is never markup)."""
    return html.escape(str(text), quote=True)


def error_html(text: Any) -> str:
    """A German error message for the place next to a field ('' when there is none); always escaped."""
    return f'<span class="qm-error" role="alert">{esc(text)}</span>' if str(text) else ""


def error_in(markup: str) -> str:
    """The message that :func:`error_html` put into ``markup`` ('' when there is none)."""
    if 'role="alert">' not in markup:
        return ""
    return html.unescape(markup.split('role="alert">', 1)[1].split("</span>", 1)[0])


class Feedback:
    """A message line on a page or next to a field: German text, escaped, with a kind."""

    def __init__(self) -> None:
        self.widget = make(w.HTML, value="")

    def _show(self, kind: str, text: str) -> None:
        body = "<br>".join(esc(line) for line in text.splitlines())
        self.widget.value = f'<div class="qm-msg-{kind}" role="status">{body}</div>'

    def error(self, text: str) -> None:
        self._show("error", text)

    def info(self, text: str) -> None:
        self._show("info", text)

    def ok(self, text: str) -> None:
        self._show("ok", text)

    def clear(self) -> None:
        self.widget.value = ""


def unexpected(feedback: Feedback, exc: BaseException) -> None:
    """Log an unexpected error with a reference and show a German message that names it."""
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error %s", ref, exc_info=exc)
    feedback.error(
        _(
            "Das hat nicht geklappt: ein unerwarteter Fehler (Referenz {ref}). Ihre bisherigen Eingaben "
            "sind gespeichert. Bitte die Seite neu laden; die Einzelheiten stehen im Protokoll."
        ).format(ref=ref)
    )


def guard(feedback: Feedback) -> Callable[[F], F]:
    """Wrap a widget callback: errors become a German message on the page, never a traceback."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except QmkitError as exc:
                feedback.error(str(exc))
            except Exception as exc:
                unexpected(feedback, exc)
            return None

        return wrapper  # type: ignore[return-value]

    return decorate


STEPS = [
    ("start", N_("Start"), "Start.ipynb"),
    ("selbstbewertung", N_("Selbstbewertung"), "Selbstbewertung.ipynb"),
    ("einlesen", N_("Excel einlesen"), "Einlesen.ipynb"),
    ("planung", N_("Qualitätsplanung"), "Qualitaetsplanung.ipynb"),
    ("review", N_("PDCA-Review"), "PDCA_Review.ipynb"),
    ("workshop", N_("Workshop"), "Workshop.ipynb"),
    ("nachweise", N_("Nachweise"), "Nachweise.ipynb"),
    ("einreichung", N_("Einreichung"), "Einreichung.ipynb"),
    ("rueckmeldung", N_("Rückmeldung"), "Rueckmeldung.ipynb"),
    ("fristen", N_("Fristen"), "Fristen.ipynb"),
]


def nav_html(active: str, cycle_id: int | None) -> str:
    """Links between the steps; the cycle travels in the query string. Later steps show as 'folgt'."""
    parts = []
    for key, label, target in STEPS:
        if target is None:
            parts.append(
                f'<span class="qm-soon" title="{esc(_("folgt in einer späteren Version"))}">{esc(_(label))}</span>'
            )
            continue
        href = target if key == "start" or cycle_id is None else f"{target}?zyklus={int(cycle_id)}"
        cls = ' class="qm-active"' if key == active else ""
        parts.append(f'<a href="{esc(href)}"{cls}>{esc(_(label))}</a>')
    return '<nav class="qm-nav">' + "".join(parts) + "</nav>"


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_html(path: Path, label: str, element_id: str, mime: str = XLSX_MIME) -> str:
    """A download link carrying the file itself (data: URL) and where the file was saved."""
    payload = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<a class="qm-button" id="{esc(element_id)}" download="{esc(path.name)}" '
        f'href="data:{mime};base64,{payload}">⬇ {esc(label)}</a> '
        f'<span class="qm-muted">{esc(_("gespeichert unter"))} {esc(path)}</span>'
    )


def button(
    wrap: Callable[[Callable[..., Any]], Callable[..., Any]], label: str, icon: str, action: Callable[[], object]
) -> w.Button:
    """A button with a German label whose click runs ``action`` inside the page's guard ``wrap``."""
    widget = make(w.Button, description=_(label), icon=icon, layout={"width": "auto"})
    widget.on_click(wrap(lambda _b: action()))
    return widget


def page_box(*children: w.Widget) -> w.VBox:
    box = make(w.VBox, [make(w.HTML, CSS), *children], layout=dict(width="100%"))
    box.add_class("qm-page")
    return box


def steps_html(steps: list[str]) -> w.HTML:
    """The numbered steps at the top of a page that explain its use."""
    return make(w.HTML, '<ol class="qm-muted">' + "".join(f"<li>{esc(s)}</li>" for s in steps) + "</ol>")


def card(*children: w.Widget) -> w.VBox:
    box = make(w.VBox, list(children), layout=dict(width="100%"))
    box.add_class("qm-card")
    return box


def user_field(default: str) -> w.Text:
    """'Bearbeitet von': the name stored with every change made on a page."""
    return make(
        w.Text,
        value=default,
        placeholder=_("Ihr Name"),
        description=_("Bearbeitet von"),
        style={"description_width": "initial"},
        layout={"width": "320px"},
    )


def cycle_header(active: str, title: str, cycle_id: int, institution: str, cycle: str, catalog: str) -> w.HTML:
    """Navigation, page title and which institution, cycle and model the page works on."""
    return make(
        w.HTML,
        nav_html(active, cycle_id)
        + f"<h1>{esc(title)}</h1>"
        + f'<div class="qm-muted">{esc(institution)} · {esc(_("Zyklus"))} „{esc(cycle)}“ · {esc(catalog)}</div>',
    )
