import pandas as pd
import pytest

from ecg import ECGError
from encoders.labels import LUDB_STATEMENTS, read_ludb_labels, read_ptbxl_labels


def test_ludb_labels_follow_the_csv_text(ludb_like):
    labelled = read_ludb_labels(ludb_like)
    assert labelled.statements == tuple(LUDB_STATEMENTS)
    by_id = {int(r.path.stem): r for r in labelled.records}
    assert sorted(by_id) == list(range(1, 9))
    lvh = labelled.statements.index("left_ventricular_hypertrophy")
    af = labelled.statements.index("atrial_fibrillation")
    sinus = labelled.statements.index("sinus_rhythm")
    ischemia = labelled.statements.index("ischemia_scar_infarction")
    assert [int(by_id[i].labels[lvh]) for i in range(1, 9)] == [1, 0, 1, 0, 1, 0, 1, 0]
    assert [int(by_id[i].labels[af]) for i in range(1, 9)] == [0, 0, 1, 1, 0, 0, 0, 0]
    assert by_id[3].labels[sinus] == 0 and by_id[1].labels[sinus] == 1
    assert [i for i in range(1, 9) if by_id[i].labels[ischemia]] == [2]


def test_ludb_holds_out_every_fourth_record(ludb_like):
    labelled = read_ludb_labels(ludb_like)
    assert sorted(int(r.path.stem) for r in labelled.split(held_out=True)) == [4, 8]


def test_ptbxl_layout_gives_labels_and_a_patient_level_split(ptbxl_like):
    labelled = read_ptbxl_labels(ptbxl_like, statements=("NORM", "IMI", "LVH", "AFIB"))
    assert len(labelled.records) == 6
    labels = {r.path.name: r.labels.tolist() for r in labelled.records}
    assert labels["00002_lr.hea"] == [0, 1, 0, 0]
    assert labels["00006_lr.hea"] == [0, 1, 1, 0]
    held = labelled.split(held_out=True)
    assert {r.patient for r in held} == {"ptbxl/4"}
    assert not {r.patient for r in held} & {r.patient for r in labelled.split(held_out=False)}


def test_ptbxl_without_the_database_is_a_clear_error(tmp_path):
    with pytest.raises(ECGError, match="ptbxl_database.csv"):
        read_ptbxl_labels(tmp_path)


def test_ptbxl_with_broken_scp_codes_is_a_clear_error(ptbxl_like, tmp_path):
    table = pd.read_csv(ptbxl_like / "ptbxl_database.csv")
    table.loc[0, "scp_codes"] = "NORM and more"
    (tmp_path / "records100").symlink_to(ptbxl_like / "records100")
    table.to_csv(tmp_path / "ptbxl_database.csv", index=False)
    with pytest.raises(ECGError, match="scp_codes"):
        read_ptbxl_labels(tmp_path)


def test_ludb_without_its_csv_is_a_clear_error(tmp_path):
    with pytest.raises(ECGError, match="ludb.csv"):
        read_ludb_labels(tmp_path)
