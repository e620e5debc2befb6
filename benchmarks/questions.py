"""How well search answers natural questions: srfacts against the plain BM25 baseline, per language.

The questions (tests/natural_questions.yaml) were written from the source article as readers ask
them; each lists the record ids that answer it. A question is found at k when one of them is among
the first k hits; a zero-hit question gets no hit at all. srfacts is measured through its public
API (``srfacts.load(path).search(q, limit=5)``), or with ``--cli`` through ``srfacts search Q --json
--limit 5`` in a subprocess (slower; it also lists the questions the CLI ranks differently from the
API). Prints a table; asserts nothing.

    python benchmarks/questions.py                      # the bundled knowledge file
    python benchmarks/questions.py --data data/facts.yaml --misses
    python benchmarks/questions.py --cli
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUESTIONS = ROOT / "tests" / "natural_questions.yaml"
LANGS = ("zh", "zh-hant", "pinyin", "en", "mixed")
ALL = "all"
LIMIT = 5

Search = Callable[[str], list[str]]


class Question(NamedTuple):
    """One natural question: its text, language, the ids that answer it (best first) and tags."""

    q: str
    lang: str
    answers: tuple[str, ...]
    tags: tuple[str, ...] = ()

    @property
    def pending(self) -> bool:
        """Whether its best answer is a record still being added to the knowledge file."""
        return "pending" in self.tags


@dataclass
class Counts:
    """How many questions of a group were answered at rank 1, within 3, within 5, or got no hit."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    top5: int = 0
    zero: int = 0
    missed: list[str] = field(default_factory=list)  # questions with no answer in the top 5

    def add(self, question: Question, ids: Sequence[str]) -> None:
        """Count one question with the ids search returned for it."""
        ranks = [i for i, found in enumerate(ids[:LIMIT]) if found in question.answers]
        first = ranks[0] if ranks else None
        self.total += 1
        self.top1 += first is not None and first < 1
        self.top3 += first is not None and first < 3
        self.top5 += first is not None
        self.zero += not ids
        if first is None:
            self.missed.append(question.q)

    def rate(self, name: str) -> float:
        """A count as a share of the questions (0.0 for none)."""
        value: int = getattr(self, name)
        return value / self.total if self.total else 0.0


def load_questions(path: str | os.PathLike[str] = QUESTIONS) -> list[Question]:
    """The question file as questions, in file order (no checks: tests/test_natural_questions.py has them)."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        entries: list[dict[str, Any]] = yaml.safe_load(handle)
    return [Question(str(e["q"]), str(e["lang"]), tuple(e["answers"]), tuple(e.get("tags") or ())) for e in entries]


def evaluate(questions: Iterable[Question], search: Search) -> dict[str, Counts]:
    """Counts per language and overall (key ``all``) of running ``search`` on every question."""
    out: dict[str, Counts] = {}
    for question in questions:
        ids = search(question.q)
        for key in (question.lang, ALL):
            out.setdefault(key, Counts()).add(question, ids)
    return out


def srfacts_search(data: str | os.PathLike[str] | None = None) -> Search:
    """srfacts through its public API: ids of the first five hits."""
    import srfacts

    kb = srfacts.load(data)

    def search(query: str) -> list[str]:
        return [hit.record.id for hit in kb.search(query, limit=LIMIT)]

    return search


def baseline_search(data: str | os.PathLike[str] | None = None) -> Search:
    """The BM25 bigram baseline over the same knowledge file."""
    import srfacts

    sys.path.insert(0, str(HERE))
    from baseline import Baseline

    engine = Baseline(srfacts.load(data).all_records())
    return lambda query: engine.search(query, limit=LIMIT)


def _command() -> list[str]:
    beside = Path(sys.executable).parent / "srfacts"
    found = str(beside) if beside.is_file() else shutil.which("srfacts")
    return [found] if found else [sys.executable, "-m", "srfacts"]


def cli_search(questions: Iterable[Question], data: str | os.PathLike[str] | None = None, jobs: int = 8) -> Search:
    """srfacts through ``srfacts search Q --json --limit 5``, every question run up front in parallel."""
    prefix = [*_command(), *(["--data", str(data)] if data is not None else [])]

    def run(query: str) -> list[str]:
        args = [*prefix, "search", "--json", "--limit", str(LIMIT), "--", query]
        done = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", check=False)
        try:
            hits: list[dict[str, Any]] = json.loads(done.stdout)
        except json.JSONDecodeError as error:
            raise RuntimeError(f"srfacts search {query!r} exited {done.returncode}: {done.stderr.strip()}") from error
        return [str(hit["id"]) for hit in hits]

    queries = list(dict.fromkeys(q.q for q in questions))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        answers = dict(zip(queries, pool.map(run, queries), strict=True))
    return lambda query: answers[query] if query in answers else run(query)


def _cell(counts: Counts | None, name: str) -> str:
    if counts is None or not counts.total:
        return "-"
    return f"{getattr(counts, name)} {100 * counts.rate(name):5.1f}%"


def format_report(results: Mapping[str, Mapping[str, Counts]], title: str = "Natural questions") -> str:
    """A table of each engine's top-1, top-3, top-5 and zero-hit counts side by side, per language and overall."""
    engines = list(results)
    known = (*LANGS, *sorted({k for r in results.values() for k in r} - {*LANGS, ALL}))
    langs = [lang for lang in known if any(lang in r for r in results.values())] + [ALL]
    columns = ("top1", "top3", "top5", "zero")
    width = 11
    head = f"{'lang':<8}{'n':>5}  " + "  ".join(f"{engine:^{len(columns) * (width + 1) - 1}}" for engine in engines)
    sub = f"{'':<8}{'':>5}  " + "  ".join(" ".join(f"{c:>{width}}" for c in columns) for _ in engines)
    lines = [title, head, sub, "-" * len(sub)]
    for lang in langs:
        total = next((r[lang].total for r in results.values() if lang in r), 0)
        cells = "  ".join(" ".join(f"{_cell(results[e].get(lang), c):>{width}}" for c in columns) for e in engines)
        if lang == ALL:
            lines.append("-" * len(sub))
        lines.append(f"{lang:<8}{total:>5}  {cells}")
    return "\n".join(lines)


def format_misses(results: Mapping[str, Mapping[str, Counts]]) -> str:
    """The questions each engine leaves out of its top 5, per language."""
    lines: list[str] = []
    for engine, counts in results.items():
        for lang in (*LANGS, *sorted(set(counts) - {*LANGS, ALL})):
            if lang in counts and counts[lang].missed:
                lines.append(f"{engine} misses ({lang}, {len(counts[lang].missed)}):")
                lines.extend(f"  {q}" for q in counts[lang].missed)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", help="knowledge file (default: SRFACTS_DATA, else the bundled file)")
    parser.add_argument("--questions", default=str(QUESTIONS), help="question file (default: %(default)s)")
    parser.add_argument("--cli", action="store_true", help="measure srfacts through `srfacts search` subprocesses")
    parser.add_argument("--jobs", type=int, default=8, help="parallel subprocesses with --cli (default: 8)")
    parser.add_argument("--misses", action="store_true", help="also list the questions each engine misses")
    args = parser.parse_args(argv)

    questions = load_questions(args.questions)
    results: dict[str, dict[str, Counts]] = {}
    api = srfacts_search(args.data)
    if args.cli:
        cli = cli_search(questions, args.data, args.jobs)
        results["srfacts (cli)"] = evaluate(questions, cli)
        results["srfacts (api)"] = evaluate(questions, api)
    else:
        results["srfacts"] = evaluate(questions, api)
    results["baseline"] = evaluate(questions, baseline_search(args.data))

    print(format_report(results, f"Natural questions ({len(questions)}): found in the top 1 / 3 / 5, and zero hits"))
    if args.cli:
        differ = [q.q for q in questions if cli(q.q) != api(q.q)]
        print(f"\nCLI and API rank differently for {len(differ)} of {len(questions)} questions")
        for text in differ:
            print(f"  {text}: cli {cli(text)} api {api(text)}")
    if args.misses:
        print()
        print(format_misses(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
