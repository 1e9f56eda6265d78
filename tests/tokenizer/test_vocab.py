import numpy as np
import pytest

from tokenizer.vocab import AMP_BINS, AMP_RANGE_MV, Vocabulary, amplitude_bin, amplitude_of_bin, lead_of


def test_ids_and_strings_are_one_to_one():
    vocab = Vocabulary(1000)
    assert len(set(vocab.tokens)) == len(vocab)
    assert vocab.tokens[17] == "<ecg_17>" and vocab.id("<ecg_17>") == 17
    assert vocab.kind(vocab.id("<ecg_amp_3>")) == "amp"
    assert vocab.kind(vocab.id("<ecg_rr_200>")) == "rr"
    assert vocab.lead_id("V1") == vocab.id("<ecg_lead_V1>")
    assert vocab.lead_id("weird channel") == vocab.id("<ecg_lead_other>")
    assert lead_of("<ecg_lead_aVR>") == "aVR" and lead_of("<ecg_5>") is None


@pytest.mark.parametrize("mv", [0.03, 0.1, 0.5, 1.0, 2.5, 12.0])
def test_amplitude_bins_are_within_half_a_step(mv):
    step = (AMP_RANGE_MV[1] / AMP_RANGE_MV[0]) ** (1 / (AMP_BINS - 1))
    assert abs(np.log(amplitude_of_bin(amplitude_bin(mv)) / mv)) <= np.log(step) / 2 + 1e-9


def test_amplitudes_outside_the_range_clip():
    assert amplitude_bin(0.0) == 0
    assert amplitude_bin(1e6) == AMP_BINS - 1
