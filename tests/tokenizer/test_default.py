"""The committed default (models/default/tokenizer.*) loads offline and tokenizes the example."""

import numpy as np

from ecg import read_ecg
from tokenizer import load_default_tokenizer


def test_default_tokenizer_tokenizes_the_example_within_budget(example_hea):
    tokenizer = load_default_tokenizer()
    assert 512 <= tokenizer.codebook_size <= 4096
    record = read_ecg(example_hea)
    tokens = tokenizer.encode(record)
    assert tokens.n_tokens <= 320
    decoded = tokenizer.decode(tokens.ids, n_samples=2500)
    assert decoded.leads == record.leads
    lead_ii = decoded.signal[1]
    assert np.ptp(lead_ii) > 0.1  # a real beat comes back, in mV
