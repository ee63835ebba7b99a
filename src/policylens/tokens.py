"""Policy tokens: one tokenizer shared by TF-IDF, topics, keyness and task alignment.

:func:`normalize` (full-width, Traditional) → drop bracketed responsibility
assignments ``〔…〕`` / ``(责任单位:市教育局…)`` (they name agencies, not themes) →
jieba (a private ``jieba.Tokenizer``, HMM off) with the versioned policy-domain user
dictionary ``data/policy_userdict.txt`` → keep tokens of two or more CJK characters (or
user-dictionary terms) that are not in ``data/policy_stopwords.txt``.

Tokenization is done once per text per process (:func:`tokenize` is memoised), so the
topic model, keyness and alignment of the same task texts share it.

jieba's prefix-dictionary cache: jieba would read ``$TMPDIR/jieba.cache`` (a marshal
file anyone can plant); here it lives in the project cache folder
``<root>/.cache/jieba-<sha256 of jieba's dictionary and version>.cache`` (gitignored),
so nothing outside the repository changes the tokens.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

from policylens import config
from policylens.normalize import normalize

USERDICT_PATH: Path = config.PACKAGE_DATA / "policy_userdict.txt"
STOPWORDS_PATH: Path = config.PACKAGE_DATA / "policy_stopwords.txt"
CACHE_DIR: Path = config.CACHE

#: Columns of pre-tokenized units: the heading's and the body's tokens, space-joined (tokens hold no space).
TOKEN_COLUMNS = ("heading_tokens", "body_tokens")
_CJK_TOKEN = re.compile(r"^[\u4e00-\u9fff]{2,}$")
# 〔…〕 blocks and "(责任单位:…)" lists that assign a task to agencies (nested "(市、区)" allowed)
_RESPONSIBILITY = re.compile(
    r"〔[^〔〕]{0,400}〕|\((?:责任单位|牵头单位|责任部门)[:：](?:[^()]|\([^()]*\)){0,400}\)")
_LOCK = threading.Lock()
_TOKENIZER = None


def _data_lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a package data file (UTF-8, BOM rejected)."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError(f"{path.name}:1: must be UTF-8 without BOM")
    lines = (line.strip() for line in raw.decode("utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _version(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lower().startswith("# version:"):
            return line.split(":", 1)[1].strip()
    raise ValueError(f"{path.name}:1: no '# version:' line")


def lexicon_version() -> str:
    """Version of the user dictionary and stopword list, e.g. ``"2024.1/2024.1"``."""
    return f"{_version(USERDICT_PATH)}/{_version(STOPWORDS_PATH)}"


@lru_cache(maxsize=1)
def user_dictionary() -> dict[str, int]:
    """Policy terms of ``policy_userdict.txt`` with their explicit jieba frequencies."""
    terms: dict[str, int] = {}
    for line in _data_lines(USERDICT_PATH):
        parts = line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            raise ValueError(f"policy_userdict.txt: expected 'TERM FREQ [POS]', got {line!r}")
        terms[parts[0]] = int(parts[1])
    return terms


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Stopwords of ``policy_stopwords.txt`` (generic policy verbs and boilerplate)."""
    return frozenset(_data_lines(STOPWORDS_PATH))


def jieba_cache_name() -> str:
    """File name of jieba's prefix-dictionary cache: keyed by the dictionary's content and jieba's version."""
    import jieba

    digest = hashlib.sha256(jieba.__version__.encode())
    digest.update((Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME).read_bytes())
    return f"jieba-{digest.hexdigest()[:16]}.cache"


def _tokenizer():
    """The private jieba tokenizer, built once (lazily, thread-safe, log silenced, project cache)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        with _LOCK:
            if _TOKENIZER is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.cache_file = jieba_cache_name()
                try:
                    CACHE_DIR.mkdir(parents=True, exist_ok=True)
                    tok.tmp_dir = str(CACHE_DIR)
                except OSError:  # read-only checkout: build the prefix dict, never read $TMPDIR
                    tok.tmp_dir = None
                    tok.cache_file = None
                    tok.initialize = _no_cache_initialize(tok)
                tok.initialize()
                for line in _data_lines(USERDICT_PATH):
                    parts = line.split()
                    tok.add_word(parts[0], int(parts[1]), parts[2] if len(parts) > 2 else None)
                _TOKENIZER = tok
    return _TOKENIZER


def _no_cache_initialize(tok):
    """An ``initialize`` that builds jieba's prefix dictionary from its dictionary file, without any cache."""
    def initialize(dictionary=None):
        if not tok.initialized:
            tok.FREQ, tok.total = tok.gen_pfdict(tok.get_dict_file())
            tok.initialized = True
    return initialize


def segment(text: str) -> list[str]:
    """Raw jieba segmentation (normalized input, user dictionary, HMM off), nothing dropped."""
    return _tokenizer().lcut(normalize(text).text, HMM=False)


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    clean = _RESPONSIBILITY.sub(" ", normalize(text).text)
    terms, stop = user_dictionary(), stopwords()
    return tuple(tok for tok in _tokenizer().lcut(clean, HMM=False)
                 if (tok in terms or _CJK_TOKEN.match(tok)) and tok not in stop)


def tokenize(text: str) -> list[str]:
    """Content tokens of a text, in order (memoised per text).

    Normalizes (full-width, Traditional), drops ``〔…〕`` and ``(责任单位:…)``
    responsibility assignments, segments with the policy dictionary (HMM off, so unknown
    strings fall apart into single characters instead of invented words) and
    keeps tokens of two or more CJK characters (or user-dictionary terms) that
    are not stopwords.
    """
    return list(_tokens(text or ""))


def unit_token_parts(heading: str, text: str) -> tuple[list[str], list[str]]:
    """Tokens of a unit's heading and of its body without the leading heading.

    Gold and parsed units repeat the heading at the start of ``text``; it is cut off
    (when it starts within the first 12 characters) so a heading weight means the same either way.
    """
    heading = normalize(heading or "").text.strip()
    body = normalize(text or "").text
    if heading:
        pos = body.find(heading)
        if 0 <= pos <= 12:
            body = body[pos + len(heading):]
    return tokenize(heading), tokenize(body)


def unit_tokens(heading: str, text: str, heading_weight: int = 1) -> list[str]:
    """Tokens of a unit: its heading's tokens ``heading_weight`` times, then the body's."""
    head, body = unit_token_parts(heading, text)
    return head * heading_weight + body
