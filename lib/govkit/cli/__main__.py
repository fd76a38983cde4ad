"""`python -m govkit.cli`: the govkit command."""

from govkit.cli import main

main()
