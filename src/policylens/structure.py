"""Plan structure: split a plan into its outline units (the unit of analysis).

Chinese plans number their outline ``一、`` > ``(一)`` > ``1.`` > ``(1)`` > ``①``
(full- or half-width: ``（一）``, ``1．``, ``1、``, ``（1）``, also ``⑴`` and
``⒈``; the one grammar of every marker form is :mod:`policylens.outline`), each
bureau differently: levels may be skipped (``一、`` > ``1.``),
item numbers may restart in every section or run straight through. Only a
marker at the start of a line (after optional spaces or ideographic spaces)
opens an item, so in-sentence ``1.``/``(1)``, years (``2018年``) and decimals
(``2.0``, ``1.5亿``) are never outline markers.

Styles of plans outside the founding corpus (examples in ``data/eval/structure/``):

* Long plans (十四五 规划, 实施方案) put ``第一部分``/``第一篇`` (rank -2),
  ``第一章`` (rank -1) and ``第一节`` (rank 0) above ``一、``; their number is
  the path component as printed (``第三章/二/(一)``). They count only on a
  heading line (no sentence punctuation, at most 40 characters), so
  ``第一章第三条规定…。`` or ``第二节课…`` are body text.
* A number followed by a space instead of punctuation (``一　总体要求``,
  ``5 深化改革``) is a marker unless a counter or time word follows
  (``10 个乡镇``, ``2021 年``).
* Unnumbered headings on their own line (``工作目标`` / ``重点任务`` /
  ``保障措施`` above ``1.`` items) are top-level sections with paths ``h1``,
  ``h2``… (marker ''), but only in a plan without ``一、`` or chapters and when
  there are at least two of them (rules in the cue file); a title, a 发文
  header, signatures and dates are never headings, so a notice header before
  the plan stays in the preamble.
* A list item's closing ``；`` is not part of its heading (``①完成校舍改造12万平方米；``).
* ``一是…二是…``, ``第一，第二，`` are list words, not markers (also at a
  line start): they stay in the body of their unit.
* Attachments: after the first numbered item, a line starting with
  ``附件``/``附表`` ends the outline; the attachment text (task division tables
  with numbered rows, annex lists) and closing signature/date lines stay in the
  span of the last unit. There is no kind for them.

Text as users have it (issue 10): :func:`parse_plan` reads the text through
:func:`policylens.outline.prepare` — full-width forms folded, Traditional →
Simplified, scraped annotations (``動(dòng)``, ``(繁体:辦)``) deleted, and a line
break restored before a marker that lost it (a whole page on one line, ``…效果。六、…``,
``三、重点工作（一）…``, ``四、加大经费保障5、…``, a breadcrumb or page-title fragment
before the first marker) — and maps every offset back to the text as given. An
excerpt that starts mid-outline keeps the paths it prints (``(3)``, ``七/(一)``).

The nesting is found from the marker *type*, not its position: each type has
a fixed rank (一、=1, (一)=2, 1.=3, (1)=4, ①=5) and a new marker closes every
open item of the same or a deeper rank. A numbered item with numbered children
is a **container**; every other numbered item is a **unit** (so a section
without numbered children, like Cangzhou's 四、, is itself a unit whose heading
is the section title). Text before the first marker is the **preamble**
(title, 发文 header and framing paragraphs).

Spans. Units tile the text: a unit runs from the first character of its own
marker up to the next unit, and the heading lines of the containers it opens
(e.g. ``三、重要任务`` and ``(一)推进全面从严治党…`` before Baotou's item 1) are
the beginning of the span of their first unit. So every character belongs to
exactly one unit or the preamble, and containers never count as extra units;
the outline with containers is :func:`parse_outline`. ``start``/``end`` are
trimmed of surrounding whitespace, so ``text == cleaned[start:end]`` exactly,
and whitespace between units belongs to none. ``body`` is the unit's own text
after its marker (``cleaned[body_start:end]``), what the gold ``start_quote``
quotes; when the marker line holds only the title (``一、总体要求``,
``(六)推动高等教育发展。``) the body starts on the next line.

Kinds come from heading cues kept as data in ``data/structure_kinds.yaml``:
section cues (on parts, chapters, 节, ``一、`` and unnumbered headings,
outermost first) for safeguards (保障措施, 组织实施, 保障机制, 实施保障…),
tasks, and the one ``review`` vocabulary of framing and review sections (发展基础,
面临形势, 工作回顾…: kind ``preamble``, keeping their path; :func:`review_heading`), then heading cues, the unit's own first, for requirements
(总体要求, 指导思想, 基本原则…) and goals (发展目标, 主要目标, 工作目标…).
Outline oddities (skipped or repeated numbers, inconsistent nesting) are
reported in the ``anomaly`` column, never raised. A text without any outline
marker is split into its non-empty lines (paths ``p1``, ``p2``…) with a
:class:`StructureWarning`.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from policylens.numerals import cn_to_int as cn_to_int  # re-exported for callers of earlier releases
from policylens.outline import (
    INDENT,
    LINE_BREAKS,
    MAX_HEADING,
    Marker,
    match_marker,
    prepare,
)
from policylens.unit_kinds import (  # noqa: F401 (re-exported: the kinds of earlier releases)
    SHORT_HEADING,
    KindCues,
    cue_kind,
    cue_title,
    kind_cues,
    kind_rules,
    review_heading,
    run_in_title,
    unit_kind,
)

# The column meanings below feed the generated data/processed/SCHEMA.md: the new
# outline styles (paths '第三章/…', 'h1/…', marker '' for unnumbered headings, kind
# preamble for numbered framing sections, a heading's trailing ；dropped) are
# described in the module docstring instead.

#: Columns of :func:`parse_plan`, in order, with their meaning.
UNIT_COLUMNS: dict[str, str] = {
    "seq": "1-based order of the unit in the document",
    "path": "outline numbers joined by '/', e.g. '三/(二)/11' (section numerals without 、, "
            "ASCII parentheses, item numbers without '.', as printed); '' for the preamble, "
            "'p1', 'p2'… for paragraphs of a text without numbering",
    "level": "depth in the outline (number of path components); 0 for the preamble",
    "number": "the unit's own path component ('11', '(二)', '三'); '' for the preamble",
    "marker": "the marker as printed in the text ('11.', '（二）', '三、')",
    "heading": "short title: text before the first 。 : ： or line break when <= 40 characters, "
               "else the first 20 characters of the body (for a section unit: the section title)",
    "kind": "preamble, requirement, goal, task or safeguard",
    "text": "the unit's span: opened container headings, own marker, heading and body",
    "body": "the unit's own text after its marker (text[body_start:end]); after the title "
            "line when the marker line holds only the title",
    "start": "offset of the span's first non-whitespace character",
    "body_start": "offset of the first character of the body",
    "end": "offset just past the span's last non-whitespace character",
    "parent_path": "path of the enclosing container ('' at the top level)",
    "parent_heading": "heading of the enclosing container ('' at the top level)",
    "section_heading": "heading of the top-level section the unit stands in (its own at the top)",
    "anomaly": "'; '-joined outline findings of the unit and of the containers it opens "
               "(skipped/repeated numbers, level jumps); '' when none",
}

#: Columns of :func:`parse_outline` (every numbered heading, containers included).
OUTLINE_COLUMNS: dict[str, str] = {
    "path": "outline path of the numbered item",
    "level": "depth in the outline",
    "rank": "marker type: -2 第一部分/第一篇, -1 第一章, 0 第一节, 1 一、 (and unnumbered "
            "headings), 2 (一), 3 1., 4 (1), 5 ①",
    "number": "path component",
    "value": "the number as an integer (-1 when unreadable)",
    "marker": "the marker as printed",
    "heading": "short title",
    "is_container": "True when the item has numbered children",
    "start": "offset of the marker",
    "anomaly": "outline findings for this item ('' when none)",
}

_INT_COLUMNS = {"seq", "level", "start", "body_start", "end", "rank", "value"}



class StructureWarning(UserWarning):
    """A plan whose outline could not be read (e.g. no numbering at all)."""


# --- markers -------------------------------------------------------------------------

_LINE_BREAKS = LINE_BREAKS
#: Rank of an unnumbered heading line (see :func:`_bare_headings`).
BARE_RANK = 1
_TOP = -99                       # rank of the virtual root in the level checks
_LINE = re.compile(f"[^{_LINE_BREAKS}]+")
_HEAD_STOP = re.compile(f"[。:：{_LINE_BREAKS}]")
_HEAD_TRAIL = "；;"                  # a list item's closing semicolon is not part of its heading
_SENTENCE = re.compile("[。；;！!？?]")
_BREAK = re.compile(f"[{_LINE_BREAKS}]")


# --- parsing -------------------------------------------------------------------------

@dataclass
class _Node:
    rank: int
    number: str
    value: int | None
    marker: str
    start: int           # marker offset
    after: int           # offset just past the marker
    parent: int          # index of the parent node, -1 at the top
    path: str
    depth: int
    heading: str = ""
    body_start: int = 0
    is_container: bool = False
    anomalies: list[str] = field(default_factory=list)


def _heading_at(text: str, pos: int, bound: int) -> tuple[str, int]:
    """Short title of the text starting at ``pos`` (after skipping whitespace), and that start."""
    while pos < bound and text[pos].isspace():
        pos += 1
    stop = _HEAD_STOP.search(text, pos, bound)
    cut = stop.start() if stop else bound
    head = text[pos:cut].strip().rstrip(_HEAD_TRAIL).strip()
    if len(head) > MAX_HEADING:
        head = run_in_title(text[pos:min(pos + MAX_HEADING, bound)].strip())
    elif len(head) >= 16:
        head = cue_title(head) or head
    return head, pos


@lru_cache(maxsize=1)
def _attachment_line() -> re.Pattern:
    """A line that opens the attachments (附件：…, 附表1 …): see :func:`_marker_lines`."""
    words = "|".join(re.escape(w) for w in kind_cues()["attachment"])
    return re.compile(INDENT + f"(?:{words})[0-9０-９一二三四五六七八九十]*"
                      f"(?:[ \u3000\t:：、.．]|$)")


def _marker_lines(text: str) -> list[tuple[Marker | None, int, int]]:
    """(marker match or None, line start, line end) of every non-blank line, in order.

    Stops at the attachments: once a numbered item has been seen, a line starting with
    附件/附表 ends the outline, so the numbered rows of an attachment (a task list,
    a table) never open units; that text stays in the span of the last unit.
    A 第X部分/章/节 marker only counts on a heading line (no sentence punctuation,
    at most :data:`MAX_HEADING` characters).
    """
    lines: list[tuple[Marker | None, int, int]] = []
    seen_marker = False
    attachment = _attachment_line()
    for line in _LINE.finditer(text):
        start, end = _trim(text, line.start(), line.end())
        if start >= end:
            continue
        match = match_marker(text, line.start(), line.end())
        if match is not None:
            if match.rank <= 0 and (_SENTENCE.search(text, match.end, end)
                                    or end - match.end > MAX_HEADING):
                match = None
        if match is None and seen_marker and attachment.match(text, line.start(), line.end()):
            break
        seen_marker = seen_marker or match is not None
        lines.append((match, start, end))
    return lines


def _is_bare_candidate(line: str, rules: dict) -> bool:
    """A short line without punctuation that is not a title, signature or date."""
    if not rules["min_chars"] <= len(line) <= rules["max_chars"]:
        return False
    if any(ch in line for ch in rules["forbidden"]):
        return False
    return not line.endswith(tuple(rules["not_endings"]))


def _bare_headings(text: str, lines: list[tuple[Marker | None, int, int]]) -> set[int]:
    """Indices (into ``lines``) of unnumbered heading lines acting as top-level sections.

    Some plans set their sections as bold lines without numbers (``工作目标``,
    ``重点任务``, ``保障措施``) above numbered items. Only when the plan has no
    marker of rank <= 1 (no 一、 and no chapters), a short line without punctuation
    (``bare_heading`` rules of the cue file) is such a heading when the next line is
    numbered or it holds a kind cue; and only when there are at least two of them.
    """
    ranks = {m.rank for m, _, _ in lines if m is not None}
    if not ranks or min(ranks) <= BARE_RANK:
        return set()
    cues = kind_cues()
    rules = cues["bare_heading"]
    words = [cue for table in (cues["section"], cues["heading"])
             for cue_list in table.values() for cue in cue_list]
    found = set()
    for i, (match, start, end) in enumerate(lines):
        if match is not None or i + 1 >= len(lines):
            continue
        line = text[start:end]
        if not _is_bare_candidate(line, rules):
            continue
        has_cue = any(w in line for w in words)
        if line[0].isdigit() and not has_cue:
            continue                  # "2011年每个街道建成学校", "12至45周岁…": a sentence, not a title
        if lines[i + 1][0] is not None or has_cue:
            found.add(i)
    return found if len(found) >= rules["min_count"] else set()


def _scan(text: str) -> list[_Node]:
    """Every line-initial outline marker as a node, with nesting and anomalies."""
    nodes: list[_Node] = []
    stack: list[int] = []
    last_child: dict[int, tuple[int, int | None]] = {}   # parent → (rank, value) of last child
    last_value: dict[int, int] = {}                       # rank → last value seen anywhere
    child_rank: dict[int, int] = {}                       # parent rank → rank of its children
    lines = _marker_lines(text)
    bare = _bare_headings(text, lines)
    bare_seen = 0
    for i, (match, start, _) in enumerate(lines):
        if i in bare:
            bare_seen += 1
            rank, value = BARE_RANK, bare_seen
            number, marker, m_start, after = f"h{value}", "", start, start
        elif match is not None:
            rank, number, value = match.rank, match.number, match.value
            marker, m_start, after = match.text, match.start, match.end
        else:
            continue
        while stack and nodes[stack[-1]].rank >= rank:
            stack.pop()
        parent = stack[-1] if stack else -1
        prefix = nodes[parent].path + "/" if parent >= 0 else ""
        node = _Node(rank, number, value, marker, m_start, after,
                     parent, prefix + number, len(stack) + 1)
        _check(node, nodes, last_child, last_value, child_rank)
        nodes.append(node)
        stack.append(len(nodes) - 1)
    return nodes


def _check(node: _Node, nodes: list[_Node], last_child: dict, last_value: dict,
           child_rank: dict) -> None:
    """Record skipped/repeated numbers and level jumps of ``node`` (never raises)."""
    parent_rank = nodes[node.parent].rank if node.parent >= 0 else _TOP
    expected_rank = child_rank.setdefault(parent_rank, node.rank)
    if expected_rank != node.rank:
        node.anomalies.append(
            f"level_jump {node.path}: {node.marker!r} where rank-{expected_rank} items were used")
    value = node.value
    previous = last_child.get(node.parent)
    last_child[node.parent] = (node.rank, value)
    if value is None:
        node.anomalies.append(f"unreadable {node.path}: number {node.number!r}")
        return
    if previous is not None and previous[0] == node.rank and previous[1] is not None:
        expected = {previous[1] + 1}
    else:
        expected = {1}
        if node.rank in last_value:
            expected.add(last_value[node.rank] + 1)    # numbering running straight through
    if value not in expected:
        low = min(expected)
        what = "skipped" if value > max(expected) else "repeated"
        if len(expected) > 1 and low < value < max(expected):
            what = "out_of_sequence"
        shown = " or ".join(str(v) for v in sorted(expected))
        node.anomalies.append(f"{what} {node.path}: expected {shown}, got {value}")
    last_value[node.rank] = value


def _finish(text: str, nodes: list[_Node]) -> None:
    """Mark containers and compute headings and body starts."""
    for i, node in enumerate(nodes):
        bound = nodes[i + 1].start if i + 1 < len(nodes) else len(text)
        node.is_container = i + 1 < len(nodes) and nodes[i + 1].parent == i
        node.heading, node.body_start = _heading_at(text, node.after, bound)
        node.body_start = _skip_title_line(text, node.body_start, node.heading, bound)


def _skip_title_line(text: str, pos: int, heading: str, bound: int) -> int:
    """Start of the body: past the marker line when that line is only the title."""
    brk = _BREAK.search(text, pos, bound)
    if brk is None or not heading:
        return pos
    if text[pos:brk.start()].strip().rstrip("。:：" + _HEAD_TRAIL).strip() != heading:
        return pos
    nxt = brk.start()
    while nxt < bound and text[nxt].isspace():
        nxt += 1
    return nxt if nxt < bound else pos


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _ancestor_headings(nodes: list[_Node], index: int) -> list[str]:
    """Headings from the top-level section down to the node itself."""
    chain = []
    while index >= 0:
        chain.append(nodes[index].heading)
        index = nodes[index].parent
    return chain[::-1]


def _section_count(nodes: list[_Node], index: int) -> int:
    """How many of the node's ancestors (itself included) are sections (rank <= 1)."""
    count = 0
    while index >= 0:
        count += nodes[index].rank <= BARE_RANK
        index = nodes[index].parent
    return count


def _preamble_row(text: str, end: int) -> dict | None:
    start, stop = _trim(text, 0, end)
    if start >= stop:
        return None
    cues = kind_cues()["heading"]
    heading, kind = None, "preamble"
    for line in _LINE.finditer(text, start, stop):
        head, _ = _heading_at(text, line.start(), line.end())
        if not head:
            continue
        heading = heading or head
        if cue_kind(head, {"requirement": cues["requirement"]}):
            heading, kind = head, "requirement"
            break
    return {"path": "", "level": 0, "number": "", "marker": "", "heading": heading or "",
            "kind": kind, "start": start, "body_start": start, "end": stop,
            "parent_path": "", "parent_heading": "", "section_heading": "", "anomaly": ""}


def _paragraph_rows(text: str) -> list[dict]:
    rows = []
    for line in _LINE.finditer(text):
        start, end = _trim(text, line.start(), line.end())
        if start >= end:
            continue
        heading, _ = _heading_at(text, start, end)
        rows.append({"path": f"p{len(rows) + 1}", "level": 1, "number": f"p{len(rows) + 1}",
                     "marker": "", "heading": heading, "kind": unit_kind([heading]),
                     "start": start, "body_start": start, "end": end, "parent_path": "",
                     "parent_heading": "", "section_heading": heading, "anomaly": "no_numbering"})
    return rows


def _column(values: list, col: str) -> np.ndarray:
    if col in _INT_COLUMNS:
        return np.array(values, dtype=np.int64)
    if col == "is_container":
        return np.array(values, dtype=bool)
    array = np.empty(len(values), dtype=object)   # object, not pandas' inferred str dtype
    array[:] = values
    return array


def _frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """The rows as a frame with typed columns (int64, bool or object), built from the arrays.

    ``DataFrame._from_arrays`` takes the typed arrays as they are: the public constructor
    infers a str dtype for every object column and each ``astype`` afterwards copies a
    block, 4 ms a call, which dominated parsing a short text.
    """
    arrays = [_column([row[col] for row in rows], col) for col in columns]
    return pd.DataFrame._from_arrays(arrays, columns=pd.Index(list(columns)), index=pd.RangeIndex(len(rows)),
                                     verify_integrity=False)


def _as_text(text: object) -> str:
    if text is None:
        return ""
    return text if isinstance(text, str) else str(text)


def _to_source(prepared, source: str, row: dict, marker_span: tuple[int, int] | None) -> None:
    """Map a row's offsets (and its marker) from the prepared text back to ``source``."""
    offsets = prepared.offsets
    start, end, body = row["start"], row["end"], row["body_start"]
    row["start"] = offsets[start]
    row["end"] = offsets[end - 1] + 1 if end > start else row["start"]
    row["body_start"] = offsets[body] if body < end else row["end"]
    if marker_span is not None and marker_span[1] > marker_span[0]:
        row["marker"] = source[offsets[marker_span[0]]:offsets[marker_span[1] - 1] + 1]


def parse_plan(text: str) -> pd.DataFrame:
    """Split a plan, as a user has it, into units in document order; columns :data:`UNIT_COLUMNS`.

    The text is read through :func:`policylens.outline.prepare` (widths, Traditional →
    Simplified, scraped annotations, lost line breaks before inline markers); ``start``,
    ``body_start``, ``end``, ``text``, ``body`` and ``marker`` refer to the text as given,
    ``heading`` is the normalized (Simplified) title. Never raises on a string: odd
    outlines are reported in ``anomaly``; a text without numbering yields one unit per
    non-empty line and a :class:`StructureWarning`; an empty text yields an empty frame.
    """
    source = _as_text(text)
    prepared = prepare(source)
    text = prepared.text
    nodes = _scan(text)
    _finish(text, nodes)
    rows: list[dict] = []
    spans: list[tuple[int, int] | None] = []
    if not nodes:
        if text.strip():
            warnings.warn("no outline numbering found: one unit per paragraph",
                          StructureWarning, stacklevel=2)
            rows = _paragraph_rows(text)
            spans = [None] * len(rows)
    else:
        preamble = _preamble_row(text, nodes[0].start)
        if preamble:
            rows.append(preamble)
            spans.append(None)
        span_start = nodes[0].start
        pending: list[str] = []
        for i, node in enumerate(nodes):
            pending.extend(node.anomalies)
            if node.is_container:
                continue
            span_end = nodes[i + 1].start if i + 1 < len(nodes) else len(text)
            start, end = _trim(text, span_start, span_end)
            headings = _ancestor_headings(nodes, i)
            sections = _section_count(nodes, i)
            parent = nodes[node.parent] if node.parent >= 0 else None
            spans.append((node.start, node.after) if node.marker else None)
            rows.append({
                "path": node.path, "level": node.depth, "number": node.number,
                "marker": node.marker, "heading": node.heading,
                "kind": unit_kind(headings, sections), "start": start,
                "body_start": min(max(node.body_start, start), end), "end": end,
                "parent_path": parent.path if parent else "",
                "parent_heading": parent.heading if parent else "",
                "section_heading": headings[0], "anomaly": "; ".join(pending)})
            pending = []
            span_start = span_end
    for seq, (row, span) in enumerate(zip(rows, spans), 1):
        _to_source(prepared, source, row, span)
        row["seq"] = seq
        row["text"] = source[row["start"]:row["end"]]
        row["body"] = source[row["body_start"]:row["end"]]
    return _frame(rows, UNIT_COLUMNS)


def parse_outline(text: str) -> pd.DataFrame:
    """Every numbered heading (containers included) in order; columns :data:`OUTLINE_COLUMNS`.

    Read like :func:`parse_plan`: ``start`` and ``marker`` refer to the text as given.
    """
    source = _as_text(text)
    prepared = prepare(source)
    text = prepared.text
    nodes = _scan(text)
    _finish(text, nodes)
    offsets = prepared.offsets
    rows = [{"path": n.path, "level": n.depth, "rank": n.rank, "number": n.number,
             "value": -1 if n.value is None else n.value,
             "marker": source[offsets[n.start]:offsets[n.after - 1] + 1] if n.marker else "",
             "heading": n.heading, "is_container": n.is_container, "start": offsets[n.start],
             "anomaly": "; ".join(n.anomalies)} for n in nodes]
    return _frame(rows, OUTLINE_COLUMNS)


def find_anomalies(text: str) -> pd.DataFrame:
    """The numbered headings of :func:`parse_outline` that have an outline finding."""
    outline = parse_outline(text)
    return outline[outline["anomaly"] != ""].reset_index(drop=True)
