"""Zip bundles: every ECG inside is read, and hostile archives are refused before extraction."""

import stat
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import wfdb

from ecg import ECGError, ReadLimits, ReadOptions, read_ecg, read_ecgs
from ecg.leads import STANDARD_LEADS


def _zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _wfdb_pair(example_hea: Path) -> dict[str, bytes]:
    return {"records/ludb_1.hea": example_hea.read_bytes(),
            "records/ludb_1.dat": example_hea.with_suffix(".dat").read_bytes()}


def test_bundle_reads_wfdb_and_other_formats_and_skips_the_rest(tmp_path, example_hea):
    npy = tmp_path / "x.npy"
    np.save(npy, np.sin(np.linspace(0, 60, 2000))[None, :].astype(np.float32))
    members = {**_wfdb_pair(example_hea),
               "more/strip.npz": _npz_bytes(tmp_path),
               "README.md": b"# what is in here\n",
               "LICENSE.txt": b"ODC-By 1.0\n",
               "__MACOSX/records/._ludb_1.hea": b"\x00\x05\x16\x07",
               "records/.DS_Store": b"\x00\x00\x00\x01Bud1",
               "records/ludb_1.i": b"\x00\x01\xff\xfe" * 8}
    records = read_ecgs(_zip(tmp_path / "bundle.zip", members))
    sources = [r.source for r in records]
    assert sources == [f"{tmp_path / 'bundle.zip'}:more/strip.npz", f"{tmp_path / 'bundle.zip'}:records/ludb_1.hea"]
    ludb = records[1]
    assert ludb.leads == STANDARD_LEADS and ludb.signal.shape == (12, 5000)
    np.testing.assert_array_equal(ludb.signal, read_ecg(example_hea).signal)
    assert any("records/ludb_1.i" in w for w in ludb.metadata["warnings"])


def _npz_bytes(tmp_path: Path) -> bytes:
    np.savez(tmp_path / "strip.npz", signal=np.sin(np.linspace(0, 60, 2000)), fs=250, leads=np.array(["II"]))
    return (tmp_path / "strip.npz").read_bytes()


def test_records_do_not_depend_on_the_deleted_temporary_folder(tmp_path, example_hea, monkeypatch):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    [record] = read_ecgs(_zip(tmp_path / "b.zip", _wfdb_pair(example_hea)))
    assert list(private_tmp.iterdir()) == []
    assert record.source == f"{tmp_path / 'b.zip'}:records/ludb_1.hea"
    assert str(private_tmp) not in repr(record.metadata)
    assert not isinstance(record.signal.base, np.memmap) and float(np.abs(record.signal).sum()) > 0


def test_multi_segment_wfdb_record_is_read_once(tmp_path, synthetic_ecg):
    signal, _ = synthetic_ecg
    for i, part in enumerate((signal[1, :2500], signal[1, 2500:5000])):
        wfdb.wrsamp(f"seg{i}", fs=500, units=["mV"], sig_name=["II"], p_signal=part[:, None].astype(np.float64),
                    fmt=["16"], adc_gain=[1000.0], baseline=[0], write_dir=str(tmp_path))
    members = {p.name: p.read_bytes() for p in tmp_path.glob("seg*")}
    members["multi.hea"] = b"multi/2 1 500 5000\nseg0 2500\nseg1 2500\n"
    [record] = read_ecgs(_zip(tmp_path / "multi.zip", members))
    assert record.source.endswith("multi.zip:multi.hea") and record.n_samples == 5000
    np.testing.assert_allclose(record.lead("II"), signal[1, :5000], atol=1e-3)


def test_nested_zips_to_the_allowed_depth(tmp_path, example_hea):
    inner = _zip(tmp_path / "inner.zip", _wfdb_pair(example_hea)).read_bytes()
    middle = _zip(tmp_path / "middle.zip", {"inner.zip": inner}).read_bytes()
    outer = _zip(tmp_path / "outer.zip", {"middle.zip": middle})
    [record] = read_ecgs(outer)
    assert record.source == f"{outer}:middle.zip:inner.zip:records/ludb_1.hea"
    with pytest.raises(ECGError, match="outer.zip:middle.zip:inner.zip: zips are nested more than 1 levels deep"):
        read_ecgs(outer, ReadOptions(limits=ReadLimits(max_zip_depth=1)))


def test_error_inside_the_bundle_names_bundle_and_member(tmp_path, example_hea):
    members = _wfdb_pair(example_hea)
    members["records/ludb_1.dat"] = members["records/ludb_1.dat"][:1000]
    with pytest.raises(ECGError, match=r"bad\.zip:records/ludb_1\.dat: the signal file is truncated"):
        read_ecgs(_zip(tmp_path / "bad.zip", members))


def test_bundle_without_ecgs(tmp_path):
    with pytest.raises(ECGError, match=r"docs\.zip: holds no ECG file \(skipped: photo\.jpg \(unknown format"):
        read_ecgs(_zip(tmp_path / "docs.zip", {"README": b"hi\n", "photo.jpg": b"\xff\xd8\xff\xe0" + bytes(200)}))


@pytest.mark.parametrize("name", ["../escape.csv", "/etc/escape.csv", "a/../../escape.csv", "C:/escape.csv",
                                  "..\\escape.csv"])
def test_zip_slip_is_refused(tmp_path, name):
    bundle = _zip(tmp_path / "slip.zip", {name: b"time,I\n0,1\n0.002,2\n"})
    with pytest.raises(ECGError, match="slip.zip: member .* points outside the archive's folder"):
        read_ecgs(bundle)
    assert not (tmp_path / "escape.csv").exists()


def test_symlink_members_are_refused(tmp_path):
    link = zipfile.ZipInfo("records/link.hea")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as archive:
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ECGError, match="link.zip: member 'records/link.hea' is a symbolic link"):
        read_ecgs(tmp_path / "link.zip")


def test_encrypted_members_are_refused(tmp_path):
    data = bytearray(_zip(tmp_path / "enc.zip", {"secret.csv": b"time,I\n"}).read_bytes())
    # Set the "encrypted" general-purpose flag in the local header and the central directory entry.
    data[6] |= 0x1
    data[data.index(b"PK\x01\x02") + 8] |= 0x1
    (tmp_path / "enc.zip").write_bytes(bytes(data))
    with pytest.raises(ECGError, match="enc.zip: member 'secret.csv' is encrypted"):
        read_ecgs(tmp_path / "enc.zip")


def test_zip_bomb_by_ratio_is_refused_before_extraction(tmp_path):
    bomb = _zip(tmp_path / "bomb.zip", {"zeros.csv": b"0\n" * 1024**2})
    with pytest.raises(ECGError, match=r"bomb.zip: member 'zeros.csv' is compressed \d+:1, more than 200:1"):
        read_ecgs(bomb)


def test_zip_total_size_and_member_count_limits(tmp_path, example_hea):
    bundle = _zip(tmp_path / "two.zip", _wfdb_pair(example_hea), compression=zipfile.ZIP_STORED)
    with pytest.raises(ECGError, match="two.zip: unpacks to more than"):
        read_ecgs(bundle, ReadOptions(limits=ReadLimits(max_zip_total_bytes=100_000)))
    with pytest.raises(ECGError, match="two.zip: holds 2 files, more than the 1 allowed"):
        read_ecgs(bundle, ReadOptions(limits=ReadLimits(max_zip_members=1)))


def test_npz_bomb_is_refused(tmp_path):
    np.savez_compressed(tmp_path / "bomb.npz", signal=np.zeros((2, 300_000), dtype=np.float32), fs=500)
    with pytest.raises(ECGError, match="bomb.npz: member 'signal.npy' is compressed"):
        read_ecgs(tmp_path / "bomb.npz")


def test_member_size_lies_are_caught(tmp_path, example_hea):
    bundle = _zip(tmp_path / "lie.zip", _wfdb_pair(example_hea), compression=zipfile.ZIP_STORED)
    data = bytearray(bundle.read_bytes())
    # Shrink the declared size of the .hea in the central directory (offset 24 of its entry).
    entry = data.index(b"PK\x01\x02")
    data[entry + 24: entry + 28] = (10).to_bytes(4, "little")
    bundle.write_bytes(bytes(data))
    with pytest.raises(ECGError, match="lie.zip"):
        read_ecgs(bundle)


def test_member_needing_an_unknown_zip_version_is_named(tmp_path, example_hea):
    data = bytearray(_zip(tmp_path / "v.zip", _wfdb_pair(example_hea)).read_bytes())
    entry = data.index(b"PK\x01\x02")
    data[entry + 6] = 84  # "version needed to extract": 8.4, which no zip library implements
    (tmp_path / "v.zip").write_bytes(bytes(data))
    with pytest.raises(ECGError, match="v.zip: .*zip file version 8.4"):
        read_ecgs(tmp_path / "v.zip")


def test_member_larger_than_a_file_may_be_is_refused(tmp_path):
    bundle = _zip(tmp_path / "big.zip", {"big.csv": b"0\n" * 300_000})
    with pytest.raises(ECGError, match="big.zip: member 'big.csv' unpacks to 1 MB, more than the 0 MB allowed"):
        read_ecgs(bundle, ReadOptions(limits=ReadLimits(max_file_bytes=100_000)))
