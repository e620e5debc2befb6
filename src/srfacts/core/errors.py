"""Problem codes and the project's exceptions: what went wrong, in the core's terms.

The core raises; the command line's boundary (``srfacts.cli.boundary``) chooses the wording
it shows and the exit status. Nothing here knows of commands, options or exit codes.
"""

from collections.abc import Sequence

from srfacts.core.tuples import NamedTuple

# Stable problem codes: `file:line: CODE message`. The README's table is tested against this.
CODES: dict[str, str] = {
    # reading the file and its YAML
    "SR001": "file not found",
    "SR002": "not a regular file (a directory, a device ...)",
    "SR003": "not valid UTF-8",
    "SR004": "file larger than the size cap (SRFACTS_MAX_BYTES)",
    "SR005": "YAML syntax error",
    "SR006": "duplicate mapping key",
    "SR007": "anchor or alias (refused: the knowledge file needs none)",
    "SR008": "explicit YAML tag (refused: only plain data is read)",
    "SR009": "nesting deeper than the depth cap (SRFACTS_MAX_DEPTH)",
    "SR010": "empty file or several YAML documents",
    "SR011": "top level is not a mapping",
    # the knowledge model
    "SR101": "missing or unsupported schema_version",
    "SR102": "unknown key or field",
    "SR103": "required field missing",
    "SR104": "wrong type",
    "SR105": "id not kebab-case ASCII",
    "SR106": "duplicate id",
    "SR107": "reference to an unknown id",
    "SR108": "unit not in the unit table",
    "SR109": "qualifier not in the vocabulary",
    "SR110": "value not in the allowed set (tier, status, kind ...)",
    "SR111": "derived figure cannot be computed",
    "SR112": "synonym term occurs in no record",
    "SR113": "search term in more than one synonym group",
    "SR114": "English field does not use the glossary's English for a Chinese term",
    "SR115": "glossary term listed twice",
    # checks against the source text (validate --source)
    "SR201": "source text not found",
    "SR202": "source text does not match its sha256",
    "SR203": "quote does not occur verbatim in the source",
    "SR204": "metric quote does not contain its value as written",
    "SR205": "qualifier disagrees with the wording of the quote",
    "SR206": "number in the source captured by no record and not allow-listed",
    "SR207": "allow-list context does not occur in the source",
    "SR208": "period year not stated in the quoted sentence",
    "SR209": "author role not stated before the author's name in the source",
}


def clip(text: str, limit: int = 80) -> str:
    """User text quoted in a message, cut to ``limit`` characters (with how long it was)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


class Problem(NamedTuple):
    """One finding about a knowledge file, located as precisely as is known."""

    code: str
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    record_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        subject = ""
        if self.record_id:
            subject = f"{self.record_id}"
            if self.field:
                subject += f".{self.field}"
            subject += ": "
        return f"{where}: {self.code} {subject}{self.message}"

    def to_dict(self) -> dict[str, object]:
        """The problem as a JSON-ready mapping."""
        return {
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "record_id": self.record_id,
            "field": self.field,
        }


class SrfactsError(Exception):
    """Base of the project's own errors."""


class KnowledgeFileError(SrfactsError):
    """The knowledge file cannot be read or is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class UnknownNameError(SrfactsError, LookupError):
    """A name that names nothing of its kind (an industry ...); carries the close names known."""

    def __init__(self, kind: str, name: str, candidates: Sequence[str] = ()) -> None:
        super().__init__(f"unknown {kind} '{clip(name)}'")
        self.kind = kind
        self.name = name
        self.candidates = tuple(candidates)


class InvalidValueError(SrfactsError, ValueError):
    """A value outside the set a function accepts (an unknown field name ...); the message lists the set."""
