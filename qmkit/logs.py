"""qmkit's logs: no secret in any line, bounded in size, one line per entry.

Addresses carry secrets: the facilitator's token (``?moderation=``), the participants' workshop token (``?t=``)
and key (``&p=``), join codes (``?code=``), Jupyter tokens and the password in a database URL. Every handler
of the servers and of the page kernels gets :class:`RedactSecrets`, which blanks them out before a line is
written, whoever logs it (tornado's access log, Voilà, qmkit).
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from qmkit.config import open_private

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


# ---------------------------------------------------------------------------- the log file

LOG_NAME = "qmkit.log"
MAX_BYTES = 5 * 1024 * 1024  # qmkit.log grows to 5 MiB, then becomes qmkit.log.1 ...
BACKUPS = 3  # ... and at most three older files are kept: 20 MiB in all
TRACEBACK_FRAMES = 8


def compact_traceback(exc_info: Any) -> str:
    """``Kind: message (in file:line function < caller ...)``, innermost frame first, on one line."""
    kind, value, tb = exc_info
    frames = traceback.extract_tb(tb)[-TRACEBACK_FRAMES:]
    where = " < ".join(f"{'/'.join(Path(f.filename).parts[-2:])}:{f.lineno} {f.name}" for f in reversed(frames))
    name = getattr(kind, "__name__", str(kind))
    return f"{name}: {value} (in {where})" if where else f"{name}: {value}"


class OneLine(logging.Formatter):
    """Every entry on one line: a failure is its message (with the reference) and a compact traceback; line
    breaks inside a message (text a person typed) become ``⏎``, so no entry can pose as another."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        if record.exc_info:
            text += " | " + redact(compact_traceback(record.exc_info))
        elif record.exc_text:
            text += " | " + record.exc_text
        return " ⏎ ".join(part for part in text.splitlines() if part.strip())


class SharedRotatingFile(RotatingFileHandler):
    """A size-rotated file that many processes (one page kernel each) append to: a process notices when another
    one rotated the file and writes to the new one instead of the old (as ``WatchedFileHandler`` does)."""

    def _open(self) -> Any:
        return open(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors, opener=open_private)

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is not None and self._moved():
            self.stream.close()
            self.stream = None  # reopened by the next write
        super().emit(record)

    def _moved(self) -> bool:
        try:
            now = os.stat(self.baseFilename)
        except OSError:
            return True
        return (now.st_dev, now.st_ino) != _identity(self.stream)


def _identity(stream: Any) -> tuple[int, int]:
    info = os.fstat(stream.fileno())
    return info.st_dev, info.st_ino


def file_handler(folder: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> logging.Handler:
    """The handler of ``<folder>/qmkit.log``: rotated by size, one line per entry, secrets blanked out."""
    handler = SharedRotatingFile(folder / LOG_NAME, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    handler.setFormatter(OneLine("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    return handler
