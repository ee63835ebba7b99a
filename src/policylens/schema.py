"""The data dictionary of ``data/processed/``: every table, every column, what it means.

The build writes it as ``data/processed/SCHEMA.md``; a test checks each CSV's
header against it, so the documentation cannot drift from the data.
"""
from __future__ import annotations

from policylens.corpus import DOCUMENT_COLUMNS

DOC_ID = {"doc_id": "document id: the raw file's name without .txt (manifest key)"}

DOCUMENT_MEANINGS = {
    "doc_id": DOC_ID["doc_id"],
    "city_zh": "city (中文); anonymized plans keep the page's 'X市' with the inferred city in brackets",
    "city_en": "city (English)",
    "province_zh": "province-level unit (中文)",
    "province_en": "province-level unit (English)",
    "admin_level": "administrative level of the issuing government: province, prefecture or county",
    "plan_start_year": "first year the plan covers",
    "plan_end_year": "last year the plan covers",
    "doc_type": "annual_plan (年度工作计划), work_key_points (工作要点) or multi_year_action_plan (多年行动计划)",
    "title": "document title (from the page, or inferred: see `inferred`)",
    "issuing_body": "body that issued the plan",
    "published_date": "publication date as the page gives it (YYYY-MM-DD), empty when unknown",
    "page_date": "date found in the raw page header by the cleaner (may be the scraper's, not the plan's)",
    "source": "where the page came from",
    "anonymized": "true when the page replaced place names and years by X",
    "inferred": "manifest fields that are inferred rather than read, ';'-joined",
    "evidence": "the evidence for the inferred fields",
    "encoding": "encoding the raw file was decoded from",
    "raw_chars": "characters in the raw file",
    "clean_chars": "characters in the cleaned text",
    "removed_chars": "raw_chars - clean_chars",
    "traditional_converted": "true when the page was in Traditional characters and was converted",
    "title_removed": "page-title line removed from the top of the body",
    "rules_fired": "cleaning rules that fired, as rule×count, ';'-joined",
    "findings": "consistency findings (flagged, not fixed), as code: message, ';'-joined",
    "sha256": "checksum of the raw file",
}
assert tuple(DOCUMENT_MEANINGS) == DOCUMENT_COLUMNS

CLEANING_MEANINGS = {
    "doc_id": DOC_ID["doc_id"],
    "rule_id": "cleaning rule (data/cleaning_rules.yaml) or normalization step",
    "kind": "drop_line, delete, replace or normalize",
    "count": "how many times it fired",
    "removed_chars": "characters it removed",
    "example": "first text it matched (60 characters at most)",
    "reason": "why the rule exists",
}
FINDING_MEANINGS = {
    "doc_id": DOC_ID["doc_id"],
    "code": "congress-after-date, plan-year-mismatch, page-date-vs-plan-year or page-date-vs-manifest",
    "message": "what is inconsistent, in a sentence",
}
OFFSET_MEANINGS = {
    "doc_id": DOC_ID["doc_id"],
    "clean_start": "first cleaned-text offset of a run of consecutive characters",
    "raw_start": "raw-text offset (characters of the decoded file) of that first character",
    "length": "run length: cleaned[clean_start + i] comes from raw[raw_start + i]",
}
TASK_MEANINGS = {
    "doc_id": DOC_ID["doc_id"],
    "seq": "order of the unit in its document (units.csv)",
    "path": "outline path of the unit (units.csv)",
    "kind": "task or safeguard",
    "heading": "the unit's short title",
    "body": "the unit's own text (what is coded)",
}
TARGET_CONTEXT = {
    "doc_id": DOC_ID["doc_id"],
    "unit_path": "path of the outline unit the target stands in ('' when before any unit)",
    "unit_kind": "kind of that unit (goal, task, …)",
    "domain": "primary domain of that unit when it is a coded task or safeguard, else ''",
}


def tables() -> dict[str, tuple[str, dict[str, str]]]:
    """``file name → (description, {column: meaning})`` for every generated table."""
    from policylens.structure import UNIT_COLUMNS
    from policylens.targets import TARGET_COLUMNS
    from policylens.taxonomy import TAXONOMY_COLUMNS

    out = {
        "documents.csv": ("one row per document: manifest metadata and what cleaning did", DOCUMENT_MEANINGS),
        "cleaning_report.csv": ("one row per document and cleaning rule that fired", CLEANING_MEANINGS),
        "findings.csv": ("one row per consistency finding", FINDING_MEANINGS),
        "offset_map.csv": ("cleaned → raw character map, as runs", OFFSET_MEANINGS),
        "units.csv": ("one row per outline unit of every plan (policylens.parse_plan)",
                      {**DOC_ID, **UNIT_COLUMNS}),
        "tasks.csv": ("one row per task or safeguard unit, coded into the codebook (policylens.code_tasks)",
                      {**TASK_MEANINGS, **{k: TAXONOMY_COLUMNS[k] for k in
                                           ("domain", "secondary_domains", "confidence", "level", "evidence")}}),
        "targets.csv": ("one row per quantitative target (policylens.extract_targets)",
                        {**TARGET_CONTEXT, **TARGET_COLUMNS}),
    }
    out.update({
        "topics.csv": ("top terms of every topic of the chosen model (policylens.TopicModel)", {
            "topic": "topic number (0 = largest total weight)",
            "label": "automatic short label: the top three terms joined by ·",
            "rank": "rank of the term in the topic (1 = strongest)",
            "term": "a policy token (jieba + the policy user dictionary)",
            "weight": "the term's weight in the topic (NMF components, rounded)"}),
        "topic_selection.csv": ("the rule for the number of topics and how often it gives the same k on subsamples", {
            "rule": "the rule fixed in advance (n_units // units_per_topic within [min, max]), or 'fixed k'",
            "n_units": "task units the model was fitted on",
            "n_topics": "number of topics k",
            "subsamples": "stability refits on random 90% subsamples",
            "reproduced": "share of those subsamples on which the rule gives the same k"}),
        "topic_summary.csv": ("one row per topic of the chosen model, with its stability", {
            "topic": "topic number", "label": "top three terms (中文)",
            "label_en": "English gloss of the label terms (data/topic_glossary.csv)",
            "n_units": "task units whose dominant topic it is",
            "coherence": "NPMI@10 of its top terms over the task units",
            "member_jaccard": "mean Jaccard of its member tasks with the best-matching topic of each refit "
                              "(Hennig 2007)",
            "term_agreement": "mean AJ@10 of its top terms with the matched topic of each refit (Greene et al. 2014)",
            "stable": "member_jaccard >= 0.75 and term_agreement >= 0.75: a finding rather than noise",
            "display_label": "label for figures: bilingual, or prefixed 'unstable 不稳定' when not stable"}),
        "task_topics.csv": ("one row per task or safeguard unit with its dominant topic", {
            "doc_id": DOC_ID["doc_id"], "seq": TASK_MEANINGS["seq"], "path": TASK_MEANINGS["path"],
            "kind": TASK_MEANINGS["kind"], "heading": TASK_MEANINGS["heading"],
            "domain": "primary domain from tasks.csv",
            "topic": "dominant topic (-1 when the unit has no vocabulary term)",
            "topic_weight": "that topic's share of the unit's topic mixture",
            "topic_label": "the topic's label",
            "topic_stable": "whether that topic is stable (topic_summary.csv); unstable ones pool as 'mixed 混合'",
            "landing": "share of the refits containing the unit in which it lands in (the match of) its topic",
            "flagged": "landing < 0.5: the unit's topic assignment is not reliable"}),
        "keyness.csv": ("distinctive terms of each plan against the rest of the corpus", {
            "group": "document id", "term": "policy token", "count": "its count in the plan's tasks",
            "z": "z-score of the log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008)",
            "rank": "rank within the plan (1 = most distinctive)"}),
    })
    return out


def markdown() -> str:
    """The data dictionary as Markdown."""
    lines = ["# data/processed: data dictionary", "",
             "Generated by `python -m policylens.build` from the schemas in the code; do not edit by hand.",
             "Cleaned texts are in `clean/<doc_id>.txt`. CSVs are UTF-8, comma-separated, with a header.", ""]
    for name, (description, columns) in tables().items():
        lines += [f"## {name}", "", description[0].upper() + description[1:] + ".", "",
                  "| column | meaning |", "|---|---|"]
        lines += [f"| `{col}` | {meaning.replace('|', '/')} |" for col, meaning in columns.items()]
        lines.append("")
    return "\n".join(lines)
