"""Reading raw plan files safely and decoding them without guessing wrong.

:func:`read_raw` opens only regular files: a folder, a named pipe (FIFO, never
opened), a socket, a device, an unreadable file, a dangling or looping symbolic
link and a file over :data:`MAX_RAW_BYTES` are each a one-line
:class:`CorpusError` naming the file.

:func:`decode_bytes` decides the encoding in this order:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32) decides;
2. valid UTF-8 is taken as UTF-8 (whatever its characters: ``&nbsp;`` padding,
   Cyrillic, emoji, CJK Extension B);
3. BOM-less UTF-16 is recognised by its NUL bytes;
4. otherwise charset-normalizer ranks the legacy encodings; a Chinese encoding
   (GB18030/GBK/GB2312, Big5, HZ) is taken only when its decoding is clean
   (low "chaos") and reads as Chinese; Shift-JIS, EUC-JP, EUC-KR and other
   non-Chinese encodings are refused with the encoding named.

Error positions are byte offsets in the file (a BOM counts) and 1-based lines.
"""
from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

#: Largest raw file read (bytes). A plan is 10–200 KB; a bigger file is almost surely not a plan.
MAX_RAW_BYTES = 16 * 1024 * 1024

#: Encodings a raw file may be in (what errors name as supported).
SUPPORTED_ENCODINGS = "UTF-8 (with or without BOM), UTF-16/UTF-32 with BOM, BOM-less UTF-16, GB18030/GBK/GB2312, Big5"

# charset-normalizer names of Chinese encodings we accept, and the names shown for those we refuse
_CHINESE = {"gb18030": "gb18030", "gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "hz",
            "big5": "big5", "big5hkscs": "big5hkscs", "cp950": "cp950"}
_FOREIGN_NAMES = {"cp932": "Shift-JIS (Japanese)", "shift_jis": "Shift-JIS (Japanese)",
                  "shift_jis_2004": "Shift-JIS (Japanese)", "shift_jisx0213": "Shift-JIS (Japanese)",
                  "euc_jp": "EUC-JP (Japanese)", "euc_jis_2004": "EUC-JP (Japanese)",
                  "euc_jisx0213": "EUC-JP (Japanese)", "iso2022_jp": "ISO-2022-JP (Japanese)",
                  "cp949": "EUC-KR (Korean)", "euc_kr": "EUC-KR (Korean)", "johab": "Johab (Korean)",
                  "iso2022_kr": "ISO-2022-KR (Korean)"}


#: Line breaks (str.splitlines' set) shown escaped, so an error is always one line even when it
#: quotes a value from the file (a manifest doc_id with a line break in it).
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _one_line(message: str) -> str:
    return _LINE_BREAK.sub(lambda m: ascii(m.group())[1:-1], message)


class CorpusError(ValueError):
    """A problem with one input file, reported as ``file:line: reason`` on one line."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None, column: str | None = None):
        self.path, self.reason, self.line, self.column = str(path), reason, line, column
        where = self.path if line is None else f"{self.path}:{line}"
        if column:
            where += f" (column {column})"
        super().__init__(_one_line(f"{where}: {reason}"))


@dataclass(frozen=True)
class RawText:
    """A decoded raw file."""

    path: Path
    text: str
    encoding: str


# --------------------------------------------------------------------------
# reading bytes


def _kind(mode: int) -> str | None:
    """Why a file of this mode is not read (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a plan file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file; not opened"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    return "is not a regular file"


def file_problem(path: Path | str) -> str | None:
    """Why ``path`` cannot be read as a plan file, or None (never opens it)."""
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if path.is_symlink():
            return f"dangling symbolic link (to {os.readlink(path)})"
        if exc.errno == errno.ENOENT:
            return "file not found"
        return f"cannot read file: {exc.strerror or exc}"
    why = _kind(st.st_mode)
    if why:
        return why
    if st.st_size > MAX_RAW_BYTES:
        return f"file is {st.st_size:,} bytes, over the {MAX_RAW_BYTES:,}-byte limit (policylens.rawfile.MAX_RAW_BYTES)"
    return None


def read_bytes(path: Path | str, limit: int = MAX_RAW_BYTES) -> bytes:
    """The bytes of a regular file, or :class:`CorpusError` for any other kind of file."""
    path = Path(path)
    why = file_problem(path)
    if why:
        raise CorpusError(path, "cannot read file: " + why if why.startswith("file not") else why)
    try:  # O_NONBLOCK: a FIFO swapped in after the check still cannot hang the open
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        reason = "permission denied (file is not readable)" if exc.errno == errno.EACCES else exc.strerror or str(exc)
        raise CorpusError(path, f"cannot read file: {reason}") from exc
    try:
        why = _kind(os.fstat(fd).st_mode)
        if why:
            raise CorpusError(path, why)
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise CorpusError(path, f"file is over the {limit:,}-byte limit (policylens.rawfile.MAX_RAW_BYTES)")
        return b"".join(chunks)
    except OSError as exc:
        raise CorpusError(path, f"cannot read file: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


# --------------------------------------------------------------------------
# decoding


def _line_of(data: bytes, pos: int, encoding: str = "utf-8") -> int:
    if encoding.startswith(("utf-16", "utf-32")):
        return data[:pos].decode(encoding, errors="replace").count("\n") + 1
    return data.count(b"\n", 0, pos) + 1


def _controls(text: str) -> int:
    return len(_CONTROL.findall(text))


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff]")


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    return bool(sample) and ("\x00" in sample or _controls(sample) > 0.01 * len(sample))


def _binary_error(path: Path | str, data: bytes, why: str) -> CorpusError:
    pos = next((i for i, b in enumerate(data[:20000]) if b < 9 or 13 < b < 27 or b == 0x7F), 0)
    return CorpusError(path, f"binary file, not text ({why})", line=_line_of(data, pos))


def _utf_bom(data: bytes) -> tuple[str, int] | None:
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                     (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return enc, len(bom)
    return None


_USUAL = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u206f\x20-\x7e\t\n\r]")


def _plausible_utf16(text: str) -> bool:
    """BOM-less UTF-16 without ASCII: most characters must be Han (Chinese text has few others)."""
    sample = "".join(text[:20000].split())
    return bool(sample) and len(_USUAL.findall(sample)) >= 0.95 * len(sample) and \
        len(_HAN.findall(sample)) >= 0.6 * len(sample)


def _utf16_guess(data: bytes) -> str | None:
    if len(data) % 2 or len(data) < 4:
        return None
    half = len(data) / 2
    if data[1::2].count(0) > 0.3 * half and data[0::2].count(0) < 0.05 * half:
        return "utf-16-le"
    if data[0::2].count(0) > 0.3 * half and data[1::2].count(0) < 0.05 * half:
        return "utf-16-be"
    return None


def _done(path: Path | str, text: str, encoding: str, data: bytes) -> RawText:
    if _looks_binary(text):
        raise _binary_error(path, data, f"control characters after decoding as {encoding}")
    if not text.strip():
        raise CorpusError(path, "file contains only whitespace")
    return RawText(Path(path), text, encoding)


def _legacy(data: bytes, path: Path | str, utf8_error: UnicodeDecodeError) -> RawText:
    """Decode non-UTF bytes with charset-normalizer, accepting only clean Chinese decodings."""
    from charset_normalizer import from_bytes  # imported lazily: ~0.1 s

    pos = utf8_error.start
    where = f"not valid UTF-8 (byte 0x{data[pos]:02x} at byte {pos})"
    results = from_bytes(data, threshold=0.2, language_threshold=0.05)
    ranked = sorted(results, key=lambda m: (m.chaos, -m.coherence, m.encoding))
    best = ranked[0] if ranked else None
    chaos = {m.encoding: m.chaos for m in ranked}
    foreign = best is not None and best.encoding in _FOREIGN_NAMES
    # GB18030 first when its decoding is clean and its Han characters are the common (GB2312) ones:
    # Big5 or Shift-JIS bytes read as GB18030 give rare characters; EUC-KR gives common ones, but then
    # charset-normalizer's Korean reading is far cleaner, which `foreign` catches.
    gb_chaos = min((chaos[e] for e in ("gb18030", "gb2312", "gbk", "cp936") if e in chaos), default=None)
    if not foreign or (gb_chaos is not None and gb_chaos <= best.chaos + 0.02):
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = ""
        han = "".join(_HAN.findall(text[:20000]))
        common = len(han) - han.encode("gb2312", errors="replace").count(b"?")
        if han and common >= 0.95 * len(han) and (gb_chaos is None or gb_chaos <= 0.1):
            return _done(path, text, "gb18030", data)
    for match in ranked:
        enc = _CHINESE.get(match.encoding)
        if enc is None or match.chaos > 0.1 or (best is not None and best.chaos + 0.05 < match.chaos):
            continue
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _HAN.search(text[:20000]):
            return _done(path, text, enc, data)
    if best is not None and best.encoding in _FOREIGN_NAMES:
        raise CorpusError(path, f"text in {_FOREIGN_NAMES[best.encoding]}, not Chinese: refused "
                                f"(supported: {SUPPORTED_ENCODINGS})", line=_line_of(data, pos))
    if b"\x00" in data[:20000] or sum(1 for b in data[:20000] if b < 9 or 13 < b < 27) > 0.01 * min(len(data), 20000):
        raise _binary_error(path, data, f"control bytes such as NUL; {where}")
    guess = f"; the closest guess, {best.encoding}, does not read as Chinese" if best is not None else ""
    raise CorpusError(path, f"unknown encoding: {where}{guess} (supported: {SUPPORTED_ENCODINGS})",
                      line=_line_of(data, pos))


def decode_bytes(data: bytes, path: Path | str = "<bytes>") -> RawText:
    """Decode the bytes of a plan file or raise :class:`CorpusError` (see the module docstring)."""
    if not data.strip():
        raise CorpusError(path, "empty file" if not data else "file contains only whitespace")
    bom = _utf_bom(data)
    if bom:
        enc, skip = bom
        try:
            text = data[skip:].decode(enc)
        except UnicodeDecodeError as exc:
            pos = skip + exc.start
            raise CorpusError(path, f"invalid {enc.upper()} after its byte-order mark "
                                    f"(byte 0x{data[pos]:02x} at byte {pos})", line=_line_of(data, pos, enc)) from exc
        return _done(path, text, enc.replace("-le", "").replace("-be", "") if skip else enc, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        if "\x00" not in text or not _utf16_guess(data):
            return _done(path, text, "utf-8", data)
        utf8_error = UnicodeDecodeError("utf-8", data, 0, 1, "NUL bytes")
    utf16 = _utf16_guess(data)
    for enc in [utf16] if utf16 else (["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else []):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if utf16 or _plausible_utf16(text):
            return _done(path, text, enc, data)
    return _legacy(data, path, utf8_error)


_HTML_TAG = re.compile(r"<(?:!doctype|html|head|body|div|p|table|span|script|meta)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """A saved web page: several HTML tags near the start (a plan's text has none)."""
    return len(_HTML_TAG.findall(text[:5000])) >= 3


def read_raw(path: Path | str) -> RawText:
    """Read and decode one raw plan file (see :func:`read_bytes` and :func:`decode_bytes`).

    A saved web page (HTML tags) is refused: its tags would become units; ``policylens add``
    extracts its main text instead.
    """
    path = Path(path)
    raw = decode_bytes(read_bytes(path), path)
    if looks_like_html(raw.text):
        line = raw.text.count("\n", 0, _HTML_TAG.search(raw.text).start()) + 1
        raise CorpusError(path, "a saved web page (HTML tags), not plain text: `policylens add` it as .html to "
                                "extract its main text", line=line)
    return raw
