"""``python -m qmkit.cli``: the same as the ``qmkit`` command."""

from qmkit.cli import main

raise SystemExit(main())
