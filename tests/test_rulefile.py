"""The shared rule-file reader: validated models, errors with file and line, linear patterns."""
from __future__ import annotations

import pytest

from policylens.rulefile import RuleFileError, RuleModel, check_linear, compile_linear, load_yaml


class Cue(RuleModel):
    cue: str
    reason: str


class Cues(RuleModel):
    cues: list[Cue]


def test_valid_file_loads(tmp_path):
    path = tmp_path / "cues.yaml"
    path.write_text("cues:\n  - cue: 总体要求\n    reason: 框架部分\n", encoding="utf-8")
    assert load_yaml(path, Cues).cues[0].cue == "总体要求"


def test_unknown_key_names_file_and_line(tmp_path):
    path = tmp_path / "cues.yaml"
    path.write_text("cues:\n  - cue: 总体要求\n    reason: 框架部分\n  - cue: 工作目标\n    reasn: 目标\n",
                    encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_yaml(path, Cues)
    assert str(err.value).startswith(f"{path}:4: ")  # the first error: item 2 lacks `reason`
    assert "line 5: cues.1.reasn: Extra inputs are not permitted" in str(err.value)


def test_yaml_syntax_error_names_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("cues:\n  - cue: [未闭合\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_yaml(path, Cues)
    assert str(err.value).startswith(f"{path}:")


@pytest.mark.parametrize("pattern", [r"[ \t\f\v]+(?=\n)", r"[ \t]*(?:x){0,4}[ \t]*", r"\s*\s+", r"(a+)+"])
def test_quadratic_shapes_are_refused(pattern):
    assert check_linear(pattern)
    with pytest.raises(ValueError, match="not linear"):
        compile_linear(pattern)


@pytest.mark.parametrize("pattern", [r"达到\s*(\d+)%", r"第[一二三四五六七八九十]+章", r"[ \t]+$"])
def test_ordinary_patterns_pass(pattern):
    assert check_linear(pattern) is None
