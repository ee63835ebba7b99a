"""One reader for the project's rule files: YAML validated by pydantic models, errors as ``file:line: reason``.

Every rule, codebook and dictionary file under ``data/`` is read through :func:`load_yaml`
with a model derived from :class:`RuleModel` (``extra="forbid"``: a misspelt key is an
error, not a silently ignored rule). A validation error names the file and the line of the
offending key, so a researcher editing a rule file sees where the problem is.

Patterns in rule files must run in linear time: :func:`check_linear` rejects the regex
shapes known to backtrack quadratically on long runs (see the reliability issue).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = ["RuleFileError", "RuleModel", "load_yaml", "check_linear", "compile_linear"]


class RuleFileError(ValueError):
    """A rule file that cannot be read or validated; the message is ``file:line: reason``."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None):
        self.path, self.reason, self.line = str(path), reason, line
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {reason}")


class RuleModel(BaseModel):
    """Base of every rule-file model: unknown keys are errors, models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


M = TypeVar("M", bound=BaseModel)

#: libyaml's safe loader when PyYAML was built with it (6-10x faster on the rule files), else
#: PyYAML's own; the constructor, and so the data, is the same. Syntax errors are reported by
#: PyYAML's own parser so their wording does not depend on the build.
FAST_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line_index(node: yaml.Node | None, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map every key path of a composed YAML document to its 1-based line."""
    out = {} if out is None else out
    if node is None:
        return out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, key.value)
            out[sub] = key.start_mark.line + 1
            _line_index(value, sub, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_index(item, (*path, i), out)
    return out


def _line_for(lines: dict[tuple, int], loc: tuple) -> int | None:
    """Line of the deepest known prefix of a pydantic error location."""
    loc = tuple(str(p) if not isinstance(p, int) else p for p in loc)
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def read_yaml(path: Path | str) -> tuple[Any, dict[tuple, int]]:
    """Parse a YAML file; return its data and the line of every key path."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(path, f"cannot read rule file ({exc})") from exc
    try:
        return _parse(text, FAST_LOADER)
    except yaml.YAMLError:
        try:  # PyYAML's own parser words the error (and accepts what it accepted before)
            return _parse(text, yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise RuleFileError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                mark.line + 1 if mark else None) from exc


def _parse(text: str, loader_class: type) -> tuple[Any, dict[tuple, int]]:
    """One parse: the node tree gives the key lines, then the safe constructor builds the data
    from it (what ``yaml.safe_load`` does; lines are read first, as merge keys rewrite nodes)."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        lines = _line_index(node)
        return (loader.construct_document(node) if node is not None else None), lines
    finally:
        loader.dispose()


def load_yaml(path: Path | str, model: type[M]) -> M:
    """Read ``path`` and validate it with ``model``; every error names file and line."""
    data, lines = read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        parts = []
        for i, err in enumerate(errors):
            where = ".".join(str(p) for p in err["loc"])
            line = _line_for(lines, err["loc"])
            prefix = "" if i == 0 else f"line {line}: "
            parts.append(f"{prefix}{where}: {err['msg']}")
        raise RuleFileError(path, "; ".join(parts), _line_for(lines, errors[0]["loc"])) from exc


# Shapes that backtrack quadratically on a long run of the repeated character: two adjacent
# unbounded quantifiers that can match the same character, or an unbounded quantifier under
# a bounded/optional group followed by another.  A conservative textual check, not a proof.
_QUADRATIC = (
    (re.compile(r"(\\s|\[[^\]]*(?: |\\t|\\s)[^\]]*\])[*+]\)?\??(\\s|\[[^\]]*(?: |\\t|\\s)[^\]]*\])[*+]"),
     "two adjacent unbounded whitespace quantifiers"),
    (re.compile(r"(\\s|\[[^\]]*(?: |\\t|\\s)[^\]]*\])[*+]\(\?=\\n\)"),
     "an unbounded whitespace run tested by a lookahead at every position"),
    (re.compile(r"\((?:[^()]|\\\()*[*+]\)[*+{]"), "a nested unbounded quantifier ((a+)+)"),
    (re.compile(r"(\\s|\[[^\]]*(?: |\\t|\\s)[^\]]*\])[*+]\((?:[^()]|\\\(|\\\))*\)(?:\?|\{0,\d+\}|\*)"
                r"(\\s|\[[^\]]*(?: |\\t|\\s)[^\]]*\])[*+]"),
     "unbounded whitespace quantifiers on both sides of an optional group"),
)


def check_linear(pattern: str) -> str | None:
    """Why ``pattern`` has a known quadratic shape, or None when none is found."""
    for shape, why in _QUADRATIC:
        if shape.search(pattern):
            return why
    return None


def compile_linear(pattern: str, where: str = "pattern", flags: int = 0) -> re.Pattern[str]:
    """Compile a rule-file pattern, refusing invalid regexes and known quadratic shapes."""
    why = check_linear(pattern)
    if why:
        raise ValueError(f"{where}: {pattern!r} is not linear: {why}")
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(f"{where}: {pattern!r} is not a valid regular expression ({exc})") from exc
