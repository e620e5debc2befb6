"""``python -m srfacts``."""

from srfacts.cli import main

main()
