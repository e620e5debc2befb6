"""End to end, as a new user would: pipx installs the built wheel into an environment of its own (its
dependencies from PyPI), the ``srfacts`` it puts on the bin folder runs from an unrelated empty folder
and finds its bundled knowledge file, and ``pipx uninstall`` takes it away again.

Every folder pipx, pip and srfacts write to (``PIPX_HOME``, ``PIPX_BIN_DIR``, ``PIPX_MAN_DIR``, ``HOME``,
the XDG folders, ``TMPDIR``) lies inside the test's ``tmp_path``, so it passes as root on a fresh machine
and leaves nothing behind. Where ``pipx`` is not importable here, it is installed from PyPI into a venv
of the test's own."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from srfacts.cli.app import app
from srfacts.core.version import __version__
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # builds a wheel, installs pipx and the package with pip, runs the command

DATA = ROOT / "data" / "facts.yaml"
INSTALL_TIMEOUT = 1200  # pip resolves and downloads the dependencies on a small machine
RUN_TIMEOUT = 120


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built as a release is: ``pip wheel`` with build isolation, so the build requirements
    (``[build-system] requires``) come from PyPI, whatever this interpreter has installed."""
    out = tmp_path_factory.mktemp("pipx-wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (built,) = out.glob("srfacts-*.whl")
    assert built.name.startswith(f"srfacts-{__version__}-")
    return built


def _run(
    command: Sequence[str | Path], env: dict[str, str], timeout: float, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command, failing the test with its output if it exits non-zero."""
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, f"{command} exited {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def _isolated_env(tmp_path: Path) -> dict[str, str]:
    """This environment, with every folder pipx, pip and srfacts might write to moved inside ``tmp_path``."""
    dropped = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "SRFACTS_DATA", "PIP_USER", "PIP_REQUIRE_VIRTUALENV")
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("PIPX_")}
    folders = {
        "HOME": "home",
        "TMPDIR": "tmp",
        "XDG_CACHE_HOME": "xdg/cache",
        "XDG_CONFIG_HOME": "xdg/config",
        "XDG_DATA_HOME": "xdg/data",
        "XDG_STATE_HOME": "xdg/state",
        "PIPX_HOME": "pipx/home",
        "PIPX_BIN_DIR": "pipx/bin",
        "PIPX_MAN_DIR": "pipx/man",
    }
    for name, relative in folders.items():
        folder = tmp_path / relative
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    return env


def _pipx(tmp_path: Path, env: dict[str, str]) -> list[str]:
    """``python -m pipx`` with this interpreter if it has pipx, else with a venv that gets it from PyPI."""
    if importlib.util.find_spec("pipx") is not None:
        return [sys.executable, "-m", "pipx"]
    venv = tmp_path / "pipx-venv"
    _run([sys.executable, "-m", "venv", venv], env, timeout=300)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run([python, "-m", "pip", "install", "--quiet", "pipx"], env, timeout=INSTALL_TIMEOUT)
    return [str(python), "-m", "pipx"]


def _inside(path: str | Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def test_pipx_installs_the_wheel_and_the_command_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    """pipx install, then srfacts --version / industries --json / search from an empty folder, then uninstall."""
    env = _isolated_env(tmp_path)
    pipx = _pipx(tmp_path, env)
    pipx_home, bin_dir = Path(env["PIPX_HOME"]), Path(env["PIPX_BIN_DIR"])

    # pipx itself agrees that everything it will write lies inside the test's folder
    for name in ("PIPX_HOME", "PIPX_BIN_DIR", "PIPX_MAN_DIR", "PIPX_SHARED_LIBS", "PIPX_LOCAL_VENVS"):
        value = _run([*pipx, "environment", "--value", name], env, timeout=RUN_TIMEOUT).stdout.strip()
        assert value and _inside(value, tmp_path), f"pipx's {name} is {value!r}, outside {tmp_path}"

    installed = _run([*pipx, "install", "--python", sys.executable, wheel], env, timeout=INSTALL_TIMEOUT)
    assert "srfacts" in installed.stdout + installed.stderr
    command = bin_dir / ("srfacts.exe" if os.name == "nt" else "srfacts")
    assert command.is_file() and os.access(command, os.X_OK), sorted(p.name for p in bin_dir.iterdir())
    venv = pipx_home / "venvs" / "srfacts"
    assert venv.is_dir()

    listed = json.loads(_run([*pipx, "list", "--json"], env, timeout=RUN_TIMEOUT).stdout)
    assert set(listed["venvs"]) == {"srfacts"}
    assert listed["venvs"]["srfacts"]["metadata"]["main_package"]["package_version"] == __version__
    assert not (Path(env["HOME"]) / ".local" / "bin" / "srfacts").exists()  # not in the default bin folder

    # a new user's shell: an empty folder that is not the checkout, the bin folder first on PATH
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    user_env = {**env, "PATH": os.pathsep.join([str(bin_dir), env.get("PATH", "")])}

    version = _run([command, "--version"], user_env, timeout=RUN_TIMEOUT, cwd=elsewhere)
    first, second = version.stdout.splitlines()
    assert first == f"srfacts {__version__}"
    prefix = "knowledge file: "
    assert second.startswith(prefix), second
    path, _, details = second.removeprefix(prefix).rpartition(" (")
    digest = hashlib.sha256(DATA.read_bytes()).hexdigest()[:12]
    assert details == f"bundled, schema 1, sha256 {digest})", second
    assert _inside(path, venv), f"{path} is not inside pipx's venv {venv}"
    assert not _inside(path, ROOT)
    assert Path(path).read_bytes() == DATA.read_bytes()

    industries = json.loads(
        _run([command, "industries", "--json"], user_env, timeout=RUN_TIMEOUT, cwd=elsewhere).stdout
    )
    assert isinstance(industries, list) and len(industries) >= 2
    ids = [record["id"] for record in industries]
    assert len(ids) == len(set(ids))
    assert {"photovoltaic-new-energy", "nonferrous-metals"} <= set(ids)
    assert {record["type"] for record in industries} == {"industry"}
    in_process = CliRunner().invoke(app, ["industries", "--json"])  # the checkout's own answer, same data
    assert in_process.exit_code == 0, in_process.output
    assert industries == json.loads(in_process.stdout)

    found = json.loads(_run([command, "search", "光伏", "--json"], user_env, timeout=RUN_TIMEOUT, cwd=elsewhere).stdout)
    assert isinstance(found, list) and found
    assert "photovoltaic-new-energy" in [record["id"] for record in found]
    assert all(record.get("id") and record.get("source") for record in found)

    assert list(elsewhere.iterdir()) == [], "srfacts wrote into the folder it was run from"

    removed = _run([*pipx, "uninstall", "srfacts"], env, timeout=RUN_TIMEOUT)
    assert "srfacts" in removed.stdout + removed.stderr
    assert not command.exists() and not command.is_symlink()
    assert not venv.exists()
    assert json.loads(_run([*pipx, "list", "--json"], env, timeout=RUN_TIMEOUT).stdout)["venvs"] == {}
