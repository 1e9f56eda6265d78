"""Discrete ECG tokens: ECG -> ``<ecg_17>``-style token ids and back, and the helper that adds
them to a Hugging Face tokenizer and model."""

from tokenizer.ecg_tokenizer import DecodedECG, ECGTokenizer, ECGTokens, load_default_tokenizer

__all__ = ["DecodedECG", "ECGTokenizer", "ECGTokens", "load_default_tokenizer"]
