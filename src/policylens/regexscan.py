"""Faster scans of rule-file patterns with the same match spans.

A pattern that opens with a lookbehind (``(?<![\\d一二三])…``) or a choice of repeats
(``(?:\\d{1,2}|[一二三]{1,3})…``) gives the regex engine no first character to skip to, so
``finditer`` starts a match at every position of the text. :func:`span_scanner` rewrites such
a pattern so that it opens with the set of characters a match can begin with: the first
character is consumed by that set, and what followed it is matched from the next position —
a leading lookbehind is moved one character on (``(?<!X)`` before a character = ``(?<!X.)``
after it), a repeat ``a{m,n}`` becomes ``a`` then ``a{m-1,n-1}``, the alternatives of a choice
are guarded by ``(?<=[their first characters])``, in their order. The alternatives are tried
in the same order at the same positions, so ``finditer`` gives the same spans (groups are
not kept; :func:`finditer` matches the pattern itself where the scanner found a start, for
its groups). :func:`bmp_scanner` spells a ``\\d`` of the first set out as the BMP's decimal
ranges, for texts without characters beyond the BMP (:func:`beyond_bmp`).
:func:`required_literals` gives groups of strings a text with a match contains one of each, so a
text that lacks a group can skip the pattern.

Both work on the parsed pattern (:mod:`re._parser`); a shape they do not handle leaves the
pattern as it is (:func:`span_scanner`) or gives no literals (:func:`required_literals`).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

try:  # Python 3.11+
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

__all__ = ["span_scanner", "bmp_scanner", "beyond_bmp", "required_literals", "scan", "finditer"]

_CATEGORY = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
             C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"}
_AT = {C.AT_BEGINNING: "^", C.AT_END: "$", C.AT_BOUNDARY: r"\b", C.AT_NON_BOUNDARY: r"\B",
       C.AT_BEGINNING_STRING: r"\A", C.AT_END_STRING: r"\Z"}
_REPEATS = {C.MAX_REPEAT: "", C.MIN_REPEAT: "?"}
_ANY_CHAR = r"[\s\S]"
_MAX_LITERALS = 8   # more strings cost more to look for than a scan saves


@lru_cache(maxsize=512)
def _parsed(pattern: str) -> tuple:
    """The parsed items of a pattern (read, never changed; cached: one rule is read by several functions)."""
    return tuple(P.parse(pattern).data)


class _Unsupported(Exception):
    """A shape the rewrite does not handle."""


# --------------------------------------------------------------------------- unparse
def _char(code: int) -> str:
    ch = chr(code)
    if ch.isalnum() or ord(ch) > 0x7F and ch.isprintable():
        return ch
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _set_items(items: list) -> str:
    out = []
    for op, av in items:
        if op is C.NEGATE:
            out.append("^")
        elif op is C.LITERAL:
            out.append(_char(av))
        elif op is C.RANGE:
            out.append(_char(av[0]) + "-" + _char(av[1]))
        elif op is C.CATEGORY and av in _CATEGORY:
            out.append(_CATEGORY[av])
        else:
            raise _Unsupported(op)
    return "".join(out)


def _atom(sub: list) -> str:
    """A repeated item as an atom."""
    text = _seq(sub)
    if len(sub) == 1 and sub[0][0] in (C.LITERAL, C.IN, C.NOT_LITERAL, C.ANY):
        return text
    return "(?:" + text + ")"


def _quantifier(lo: int, hi: int) -> str:
    if hi == C.MAXREPEAT:
        return "*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}"
    if lo == hi:
        return f"{{{lo}}}"
    return "?" if (lo, hi) == (0, 1) else f"{{{lo},{hi}}}"


def _item(op, av) -> str:
    if op is C.LITERAL:
        return _char(av)
    if op is C.NOT_LITERAL:
        return "[^" + _char(av) + "]"
    if op is C.ANY:
        return "."
    if op is C.IN:
        return "[" + _set_items(av) + "]"
    if op in _REPEATS:
        lo, hi, sub = av
        return _atom(list(sub)) + _quantifier(lo, hi) + _REPEATS[op]
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _Unsupported("inline flags")
        return "(?:" + _seq(list(sub)) + ")"
    if op is C.BRANCH:
        return "(?:" + "|".join(_seq(list(alt)) for alt in av[1]) + ")"
    if op in (C.ASSERT, C.ASSERT_NOT):
        direction, sub = av
        head = ("(?=" if op is C.ASSERT else "(?!") if direction == 1 else ("(?<=" if op is C.ASSERT else "(?<!")
        return head + _seq(list(sub)) + ")"
    if op is C.AT and av in _AT:
        return _AT[av]
    if op is C.ATOMIC_GROUP:
        return "(?>" + _seq(list(av)) + ")"
    raise _Unsupported(op)


def _seq(items: list) -> str:
    return "".join(_item(op, av) for op, av in items)


# --------------------------------------------------------------------------- first character
def _first(items: list) -> tuple[list, str]:
    """(set of first characters, what must match after the first one) of a sequence that never matches empty.

    The sequence matches at p exactly when ``t[p]`` is in the set and the rest matches at p + 1,
    with the same alternatives in the same order.
    """
    guards = []
    i = 0
    while i < len(items) and items[i][0] in (C.ASSERT, C.ASSERT_NOT) and items[i][1][0] == -1:
        op, (_direction, sub) = items[i]
        head = "(?<=" if op is C.ASSERT else "(?<!"
        guards.append(head + "(?:" + _seq(list(sub)) + ")" + _ANY_CHAR + ")")  # the same test one character on
        i += 1
    if i == len(items):
        raise _Unsupported("may match empty")
    op, av = items[i]
    rest = items[i + 1:]
    guard = "".join(guards)
    if op is C.LITERAL:
        return [(C.LITERAL, av)], guard + _seq(rest)
    if op is C.IN:
        return list(av), guard + _seq(rest)
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _Unsupported("inline flags")
        chars, body = _first(list(sub) + rest)
        return chars, guard + body
    if op is C.BRANCH:
        alts = [_first(list(alt)) for alt in av[1]]
        chars, body = _choice(alts)
        return chars, guard + body + _seq(rest)
    if op in _REPEATS:
        lo, hi, sub = av
        sub = list(sub)
        if hi == 0:                                   # a{0} matches nothing: what follows starts here
            chars, body = _first(rest)
            return chars, guard + body
        if P.SubPattern(P.State(), sub).getwidth()[0] == 0:
            raise _Unsupported("repeat that may match empty")
        chars, body = _first(sub)
        fewer = [] if hi == 1 else [(op, (max(lo - 1, 0), hi if hi == C.MAXREPEAT else hi - 1, sub))]
        take = (chars, body + _seq(fewer + rest))
        if lo >= 1:
            return take[0], guard + take[1]
        skip = _first(rest)
        chars, body = _choice([take, skip] if op is C.MAX_REPEAT else [skip, take])
        return chars, guard + body
    raise _Unsupported(op)


def _choice(alts: list[tuple[list, str]]) -> tuple[list, str]:
    """First characters and rest of ordered alternatives: each guarded by its own first characters."""
    chars: list = []
    for alt_chars, _body in alts:
        if any(op is C.NEGATE for op, _av in alt_chars) and len(alts) > 1:
            raise _Unsupported("negated set in a choice")
        chars += [c for c in alt_chars if c not in chars]
    if len(alts) == 1:
        return chars, alts[0][1]
    parts = [("(?<=[" + _set_items(c) + "])" if c != chars else "") + body for c, body in alts]
    return chars, "(?:" + "|".join(parts) + ")"


def span_scanner(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """A pattern with the same ``finditer`` spans that opens with its set of first characters.

    ``pattern`` itself when it already opens with a character or a set, or when its shape is not
    handled (inline flags, back references, a possible empty match, a leading lookahead).
    """
    if pattern.flags & ~re.UNICODE or not isinstance(pattern.pattern, str):
        return pattern
    items = list(_parsed(pattern.pattern))
    if not items or items[0][0] in (C.LITERAL, C.IN):
        return pattern
    try:
        chars, body = _first(items)
        return re.compile("[" + _set_items(chars) + "]" + body)
    except (_Unsupported, re.error, RecursionError):
        return pattern


@lru_cache(maxsize=1)
def _bmp_decimals() -> str:
    """The decimal digits of the Basic Multilingual Plane (what ``\\d`` matches there) as class ranges."""
    ranges: list[list[int]] = []
    for code in range(0x10000):
        if chr(code).isdecimal():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(_char(lo) + ("-" + _char(hi) if hi != lo else "") for lo, hi in ranges)


def beyond_bmp(text: str) -> bool:
    """True when ``text`` has a character beyond the Basic Multilingual Plane (then only the exact scanners apply).

    Such a character takes four bytes in UTF-16, any other two (a lone surrogate too, with
    ``surrogatepass``); encoding is a few µs where a regex class of astral characters takes ~30 µs.
    """
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def bmp_scanner(scanner: re.Pattern[str]) -> re.Pattern[str]:
    """``scanner`` for texts without characters beyond the BMP: a ``\\d`` in its first set spelt out as ranges.

    The engine tests ``\\d`` with a Unicode lookup at every character it skips, explicit ranges with
    one bitmap lookup; in a text whose characters are all in the BMP both match the same characters.
    ``scanner`` itself when its first set has no ``\\d`` or the rest cannot be written back.
    """
    items = list(_parsed(scanner.pattern)) if isinstance(scanner.pattern, str) else []
    if scanner.flags & ~re.UNICODE or not items or items[0][0] is not C.IN:
        return scanner
    first = list(items[0][1])
    digit = (C.CATEGORY, C.CATEGORY_DIGIT)
    if digit not in first or any(op is C.NEGATE for op, _av in first):
        return scanner
    try:
        rest = [item for item in first if item != digit]
        return re.compile("[" + _bmp_decimals() + _set_items(rest) + "]" + _seq(items[1:]))
    except (_Unsupported, re.error, RecursionError):
        return scanner


def finditer(pattern: re.Pattern[str], scanner: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` (groups too), its starts found by ``scanner`` (:func:`span_scanner` of ``pattern``).

    Each ``scanner`` match starts where a ``pattern`` match starts, so ``pattern`` is matched there
    (a lookbehind still sees the text before the start).
    """
    if scanner is pattern:
        yield from pattern.finditer(text)
        return
    match = pattern.match
    for m in scanner.finditer(text):
        yield match(text, m.start())  # type: ignore[misc]


# --------------------------------------------------------------------------- required literals
def _groups(items: list) -> list[frozenset[str]]:
    """Groups of strings a text with a match of the sequence contains (one string of each group at least)."""
    out: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        if op is C.LITERAL:
            run += chr(av)
            continue
        if run:
            out.append(frozenset([run]))
            run = ""
        if op is C.IN and all(o is C.LITERAL for o, _a in av):
            out.append(frozenset(chr(a) for _o, a in av))
        elif op in _REPEATS and av[0] >= 1:
            out += _groups(list(av[2]))
        elif op is C.SUBPATTERN:
            out += _groups(list(av[3]))
        elif op is C.ASSERT:                  # what a lookahead or lookbehind sees is in the text too
            out += _groups(list(av[1]))
        elif op is C.BRANCH:
            best = [min(_groups(list(alt)), key=lambda g: (len(g), -min(map(len, g))), default=None) for alt in av[1]]
            if all(best):
                out.append(frozenset().union(*best))  # type: ignore[arg-type]
    if run:
        out.append(frozenset([run]))
    # a string that holds another of its group adds nothing (a text with 年级 has 年)
    out = [frozenset(a for a in g if not any(b != a and b in a for b in g)) for g in out]
    return [g for g in out if g and "" not in g]


def _implied(group: frozenset[str], by: frozenset[str]) -> bool:
    """True when a text with a string of ``by`` has a string of ``group`` (each of ``by`` contains one of ``group``)."""
    return group != by and all(any(g in b for g in group) for b in by)


def required_literals(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """Groups of strings such that a text where ``pattern`` matches contains a string of every group.

    A text without any string of one group has no match. Groups of more than a few strings
    (they cost more to look for than a scan saves) and groups another implies are left out.
    """
    if pattern.flags & ~re.UNICODE or not isinstance(pattern.pattern, str):
        return ()
    try:
        groups = [g for g in _groups(list(_parsed(pattern.pattern))) if len(g) <= _MAX_LITERALS]
    except RecursionError:
        return ()
    kept: list[frozenset[str]] = []
    for g in groups:
        if g not in kept and not any(_implied(g, other) for other in groups):
            kept.append(g)
    return tuple(tuple(sorted(g)) for g in sorted(kept, key=len))   # the fewest strings first: cheapest to test


def scan(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], re.Pattern[str], tuple[tuple[str, ...], ...]]:
    """(:func:`span_scanner`, its :func:`bmp_scanner`, :func:`required_literals`) of ``pattern``: the groups
    only when the scanner does not open with a literal, which the engine looks for as fast as ``in`` would."""
    scanner = span_scanner(pattern)
    if _parsed(scanner.pattern)[0][0] is C.LITERAL:
        return scanner, scanner, ()
    return scanner, bmp_scanner(scanner), required_literals(pattern)
