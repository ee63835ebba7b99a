"""Text out of the files researchers receive: .txt, .html/.htm, .pdf and .docx.

:func:`extract` returns an :class:`Extracted`: the plan's text, the original's
encoding or format, and (where the format allows) a map from spans of the text
back to the original: PDF ``page N line M``, Word ``paragraph N`` /
``table T row R``. A .txt file is its own text (decoded by
:func:`policylens.rawfile.decode_bytes`); an HTML page's main content comes from
trafilatura (navigation, breadcrumbs, related links and footers dropped; the
page title kept as the first line); a PDF's text layer comes from pdfplumber,
with hard line wraps rejoined and running headers, footers and page numbers
(``— 1 —``, ``第 1 页``) dropped; a scanned PDF without a text layer is an error
that says so; a .docx gives its paragraphs and tables in document order.
"""
from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from policylens.outline import match_marker
from policylens.rawfile import CorpusError, decode_bytes, looks_like_html

#: File suffixes ``policylens add`` reads, and what each is read with.
SUPPORTED = {".txt": "plain text (UTF-8, GB18030/GBK, Big5, UTF-16)", ".html": "web page (trafilatura)",
             ".htm": "web page (trafilatura)", ".pdf": "PDF with a text layer (pdfplumber)",
             ".docx": "Word document (python-docx)"}


@dataclass
class Extracted:
    """A plan's text extracted from its original file."""

    text: str
    kind: str                      # txt, html, pdf, docx
    encoding: str = ""             # of a .txt or .html original
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, length, locator in the original)
    title: str = ""                # the title the format gives (HTML <title>/<h1>, docx core property)
    date: str = ""                 # the publication date the format gives (HTML metadata), YYYY-MM-DD


def supported_list() -> str:
    """``.txt, .html, …`` for error messages."""
    return ", ".join(SUPPORTED)


class _Builder:
    """Text assembled piece by piece with a locator per piece."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[tuple[int, int, str]] = []
        self.size = 0

    def add(self, text: str, locator: str) -> None:
        if self.parts:
            self.parts.append("\n")
            self.size += 1
        self.parts.append(text)
        self.spans.append((self.size, len(text), locator))
        self.size += len(text)

    def text(self) -> str:
        return "".join(self.parts) + "\n"


# --------------------------------------------------------------------------
# HTML

# rows of a government site's 信息公开 metadata table (索引号, 发布机构, 成文日期…), when the extractor keeps them
_META_LINE = re.compile(r"\s{0,4}\|?\s{0,4}(?:索引号|主题分类|发布机构|发文机关|成文日期|发布日期|发文字号|文号|有效性|生效日期|"
                        r"废止日期|所属机构|公开方式|公开范围)\s{0,4}[:：]")


def _html(data: bytes, path: Path) -> Extracted:
    import trafilatura

    raw = decode_bytes(data, path)
    doc = trafilatura.bare_extraction(raw.text, include_tables=True, include_comments=False, include_links=False,
                                      include_images=False, favor_precision=True, deduplicate=False,
                                      with_metadata=True)
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not body:
        raise CorpusError(path, "no main text found in the web page (is it a plan page, or only navigation?)")
    title = (getattr(doc, "title", None) or "").strip()
    lines = [line.strip() for line in body.splitlines() if line.strip() and not _META_LINE.match(line)]
    if title and (not lines or lines[0] != title):
        lines.insert(0, title)
    date = str(getattr(doc, "date", None) or "")[:10]
    return Extracted("\n".join(lines) + "\n", "html", raw.encoding, [], title, date)


# --------------------------------------------------------------------------
# PDF

_PAGE_NUMBER = re.compile(r"[—\-－–－\s]{0,3}\d{1,4}[—\-－–\s]{0,3}|第\s{0,2}\d{1,4}\s{0,2}页(?:\s{0,2}[,，/]?\s{0,2}共\s{0,2}\d{1,4}\s{0,2}页)?"
                          r"|\d{1,4}\s{0,2}/\s{0,2}\d{1,4}|-\s{0,2}\d{1,4}\s{0,2}-")
_END = "。！？；：!?;:）)」』”"


def _pdf(data: bytes, path: Path) -> Extracted:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for a broken file
        raise CorpusError(path, f"not a readable PDF ({type(exc).__name__})") from exc
    pages: list[list[dict]] = []
    with pdf:
        for page in pdf.pages:
            lines = [ln for ln in page.extract_text_lines(return_chars=False) if ln["text"].strip()]
            pages.append(lines)
    if not any(pages):
        raise CorpusError(path, f"scanned PDF without a text layer ({len(pages)} page(s) of images): run OCR "
                                "first (e.g. ocrmypdf --language chi_sim) and add the OCRed PDF")
    # running headers/footers: the same first/last line text on at least half of the pages (digits ignored)
    edge = Counter()
    for lines in pages:
        for ln in {lines[0]["text"].strip(), lines[-1]["text"].strip()} if lines else ():
            edge[re.sub(r"\d+", "#", ln)] += 1
    running = {k for k, n in edge.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}
    left = [ln["x0"] for lines in pages for ln in lines]
    right = [ln["x1"] for lines in pages for ln in lines]
    sizes = [(ln["x1"] - ln["x0"]) / max(1, len(ln["text"].strip())) for lines in pages for ln in lines]
    char_w = statistics.median(sizes) if sizes else 10.0
    margin_l, margin_r = min(left, default=0), max(right, default=0)
    def indented(ln: dict) -> bool:
        return ln["x0"] > margin_l + 1.2 * char_w or ln["text"][:1].isspace()

    # first-line indentation marks paragraphs when the document uses it (公文 style); else punctuation decides
    indent_style = sum(indented(ln) for lines in pages for ln in lines) >= 2
    body_h = statistics.median([ln["bottom"] - ln["top"] for lines in pages for ln in lines])

    def big(ln: dict) -> bool:  # a title line: larger type than the body
        return ln["bottom"] - ln["top"] > 1.15 * body_h
    out = _Builder()
    current, current_loc, prev = "", "", None
    for p, lines in enumerate(pages, start=1):
        for i, ln in enumerate(lines, start=1):
            text = ln["text"].strip()
            edge_line = i in (1, len(lines))
            if edge_line and (_PAGE_NUMBER.fullmatch(text) or re.sub(r"\d+", "#", text) in running):
                continue
            height = ln["bottom"] - ln["top"]
            joins = (prev is not None and current and big(prev) and big(ln)) or (
                     prev is not None and current and not indented(ln) and not match_marker(text)
                     and prev["x1"] >= margin_r - 2.5 * char_w
                     and abs(height - (prev["bottom"] - prev["top"])) <= 0.2 * max(height, 1)
                     and (indent_style or current[-1] not in _END))
            if joins:
                current += text
            else:
                if current:
                    out.add(current, current_loc)
                current, current_loc = text, f"page {p} line {i}"
            prev = ln
    if current:
        out.add(current, current_loc)
    return Extracted(out.text(), "pdf", "", out.spans)


# --------------------------------------------------------------------------
# Word

def _docx(data: bytes, path: Path) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zipfile/lxml/KeyError types for a broken file
        raise CorpusError(path, f"not a readable .docx Word file ({type(exc).__name__}); a .doc must be saved as "
                                ".docx first") from exc
    out = _Builder()
    n_par = n_tab = 0
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            n_par += 1
            text = Paragraph(block, document).text.strip()
            if text:
                out.add(text, f"paragraph {n_par}")
        elif tag == "tbl":
            n_tab += 1
            for r, row in enumerate(Table(block, document).rows, start=1):
                cells: list[str] = []
                for cell in row.cells:  # merged cells repeat: keep each once
                    value = " ".join(cell.text.split())
                    if value and (not cells or cells[-1] != value):
                        cells.append(value)
                if cells:
                    out.add("\t".join(cells), f"table {n_tab} row {r}")
    if not out.parts:
        raise CorpusError(path, "the Word document holds no text")
    return Extracted(out.text(), "docx", "", out.spans, (document.core_properties.title or "").strip())


def extract(path: Path | str, data: bytes | None = None) -> Extracted:
    """The text of a plan file of a supported kind (see :data:`SUPPORTED`), or :class:`CorpusError`."""
    from policylens.rawfile import read_bytes

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        hint = " (save a .doc as .docx, or a .wps/.rtf as .docx or .txt)" if suffix in (".doc", ".wps", ".rtf") else ""
        raise CorpusError(path, f"unsupported format {suffix or '(no suffix)'}{hint}; supported: {supported_list()}")
    data = read_bytes(path) if data is None else data
    if suffix == ".txt":
        raw = decode_bytes(data, path)
        if looks_like_html(raw.text):
            raise CorpusError(path, "a saved web page (HTML tags) named .txt: rename it to .html and add it again")
        return Extracted(raw.text, "txt", raw.encoding)
    if suffix in (".html", ".htm"):
        return _html(data, path)
    if suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise CorpusError(path, "not a PDF file (no %PDF header)")
        return _pdf(data, path)
    return _docx(data, path)
