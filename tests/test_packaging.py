"""The curated file is found from a wheel, an installed package and a plain source checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # end to end: builds, installs and runs the package in subprocesses

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


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``python -m build`` (sdist, then the wheel from the sdist) into a temporary folder."""
    pytest.importorskip("build", reason="python -m build needs build (pip install '.[test]')")
    pytest.importorskip("hatchling", reason="building needs hatchling (pip install '.[test]')")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return next(out.glob("srfacts-*.tar.gz")), next(out.glob("srfacts-*.whl"))


def test_build_makes_an_sdist_and_a_wheel_that_twine_accepts(built: tuple[Path, Path]) -> None:
    from srfacts.core.version import __version__

    pytest.importorskip("twine", reason="twine check needs twine (pip install '.[test]')")
    sdist, wheel = built
    assert sdist.name == f"srfacts-{__version__}.tar.gz" and wheel.name.startswith(f"srfacts-{__version__}-")
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2


def test_the_sdist_holds_the_readme_and_data(built: tuple[Path, Path]) -> None:
    import tarfile

    with tarfile.open(built[0]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"README.md", "pyproject.toml", "data/facts.yaml", "src/srfacts/core/version.py"} <= names


def test_the_built_wheel_runs_from_another_folder(built: tuple[Path, Path], tmp_path: Path) -> None:
    """Installed (without its dependencies, which this interpreter has) into a folder of its own
    and run from another folder: it finds its bundled data and says which file it uses."""
    target, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(built[1])],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SRFACTS_DATA", "PYTHONPATH")}
    env.update(PYTHONPATH=str(target), XDG_CACHE_HOME=str(tmp_path / "cache"))

    def srfacts(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "srfacts", *args], capture_output=True, text=True, timeout=60, cwd=elsewhere, env=env
        )

    version = srfacts("--version")
    assert version.returncode == 0, version.stderr
    first, second = version.stdout.splitlines()
    assert first.startswith("srfacts ")
    assert str(target) in second and "bundled, schema 1, sha256 " in second
    listed = srfacts("industries", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "photovoltaic-new-energy" in listed.stdout


def test_version_names_the_knowledge_file_its_schema_and_hash(run) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    from tests.conftest import SAMPLE

    lines = run("--version").stdout.splitlines()
    digest = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()[:12]
    assert lines[1] == f"knowledge file: {SAMPLE} (schema 1, sha256 {digest})"
    bundled = run("--version", data=None).stdout.splitlines()[1]
    assert f"sha256 {hashlib.sha256(DATA.read_bytes()).hexdigest()[:12]}" in bundled and "bundled" in bundled
    missing = run("--version", data="no-such-file.yaml")
    assert missing.exit_code == 0 and "cannot read it" in missing.stdout
