"""Shared pieces of the pages: German feedback, the callback guard, styles and navigation."""

from __future__ import annotations

import base64
import functools
import html
import logging
import uuid
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import ipywidgets as w

from qmkit.errors import QmkitError
from qmkit.i18n import _
from qmkit.ui.routes import nav_routes

log = logging.getLogger("qmkit.ui")
F = TypeVar("F", bound=Callable[..., Any])

ASSETS = Path(__file__).resolve().parent.parent / "assets"


@lru_cache(maxsize=8)
def style_html(name: str) -> str:
    """A stylesheet of ``qmkit/ui/assets`` as a ``<style>`` element (read once per kernel)."""
    return "<style>\n" + (ASSETS / name).read_text(encoding="utf-8") + "</style>\n"


CSS = style_html("page.css")


_SHARED: dict[tuple[Any, ...], w.Widget] = {}
W = TypeVar("W", bound=w.Widget)


def _shared(cls: type[w.Widget], settings: dict[str, Any] | None) -> w.Widget:
    key = (cls, tuple(sorted((settings or {}).items())))
    model = _SHARED.get(key)
    if model is None:
        model = _SHARED[key] = cls(**(settings or {}))
    return model


def make(
    cls: type[W],
    *args: Any,
    layout: dict[str, Any] | None = None,
    style: dict[str, Any] | None = None,
    name: str = "",
    **kwargs: Any,
) -> W:
    """Create a widget whose Layout and Style models are shared with every widget of the same settings.

    Each model is a message the browser must handle; sharing them cuts a page's models by about two thirds.
    Shared models must never be changed in place: pass the settings here instead.
    ``name``: what a screen reader announces for a field whose label the page shows elsewhere (a column head,
    a bold line above it): the field's own label, present but not drawn (see :func:`named`).
    """
    kwargs["layout"] = _shared(w.Layout, layout)
    traits = cls.class_traits()
    style_trait = traits.get("style")
    if style_trait is not None:
        kwargs["style"] = _shared(style_trait.klass, style)
    elif style and "label_width" in traits:  # a widget of our own (the date field) takes the label's width as is
        kwargs["label_width"] = style.get("description_width", "")
    widget = cls(*args, **kwargs)
    return named(widget, name) if name else widget


def shown(widget: W, visible: bool) -> W:
    """Show or hide ``widget`` by the class ``qm-hidden`` (page.css) – never through its Layout, which
    :func:`make` shares with every widget of the same settings (hiding one would hide them all)."""
    if visible:
        widget.remove_class("qm-hidden")
    else:
        widget.add_class("qm-hidden")
    return widget


def named(widget: W, name: str) -> W:
    """Give a field without a visible description its accessible name: the description (ipywidgets links it to
    the field with <label for>) hidden from sight by the class ``qm-named`` (page.css), read by screen readers.
    Fields whose label is shown in separate text would otherwise have no name (axe-core: "label",
    "select-name")."""
    if not getattr(widget, "description", ""):
        widget.description = name
        widget.add_class("qm-named")
    return widget


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


def nav_html(active: str, cycle_id: int | None) -> str:
    """Links between the steps (the routes in the navigation); the cycle travels in the query string."""
    parts = []
    for route in nav_routes():
        cls = ' class="qm-active"' if route.name == active else ""
        parts.append(f'<a href="{esc(route.href(cycle_id))}"{cls}>{esc(_(route.label))}</a>')
    return '<nav class="qm-nav">' + "".join(parts) + "</nav>"


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_html(path: Path, label: str, element_id: str, mime: str = XLSX_MIME) -> str:
    """A download link carrying the file itself (data: URL); the server's folder is not shown – on a shared
    installation it means nothing to the person in the browser."""
    payload = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<a class="qm-button" id="{esc(element_id)}" download="{esc(path.name)}" '
        f'href="data:{mime};base64,{payload}">⬇ {esc(label)}</a>'
    )


def button(
    wrap: Callable[[Callable[..., Any]], Callable[..., Any]], label: str, icon: str, action: Callable[[], object]
) -> w.Button:
    """A button with a German label whose click runs ``action`` inside the page's guard ``wrap``."""
    widget = make(w.Button, description=_(label), icon=icon, layout={"width": "auto"})
    widget.on_click(wrap(lambda _b: action()))
    return widget


def progress_html(percent: float, label: str, text: str, style: str = "") -> str:
    """A progress bar as screen readers know it (role progressbar with a name and its value as text)."""
    return (
        f'<div class="qm-bar" style="{esc(style)}" role="progressbar" aria-label="{esc(label)}" '
        f'aria-valuenow="{percent:.0f}" aria-valuemin="0" aria-valuemax="100" aria-valuetext="{esc(text)}">'
        f'<span style="width:{percent:.1f}%;background:#1f6feb"></span></div>'
    )


def scroll_start(label: str) -> str:
    """The opening tag of a scrolling box (a long table): a named region that a keyboard can reach and scroll with
    the arrow keys (close it with ``</div>``)."""
    return f'<div class="qm-scroll" tabindex="0" role="region" aria-label="{esc(label)}">'


def scroll_html(label: str, inner: str) -> str:
    """``inner`` in a scrolling box (see :func:`scroll_start`)."""
    return f"{scroll_start(label)}{inner}</div>"


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
        + f'<div class="qm-muted">{esc(institution)} · {esc(_("Zyklus „{name}“").format(name=cycle))} · '
        + f"{esc(catalog)}</div>",
    )
