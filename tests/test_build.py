"""The committed data/processed/ is exactly what the build produces."""
from __future__ import annotations

import filecmp

from policylens import config
from policylens.build import build


def test_rebuild_matches_committed_outputs(tmp_path):
    errors = build(tmp_path, progress=False)
    assert errors == []
    produced = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(config.DATA_PROCESSED) for p in config.DATA_PROCESSED.rglob("*") if p.is_file())
    assert produced == committed
    for rel in produced:
        assert filecmp.cmp(tmp_path / rel, config.DATA_PROCESSED / rel, shallow=False), f"{rel} differs"


def test_outputs_carry_no_machine_paths():
    for path in config.DATA_PROCESSED.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert str(config.ROOT) not in text and "/tmp/" not in text, path


def test_gold_copy_matches_shared_folder():
    """data/external/gold is an unchanged copy of ../shared/gold (when that folder is present)."""
    shared = config.SHARED / "gold"
    if not shared.is_dir():
        import pytest

        pytest.skip("../shared is not beside the repository")
    for name in ("tasks_seeds.csv", "targets_seeds.csv", "README.md"):
        assert (shared / name).read_bytes() == (config.GOLD / name).read_bytes(), name


def test_every_table_matches_its_documented_schema():
    from policylens.io import read_csv
    from policylens.schema import tables

    documented = tables()
    produced = sorted(p.name for p in config.DATA_PROCESSED.glob("*.csv"))
    assert produced == sorted(documented)
    for name, (_, columns) in documented.items():
        assert list(read_csv(config.DATA_PROCESSED / name).columns) == list(columns), name


def test_structureless_and_broken_plans_are_reported_and_the_rest_builds(tmp_path):
    """A plan without numbering and an unreadable file give clear errors; every other document still builds."""
    import csv
    import hashlib
    import shutil

    from policylens.io import read_csv

    raw = tmp_path / "raw"
    shutil.copytree(config.DATA_RAW, raw)
    plain = "全市教育工作要以立德树人为根本任务。\n加强教师队伍建设,新建幼儿园5所。\n深化教育综合改革。\n"
    (raw / "plain-2024.txt").write_text(plain, encoding="utf-8")
    (raw / "broken-2024.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    with open(raw / "manifest.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for doc_id in ("plain-2024", "broken-2024"):
        rows.append({**rows[0], "doc_id": doc_id, "inferred": "", "evidence": "",
                     "sha256": hashlib.sha256((raw / f"{doc_id}.txt").read_bytes()).hexdigest()})
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out"
    (out / "clean").mkdir(parents=True)
    (out / "clean" / "dropped-2010.txt").write_text("stale", encoding="utf-8")
    errors = build(out, raw, progress=False)
    assert any("broken-2024.txt" in e and "binary file" in e for e in errors)
    assert any("plain-2024.txt" in e and "no outline numbering" in e for e in errors), errors
    units = read_csv(out / "units.csv")
    assert set(units["doc_id"]) == {"baotou-2018", "cangzhou-2023", "qingdao-2012", "x-guangxi-2018-2020",
                                    "zhuzhou-2017", "plain-2024"}
    assert not (out / "clean" / "dropped-2010.txt").exists()
