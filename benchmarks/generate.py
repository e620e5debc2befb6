"""Write a knowledge file of N records in srfacts' own schema, made from the bundled records.

Usage: python benchmarks/generate.py N OUT.yaml

Each copy of the bundled industries, metrics, claims and entities gets ids suffixed with its
copy number and its references rewritten to match, so the file validates; the single source
record, the synonyms and the glossary are kept once. The quotes stay verbatim quotes of the article.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("industries", "metrics", "claims", "entities")
REFERENCE_FIELDS = ("industries", "entities", "metrics")
KEPT = ("synonyms", "glossary")  # sections kept once, as they are


def _copy(record: dict[str, Any], suffix: str) -> dict[str, Any]:
    out = dict(record)
    out["id"] = f"{record['id']}-{suffix}"
    for name in REFERENCE_FIELDS:
        if name in out:
            out[name] = [f"{ref}-{suffix}" for ref in out[name]]
    for name in ("name", "text"):
        if name in out:
            out[name] = f"{out[name]}（第{suffix}份）"
    return out


def generate(count: int, base: Path = ROOT / "data" / "facts.yaml") -> dict[str, Any]:
    """A knowledge document with about ``count`` records (rounded up to whole copies)."""
    bundled = yaml.safe_load(base.read_text(encoding="utf-8"))
    per_copy = sum(len(bundled.get(s) or []) for s in SECTIONS)
    copies = max(1, -(-count // per_copy))
    document: dict[str, Any] = {"schema_version": bundled["schema_version"], "sources": bundled["sources"]}
    for section in SECTIONS:
        document[section] = [_copy(r, str(i)) for i in range(copies) for r in bundled.get(section) or []]
    for section in KEPT:
        if section in bundled:
            document[section] = bundled[section]
    return document


class _PlainDumper(yaml.SafeDumper):
    """Never writes anchors and aliases (srfacts refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write(count: int, out: Path) -> int:
    """Write the generated file; the number of records written."""
    document = generate(count)
    text = yaml.dump(document, allow_unicode=True, sort_keys=False, width=1_000_000, Dumper=_PlainDumper)
    out.write_text(text, encoding="utf-8")
    return sum(len(document[s]) for s in SECTIONS) + len(document["sources"])


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit("usage: python benchmarks/generate.py N OUT.yaml")
    written = write(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {written} records to {sys.argv[2]}")
