"""Shell completion through Typer: the options are there, and ids, industries, kinds and formats complete."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def srfacts() -> str:
    found = shutil.which("srfacts", path=str(Path(sys.executable).parent)) or shutil.which("srfacts")
    if not found:
        pytest.skip("the srfacts console script is not installed")
    return found


def complete(words: str, *, env: dict[str, str] | None = None) -> list[str]:
    """What bash completion offers for the command line ``words`` (completing its last word)."""
    parts = words.split(" ")
    result = subprocess.run(
        [srfacts()],
        env={
            **os.environ,
            **(env or {}),
            "_SRFACTS_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_help_offers_install_and_show_completion(run) -> None:
    out = run("--help").stdout
    assert "--install-completion" in out and "--show-completion" in out


@pytest.mark.slow
def test_record_ids_complete() -> None:
    offered = complete("srfacts show above-size-ent")
    assert "above-size-enterprises-total-2022" in offered
    assert all(o.startswith("above-size-ent") for o in offered)


@pytest.mark.slow
def test_ids_complete_from_the_data_option(tmp_path: Path) -> None:
    sample = Path(__file__).parent / "fixtures" / "sample.yaml"
    assert complete(f"srfacts --data {sample} show jinko") == ["jinko-solar"] or "jinko-solar" in complete(
        f"srfacts --data {sample} show jinko"
    )


@pytest.mark.slow
def test_industries_kinds_tiers_types_formats_and_fields_complete() -> None:
    assert complete("srfacts metrics --industry photo") == ["photovoltaic-new-energy"]
    assert "光伏" in complete("srfacts metrics --industry 光")
    assert set(complete("srfacts claims --kind p")) == {"policy", "project", "plan"}
    entity_kinds = {"park", "programme", "plan", "policy", "project", "platform", "place"}
    assert set(complete("srfacts entities --kind p")) == entity_kinds
    assert complete("srfacts industries --tier l") == ["leading"]
    assert complete("srfacts search x --type m") == ["metric"]
    assert set(complete("srfacts metrics --format js")) == {"json", "jsonl"}
    assert complete("srfacts metrics --fields id,val") == ["id,value"]


@pytest.mark.slow
def test_a_broken_data_file_completes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: [", encoding="utf-8")
    assert complete(f"srfacts --data {broken} show a") == []
