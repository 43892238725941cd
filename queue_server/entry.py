"""The `antre` console script.

`antre serve` runs on gevent, whose monkey-patching must happen before anything else imports
threading or socket; so this module decides that first and imports the commands after.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["serve"]:
        from gevent import monkey

        monkey.patch_all()
    from queue_server.cli import main as cli

    cli()
