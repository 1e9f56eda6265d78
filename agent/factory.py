"""One way to build the agent a user asks for, shared by the CLI, the API server and the chat.

``AgentSettings`` names the mode (the deterministic pipeline, or the LangChain tool-calling
agent for capable models), the LLM backend (in-process transformers with a model folder, or an
OpenAI-compatible server such as vLLM serving an ``ecg-agent export`` folder) and the ablations
(retrieval, ECG tokens in the prompt). Heavy libraries load only in ``build_agent``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ecg.io import ReadOptions

MODES = ("pipeline", "tools")
LLM_API_KEY_ENV = "ECG_AGENT_LLM_API_KEY"


@dataclass(frozen=True)
class AgentSettings:
    """What to build. ``llm_url`` set: the OpenAI-compatible backend; else transformers (``model``)."""

    mode: str = "pipeline"
    use_llm: bool = True
    model: str | None = None          # transformers: a model folder or hub id (default: the embedded model)
    llm_url: str | None = None        # e.g. http://127.0.0.1:8000/v1 (vLLM's OpenAI server)
    llm_model: str | None = None      # the served model's name (default: the server's first model)
    retrieval: bool = True
    ecg_tokens: bool = True
    read_options: ReadOptions = ReadOptions()

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")


def build_backend(settings: AgentSettings):
    """The LLM backend the settings name, or None without an LLM."""
    if not settings.use_llm:
        return None
    if settings.llm_url:
        from agent.openai_backend import OpenAIBackend

        return OpenAIBackend(settings.llm_url, settings.llm_model, api_key=os.environ.get(LLM_API_KEY_ENV))
    from agent.backends import TransformersBackend

    return TransformersBackend(settings.model)


def build_agent(settings: AgentSettings):
    """The Agent (pipeline mode) or ToolAgent (tools mode); both answer ``ask`` and ``report``."""
    if settings.mode == "tools":
        from agent.tool_agent import ToolAgent

        return ToolAgent(settings)  # its own LangChain chat model on settings.llm_url, no Backend
    backend = build_backend(settings)
    from agent.pipeline import Agent

    return Agent(backend, retrieval=settings.retrieval, ecg_tokens=settings.ecg_tokens,
                 read_options=settings.read_options)
