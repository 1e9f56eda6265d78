import io
import shutil
import zipfile

import pytest

from ecg.io import ReadOptions, read_ecg
from ecg.limits import ReadLimits
from tests.ui.conftest import SECOND, wfdb_pair
from ui.store import SessionStore
from ui.uploads import add_uploads, group_files, restore_files, safe_name


@pytest.fixture
def session(tmp_path):
    store = SessionStore(tmp_path / "data")
    return store, store.create_session()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_header_takes_its_signal_and_annotation_files():
    groups = group_files(["1.hea", "1.dat", "1.i", "notes.csv", "2.dat"])
    assert groups == {"1.hea": ["1.dat", "1.i"], "notes.csv": [], "2.dat": []}


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"), ("C:\\x\\ECG 1.hea", "ECG_1.hea"), (".hidden.hea", "hidden.hea"),
    ("", "upload"), ("a;rm -rf.dat", "a_rm_-rf.dat")])
def test_names_are_sanitized(name, expected):
    assert safe_name(name) == expected


def test_a_wfdb_pair_becomes_one_ecg_that_reads(session, example_pair):
    store, sid = session
    outcome = add_uploads(store, sid, example_pair)
    assert outcome.problems == []
    [ecg] = outcome.added
    assert ecg.label == "ludb_1" and ecg.relpath == "upload-1/ludb_1.hea"
    record = read_ecg(store.session_folder(sid) / ecg.relpath)
    assert record.signal.shape == (12, 5000)
    assert set(store.files(sid)) == {"upload-1/ludb_1.hea", "upload-1/ludb_1.dat"}


def test_a_zip_of_two_records_gives_two_ecgs(session, example_pair):
    store, sid = session
    bundle = _zip([(f"ecgs/{n}", d) for n, d in example_pair + wfdb_pair(SECOND)])
    outcome = add_uploads(store, sid, [("two.zip", bundle)])
    assert outcome.problems == [] and len(outcome.added) == 2
    assert [e.label for e in outcome.added] == ["two.zip:ecgs/2.hea", "two.zip:ecgs/ludb_1.hea"]
    shapes = [read_ecg(store.session_folder(sid) / e.relpath).signal.shape for e in outcome.added]
    assert shapes == [(12, 5000), (12, 5000)]


def test_a_bad_file_is_named_and_nothing_stored_is_lost(session, example_pair):
    store, sid = session
    [first] = add_uploads(store, sid, example_pair).added
    truncated = [("ludb_1.hea", example_pair[0][1]), ("ludb_1.dat", example_pair[1][1][:1000])]
    outcome = add_uploads(store, sid, truncated + [("notes.txt", b"shopping list")])
    assert outcome.added == []
    assert len(outcome.problems) == 2
    assert outcome.problems[0].startswith("ludb_1.dat: the signal file is truncated")
    assert outcome.problems[1].startswith("notes.txt: ")
    assert store.ecgs(sid) == [first]
    folder = store.session_folder(sid)
    assert sorted(p.name for p in folder.iterdir()) == ["upload-1"]
    assert read_ecg(folder / first.relpath).signal.shape == (12, 5000)


def test_good_files_are_kept_beside_a_bad_one(session, example_pair):
    store, sid = session
    outcome = add_uploads(store, sid, example_pair + [("2.dat", wfdb_pair(SECOND)[1][1])])
    assert [e.label for e in outcome.added] == ["ludb_1"]
    assert outcome.problems == ["2.dat: a WFDB signal file is read through its header; attach 2.hea with it"]


def test_oversize_and_empty_files_are_refused_before_writing(session, example_pair):
    store, sid = session
    options = ReadOptions(limits=ReadLimits(max_file_bytes=10_000))
    outcome = add_uploads(store, sid, example_pair + [("empty.csv", b"")], options)
    assert outcome.added == []
    assert outcome.problems == ["ludb_1.dat: the file is 117 KB, more than the 10 KB allowed",
                                "empty.csv: the file is empty",
                                "ludb_1.hea: the signal file ludb_1.dat named by the header is missing"]


def test_lost_files_are_written_again_from_the_store(session, example_pair):
    store, sid = session
    [ecg] = add_uploads(store, sid, example_pair).added
    shutil.rmtree(store.session_folder(sid))
    restore_files(store, sid)
    assert read_ecg(store.session_folder(sid) / ecg.relpath).signal.shape == (12, 5000)
