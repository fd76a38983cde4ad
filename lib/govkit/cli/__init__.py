"""The ``govkit`` command: one clear line per problem, exit 2 on bad input.

Commands live in govkit.cli.data, .setup and .reports, each registering on the one app
(govkit.cli.common); ``govkit.cli:app`` is the console script.
"""

import sys

# isort: off
# each registers its commands on the app, in this order (`govkit --help` lists them so:
# start a trust, its data, its reports)
from govkit.cli import setup  # noqa: F401
from govkit.cli import data  # noqa: F401
from govkit.cli import reports  # noqa: F401
# isort: on
from govkit.cli.common import app, configured_data  # noqa: F401 re-exported
from govkit.cli.reports import print_comments_due, write_pack  # noqa: F401 re-exported


def main() -> None:  # pragma: no cover - console entry for python -m
    sys.exit(app())
