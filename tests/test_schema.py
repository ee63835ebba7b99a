"""The table registry (src/policylens/data/tables.yaml) is the one contract of data/processed/."""
from __future__ import annotations

import pandas as pd
import pytest

from policylens import config, io, schema
from policylens.rulefile import RuleFileError


def test_registry_loads_and_names_only_known_label_kinds():
    reg = schema.registry()
    assert {"documents", "units", "tasks", "targets", "topics"} <= set(reg.tables)
    assert schema.check_registry() == []


def test_every_committed_csv_is_registered_with_the_same_header():
    produced = sorted(p.stem for p in config.DATA_PROCESSED.glob("*.csv"))
    assert produced == sorted(schema.registry().tables)
    for name in produced:
        header = pd.read_csv(config.DATA_PROCESSED / f"{name}.csv", nrows=0).columns.tolist()
        assert header == schema.table(name).columns, name


@pytest.mark.parametrize("name", sorted(p.stem for p in config.DATA_PROCESSED.glob("*.csv")))
def test_committed_tables_fit_the_registry_and_round_trip_byte_for_byte(name):
    frame = io.read_table(name, validate=True)  # types, allowed values and key
    assert schema.validate(frame, name) == []
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.6g").encode("utf-8")
    assert text == (config.DATA_PROCESSED / f"{name}.csv").read_bytes()


def test_schema_md_is_generated_from_the_registry():
    assert (config.DATA_PROCESSED / "SCHEMA.md").read_text(encoding="utf-8") == schema.markdown()


def test_schema_md_names_types_codes_and_the_threshold_from_its_file():
    from policylens import thresholds

    text = schema.markdown()
    assert "| `target_year` | Int64 |" in text
    assert "`annual_plan`, `work_key_points`, `work_arrangement`, `multi_year_action_plan`, `development_plan`" in text
    assert f"member_jaccard >= {thresholds.minimum('topics', 'topic.member_jaccard'):.2f}" in text
    assert "{thresholds." not in text


def test_stage_schemas_agree_with_the_registry():
    """The columns each stage produces are the registry's, in the same order."""
    from policylens import corpus, structure, targets, taxonomy, topics

    def cols(name, drop=()):
        return [c for c in schema.table(name).columns if c not in drop]

    assert list(corpus.DOCUMENT_COLUMNS) == cols("documents")
    assert list(corpus.CLEANING_COLUMNS) == cols("cleaning_report")
    assert list(corpus.FINDING_COLUMNS) == cols("findings")
    assert list(structure.UNIT_COLUMNS) == cols("units", ("doc_id",))
    context = ("doc_id", "unit_path", "unit_kind", "domain")
    assert list(targets.TARGET_COLUMNS) == cols("targets", context)
    assert set(cols("tasks", ("doc_id", "seq", "path", "kind", "heading", "body"))) <= set(taxonomy.TAXONOMY_COLUMNS)
    assert list(topics.TOPIC_TERM_COLUMNS) == cols("topics")
    assert list(topics.SELECTION_COLUMNS) == cols("topic_selection")
    assert list(topics.SUMMARY_COLUMNS) == cols("topic_summary")
    assert list(topics.KEYNESS_COLUMNS) == cols("keyness")


def test_columns_helper_gives_meanings_in_order():
    meanings = schema.columns("targets", exclude=("doc_id",))
    assert next(iter(meanings)) == "unit_path"
    assert "doc_id" not in meanings and meanings["comparator"]


def _tasks() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["baotou-2018", "baotou-2018"], "seq": [4, 5], "path": ["三/(一)/1", "三/(一)/2"],
        "kind": ["task", "safeguard"], "heading": ["强化思想引领", "加强教师队伍建设"],
        "body": ["用习近平新时代中国特色社会主义思想武装头脑。", "新增教师500名。"],
        "domain": ["party", "teachers"], "secondary_domains": ["", "moral"], "confidence": [0.5, 0.81],
        "level": ["cross_level", "compulsory"], "evidence": ["rules: body 党组织", "blend: 教师"],
        "needs_review": [False, False]})


def test_validate_accepts_a_good_frame():
    assert schema.validate(_tasks(), "tasks") == []


@pytest.mark.parametrize("change, expected", [
    (lambda f: f.assign(domain=["party", "教师"]), "tasks.csv:3: column domain: '教师' is not an allowed value"),
    (lambda f: f.assign(kind=["task", "preamble"]), "tasks.csv:3: column kind: 'preamble' is not an allowed value"),
    (lambda f: f.assign(seq=[4, 4.5]), "tasks.csv:3: column seq: 4.5 is not an integer"),
    (lambda f: f.assign(seq=[4, None]), "tasks.csv:3: column seq: empty"),
    (lambda f: f.assign(confidence=["high", 0.5]), "tasks.csv:2: column confidence: 'high' is not a number"),
    (lambda f: f.assign(confidence=[1.0, True]), "tasks.csv:3: column confidence: True is a boolean"),  # 1.0 == True
    (lambda f: f.assign(domain=["教师", "教师"]), "tasks.csv:2: column domain: '教师' is not an allowed value"),
    (lambda f: f.assign(seq=[4, 4]), "tasks.csv:3: key (doc_id='baotou-2018', seq=4) repeats an earlier row"),
    (lambda f: f.assign(extra=1), "tasks.csv:1: columns do not match the registry: not registered ['extra']"),
    (lambda f: f.drop(columns="level"), "tasks.csv:1: columns do not match the registry: missing ['level']"),
    (lambda f: f[list(f.columns[::-1])], "tasks.csv:1: columns do not match the registry: order differs"),
])
def test_validate_names_line_and_reason(change, expected):
    problems = schema.validate(change(_tasks()), "tasks")
    assert problems and problems[0].startswith(expected), problems


def test_unknown_table_is_a_clear_error():
    with pytest.raises(KeyError, match="not a registered table"):
        schema.table("nonesuch")


@pytest.mark.parametrize("body, reason", [
    ("      - {name: doc_id, dtype: text, meaning: x}\n", "dtype"),
    ("      - {name: doc_id, dtype: str, meaning: x, colour: red}\n", "colour"),
    ("      - {name: doc_id, dtype: str, meaning: x}\n      - {name: doc_id, dtype: str, meaning: y}\n",
     "listed twice"),
    ("      - {name: n, dtype: int, meaning: x, values: [a]}\n", "str fields only"),
    ("      - {name: DocId, dtype: str, meaning: x}\n", "snake_case"),
])
def test_bad_registry_file_is_reported_with_file_and_line(tmp_path, body, reason):
    path = tmp_path / "tables.yaml"
    path.write_text("version: 1\ntables:\n  t:\n    description: a table\n    key: []\n    fields:\n" + body,
                    encoding="utf-8")
    schema.registry.cache_clear()
    try:
        with pytest.raises(RuleFileError, match=reason) as err:
            schema.registry(path)
    finally:
        schema.registry.cache_clear()
    assert str(err.value).startswith(f"{path}:")
