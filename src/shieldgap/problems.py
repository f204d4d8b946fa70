"""Problems found in the ledger: one :class:`Issue` names the file, row and column; :class:`LedgerError`
carries them all, root causes first (a file that could not be read, then how many problems follow from it)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    file: str
    message: str
    row: str | None = None
    column: str | None = None
    cause: str | None = None  # the broken file this problem follows from, if any

    def __str__(self) -> str:
        where = self.file
        if self.row:
            where += f": {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


def summary_lines(issues: list[Issue]) -> list[str]:
    """One line per problem, root causes first: a broken file, then "and N problems that follow from it"
    instead of every problem that only exists because that file could not be read."""
    follow = Counter(i.cause for i in issues if i.cause)
    roots = sorted((i for i in issues if not i.cause), key=lambda i: i.row is not None)  # stable: files first
    lines = []
    for issue in roots:
        lines.append(str(issue))
        n = follow.pop(issue.file, 0) if issue.row is None else 0
        if n:
            lines.append(f"{issue.file}: and {n} problem{'s' if n > 1 else ''} that follow{'' if n > 1 else 's'} "
                         "from it (fix this file first)")
    lines += [str(i) for i in issues if i.cause in follow]
    return lines


class LedgerError(Exception):
    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(summary_lines(issues)))

    def lines(self) -> list[str]:
        return summary_lines(self.issues)
