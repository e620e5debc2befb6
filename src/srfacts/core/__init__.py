"""The lowest layer: records, the knowledge base, units, formulas, errors.

Standard library only; it imports nothing above it.
"""
