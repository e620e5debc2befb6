"""Speed and memory of srfacts against the floor of its framework, measured in one run.

The floor is an empty Typer app (one command, no data) on the same interpreter and Typer.
Each command runs several times interleaved with the floor; medians are compared, of wall time
and of CPU time (user and system, from the child's rusage: other processes on a busy machine
inflate it less). Peak memory is the child's maximum resident set. Prints ratios; asserts
nothing about time. Run it on an otherwise idle machine: a test run beside it skews both. The row
"search, normal exit" shows the same search when the interpreter is torn down at exit (srfacts
skips that teardown unless something is registered to run at exit), for comparison.

    python benchmarks/run.py            # full: start-up 61 runs, scale 15 runs, 20,000 and 100,000 records
    python benchmarks/run.py --quick    # short: start-up 31 runs, scale 5 runs, and a 5,000-record file

It also runs ``benchmarks/questions.py``: the natural-question set against the BM25 bigram
baseline (``benchmarks/baseline.py``) on the same data.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


FLOOR_APP = """
import typer

app = typer.Typer()


@app.command()
def main() -> None:
    print("[]")


if __name__ == "__main__":
    app()
"""

# The srfacts command ends without tearing the interpreter down; srfacts.cli.app.main takes the normal
# exit, to show what the same search costs with it (for comparison only).
NORMAL_EXIT = "from srfacts.cli.app import main; main()"

TARGET_TIME = 1.15
TARGET_MEMORY = 1.3
TARGET_SCALE = 2.0
TARGET_COLD_SECONDS = 30
TARGET_COLD_MIB = 600


def run_and_wait(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Run a command: its wall time, its CPU time (user and system, from the child's rusage, which
    the other processes of a busy machine do not inflate) and its peak memory."""
    start = time.perf_counter()
    quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
    pid = os.posix_spawn(argv[0], argv, env, file_actions=quiet)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {code}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


Measured = tuple[float, float, float]  # median wall seconds, CPU seconds, peak memory (KiB)


def compare(commands: dict[str, list[str]], floor: list[str], env: dict[str, str], runs: int) -> dict[str, Measured]:
    """Median wall time, CPU time and peak memory of each command and the floor, interleaved run by run."""
    for argv in [floor, *commands.values()]:  # warm: disk cache, compiled srfacts cache
        run_and_wait(argv, env)
    seen: dict[str, list[tuple[float, float, int]]] = {name: [] for name in ["floor", *commands]}
    for _ in range(runs):
        for name, argv in [("floor", floor), *commands.items()]:
            seen[name].append(run_and_wait(argv, env))
    medians: dict[str, Measured] = {}
    for name, measured in seen.items():
        wall, cpu, peak = (statistics.median(run[i] for run in measured) for i in range(3))
        medians[name] = (wall, cpu, peak)
    return medians


def report(results: dict[str, Measured], base: str) -> None:
    """Each command's figures and their ratios to ``base``'s."""
    base_wall, base_cpu, base_memory = results[base]
    print(f"{'':28} {'wall ms':>8} {'ratio':>6} {'CPU ms':>8} {'ratio':>6} {'peak MiB':>9} {'ratio':>6}")
    for name, (wall, cpu, peak) in results.items():
        print(
            f"{name:28} {wall * 1000:8.1f} {wall / base_wall:6.2f} {cpu * 1000:8.1f} {cpu / base_cpu:6.2f}"
            f" {peak / 1024:9.1f} {peak / base_memory:6.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer runs and a smaller scale file")
    parser.add_argument("--records", type=int, help="records in one scale file (default 20000 and 100000, quick 5000)")
    args = parser.parse_args()
    runs = 5 if args.quick else 15
    startup_runs = 31 if args.quick else 61  # start-up differences are a few ms, noise as much: more runs
    sizes = [args.records] if args.records else [5000] if args.quick else [20_000, 100_000]
    script = Path(sys.executable).parent / "srfacts"  # the installed command, as people run it
    srfacts = [str(script)] if script.is_file() else [sys.executable, "-m", "srfacts"]
    # Byte-compile srfacts as an installed package would be (PYTHONDONTWRITEBYTECODE may be set).
    spec = importlib.util.find_spec("srfacts")
    if spec and spec.origin:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(spec.origin).parent)], check=False)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        floor_app = folder / "floor.py"
        floor_app.write_text(FLOOR_APP, encoding="utf-8")
        env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}
        env.pop("SRFACTS_DATA", None)

        print(f"== start-up against the floor (an empty Typer app), {startup_runs} interleaved runs, medians")
        results = compare(
            {
                "search 光伏 --json": [*srfacts, "search", "光伏", "--json"],
                "industries (table)": [*srfacts, "industries"],
                "search, normal exit": [sys.executable, "-c", NORMAL_EXIT, "search", "光伏", "--json"],
            },
            [sys.executable, str(floor_app)],
            env,
            startup_runs,
        )
        report(results, "floor")
        print(f"targets: time ratio <= {TARGET_TIME} (wall and CPU), memory ratio <= {TARGET_MEMORY}")

        question = "上饶规上工业企业一共有多少家？"
        miss = "xyzzyq"
        for size in sizes:
            print(f"\n== scale: a knowledge file of {size} records")
            big = folder / f"big-{size}.yaml"
            made = subprocess.run(  # in a child, so this process stays small for the memory figures
                [sys.executable, str(HERE / "generate.py"), str(size), str(big)],
                capture_output=True,
                text=True,
                check=True,
            )
            written = int(made.stdout.split()[1])
            print(f"generated {written} records, {big.stat().st_size / 1e6:.1f} MB")
            cold_env = {**env, "XDG_CACHE_HOME": str(folder / f"cold-cache-{size}")}
            cold, _, cold_peak = run_and_wait([*srfacts, "--data", str(big), "search", question, "--json"], cold_env)
            print(f"first run (compiles the cache): {cold:.2f} s, peak {cold_peak / 1024:.0f} MiB")
            print(f"targets: at most {TARGET_COLD_SECONDS} s and {TARGET_COLD_MIB} MiB")
            scale = compare(
                {
                    "question, bundled file": [*srfacts, "search", question, "--json"],
                    f"question, {written} records": [*srfacts, "--data", str(big), "search", question, "--json"],
                    f"miss, {written} records": [*srfacts, "--data", str(big), "search", miss, "--json"],
                    f"光伏, {written} records": [*srfacts, "--data", str(big), "search", "光伏", "--json"],
                },
                [sys.executable, str(floor_app)],
                cold_env,
                max(3, runs // 3),
            )
            report(scale, "question, bundled file")
            print(f"targets: a warm question or miss on the large file <= {TARGET_SCALE}x the bundled file")

    print("\n== natural questions: srfacts against a plain BM25 bigram baseline, same data, same run")
    subprocess.run([sys.executable, str(HERE / "questions.py")], check=True)


if __name__ == "__main__":
    main()
