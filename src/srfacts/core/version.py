"""The version of srfacts: kept here only (pyproject.toml reads it when the package is built)."""

__version__ = "0.1.0"
