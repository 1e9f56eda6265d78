"""Give a Hugging Face language model the ECG tokens: add them to its tokenizer and grow its
embedding matrices, the new rows set to the mean of the existing ones (Hewitt 2021, "Initializing
new word embeddings for pretrained language models"), so new tokens start as an average word."""

from __future__ import annotations

import torch


def add_ecg_tokens(hf_tokenizer, ecg_tokens: list[str]) -> int:
    """Add the ECG token strings as whole, unsplittable tokens; returns how many were new."""
    return hf_tokenizer.add_tokens(list(ecg_tokens), special_tokens=False)


@torch.no_grad()
def resize_with_mean_rows(model, new_size: int) -> None:
    """Resize the input (and an untied output) embedding to ``new_size`` rows; every added row
    is the mean of the old rows (deterministic, unlike transformers' sampled mean_resizing)."""
    old_size = model.get_input_embeddings().weight.shape[0]
    model.resize_token_embeddings(new_size, mean_resizing=False)
    if new_size <= old_size:
        return
    matrices = [model.get_input_embeddings().weight]
    output = model.get_output_embeddings()
    if output is not None and output.weight.data_ptr() != matrices[0].data_ptr():
        matrices.append(output.weight)
    for weight in matrices:
        weight[old_size:] = weight[:old_size].mean(dim=0, keepdim=True)
    if output is not None and getattr(output, "bias", None) is not None:
        output.bias[old_size:] = output.bias[:old_size].mean()


def extend_model_with_ecg_tokens(model, hf_tokenizer, ecg_tokens: list[str]) -> int:
    """Both steps; returns the number of tokens added."""
    added = add_ecg_tokens(hf_tokenizer, ecg_tokens)
    resize_with_mean_rows(model, len(hf_tokenizer))
    return added
