"""The curated file is found from a wheel, an installed package and a plain source checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

DATA = ROOT / "data" / "facts.yaml"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling (pip install '.[test]')")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("srfacts-*.whl"))


def test_wheel_contains_the_data_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("srfacts/data/facts.yaml") == DATA.read_bytes()
        names = archive.namelist()
    assert "srfacts/cli/app.py" in names and any(n.endswith("entry_points.txt") for n in names)


def test_wheel_contains_the_json_schema(wheel: Path) -> None:
    schema = ROOT / "src" / "srfacts" / "data" / "facts.schema.json"
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("srfacts/data/facts.schema.json") == schema.read_bytes()


def test_installed_package_finds_current_data() -> None:
    from srfacts.data.files import bundled_data_path

    assert bundled_data_path().read_bytes() == DATA.read_bytes()


def test_source_checkout_finds_data_without_installing(tmp_path: Path) -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import srfacts.data.files as l; "
        "print(l.__file__); print(l.bundled_data_path())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "src")], capture_output=True, text=True, check=True, timeout=60
    )
    module, found = done.stdout.split()
    assert Path(module).is_relative_to(ROOT / "src")
    assert Path(found).resolve() == DATA.resolve()


def test_python_dash_m_works(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "srfacts", "--version"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 0 and done.stdout.startswith("srfacts ")
