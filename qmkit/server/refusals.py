"""Answers of qmkit's servers that need no Voilà: a German 404 and the way to the start page."""

from __future__ import annotations

import posixpath

import tornado.web

from qmkit.i18n import _, language


def not_found_page() -> str:
    return (
        f'<!DOCTYPE html><html lang="{language()}"><head><meta charset="utf-8"><title>qmkit</title></head>'
        '<body style="font-family:system-ui,sans-serif;padding:16px">'
        f"<main><h1>{_('Diese Seite gibt es hier nicht.')}</h1>"
        f'<p><a href="/">{_("Zur Startseite")}</a></p></main></body></html>'
    )


def is_hidden(path: str | None, hidden: set[str]) -> bool:
    """Whether a page path (decoded, as tornado passes it) names one of the ``hidden`` notebooks."""
    return path is not None and posixpath.normpath("/" + path).lstrip("/").casefold() in hidden


class ToStartPage(tornado.web.RequestHandler):
    """``/`` and Voilà's file list lead to the start page."""

    def initialize(self, target: str) -> None:
        self.target = target

    def get(self, *_args: str) -> None:
        self.redirect(self.target)

    def head(self, *_args: str) -> None:
        self.redirect(self.target)


def answer_not_found(handler: tornado.web.RequestHandler) -> None:
    handler.set_status(404)
    handler.set_header("Content-Type", "text/html; charset=utf-8")
    handler.finish(not_found_page())


class NotHere(tornado.web.RequestHandler):
    """A German 404 for addresses the app server does not offer (listings, the participant notebook)."""

    def prepare(self) -> None:
        answer_not_found(self)
