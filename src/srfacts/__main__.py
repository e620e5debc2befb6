"""``python -m srfacts``."""

from srfacts.cli import console

console()
