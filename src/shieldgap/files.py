"""The file layer: every read of a ledger file, article or derived cache goes through here.

A data folder is something people hand each other, so everything read from it is untrusted: files
are read only if they are regular files within a size bound; text must be UTF-8 (a byte-order mark
is dropped) without NUL bytes; YAML is parsed safely with no anchors or aliases (no alias bombs),
no duplicate keys (a second ``geography:`` would silently replace the first), no Python tags, and
dates kept as text (so an impossible date is a validation message, not a crash). Article files are
YAML front matter plus a body kept byte for byte, and are written by dumping YAML, never by editing
it with regular expressions. Derived caches are hints keyed by a file's size, modification time,
change time and inode, so a cache planted by someone else, or copied with the data, never matches.
Problems raise :class:`FileProblem`, whose message names the file first.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

#: Size bounds, in bytes, for what shieldgap reads.
MAX_TABLE_BYTES = 32 * 2**20  # a CSV or YAML table of the ledger
MAX_ARTICLE_BYTES = 4 * 2**20  # one article file (front matter + body)
MAX_DERIVED_BYTES = 256 * 2**20  # one derived cache or model file
MAX_YAML_NODES = 200_000  # nodes in one YAML document
MAX_YAML_DEPTH = 40  # nesting of one YAML document


class FileProblem(Exception):
    """A file that cannot be used; ``str()`` is one line that names the file first."""

    def __init__(self, where: str, message: str):
        self.where = str(where)
        self.message = message
        super().__init__(f"{self.where}: {message}")


def human_size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 2**10:.0f} KiB" if n >= 2**10 else f"{n} bytes"


# ----------------------------------------------------------------------------- bytes and text
def read_bytes(path: Path, limit: int, where: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (no FIFO, device or directory)."""
    where = where or str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileProblem(where, "file is missing") from None
    except OSError as exc:
        raise FileProblem(where, f"cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode) \
            else "a device or socket"
        raise FileProblem(where, f"is {kind}, not a regular file")
    if st.st_size > limit:
        raise FileProblem(where, f"is {human_size(st.st_size)}; the limit is {human_size(limit)}")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise FileProblem(where, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > limit:
        raise FileProblem(where, f"is larger than the limit of {human_size(limit)}")
    return raw


def decode(raw: bytes, where: str) -> str:
    """UTF-8 text of ``raw`` (a leading byte-order mark dropped); NUL bytes are refused."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(where, f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} "
                                 "(save the file as UTF-8)") from None
    nul = text.find("\x00")
    if nul != -1:
        line = text.count("\n", 0, nul) + 1
        raise FileProblem(where, f"contains a NUL byte (line {line}); a text file has none")
    return text


def read_text(path: Path, limit: int = MAX_TABLE_BYTES, where: str | None = None) -> str:
    return decode(read_bytes(path, limit, where), where or str(path))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


body_hash = sha256_text  # the SHA-256 recorded in an article's body_sha256


# ----------------------------------------------------------------------------- YAML
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as text (validation checks them, with a message, not a crash)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _one_line(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    context = getattr(exc, "context", None)
    text = f"{context}: {problem}" if context and problem else problem
    return " ".join(str(text).split()) + where


def _check_nodes(root: yaml.Node) -> None:
    """Refuse anchors/aliases (a shared node), duplicate keys, merge keys and runaway size or depth."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            mark = node.start_mark
            raise yaml.YAMLError(f"uses a YAML anchor/alias (line {mark.line + 1}); write the value out instead")
        seen.add(id(node))
        if len(seen) > MAX_YAML_NODES:
            raise yaml.YAMLError(f"has more than {MAX_YAML_NODES} YAML nodes")
        if depth > MAX_YAML_DEPTH:
            raise yaml.YAMLError(f"is nested more than {MAX_YAML_DEPTH} levels deep")
        if isinstance(node, yaml.MappingNode):
            keys: dict = {}
            for key, value in node.value:
                if key.tag == "tag:yaml.org,2002:merge":
                    raise yaml.YAMLError(f"uses a YAML merge key '<<' (line {key.start_mark.line + 1})")
                if isinstance(key, yaml.ScalarNode):
                    if key.value in keys:
                        raise yaml.YAMLError(f"duplicate key '{key.value}' (lines {keys[key.value]} and "
                                             f"{key.start_mark.line + 1}); the second would silently replace "
                                             "the first")
                    keys[key.value] = key.start_mark.line + 1
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def load_yaml(text: str, where: str, what: str = "YAML", loader_class=None):
    """The safely parsed YAML document in ``text``; raises FileProblem naming ``where``."""
    loader = (loader_class or _Loader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise FileProblem(where, f"{what} is not valid: {_one_line(exc)}") from None
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. an unhashable mapping key
        raise FileProblem(where, f"{what} is not valid: {exc}") from None
    finally:
        loader.dispose()


def read_yaml(path: Path, where: str | None = None, limit: int = MAX_TABLE_BYTES):
    where = where or str(path)
    return load_yaml(read_text(path, limit, where), where)


_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_yaml(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


# ----------------------------------------------------------------------------- articles
@dataclass
class ArticleText:
    """One article file: its front matter fields and its body, byte for byte."""

    meta: dict
    body: str

    @property
    def body_sha256(self) -> str:
        return body_hash(self.body)

    def render(self) -> str:
        return join_front_matter(self.meta, self.body)


def split_front_matter(text: str) -> tuple[str, str] | None:
    """(front matter YAML, body) of an article file, or None when it has no front matter."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    if end == -1:
        return None
    return text[4:end + 1], text[end + 5:]


def join_front_matter(meta: dict, body: str) -> str:
    return f"---\n{dump_yaml(meta)}---\n{body}"


def parse_article(text: str, where: str) -> ArticleText:
    parts = split_front_matter(text)
    if parts is None:
        raise FileProblem(where, "no YAML front matter (the file must start with '---' and a closing '---' line)")
    meta = load_yaml(parts[0], where, "front matter")
    if not isinstance(meta, dict):
        raise FileProblem(where, "front matter is not a mapping of fields")
    return ArticleText({str(k): v for k, v in meta.items()}, parts[1])


def read_article(path: Path, where: str | None = None) -> ArticleText:
    where = where or str(path)
    return parse_article(read_text(path, MAX_ARTICLE_BYTES, where), where)


def with_front_matter(text: str, where: str, **updates) -> str:
    """The article ``text`` with front matter fields set to ``updates``; the body is kept byte for byte."""
    art = parse_article(text, where)
    art.meta.update(updates)
    return art.render()


# ----------------------------------------------------------------------------- CSV
def parse_csv(text: str) -> tuple[list[str], list[dict]]:
    """(header, rows) of CSV text; every value a string."""
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def read_csv_rows(path: Path, where: str | None = None, limit: int = MAX_TABLE_BYTES) -> list[dict]:
    """Rows of a CSV file ([] when it does not exist)."""
    if not Path(path).exists():
        return []
    return parse_csv(read_text(path, limit, where))[1]


def csv_text(header: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


# ----------------------------------------------------------------------------- derived caches
def file_key(st: os.stat_result) -> list[int]:
    """What identifies an unchanged file: size, modification and change time, inode. The change time
    cannot be set by a user, and a copied or unpacked data folder gets new ones, so a cache that came
    with the data never matches."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def read_json_cache(path: Path) -> dict | None:
    """A derived JSON file as a dict, or None when missing, oversized, corrupt or not an object."""
    try:
        data = json.loads(read_text(path, MAX_DERIVED_BYTES))
    except (FileProblem, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


class StatCache:
    """Per-file records of a derived cache, valid while the file's :func:`file_key` is unchanged.

    A record is a hint: a wrong or planted one can at worst cost a recomputation, because it is used
    only for a file whose key (including the change time and inode) is exactly the one recorded.
    """

    def __init__(self, path: Path, version: str):
        self.path = Path(path)
        self.version = version
        data = read_json_cache(self.path) or {}
        files = data.get("files") if data.get("version") == version else None
        files = files if isinstance(files, dict) else {}  # a wrongly typed cache is an empty one
        self.files: dict[str, dict] = {k: v for k, v in files.items()
                                       if isinstance(k, str) and isinstance(v, dict) and isinstance(v.get("key"), list)}
        self.extra: dict = {k: v for k, v in data.items() if k not in ("version", "files")} \
            if data.get("version") == version else {}

    def lookup(self, name: str, st: os.stat_result) -> dict | None:
        rec = self.files.get(name)
        return rec if rec is not None and rec.get("key") == file_key(st) else None

    def store(self, name: str, st: os.stat_result, **record) -> dict:
        rec = {"key": file_key(st), **record}
        self.files[name] = rec
        return rec

    def keep_only(self, names) -> None:
        names = set(names)
        self.files = {k: v for k, v in self.files.items() if k in names}

    def save(self) -> None:
        from .io_utils import atomic_write_bytes

        data = {"version": self.version, **self.extra, "files": self.files}
        try:
            atomic_write_bytes(self.path, json.dumps(data, separators=(",", ":")).encode(), fsync=False)
        except OSError:
            pass  # a cache that cannot be written costs time, never correctness
