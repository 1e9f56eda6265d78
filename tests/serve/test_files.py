"""The upload store and attached-file decoding: hostile names and ids never reach a path."""

from __future__ import annotations

import base64

import pytest

from serve.errors import APIError
from serve.files import ECGCache, FileStore, decode_file_data, safe_filename


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\me\\rec.edf", "rec.edf"),
    (".hidden.csv", "hidden.csv"),
    ("a b;rm -rf.zip", "a_b_rm_-rf.zip"),
    ("..", "ecg"),
    (None, "ecg"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_store_round_trip_and_hostile_ids(tmp_path):
    store = FileStore(tmp_path)
    obj = store.add("../x.zip", b"abc", "user_data")
    assert store.get(obj.id).filename == "x.zip" and store.content(obj.id) == b"abc"
    assert [o.id for o in store.list()] == [obj.id]
    assert sorted(p.name for p in (tmp_path / "files").iterdir()) == [f"{obj.id}.bin", f"{obj.id}.json"]
    for hostile in ("../files/" + obj.id, "file-../../x", obj.id + "/..", "file-" + "0" * 24):
        with pytest.raises(APIError) as caught:
            store.get(hostile)
        assert caught.value.status == 404
    store.delete(obj.id)
    assert list((tmp_path / "files").iterdir()) == []


def test_decode_file_data():
    payload = base64.b64encode(b"\x00ECG").decode()
    assert decode_file_data(f"data:application/octet-stream;base64,{payload}", "p") == b"\x00ECG"
    assert decode_file_data(payload[:4] + "\n" + payload[4:], "p") == b"\x00ECG"
    for bad in ("data:text/plain,hello", "data:;base64,***"):
        with pytest.raises(APIError, match="file_data"):
            decode_file_data(bad, "p")


def test_ecg_cache_is_by_content_and_scrubs_its_folder(tmp_path):
    cache = ECGCache(tmp_path)
    first, again = cache.put("a.csv", b"1,2"), cache.put("a.csv", b"1,2")
    assert first == again and first.name == "a.csv" and first.read_bytes() == b"1,2"
    assert cache.put("a.csv", b"3,4") != first
    said = {"text": f"{first}: no such lead", "items": [f"ECG 1 ({first})"]}
    assert cache.scrub(said) == {"text": "a.csv: no such lead", "items": ["ECG 1 (a.csv)"]}
