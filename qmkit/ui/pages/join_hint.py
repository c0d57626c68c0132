"""The facilitator's hint when the join link points at this computer only (phones in the room cannot open it)."""

from __future__ import annotations

from qmkit.i18n import _
from qmkit.ui.widgets.common import esc


def loopback_hint(link: str) -> str:
    """When the join link points at this computer only, say so – phones in the room cannot open it – and how to
    open the workshop to the local network (HTML; empty when the link is reachable from the network)."""
    from urllib.parse import urlsplit

    from qmkit.server.serve import LOOPBACK, lan_address

    parts = urlsplit(link)
    host = (parts.hostname or "").strip("[]")
    if host not in LOOPBACK:
        return ""
    address = lan_address()
    lines = [
        _(
            "Achtung: Die Teilnahme ist nur auf diesem Rechner erreichbar (127.0.0.1) – Handys im Raum können den "
            "Link und den QR-Code so nicht öffnen."
        ),
        _("Für den Workshop qmkit beenden und im lokalen Netz neu starten: qmkit serve --host 0.0.0.0"),
    ]
    if address not in LOOPBACK:
        lines.append(
            _("Die Handys öffnen dann http://{address}:{port}/ – Link und QR-Code hier zeigen es.").format(
                address=address, port=parts.port or 8867
            )
        )
    return '<div class="qm-msg-info" id="qm-loopback">' + "<br>".join(esc(line) for line in lines) + "</div>"
