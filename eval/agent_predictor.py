"""The agent as an ECG-QA predictor (`ecg-agent eval ecgqa --predictor agent`).

One agent is built for the whole run (agent.factory, the way the CLI, API and UI build it). Each
ECG is read into the agent's ECGContext once (quality, measurements, criteria statements, similar
reports) and kept by its ECG-QA id across the questions and batches of the run; its ECG tokens
are computed once too, and stored in the run's per-ECG cache on disk, so that a restarted run
does not encode the ECG again.

Each question is asked with its answer options (none when the run hides them). An abstention
is written as "not sure". ECG-QA's exact match reads it against the question's options
(eval.scoring): as "not sure" where that is an option (ECG-QA template 1), else as naming no
option, i.e. "none" — right only where the truth is "none", as ECG-QA scores a reply that names
no option. ``trace`` records every abstention, so a benchmark can also count them all wrong.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping

from agent.context import ECGContext
from agent.factory import AgentSettings, build_agent
from ecg.errors import ECGError
from ecg.record import ECGRecord
from eval.cache import ECGCache
from eval.ecgqa_data import EcgId, Question

NOT_SURE = "not sure"


@dataclass(frozen=True)
class AnswerTrace:
    """How one question was answered: by what, in how long, and whether its ECGs were new."""

    key: str
    decided_by: str        # "evidence", "llm" or "abstained" (agent.types.Answer)
    abstained: bool
    seconds: float         # in all, reading its new ECGs included
    context_seconds: float  # reading its new ECGs into contexts (ECG tokens included)
    new_ecgs: int          # ECGs of the question seen for the first time in this run


def predictor_name(settings: AgentSettings) -> str:
    """"agent" plus what differs from the default build, e.g. "agent(no-llm)"; run.json keeps it,
    so that runs of different builds are not resumed into one folder."""
    parts = [] if settings.use_llm else ["no-llm"]
    if settings.use_llm:
        parts += [f"model={settings.model}"] if settings.model and not settings.llm_url else []
        parts += [f"llm-url={settings.llm_url}"] if settings.llm_url else []
        parts += [f"llm-model={settings.llm_model}"] if settings.llm_url and settings.llm_model else []
        parts += [] if settings.ecg_tokens else ["no-ecg-tokens"]
    parts += [] if settings.retrieval else ["no-retrieval"]
    return f"agent({', '.join(parts)})" if parts else "agent"


class AgentPredictor:
    """Predictor (eval.predictor) answering with the agent the settings describe."""

    def __init__(self, settings: AgentSettings, cache: ECGCache | None = None):
        if settings.mode != "pipeline":
            raise ECGError(None, "the ECG-QA evaluation runs the agent in pipeline mode only")
        self.settings = settings
        self.name = predictor_name(settings)
        self.cache = cache or ECGCache(None)
        self.agent = build_agent(settings)
        self.trace: list[AnswerTrace] = []
        self._contexts: dict[EcgId, ECGContext] = {}

    def predict(self, batch: list[Question], ecgs: Mapping[EcgId, ECGRecord]) -> list[list[str]]:
        return [self._answer(question, ecgs) for question in batch]

    def _answer(self, question: Question, ecgs: Mapping[EcgId, ECGRecord]) -> list[str]:
        started = time.perf_counter()
        new = [e for e in dict.fromkeys(question.ecg_ids) if e not in self._contexts]
        contexts = [self._context(e, ecgs[e]) for e in question.ecg_ids]
        read = time.perf_counter()
        answer = self.agent.ask(contexts, question.question, list(question.options or []) or None)
        self.trace.append(AnswerTrace(question.key, answer.decided_by, answer.abstained,
                                      time.perf_counter() - started, read - started, len(new)))
        return [NOT_SURE] if answer.abstained else list(answer.answer)

    def _context(self, ecg_id: EcgId, record: ECGRecord) -> ECGContext:
        """The ECG's context, built on first use; its ECG tokens come from the on-disk cache
        when the prompt will carry them."""
        if ecg_id not in self._contexts:
            context = self.agent.context(record)
            if self.settings.use_llm and self.settings.ecg_tokens:
                context.ecg_tokens = self.cache.get("ecg_tokens", ecg_id, lambda: context.ecg_tokens)
            self._contexts[ecg_id] = context
        return self._contexts[ecg_id]
