"""The app server's access key (issue 18 item 16): made once per data folder, readable only by its owner, kept
across restarts; the printed link carries it. The browser side is in tests/test_browser.py."""

from __future__ import annotations

import stat

from qmkit.server.app_key import FILE, app_key, link_with_key


def test_the_key_is_made_once_private_and_kept(tmp_path):
    folder = tmp_path / "data"
    key = app_key(folder)
    assert len(key) >= 24 and app_key(folder) == key  # a restart keeps it: bookmarks keep working
    assert stat.S_IMODE((folder / FILE).stat().st_mode) == 0o600
    assert app_key(tmp_path / "other") != key  # another data folder, another person: another key
    (folder / FILE).write_text("kurz\n")  # damaged: a new one, never a weak one
    assert len(app_key(folder)) >= 24


def test_the_printed_link_carries_the_key():
    assert link_with_key("http://127.0.0.1:8866/voila/render/Start.ipynb", "abc") == (
        "http://127.0.0.1:8866/voila/render/Start.ipynb?token=abc"
    )
    assert link_with_key("http://x/?zyklus=2", "a b").endswith("?zyklus=2&token=a+b")
