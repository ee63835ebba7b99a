"""The one outline-marker grammar of Chinese plans (read by corpus, structure, taxonomy, targets).

Chinese plans number their outline ``第一部分``/``第一篇`` > ``第一章`` > ``第一节``
> ``一、`` > ``(一)`` > ``1.`` > ``(1)`` > ``①``, full- or half-width
(``（一）``, ``1．``, ``1、``, ``（1）``, ``１．``), with the one-character
forms ``⑴`` (= ``(1)``) and ``⒈`` (= ``1.``). Pages add stray punctuation:
``(五)、``, ``二 、``, ``1 .``, and ``1)`` / ``1）`` (read as ``(1)``). A numeral
followed by a space instead of punctuation (``一　总体要求``, ``5 深化改革``)
is a marker unless a counter or time word follows (``10 个乡镇``, ``2021 年``).

:data:`MARKER` matches one marker at a position (use ``MARKER.match(text, pos)``);
it never matches a year (``2018年``), a decimal (``2.0``, ``1.5亿``), a list of
numerals (``一、二年级``) or an age range (``12至45周岁``). Each marker *type*
has a fixed rank (:data:`RANK`): a smaller rank is a higher outline level.
:func:`match_marker` returns a :class:`Marker` (type, rank, path component,
value, span; numerals read by :mod:`policylens.numerals`); :func:`strip_marker`
removes leading markers from a title;
:func:`is_heading_line` tells whether a line opens with a marker and reads as
a heading (a short title, or a ``第X章`` line without sentence punctuation).
:func:`prepare` gives the text as the outline reader needs it (normalized, scraped
annotations deleted, lost line breaks restored by :func:`inline_breaks`) with a
map back to the text as given.

Every pattern is linear: bounded numeral runs, no nested quantifiers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from policylens.numerals import cn_to_int

__all__ = ["MARKER", "RANK", "CHAPTER_TYPES", "Marker", "match_marker", "marker_from_match",
           "iter_line_markers", "strip_marker", "is_heading_line", "inline_breaks", "prepare",
           "cn_to_int", "INDENT", "LINE_BREAKS", "MAX_HEADING"]

#: Characters that end a line (str.splitlines' set).
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: Longest short title of a heading line (characters).
MAX_HEADING = 40

INDENT = "[ \t\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff]*"
_CN = "[一二三四五六七八九十百零〇两]{1,4}"
_DIG = "[0-9０-９]{1,3}"
_P = "[ \u3000]*"
# after a bare number and a space ("1 加强…", "一　总体要求"), what may not follow: a counter,
# a time word or a range word makes it a quantity ("10 个乡镇", "2021 年", "12 至45周岁"),
# not an outline number. Counters that also start common headings (名师, 人才, 家校, 课程,
# 周边, 公办…) are left out.
_COUNTER = "年月日号个所万亿千百元项次届期批岁余倍台套座间张册亩%％至到"
_SPACED = f"(?=[ \u3000]+(?![{_COUNTER}])[\u4e00-\u9fff])"
# stray punctuation after a closing bracket: "(五)、", "（3）．"
_AFTER_BRACKET = f"(?:{_P}[、.．])?"

#: One outline marker (group ``m``; the named group holding the number tells the type).
MARKER = re.compile(
    INDENT + "(?P<m>"
    # 第一部分 / 第一篇 > 第一章 > 第一节 (only on a heading line: see is_heading_line);
    # 第一节 must be followed by a space, a colon or the line end (not "第一节课")
    f"第(?P<part>{_CN})(?:部分|篇)"
    f"|第(?P<chap>{_CN})章"
    f"|第(?P<sect>{_CN})节(?=[ \u3000\t、：:]|$)"
    # 一、 二 、 (not "一、二年级" or "一、二、三…", which are lists, not sections)
    # (a year may start the title: "一、2020年重点工作"; other digits may not: "一、2.5")
    f"|(?P<sec>{_CN}){_P}[、.．](?!{_P}{_CN}(?:[、,，和至到或]|年级))"
    "(?![0-9０-９]{1,3}(?![0-9０-９]))"
    # 一　总体要求: numeral, space(s), then the title
    f"|(?P<secsp>{_CN}){_SPACED}"
    f"|[(（]{_P}(?P<cnp>{_CN}){_P}[)）]{_AFTER_BRACKET}"
    # 一) 二）: a (一) that lost its opening bracket (line start only)
    f"|(?P<cnr>{_CN})[)）]{_AFTER_BRACKET}"
    # 1. 1． 1、 — never a decimal (2.0, 1.5亿) or a year (2018年 has no dot)
    f"|(?P<num>{_DIG}){_P}[.．、](?![0-9０-９.．])"
    f"|(?P<numsp>{_DIG}){_SPACED}"
    f"|(?P<dstop>[\u2488-\u249b])"
    f"|[(（]{_P}(?P<nump>{_DIG}){_P}[)）]{_AFTER_BRACKET}"
    # 1) 1）: a (1) that lost its opening bracket (never "1)" inside a sentence: line start only)
    f"|(?P<numr>{_DIG})[)）]{_AFTER_BRACKET}"
    f"|(?P<pdig>[\u2474-\u2487])"
    f"|(?P<circ>[\u2460-\u2473])"
    ")"
)

#: Rank of each marker type (smaller = higher level).
RANK: dict[str, int] = {"part": -2, "chap": -1, "sect": 0, "sec": 1, "secsp": 1, "cnp": 2, "cnr": 2,
                        "num": 3, "numsp": 3, "dstop": 3, "nump": 4, "numr": 4, "pdig": 4,
                        "circ": 5}
#: Marker types that count only on a heading line (第一部分, 第一章, 第一节).
CHAPTER_TYPES: dict[str, str] = {"part": "部分", "chap": "章", "sect": "节"}

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SENTENCE = re.compile("[。；;！!？?]")
_LINE = re.compile(f"[^{LINE_BREAKS}]+")


@dataclass(frozen=True)
class Marker:
    """One outline marker found in a text.

    ``type`` is the named group of :data:`MARKER` (``sec``, ``cnp``, ``num``…),
    ``rank`` its level (:data:`RANK`), ``number`` the path component (``三``,
    ``(二)``, ``11``, ``(3)``, ``①``, ``第一章``), ``value`` the number as an
    integer (None when unreadable), ``text`` the marker as printed and
    ``start``/``end`` its span (indent excluded, stray punctuation included).
    """

    type: str
    rank: int
    number: str
    value: int | None
    text: str
    start: int
    end: int


def _component(kind: str, token: str, printed: str) -> tuple[str, int | None]:
    """Path component and integer value of a marker's number."""
    if kind in CHAPTER_TYPES:                          # 第一章: printed whole
        return printed, cn_to_int(token)
    if kind in ("sec", "secsp"):
        return token, cn_to_int(token)
    if kind in ("cnp", "cnr"):
        return f"({token})", cn_to_int(token)
    if kind in ("num", "numsp"):
        digits = token.translate(_DIGITS)
        return digits, int(digits)
    if kind in ("nump", "numr"):
        digits = token.translate(_DIGITS)
        return f"({digits})", int(digits)
    if kind == "pdig":
        value = ord(token) - 0x2474 + 1
        return f"({value})", value
    if kind == "dstop":
        value = ord(token) - 0x2488 + 1
        return str(value), value
    return token, ord(token) - 0x2460 + 1  # circ


def marker_from_match(match: re.Match) -> Marker:
    """The :class:`Marker` of a :data:`MARKER` match."""
    kind = next(k for k in RANK if match.group(k) is not None)
    printed = match.group("m")
    number, value = _component(kind, match.group(kind), printed)
    return Marker(kind, RANK[kind], number, value, printed, match.start("m"), match.end("m"))


def match_marker(text: str, pos: int = 0, endpos: int | None = None) -> Marker | None:
    """The outline marker at ``pos`` (after optional indent), or None."""
    match = MARKER.match(text, pos, len(text) if endpos is None else endpos)
    return None if match is None else marker_from_match(match)


def _title_is_short(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` (a line after its marker) reads as a heading line."""
    return not _SENTENCE.search(text, start, end) and end - start <= MAX_HEADING


def is_heading_line(line: str) -> bool:
    """True when ``line`` opens with an outline marker that counts there.

    A 第X部分/章/节 marker counts only on a short line without sentence
    punctuation (``第一章第三条规定…。`` is body text); the other markers count
    at any line start.
    """
    marker = match_marker(line)
    if marker is None:
        return False
    if marker.type in CHAPTER_TYPES:
        return _title_is_short(line, marker.end, len(line.rstrip()))
    return True


def iter_line_markers(text: str):
    """Every marker that opens a line of ``text`` (per :func:`is_heading_line`), in order."""
    for line in _LINE.finditer(text):
        marker = match_marker(text, line.start(), line.end())
        if marker is not None and (marker.type not in CHAPTER_TYPES
                                   or _title_is_short(text, marker.end, line.end())):
            yield marker


def strip_marker(text: str, times: int = 3) -> str:
    """``text`` without its leading outline markers (up to ``times``) and the spaces after them."""
    for _ in range(times):
        marker = match_marker(text)
        if marker is None:
            break
        text = text[marker.end:].lstrip()
    return text


# --- text as users have it -------------------------------------------------------------

# scraped annotations glued into words: pinyin after a character (動(dòng), 辦(bàn)) and
# "(繁体:辦)"; both are deleted before the outline is read (the offsets keep the input's)
_TONED = "\u00e0-\u00fc\u0101-\u01dc"
# every alternative opens with the bracket (the CJK character before it checked behind it), so
# a search skips to the brackets instead of trying the look-behind at every character
_ANNOTATION = re.compile(
    f"[(（](?<=[\u4e00-\u9fff][(（])(?=[a-z ]{{0,30}}[{_TONED}])[a-z{_TONED} ]{{1,40}}[)）]"
    f"|[(（](?<=[\u4e00-\u9fff][(（])[a-z]{{1,6}}[1-5][)）]"
    "|[(（]繁(?:[体體]字?[:：]?|[:：])[^()（）\n]{1,6}[)）]")
# where an inline marker may start: 第X章, a bracket, a Chinese numeral run, digits, ⑴ ⒈ ①. The
# pattern opens with the class of the first characters (one per alternative, the alternative
# named by a look-behind at it), so a search skips to them instead of trying every
# alternative at every character
_CN_DIGITS = "一二三四五六七八九十百零〇两"
_INLINE_START = re.compile(
    f"[第(（{_CN_DIGITS}0-9０-９\u2460-\u249b]"
    f"(?:(?<=第)[{_CN_DIGITS}]{{1,4}}[章节篇部]"
    f"|(?<=[(（])[ \u3000]*[{_CN_DIGITS}0-9０-９]"
    f"|(?<=[{_CN_DIGITS}])[{_CN_DIGITS}]{{0,3}}[ \u3000]*[、.．]"
    f"|(?<=[0-9０-９])[0-9０-９]{{0,2}}[ \u3000]*[.．、)）]"
    f"|(?<=[\u2460-\u249b]))")
_STOPS = "。；;！!？?"
_NOT_BEFORE = set("0123456789０１２３４５６７８９.．第一二三四五六七八九十百零〇两")
# a page-title fragment ends with the document's type word
_TITLE_ENDINGS = ("计划", "方案", "要点", "规划", "意见", "通知", "安排", "打算", "总结", "细则", "办法")
_INLINE_TYPES = {"part", "chap", "sect", "sec", "cnp", "num", "dstop", "nump", "numr", "pdig",
                 "circ"}
# a marker glued right after a short heading or noise ("三、重点工作（一）…",
# "【首页|通知】3、…", "…工作计划3、…") may not follow a character of these kinds
_GLUED_TYPES = {"part", "chap", "sect", "cnp", "num", "nump", "dstop", "pdig", "circ"}
# 一、 glued to a word is often no marker (统一、规范, 之一、): these may not precede it
_WORD_BEFORE_CN = set("统同唯万之单逐专合均划任归择")
# a page title may end with its period: "…行动计划（2017-2020年）"
_TITLE_PERIOD = re.compile("[(（][0-9０-９—\\-–~至年 ]{4,20}[)）]$")


@dataclass
class _Sequence:
    """Numbers seen so far per rank: everywhere (straight-through numbering) and under the parent."""

    anywhere: dict
    local: dict
    seen: bool = False

    def continues(self, rank: int, value: int | None) -> bool:
        """``value`` is the next number of its rank, under its parent or straight through."""
        return value is not None and (self.local.get(rank, -9) + 1 == value
                                      or self.anywhere.get(rank, -9) + 1 == value)

    def opens(self, rank: int, value: int | None) -> bool:
        """``value`` is the first number of a level not yet open under the current parent."""
        return value == 1 and rank not in self.local

    def see(self, rank: int, value: int | None) -> None:
        self.seen = True
        for deeper in [r for r in self.local if r > rank]:
            del self.local[deeper]
        if value is not None:
            self.anywhere[rank] = value
            self.local[rank] = value


# a page's publication stamp glued after its title (发布时间:2006-03-10, 日期：2019年3月5日)
_DATE_STAMP = re.compile(r"(?:发布时间|发布日期|发表时间|更新时间|日期|时间)[ \u3000]*[:：][ \u3000]*"
                         r"(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?$")


def _noise_before(text: str, start: int, pos: int) -> bool:
    """``text[start:pos]`` is page noise glued before a first marker: a breadcrumb ``【…】``
    or a page-title fragment ending with a document word (``…2016年工作计划``), maybe followed
    by the page's publication stamp."""
    head = text[start:pos].rstrip(" \u3000\t")
    stamp = _DATE_STAMP.search(head, max(0, len(head) - 32))
    if stamp is not None:                    # …工作要点 发布时间:2006-03-10 一、
        head = head[:stamp.start()].rstrip(" \u3000\t")
    period = _TITLE_PERIOD.search(head, max(0, len(head) - 24))
    if period is not None:
        head = head[:period.start()]
    return head.endswith("】") or head.endswith(_TITLE_ENDINGS)


def _next_line_continues(text: str, line_end: int, marker: Marker) -> bool:
    """The next non-blank line opens with the next number of ``marker``'s type (``3、`` → ``4、``)."""
    nxt = _LINE.search(text, line_end)
    while nxt is not None and not nxt.group().strip():
        nxt = _LINE.search(text, nxt.end())
    if nxt is None or marker.value is None:
        return False
    following = match_marker(text, nxt.start(), nxt.end())
    return (following is not None and following.type == marker.type
            and following.value == marker.value + 1)


def inline_breaks(text: str) -> list[int]:
    """Offsets of outline markers that open an item inside a line (a lost line break).

    Pages lose their line breaks: ``…活动效果。六、…。七、…`` or a whole page on one
    line, a heading running into its first item (``三、重点工作（一）加强党建``,
    ``四、加大经费保障5、落实生均公用经费``), a breadcrumb or a title fragment glued
    before the first marker (``【首页|通知】3、``, ``…2016年工作计划3、``). A marker
    inside a line opens an item only when

    * it follows a sentence end (。；！？) and continues the numbering (the next number
      of its rank, under its parent or straight through), or is the first marker of
      the text, or the first item of a new level right after a short heading;
    * or it follows a short heading with no sentence punctuation between (at most
      :data:`MAX_HEADING` characters after the previous marker) and continues the
      numbering or opens a new level;
    * or no marker has been seen yet and a breadcrumb or page-title fragment precedes it
      (or any short text, when the next line opens with the next number of its type).

    Anything else (``落实(1)项制度``, a list in a sentence) stays text.
    """
    breaks: list[int] = []
    seq = _Sequence({}, {})
    for line in _LINE.finditer(text):
        line_start, line_end = line.start(), line.end()
        first = match_marker(text, line_start, line_end)
        segment, after_marker, section_run = line_start, False, False
        if first is not None:              # 第X章 too: its line may be a whole page
            seq.see(first.rank, first.value)
            segment, after_marker, section_run = first.end, True, first.rank <= 0
        for cand in _INLINE_START.finditer(text, segment, line_end):
            pos = cand.start()
            if pos == segment or text[pos - 1] in _NOT_BEFORE:
                continue
            marker = match_marker(text, pos, line_end)
            if marker is None or marker.start != pos or marker.type not in _INLINE_TYPES:
                continue
            before = pos - 1
            while before > segment and text[before] in " \u3000\t":
                before -= 1
            after_stop = text[before] in _STOPS
            short = pos - segment <= MAX_HEADING and not _SENTENCE.search(text, segment, before)
            heading_run = after_marker and short
            rank, value = marker.rank, marker.value
            if after_stop:
                ok = seq.continues(rank, value) or (value == 1 and not seq.seen) or (
                    heading_run and seq.opens(rank, value))
            else:
                # a glued 一、 only after a chapter heading or page noise, never after a word
                # it may belong to (统一、); other markers after any short heading
                gluable = marker.type in _GLUED_TYPES or (
                    marker.type == "sec" and text[pos - 1] not in _WORD_BEFORE_CN)
                ok = gluable and (
                    (heading_run and not _SENTENCE.search(text, before, pos)
                     and (marker.type != "sec" or section_run)
                     and (seq.continues(rank, value) or seq.opens(rank, value)))
                    or (not seq.seen and pos - segment <= 2 * MAX_HEADING
                        and not _SENTENCE.search(text, segment, pos)
                        and (_noise_before(text, segment, pos)
                             or _next_line_continues(text, line_end, marker))))
            if not ok:
                continue
            breaks.append(pos)
            seq.see(rank, value)
            segment, after_marker, section_run = marker.end, True, rank <= 0
    return breaks


def prepare(text: str):
    """``text`` as the outline reader needs it, with a map back to the input.

    Normalized (:func:`policylens.normalize.normalize`: widths, spaces, Traditional →
    Simplified), scraped annotations deleted (``動(dòng)``, ``(繁体:辦)``) and a line
    break inserted before every inline marker of :func:`inline_breaks`. Returns a
    :class:`policylens.normalize.Normalized` whose ``offsets`` give, for every
    character, its index in ``text`` (an inserted break maps to the next character).
    """
    from policylens.normalize import normalize

    norm = normalize(text)
    folded = norm.text
    if _ANNOTATION.search(folded) is None:      # the common case: nothing deleted
        breaks = inline_breaks(folded)
        if not breaks:
            return norm                          # and nothing inserted: the identity map
        return _with_breaks(folded, norm.offsets, breaks, norm)
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for match in _ANNOTATION.finditer(folded):
        pieces.append(folded[pos:match.start()])
        offsets.extend(range(pos, match.start()))
        pos = match.end()
    pieces.append(folded[pos:])
    offsets.extend(range(pos, len(folded)))
    cleaned = "".join(pieces)
    return _with_breaks(cleaned, offsets, inline_breaks(cleaned), norm)


def _with_breaks(cleaned: str, offsets, breaks: list[int], norm):
    """``cleaned`` with a line break inserted before each offset of ``breaks``, offsets composed."""
    from policylens.normalize import Normalized

    out: list[str] = []
    out_offsets: list[int] = []
    pos = 0
    for brk in breaks:
        out.append(cleaned[pos:brk])
        out_offsets.extend(offsets[pos:brk])
        out.append("\n")
        out_offsets.append(offsets[brk])
        pos = brk
    out.append(cleaned[pos:])
    out_offsets.extend(offsets[pos:])
    return Normalized("".join(out), tuple(out_offsets), norm.source_length, norm.converted_traditional)
