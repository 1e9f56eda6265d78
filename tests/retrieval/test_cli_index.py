"""`ecg-agent index build` writes a loadable reports index from a PTB-XL layout."""

from __future__ import annotations

from cli.main import main
from retrieval.store import EmbeddingIndex
from tests.retrieval.helpers import PTBXL_ROWS, write_ptbxl


def test_index_build_reports_from_ptbxl(tmp_path, capsys):
    root = write_ptbxl(tmp_path / "ptbxl")
    assert main(["index", "build", "--kind", "reports", "--layout", "ptbxl", "--root", str(root),
                 "--out", str(tmp_path / "index")]) == 0
    assert "reports: 5 ECGs (flat)" in capsys.readouterr().out
    index = EmbeddingIndex.load(tmp_path / "index", "reports")
    assert [e.record_id for e in index.entries] == [f"ptbxl/{i}" for i in PTBXL_ROWS]


def test_index_build_missing_table_is_a_clear_error(tmp_path, capsys):
    assert main(["index", "build", "--kind", "reports", "--layout", "mimic", "--root", str(tmp_path),
                 "--out", str(tmp_path / "index")]) == 2
    assert "record_list.csv is missing" in capsys.readouterr().err
