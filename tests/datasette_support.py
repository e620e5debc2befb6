"""A Datasette server for the tests: started on a free loopback port, killed at the latest after a while."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SERVER_LIFETIME = 120  # seconds: the server is killed then whatever happens to the test
START_TIMEOUT = 30  # seconds it may take to answer


def get_json(url: str) -> Any:
    """The JSON at ``url`` (loopback only, never through a proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as response:
        return json.loads(response.read().decode("utf-8"))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def datasette_serving(database: Path, *options: str) -> Iterator[str]:
    """``datasette serve database *options`` on 127.0.0.1 (from the database's folder), its base URL
    once it answers; stopped afterwards, and killed after ``SERVER_LIFETIME`` seconds at the latest.
    Skips the test when Datasette is not installed."""
    if importlib.util.find_spec("datasette") is None:
        pytest.skip("datasette is not installed (it is in the test extras: pip install '.[test]')")
    port = _free_port()
    command = [sys.executable, "-m", "datasette", "serve", str(database), *options]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=database.parent,
    )
    watchdog = threading.Timer(SERVER_LIFETIME, server.kill)
    watchdog.daemon = True
    watchdog.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                get_json(f"{base}/-/versions.json")
                break
            except OSError:
                if server.poll() is not None:
                    stderr = server.stderr.read().decode("utf-8", "replace") if server.stderr else ""
                    pytest.fail(f"datasette exited with {server.returncode}: {stderr[-2000:]}")
                if time.monotonic() > deadline:
                    pytest.fail(f"datasette did not answer within {START_TIMEOUT} seconds")
                time.sleep(0.2)
        yield base
    finally:
        watchdog.cancel()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()
