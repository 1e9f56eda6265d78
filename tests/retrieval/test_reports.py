"""Reports tables in the LUDB, PTB-XL and MIMIC-IV-ECG layouts, and the similar-ECG retriever
over an index built with the default encoder: never the query's own record or patient."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ecg.errors import ECGError
from retrieval.langchain import SimilarECGRetriever
from retrieval.reports import build_reports_index, encoder_embedding, historical_ecgs
from tests.retrieval.helpers import PTBXL_ROWS, write_mimic, write_ptbxl

LUDB_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ludb"
LUDB_CSV = ("ID,Sex,Age,Rhythms,Electric axis of the heart,Conduction abnormalities,Extrasystolies,Hypertrophies,"
            "Cardiac pacing,Ischemia,Non-specific repolarization abnormalities,Other states\n"
            '2,M,64,Sinus rhythm,Electric axis of the heart: normal,,,,,,,\n'
            '44,F,70,Atrial fibrillation,Electric axis of the heart: left axis deviation,,,,,,,\n'
            '74,M,80,Sinus rhythm,,,,,"Unipolar ventricular pacing",,,\n'
            '75,M,80,Sinus rhythm,,,,,,,,\n')


@pytest.fixture(scope="module")
def ptbxl_root(tmp_path_factory) -> Path:
    return write_ptbxl(tmp_path_factory.mktemp("ptbxl"))


@pytest.fixture(scope="module")
def encoder():
    return encoder_embedding()


def test_ptbxl_layout(ptbxl_root):
    ecgs = historical_ecgs("ptbxl", ptbxl_root)
    assert [e.entry.record_id for e in ecgs] == [f"ptbxl/{i}" for i in PTBXL_ROWS]
    first, third = ecgs[0].entry, ecgs[2].entry
    assert (first.patient_id, first.split, first.text) == ("ptbxl/7", "train", "sinus rhythm, normal ecg")
    assert third.split == "test" and ecgs[4].entry.split == "val"
    assert first.metadata["scp_codes"] == {"NORM": 100.0, "SR": 0.0}
    assert ecgs[0].path == ptbxl_root / "records100" / "00000" / "00001_lr.hea"
    assert historical_ecgs("ptbxl", ptbxl_root, fs=500)[0].path.name == "00001_hr.hea"


def test_mimic_layout(tmp_path):
    ecgs = historical_ecgs("mimic", write_mimic(tmp_path))
    assert [(e.entry.record_id, e.entry.patient_id) for e in ecgs] == \
        [("mimic/4000", "mimic/100"), ("mimic/4001", "mimic/100"), ("mimic/4002", "mimic/101")]
    assert ecgs[2].entry.text == "Sinus rhythm. Sinus tachycardia"
    assert ecgs[0].path.is_file()


def test_ludb_layout_reports_the_diagnoses_of_records_present(tmp_path):
    shutil.copytree(LUDB_FIXTURES, tmp_path / "data", ignore=shutil.ignore_patterns("README.md", "52.*", "62.*"))
    (tmp_path / "ludb.csv").write_text(LUDB_CSV)
    ecgs = {e.entry.record_id: e.entry for e in historical_ecgs("ludb", tmp_path)}
    assert sorted(ecgs) == ["ludb/2", "ludb/44", "ludb/74"]  # 75 has no signal here
    assert ecgs["ludb/44"].text == "Atrial fibrillation; Electric axis of the heart: left axis deviation"
    assert ecgs["ludb/74"].patient_id == "ludb/74"
    assert {e.split for e in ecgs.values()} == {"train"}  # the encoder holds out every 4th record present


def test_bad_tables_are_ecg_errors(tmp_path):
    with pytest.raises(ECGError, match="ptbxl_database.csv is missing"):
        historical_ecgs("ptbxl", tmp_path)
    (tmp_path / "ptbxl_database.csv").write_text("ecg_id,report\n1,x\n")
    with pytest.raises(ECGError, match="columns missing: filename_lr, patient_id, scp_codes, strat_fold"):
        historical_ecgs("ptbxl", tmp_path)
    with pytest.raises(ECGError, match="unknown layout"):
        historical_ecgs("csv", tmp_path)


def test_similar_ecgs_never_include_the_query_record_or_its_patient(ptbxl_root, encoder):
    embed, name = encoder
    index = build_reports_index(historical_ecgs("ptbxl", ptbxl_root), embed, name)
    assert index.kind == "flat" and index.info["embedder"] == name
    retriever = SimilarECGRetriever(index=index, embed=embed, k=10)
    query = ptbxl_root / "records100" / "00000" / "00001_lr.hea"
    documents = retriever.invoke(str(query))  # the query is indexed: recognised, it and patient 7 left out
    assert {d.metadata["record_id"] for d in documents} == {"ptbxl/3", "ptbxl/4", "ptbxl/5"}
    assert all(d.metadata["patient_id"] != "ptbxl/7" for d in documents)
    assert documents[0].page_content and documents[0].metadata["score"] >= documents[-1].metadata["score"]
    held_out = SimilarECGRetriever(index=index, embed=embed, k=10, exclude_splits=frozenset({"test", "val"}),
                                   exclude_patient_ids=frozenset({"ptbxl/9"}))
    assert held_out.invoke(str(query)) == []
