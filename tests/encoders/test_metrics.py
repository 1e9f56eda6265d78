import numpy as np

from encoders.metrics import auroc


def test_auroc_of_known_orderings():
    labels = np.array([0, 0, 1, 1])
    assert auroc(labels, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert auroc(labels, np.array([0.9, 0.8, 0.2, 0.1])) == 0.0
    assert auroc(labels, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    # one of the four positive-negative pairs misordered
    assert auroc(labels, np.array([0.1, 0.85, 0.8, 0.9])) == 0.75


def test_auroc_needs_both_classes():
    assert auroc(np.array([1, 1]), np.array([0.2, 0.3])) is None
