"""`python -m fieldoffice.cli`: the same as the `fieldoffice` command."""

from fieldoffice.cli import main

main()
