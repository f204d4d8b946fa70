"""The one validated, atomic write path for ledger files, and undo of a write.

:func:`validated_write` takes the new bytes of some data files, copies the whole data folder to a
temporary directory, puts the new bytes there and runs :func:`shieldgap.ledger.load_ledger` on the
copy; only when it validates (and the files did not change meanwhile) are the files replaced
atomically. It returns a :class:`Snapshot` with the previous bytes, which :func:`undo` writes back
(refusing when a file changed since). ``shieldgap accept``, ``shieldgap accept-relations``, the new
actor form and the workbench all write through here.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import files
from ..io_utils import atomic_write_bytes
from ..paths import DataPaths


class WriteError(Exception):
    """Nothing was written; ``messages`` are one line each, naming the file, row and field."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class Snapshot:
    """What one validated write replaced: previous and new bytes of each file (None: did not exist)."""

    before: dict[Path, bytes | None] = field(default_factory=dict)
    after: dict[Path, bytes] = field(default_factory=dict)
    description: str = ""


def current_bytes(paths: DataPaths, path: Path) -> bytes | None:
    """The bytes of a data file through the file layer (None when it does not exist)."""
    if not os.path.lexists(path):
        return None
    try:
        return files.read_bytes(path, files.MAX_TABLE_BYTES, paths.rel(path))
    except files.FileProblem as exc:
        raise WriteError([f"{exc} (run `shieldgap check`)"]) from None


def _inside(paths: DataPaths, path: Path) -> Path:
    """``path`` relative to the data folder; refuses paths outside it or through a linked folder (a link
    at the file itself is replaced by the atomic rename, never written through)."""
    data = Path(paths.data)
    rel = Path(os.path.relpath(Path(path).absolute(), data.absolute()))
    if rel.parts[:1] == ("..",) or rel.is_absolute():
        raise WriteError([f"{path}: not inside the data folder {paths.rel(data)}"])
    probe = data
    for part in rel.parts[:-1]:
        probe = probe / part
        if probe.is_symlink():
            raise WriteError([f"{paths.rel(probe)}: is a symbolic link; only regular files inside the data folder "
                              "are written"])
    return rel


def validate_copy(paths: DataPaths, changes: dict[Path, bytes], labels: dict[str, str] | None = None) -> None:
    """load_ledger on a temporary copy of the data folder with ``changes``; WriteError naming the problems."""
    from ..ledger import LedgerError, load_ledger

    labels = labels or {}
    rels = {p: _inside(paths, p) for p in changes}
    with tempfile.TemporaryDirectory(prefix="shieldgap-write-") as tmp:
        copy = Path(tmp) / "data"
        try:  # links are copied as links (never followed into a device or a FIFO)
            shutil.copytree(paths.data, copy, symlinks=True, ignore=shutil.ignore_patterns("derived", "candidates"))
        except (shutil.Error, OSError) as exc:
            first = exc.args[0][0] if isinstance(exc, shutil.Error) and exc.args and exc.args[0] else exc
            raise WriteError([f"{paths.rel(paths.data)}: could not be copied for validation ({first}); nothing "
                              "was written"]) from None
        for path, data in changes.items():
            target = copy / rels[path]
            if os.path.lexists(target):
                target.unlink()  # a link in the copy is removed, never written through
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        try:
            load_ledger(copy)
        except LedgerError as err:
            msgs = []
            for issue in err.issues:
                msg = str(issue).replace(str(copy), str(paths.data))
                origin = next((lab for rid, lab in labels.items() if issue.row and issue.row.endswith(f"({rid})")),
                              None)
                msgs.append(msg + (f" (from {origin})" if origin else ""))
            raise WriteError(msgs + [f"{len(msgs)} problem(s) with the change; nothing was written"]) from None


def validated_write(paths: DataPaths, changes: dict[Path, bytes], *, labels: dict[str, str] | None = None,
                    expected: dict[Path, bytes | None] | None = None, description: str = "") -> Snapshot:
    """Validate the whole ledger with ``changes`` on a temporary copy, then replace the files atomically.

    ``expected``: the bytes the caller built the change from; when a file no longer has them, nothing is
    written (someone else changed it meanwhile). Returns the :class:`Snapshot` for :func:`undo`.
    """
    changes = {Path(p): b for p, b in changes.items()}
    before = {p: current_bytes(paths, p) for p in changes}
    for p, old in (expected or {}).items():
        if Path(p) in before and before[Path(p)] != old:
            raise WriteError([f"{paths.rel(Path(p))} changed while the change was prepared; nothing was written, "
                              "try again"])
    changes = {p: b for p, b in changes.items() if before[p] != b}
    if not changes:
        return Snapshot({}, {}, description)
    validate_copy(paths, changes, labels)
    if any(current_bytes(paths, p) != before[p] for p in changes):
        raise WriteError([f"{', '.join(paths.rel(p) for p in changes)} changed while validating; nothing was "
                          "written, try again"])
    for p, data in changes.items():
        atomic_write_bytes(p, data)
    return Snapshot({p: before[p] for p in changes}, dict(changes), description)


def undo(paths: DataPaths, snapshot: Snapshot) -> list[Path]:
    """Write back the bytes a :func:`validated_write` replaced; refused when a file changed since."""
    changed = [p for p, data in snapshot.after.items() if current_bytes(paths, p) != data]
    if changed:
        raise WriteError([f"{paths.rel(p)} changed after the write being undone; nothing was restored"
                          for p in changed])
    for p, old in snapshot.before.items():
        if old is None:
            os.unlink(p)
        else:
            atomic_write_bytes(p, old)
    return list(snapshot.before)


def appended_csv(raw: bytes, header: list[str], rows: list[dict]) -> bytes:
    """CSV bytes with ``rows`` appended; the existing bytes (byte-order mark, line ends) kept as they are."""
    import csv
    import io

    if not rows:
        return raw
    newline = "\r\n" if b"\r\n" in raw else "\n"
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=header, lineterminator=newline, extrasaction="ignore").writerows(rows)
    sep = b"" if not raw or raw.endswith(b"\n") else newline.encode()
    return raw + sep + buf.getvalue().encode("utf-8")


def read_table(paths: DataPaths, path: Path) -> tuple[bytes, list[str], list[dict]]:
    """(raw bytes, header, rows) of a ledger CSV file through the file layer; WriteError when unreadable."""
    import csv

    where = paths.rel(path)
    try:
        raw = files.read_bytes(path, files.MAX_TABLE_BYTES, where)
        header, rows = files.parse_csv(files.decode(raw, where))
    except files.FileProblem as exc:
        raise WriteError([f"{exc} (run `shieldgap check`)"]) from None
    except csv.Error as exc:
        raise WriteError([f"{where}: not a readable CSV file: {exc} (run `shieldgap check`)"]) from None
    return raw, header, rows


def _records(text: str) -> list[tuple[int, int]]:
    """(start, end) of each CSV record of ``text``, its line end included (a quoted field may hold line ends)."""
    out, start, quoted, i, n = [], 0, False, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\n" and not quoted:
            out.append((start, i + 1))
            start = i + 1
        i += 1
    if start < n:
        out.append((start, n))
    return out


def edited_csv(raw: bytes, header: list[str], key: str, updates: dict[str, dict[str, str]], where: str = "") -> bytes:
    """CSV bytes with the fields ``updates[key value]`` set in the rows whose ``key`` column has that value;
    every other byte (other rows, their quoting, byte-order mark, line ends) kept as it is."""
    import csv
    import io

    if not updates:
        return raw
    text = raw.decode("utf-8")
    spans = _records(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    pieces, pos, seen = [], 0, set()
    for k, (s, e) in enumerate(spans):
        record = text[s:e]
        if k == 0 or not record.strip("\r\n"):
            continue  # the header; blank lines (the reader skips them too)
        values = next(csv.reader(io.StringIO(record.lstrip("\ufeff"))), [])
        row = dict(zip(header, values))
        if row.get(key) not in updates:
            continue
        row.update(updates[row[key]])
        seen.add(row[key])
        buf = io.StringIO()
        csv.writer(buf, lineterminator=newline).writerow([row.get(c, "") for c in header])
        ending = record[len(record.rstrip("\r\n")):]
        pieces += [text[pos:s], buf.getvalue().rstrip("\r\n") + ending]
        pos = e
    missing = set(updates) - seen
    if missing:
        raise WriteError([f"{where}: no row with {key} {', '.join(sorted(missing))}"])
    new = "".join(pieces) + text[pos:]
    _h, before = files.parse_csv(text.lstrip("\ufeff"))
    _h, after = files.parse_csv(new.lstrip("\ufeff"))
    expected = [{**r, **updates.get(r.get(key), {})} for r in before]
    if after != expected:  # never write something the reader would read differently
        raise WriteError([f"{where}: could not change only the rows {', '.join(sorted(updates))}; nothing was "
                          "written"])
    return new.encode("utf-8")
