"""The ECG tokens in a Hugging Face tokenizer and model, all built here (no downloads)."""

import pytest
import torch

transformers = pytest.importorskip("transformers")
from tokenizers import Tokenizer, models, pre_tokenizers  # noqa: E402

from tokenizer.hf import extend_model_with_ecg_tokens  # noqa: E402
from tokenizer.vocab import Vocabulary  # noqa: E402


def _tiny_tokenizer():
    words = ["[UNK]", "[PAD]", "the", "ecg", "shows", "sinus", "rhythm", "?"]
    core = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    return transformers.PreTrainedTokenizerFast(tokenizer_object=core, unk_token="[UNK]", pad_token="[PAD]")


def _tiny_llama(vocab_size: int, tied: bool):
    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=vocab_size, hidden_size=16, intermediate_size=32,
                                      num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
                                      max_position_embeddings=64, tie_word_embeddings=tied)
    return transformers.LlamaForCausalLM(config)


@pytest.mark.parametrize("tied", [False, True])
def test_ecg_tokens_are_added_whole_with_mean_rows(tied):
    hf_tokenizer = _tiny_tokenizer()
    model = _tiny_llama(len(hf_tokenizer), tied)
    old_rows = model.get_input_embeddings().weight.detach().clone()
    ecg_tokens = Vocabulary(512).tokens
    added = extend_model_with_ecg_tokens(model, hf_tokenizer, ecg_tokens)
    assert added == len(ecg_tokens)
    new_size = len(old_rows) + added
    assert model.get_input_embeddings().weight.shape[0] == new_size
    assert model.get_output_embeddings().weight.shape[0] == new_size
    mean = old_rows.mean(0)
    torch.testing.assert_close(model.get_input_embeddings().weight[len(old_rows):],
                               mean.expand(added, -1))
    torch.testing.assert_close(model.get_input_embeddings().weight[: len(old_rows)], old_rows)
    ids = hf_tokenizer("the ecg <ecg_17><ecg_lead_V1><ecg_rr_200>", add_special_tokens=False)["input_ids"]
    assert [hf_tokenizer.convert_ids_to_tokens(i) for i in ids[2:]] == ["<ecg_17>", "<ecg_lead_V1>", "<ecg_rr_200>"]
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits
    assert logits.shape == (1, len(ids), new_size)


def test_adding_twice_adds_nothing_new():
    hf_tokenizer = _tiny_tokenizer()
    model = _tiny_llama(len(hf_tokenizer), tied=False)
    tokens = Vocabulary(512).tokens
    extend_model_with_ecg_tokens(model, hf_tokenizer, tokens)
    assert extend_model_with_ecg_tokens(model, hf_tokenizer, tokens) == 0
    assert model.get_input_embeddings().weight.shape[0] == len(hf_tokenizer)
