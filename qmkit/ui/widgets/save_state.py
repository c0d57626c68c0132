"""Save as you go, visibly: what one form says about saving.

Every field is saved as it changes. A refused input stays as typed, framed red with its German message, and the
form's line says "nicht gespeichert" and names it until the input is corrected (then saved) or reset to the stored
value; saving another field of the form never hides it behind "✓ gespeichert".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import ipywidgets as w

from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.ui.widgets.common import esc, make

REFUSED_CLASS = "qm-refused"
HIDDEN_CLASS = "qm-hidden"
T = TypeVar("T")


@dataclass(frozen=True)
class Refusal:
    """One refused input: the field's German label, the message and the widget that keeps the value."""

    label: str
    message: str
    widget: w.Widget | None
    retry: Callable[[], Any] | None = None


class SaveState:
    """The save line of one form and the marks on its refused inputs.

    ``reset`` (with ``wrap``, the page's guard) adds a button "Gespeicherten Stand zeigen" that is visible while
    an input is refused: it shows the stored values again and drops the marks. ``say_saved=False``: the line stays
    empty after a save (the form shows its saved state elsewhere).
    """

    def __init__(
        self,
        wrap: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
        reset: Callable[[], None] | None = None,
        say_saved: bool = True,
    ):
        self.refused: dict[str, Refusal] = {}
        self.saved = False
        self.say_saved = say_saved
        self.line = make(w.HTML)
        self.reset_button: w.Button | None = None  # made at the first refusal: a form without one has no extra button
        self._reset = wrap(lambda _b: reset()) if reset is not None and wrap is not None else None
        self.widget = make(w.HBox, [self.line], layout={"align_items": "center", "flex_flow": "row wrap"})

    def attempt(self, key: str, label: str, widget: w.Widget | None, save: Callable[[], T]) -> tuple[bool, T | None]:
        """Run ``save``: ``(True, result)`` and the field's mark removed, or ``(False, None)`` and the field marked
        with the :class:`InputError`'s message."""
        try:
            result = save()
        except InputError as exc:
            self.refuse(key, label, str(exc), widget, save)
            return False, None
        self.accept(key)
        self._retry_others()
        return True, result

    def _retry_others(self) -> None:
        """Try the other refused inputs again: a value refused because of another field (a meeting "durchgeführt"
        while its day still lay ahead) is taken once that field is saved."""
        for key, refusal in list(self.refused.items()):
            if refusal.retry is None:
                continue
            try:
                refusal.retry()
            except InputError as exc:
                self.refused[key] = Refusal(refusal.label, str(exc), refusal.widget, refusal.retry)
            else:
                self.accept(key)
        self._render()

    def refuse(
        self, key: str, label: str, message: str, widget: w.Widget | None = None, retry: Callable[[], Any] | None = None
    ) -> None:
        """Mark ``key`` as refused: the widget keeps its value and gets a red frame; the line names it.

        ``retry`` saves the input again; it is tried after each later save of the form."""
        old = self.refused.get(key)
        if old is not None and old.widget is not None and old.widget is not widget:
            old.widget.remove_class(REFUSED_CLASS)
        self.refused[key] = Refusal(label, message, widget, retry)
        if widget is not None:
            widget.add_class(REFUSED_CLASS)
        self._render()

    def accept(self, key: str) -> None:
        """``key`` was saved: its mark goes, the line says so (or still names the other refused inputs)."""
        old = self.refused.pop(key, None)
        if old is not None and old.widget is not None:
            old.widget.remove_class(REFUSED_CLASS)
        self.saved = True
        self._render()

    def forget(self) -> None:
        """The form shows stored values again (reset, another record): no marks, an empty line."""
        for refusal in self.refused.values():
            if refusal.widget is not None:
                refusal.widget.remove_class(REFUSED_CLASS)
        self.refused.clear()
        self.saved = False
        self._render()

    def is_refused(self, key: str) -> bool:
        return key in self.refused

    def message(self, key: str) -> str:
        found = self.refused.get(key)
        return found.message if found else ""

    def html(self) -> str:
        """The line as HTML: the refused inputs with their messages, or "✓ gespeichert", or nothing."""
        if self.refused:
            items = "; ".join(
                f"{r.label}: {r.message}" if r.label and not r.message.startswith(r.label) else r.message
                for r in self.refused.values()
            )
            text = f'<span class="qm-error" role="alert">✗ {esc(_("nicht gespeichert"))} – {esc(items)}</span>'
            if self.saved:
                text += f' <span class="qm-muted">· {esc(_("die übrigen Eingaben sind gespeichert"))}</span>'
            return text
        if self.saved and self.say_saved:
            return f'<span class="qm-muted qm-saved">✓ {esc(_("gespeichert"))}</span>'
        return ""

    def _render(self) -> None:
        self.line.value = self.html()
        if self.refused and self.reset_button is None and self._reset is not None:
            self.reset_button = make(
                w.Button, description=_("Gespeicherten Stand zeigen"), icon="undo", layout={"width": "auto"}
            )
            self.reset_button.on_click(self._reset)
            self.widget.children = (*self.widget.children, self.reset_button)
        if self.reset_button is not None:
            if self.refused:
                self.reset_button.remove_class(HIDDEN_CLASS)
            else:
                self.reset_button.add_class(HIDDEN_CLASS)


def save_each(
    fields: dict[str, w.Widget],
    state: SaveState,
    wrap: Callable[[Callable[..., Any]], Callable[..., Any]],
    save: Callable[[str], Any],
    after: Callable[[str, Any], None] | None = None,
    labels: dict[str, str] | None = None,
) -> None:
    """Save every widget of ``fields`` as it changes: ``save(name)`` reads what it needs and stores it; a refusal
    marks the widget in ``state`` and names it by ``labels[name]`` (German message ids) or the widget's
    description; ``after(name, result)`` runs after each save that was taken."""
    for name, widget in fields.items():

        def changed(_change: Any, name: str = name, widget: w.Widget = widget) -> None:
            label = _(labels[name]) if labels and name in labels else str(getattr(widget, "description", "") or "")
            saved, result = state.attempt(name, label, widget, lambda: save(name))
            if saved and after is not None:
                after(name, result)

        widget.observe(wrap(changed), names="value")
