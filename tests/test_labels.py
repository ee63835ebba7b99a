"""One bilingual label table for every code a figure or table shows."""
from __future__ import annotations

import pytest

from policylens import labels, schema, taxonomy
from policylens.rulefile import RuleFileError


def test_labels_come_from_the_files_that_define_the_codes():
    assert labels.codes("domain") == taxonomy.domain_codes()
    assert labels.label("domain", "teachers") == taxonomy.bilingual_label("teachers")
    assert labels.label("level", "preschool") == "Preschool 学前教育"
    assert labels.label("indicator", "compulsory_retention_rate", lang="zh") == "九年义务教育巩固率"
    assert labels.label("doc_type", "annual_plan") == "Annual work plan 年度工作计划"
    assert labels.label("unit_kind", "task", lang="en") == "task"


def test_every_label_is_bilingual():
    cjk = lambda s: any("\u4e00" <= ch <= "\u9fff" for ch in s)  # noqa: E731
    for kind in labels.kinds():
        frame = labels.table(kind)
        assert len(frame) and frame["code"].is_unique, kind
        assert all(cjk(z) for z in frame["zh"]) or kind == "target_group", kind
        assert all(e and e.isascii() for e in frame["en"]), kind


def test_every_code_in_the_processed_tables_has_a_label():
    from policylens import io

    for name, spec in schema.registry().tables.items():
        frame = io.read_table(name)
        for f in spec.fields:
            if f.codes:
                used = set(frame[f.name]) - {""}
                assert used <= set(labels.codes(f.codes)), (name, f.name)


def test_groups_map_raw_values():
    assert labels.group_of("target_group", "名") == "people"
    assert labels.group_of("target_group", "平方米") == "other"


def test_unknown_codes_and_kinds_are_clear_errors():
    with pytest.raises(KeyError, match="unknown domain code 'teacher'"):
        labels.label("domain", "teacher")
    with pytest.raises(KeyError, match="unknown label kind"):
        labels.codes("colour")


def test_a_bad_label_file_is_reported_with_file_and_line(tmp_path):
    from policylens.rulefile import load_yaml

    path = tmp_path / "labels.yaml"
    path.write_text("version: 1\nkinds:\n  doc_type:\n    - {code: a, en: A, zh: 甲}\n    - {code: a, en: B, zh: 乙}\n"
                    "  unit_kind:\n    - {code: b, en: B}\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="zh") as err:
        load_yaml(path, labels.LabelFile)
    assert str(err.value).startswith(f"{path}:7:")
