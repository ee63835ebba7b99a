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
