"""qmkit's logs: no secret in any line, bounded in size, one line per entry.

Addresses carry secrets: the facilitator's token (``?moderation=``), the participants' workshop token (``?t=``)
and key (``&p=``), join codes (``?code=``), Jupyter tokens and the password in a database URL. Every handler
of the servers and of the page kernels gets :class:`RedactSecrets`, which blanks them out before a line is
written, whoever logs it (tornado's access log, Voilà, qmkit).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[entfernt]"

# Names of query arguments and cookies whose value is a secret (compared case-insensitively).
SECRET_NAMES = ("t", "p", "moderation", "code", "token", "access_token", "key", "_xsrf", "xsrf", "password", "auth")
_NAMES = "|".join(re.escape(n) for n in sorted(SECRET_NAMES, key=len, reverse=True))
_PATTERNS = (
    # name=value after ?, &, ;, a space, a quote or the start: a query string, a cookie, a libpq setting
    re.compile(rf"(?i)((?:^|(?<=[?&;\s\"'(,]))(?:{_NAMES}|qmkit_ws\d+)=)[^&;\s\"'#,)]+"),
    # the same, URL-encoded inside another address (?next=...%3Fmoderation%3D...)
    re.compile(rf"(?i)((?:%3F|%26)(?:{_NAMES})%3D)[^&%\s\"'#]+(?:%[0-9A-F]{{2}}[^&%\s\"'#]*)*"),
    # user:password@ in a URL (a database address)
    re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+(?=@)"),
    # Authorization headers
    re.compile(r"(?i)((?:token|bearer)\s+)[A-Za-z0-9._~+/=-]{8,}"),
)


def redact(text: str) -> str:
    """``text`` with the value of every secret blanked out."""
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\1{REDACTED}", text)
    return text


class RedactSecrets(logging.Filter):
    """A handler's filter: the record's message (and traceback) with secrets blanked out. Drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _redacting(handler: logging.Handler) -> None:
    if not any(isinstance(f, RedactSecrets) for f in handler.filters):
        handler.addFilter(RedactSecrets())


def redact_every_handler() -> None:
    """Put :class:`RedactSecrets` on every handler of this process (and on logging's last resort, which prints
    tornado's access log when no handler is configured). Call again after a library added handlers."""
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            _redacting(handler)
    if logging.lastResort is not None:
        _redacting(logging.lastResort)
