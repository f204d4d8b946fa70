"""Reading one input for ``shieldgap add``: bytes to text (UTF-8, or a detected encoding with a warning),
binary files refused, HTML reduced to its main text with trafilatura, Markdown split from its own front
matter (parsed by the file layer's safe YAML). Raises :class:`ExtractError` with a message naming the file."""
from __future__ import annotations

from . import files


class ExtractError(Exception):
    """An input that is not article text; the message names the file and why."""


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head.translate(None, _NON_CONTROL_BYTES))  # the control bytes that remain
    return controls / len(head) > 0.05


def decode(raw: bytes, name: str) -> tuple[str, list[str]]:
    """Text of ``raw`` and any warnings; raises ExtractError for binary or undecodable input."""
    if not raw.strip():
        raise ExtractError(f"{name}: the file is empty")
    if looks_binary(raw):
        raise ExtractError(f"{name}: looks like a binary file (NUL or control bytes), not text; "
                          "convert it to .txt, .md or .html first")
    try:
        text = raw.decode("utf-8-sig")
        return text, []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise ExtractError(f"{name}: not valid UTF-8 (byte 0x{raw[first_bad]:02x} at offset {first_bad}) and no "
                          "other text encoding fits; save it as UTF-8")
    text = str(best)
    if looks_binary(text.encode("utf-8", "replace")) or "\ufffd" in text:
        raise ExtractError(f"{name}: not decodable as text (best guess {best.encoding} yields garbage); "
                           "save it as UTF-8")
    return text, [f"{name}: not UTF-8; decoded as {best.encoding} (check accented letters and quotes in the body)"]


def html_extract(html: str, name: str) -> tuple[str, dict]:
    """Main text of an HTML page (navigation, scripts, styles, footers dropped) and its metadata."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False,
                                      include_images=False, include_links=False)
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(text.split()) < 8:  # a menu or a cookie banner is not an article
        raise ExtractError(f"{name}: no article text found in the HTML page (only navigation, scripts or markup)")
    meta = {}
    for key in ("title", "date", "sitename", "url", "author"):
        value = getattr(doc, key, None)
        if isinstance(value, str) and value.strip():
            meta[key] = value.strip()
    return text + "\n", meta


def markdown_front_matter(text: str, name: str) -> tuple[dict, str]:
    """A Markdown input's own front matter (title, date, url...) and the rest of the text."""
    parts = files.split_front_matter(text)
    if parts is None:
        return {}, text
    try:
        meta = files.load_yaml(parts[0], name, "front matter")
    except files.FileProblem as exc:
        raise ExtractError(str(exc)) from None
    if isinstance(meta, dict):
        return {str(k): v for k, v in meta.items()}, parts[1]
    return {}, text
