"""One failing fixture per loader and validation code, plus the safe-loading rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srfacts.core.errors import CODES, KnowledgeFileError
from srfacts.data.yaml_reader import parse_yaml
from srfacts.store.loader import load

INVALID = Path(__file__).parent / "fixtures" / "invalid"
FIXTURES = sorted(INVALID.glob("*.yaml"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_invalid_fixture_gives_its_code(run, fixture: Path) -> None:
    code = fixture.stem.split("-")[0]
    result = run("validate", str(fixture), data=None)
    assert result.exit_code == 3
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{fixture}:") and f": {code} " in first, first
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_invalid_file_stops_every_command_with_exit_3(run, fixture: Path) -> None:
    result = run("industries", data=fixture)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert fixture.stem.split("-")[0] in result.stderr
    assert "Traceback" not in result.stderr


def test_every_code_has_a_fixture_or_a_test() -> None:
    covered = {p.stem.split("-")[0] for p in FIXTURES} | {"SR001", "SR002", "SR004"}
    covered |= {c for c in CODES if c.startswith("SR2")}  # checked in test_fidelity.py
    assert covered == set(CODES)


def test_missing_file(run, tmp_path: Path) -> None:
    result = run("industries", data=tmp_path / "nope.yaml")
    assert result.exit_code == 3 and "SR001" in result.stderr and "nope.yaml" in result.stderr


def test_directory(run, tmp_path: Path) -> None:
    result = run("metrics", data=tmp_path)
    assert result.exit_code == 3 and "SR002" in result.stderr


def test_size_cap_is_configurable(run, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import SAMPLE

    monkeypatch.setenv("SRFACTS_MAX_BYTES", "100")
    result = run("industries", data=SAMPLE)
    assert result.exit_code == 3 and "SR004" in result.stderr


def test_depth_cap_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SRFACTS_MAX_DEPTH", "2")
    with pytest.raises(KnowledgeFileError) as caught:
        parse_yaml("a: {b: {c: 1}}\n", "x.yaml")
    assert caught.value.problems[0].code == "SR009"


def test_validate_json_report_lists_problems(run) -> None:
    fixture = INVALID / "SR108-unknown-unit.yaml"
    result = run("validate", str(fixture), "--format", "json", data=None)
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["problems"][0]["code"] == "SR108"
    assert report["problems"][0]["record_id"] == "m" and report["problems"][0]["field"] == "unit"
    assert report["problems"][0]["line"] == 22


def test_all_model_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = (INVALID / "SR108-unknown-unit.yaml").read_text(encoding="utf-8")
    text = text.replace("qualifier: exact", "qualifier: roughly").replace("tier: leading", "tier: main")
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as caught:
        load(path)
    assert {p.code for p in caught.value.problems} == {"SR108", "SR109", "SR110"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("k: no", "no"),
        ("k: on", "on"),
        ("k: yes", "yes"),
        ("k: 2023-04-01", "2023-04-01"),
        ("k: 0x1F", "0x1F"),
        ("k: 1_000", "1_000"),
        ("k: .inf", ".inf"),
        ("k: '12'", "12"),
        ("k: true", True),
        ("k: 12", 12),
        ("k: ~", None),
    ],
)
def test_scalars_never_silently_change_type(text: str, expected: object) -> None:
    assert parse_yaml(text, "x.yaml")["k"] == expected


def test_billion_laughs_is_refused_at_the_first_anchor() -> None:
    doc = 'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    with pytest.raises(KnowledgeFileError) as caught:
        parse_yaml(doc, "x.yaml")
    assert caught.value.problems[0].code == "SR007"


def test_data_file_is_only_read(tmp_path: Path) -> None:
    from tests.conftest import SAMPLE

    copy = tmp_path / "facts.yaml"
    copy.write_bytes(SAMPLE.read_bytes())
    before = copy.stat().st_mtime_ns
    load(copy)
    assert copy.read_bytes() == SAMPLE.read_bytes() and copy.stat().st_mtime_ns == before


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_data_or_a_project_error(text: str) -> None:
    try:
        parse_yaml(text, "x.yaml")
    except KnowledgeFileError as error:
        assert error.problems and all(p.code in CODES for p in error.problems)


def test_the_c_yaml_parser_is_used_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    used: list[type] = []
    real = yaml.parse

    def spy(text: str, Loader: type) -> object:
        used.append(Loader)
        return real(text, Loader=Loader)

    monkeypatch.setattr(yaml, "parse", spy)
    assert parse_yaml("a: 1\n", "x.yaml") == {"a": 1}
    assert used == [yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader]
