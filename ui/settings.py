"""What the chat runs with, read from environment variables (``ecg-agent ui`` sets them).

ECG_AGENT_UI_DATA          folder of the session store (default ~/.cache/ecg-agent/ui)
ECG_AGENT_UI_NO_LLM=1      answer from the measured evidence only (fast; tests and demos)
ECG_AGENT_UI_NO_RETRIEVAL=1  no similar reports or knowledge snippets
ECG_AGENT_UI_NO_ECG_TOKENS=1 leave the ECG tokens out of the prompt
ECG_AGENT_MODEL            a model folder for the in-process LLM (default: the embedded model)
ECG_AGENT_LLM_URL          an OpenAI-compatible server instead, e.g. http://127.0.0.1:8000/v1
ECG_AGENT_LLM_MODEL        the served model's name (default: the server's first)
ECG_AGENT_MODE             pipeline (default) or tools
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from agent.factory import AgentSettings

DATA_ENV = "ECG_AGENT_UI_DATA"
DEFAULT_DATA = Path("~/.cache/ecg-agent/ui")
_FLAGS = {"no_llm": "ECG_AGENT_UI_NO_LLM", "no_retrieval": "ECG_AGENT_UI_NO_RETRIEVAL",
          "no_ecg_tokens": "ECG_AGENT_UI_NO_ECG_TOKENS"}
_VALUES = {"model": "ECG_AGENT_MODEL", "llm_url": "ECG_AGENT_LLM_URL", "llm_model": "ECG_AGENT_LLM_MODEL",
           "mode": "ECG_AGENT_MODE"}


def data_folder(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get(DATA_ENV) or DEFAULT_DATA).expanduser()


def agent_settings(env: Mapping[str, str] = os.environ) -> AgentSettings:
    """AgentSettings from the environment; unset variables keep AgentSettings' defaults."""
    def flag(name: str) -> bool:
        return env.get(_FLAGS[name], "").strip().lower() in ("1", "true", "yes")

    return AgentSettings(mode=env.get(_VALUES["mode"]) or "pipeline", use_llm=not flag("no_llm"),
                         model=env.get(_VALUES["model"]) or None, llm_url=env.get(_VALUES["llm_url"]) or None,
                         llm_model=env.get(_VALUES["llm_model"]) or None, retrieval=not flag("no_retrieval"),
                         ecg_tokens=not flag("no_ecg_tokens"))


def settings_env(data: str | None = None, **options) -> dict[str, str]:
    """The environment variables for the given options (the keys of _FLAGS and _VALUES)."""
    env = {_FLAGS[name]: "1" for name in _FLAGS if options.get(name)}
    env |= {_VALUES[name]: str(options[name]) for name in _VALUES if options.get(name)}
    if data:
        env[DATA_ENV] = str(Path(data).expanduser().resolve())
    return env
