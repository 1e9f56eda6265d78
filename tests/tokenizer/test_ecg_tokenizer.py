from functools import lru_cache

import numpy as np
import pytest

from ecg import ECGError, make_record
from tests.conftest import synthetic_12lead
from tokenizer import ECGTokenizer
from tokenizer.vocab import SEGMENT

MAX_TOKENS_12_LEAD_10_S = 320


@lru_cache(maxsize=None)
def _simulated(duration_s, heart_rate, seed):
    return synthetic_12lead(duration_s=duration_s, heart_rate=heart_rate, seed=seed)


def _record(duration_s=10.0, heart_rate=70, seed=1, leads=None):
    signal, names = _simulated(duration_s, heart_rate, seed)
    record = make_record(signal, 500, names, source="synthetic", format="npy")
    return record.select(leads) if leads else record


def test_same_ecg_gives_the_same_tokens(tiny_tokenizer):
    record = _record()
    first, second = tiny_tokenizer.encode(record), tiny_tokenizer.encode(record)
    assert first.ids == second.ids and first.tokens == second.tokens


@pytest.mark.parametrize("heart_rate", [45, 75, 150])
def test_twelve_leads_ten_seconds_fit_the_budget(tiny_tokenizer, heart_rate):
    tokens = tiny_tokenizer.encode(_record(heart_rate=heart_rate))
    assert tokens.n_tokens <= MAX_TOKENS_12_LEAD_10_S
    assert tokens.tokens[0] == SEGMENT
    assert sum(t.startswith("<ecg_lead_") for t in tokens.tokens) == 12
    n_beats = sum(t.startswith("<ecg_rr_") for t in tokens.tokens)
    assert abs(n_beats - heart_rate / 6) <= 2


@pytest.mark.parametrize("leads", [["II"], ["V1"], ["I", "II"], ["II", "V5"]])
def test_one_and_two_lead_ecgs_tokenize_and_decode(tiny_tokenizer, leads):
    record = _record(leads=leads)
    tokens = tiny_tokenizer.encode(record)
    assert [t for t in tokens.tokens if t.startswith("<ecg_lead_")] == [f"<ecg_lead_{n}>" for n in leads]
    decoded = tiny_tokenizer.decode(tokens.ids, n_samples=2500)
    assert decoded.leads == tuple(leads)
    assert decoded.signal.shape == (len(leads), 2500)
    assert np.isfinite(decoded.signal).all()


def test_decode_rebuilds_shape_rhythm_and_amplitude(tiny_tokenizer):
    tokens = tiny_tokenizer.encode(_record())
    decoded = tiny_tokenizer.decode(tokens.ids, n_samples=2500)
    assert decoded.signal.shape == (12, 2500) and decoded.fs == 250
    assert 10 <= len(decoded.r_peaks) <= 13
    # the R peak of lead II sits where the rhythm tokens say
    lead_ii = decoded.signal[decoded.leads.index("II")]
    assert all(abs(int(np.argmax(lead_ii[p - 12: p + 13])) - 12) <= 6 for p in decoded.r_peaks[1:-1])


def test_long_records_take_one_segment_per_ten_seconds(tiny_tokenizer):
    tokens = tiny_tokenizer.encode(_record(duration_s=25))
    assert tokens.tokens.count(SEGMENT) == 3
    assert tiny_tokenizer.decode(tokens.ids, n_samples=25 * 250).signal.shape == (12, 6250)


def test_save_and_load_give_the_same_tokens(tiny_tokenizer, tmp_path):
    tiny_tokenizer.save(tmp_path)
    loaded = ECGTokenizer.load(tmp_path)
    record = _record(seed=5)
    assert loaded.encode(record).ids == tiny_tokenizer.encode(record).ids


def test_flat_signal_is_a_clear_error(tiny_tokenizer):
    record = make_record(np.zeros((2, 5000)), 500, ["I", "II"], source="flat.csv", format="csv")
    with pytest.raises(ECGError, match="flat.csv.*no heartbeat"):
        tiny_tokenizer.encode(record)


def test_malformed_token_sequences_are_clear_errors(tiny_tokenizer):
    ids = tiny_tokenizer.encode(_record(leads=["II"])).ids
    with pytest.raises(ECGError, match="starts with <ecg_seg>"):
        tiny_tokenizer.decode(ids[1:])
    with pytest.raises(ECGError, match="malformed"):
        tiny_tokenizer.decode(ids[:-3])


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ECGError, match="no ECG tokenizer"):
        ECGTokenizer.load(tmp_path)


def test_a_tail_shorter_than_a_second_is_a_segment_without_beats(tiny_tokenizer):
    record = _record(duration_s=10.5)
    tokens = tiny_tokenizer.encode(record)
    assert tokens.tokens.count(SEGMENT) == 2
    assert tokens.tokens[-1] == SEGMENT  # the 0.5 s tail: no beat, no gap token
    assert tiny_tokenizer.decode(tokens.ids, n_samples=2625).signal.shape == (12, 2625)
