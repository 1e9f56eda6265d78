"""The deterministic pipeline: files -> read, quality, measure, criteria, retrieve -> rules or LLM -> Answer.

``Agent.ask`` answers a question about one ECG or two (comparisons). The evidence decides where
it can (agent.rules); otherwise the LLM backend answers from THE prompt (finetune.prompt),
constrained to the options when they are known; without a backend the agent abstains. It
abstains as well, with a quality warning, when the quality report calls every lead unusable or
a lead the question names is unusable. ``Conversation`` keeps the ECGs and earlier answers for
follow-up questions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agent import evidence as ev
from agent import rules
from agent.backends import Backend
from agent.context import ECGContext
from agent.types import Answer
from ecg.errors import ECGError
from ecg.io import ReadOptions, read_ecg
from ecg.record import ECGRecord
from finetune.prompt import build_messages, parse_answer

NOT_SURE = "not sure"
CONTEXT_CACHE_SIZE = 64  # ECGs kept measured; about 0.3 MB each for a 10 s 12-lead record
SIMILAR_REPORTS_K = 3
KNOWLEDGE_K = 3


class Agent:
    """One interface for questions and reports; ``backend=None`` answers from evidence only.

    ``retrieval=False`` leaves similar reports and knowledge out; ``ecg_tokens=False`` leaves the
    ECG tokens out of the prompt (ablations).
    """

    def __init__(self, backend: Backend | None = None, retrieval: bool = True, ecg_tokens: bool = True,
                 read_options: ReadOptions | None = None):
        self.backend = backend
        self.retrieval = retrieval
        self.ecg_tokens = ecg_tokens
        self.read_options = read_options or ReadOptions()
        self._contexts: OrderedDict[str, ECGContext] = OrderedDict()
        self._contexts_lock = threading.Lock()
        self._retrievers = None

    def context(self, ecg: str | Path | ECGRecord | ECGContext) -> ECGContext:
        """The ECGContext of a path or record (read, quality, measure, criteria, retrieval).

        The CONTEXT_CACHE_SIZE most recently used are kept, so a long-running server stays bounded;
        safe to call from several threads (two threads may build the same context once each).
        """
        if isinstance(ecg, ECGContext):
            return ecg
        key = str(ecg) if not isinstance(ecg, ECGRecord) else f"record:{id(ecg)}"
        with self._contexts_lock:
            if key in self._contexts:
                self._contexts.move_to_end(key)
                return self._contexts[key]
        record = ecg if isinstance(ecg, ECGRecord) else read_ecg(ecg, self.read_options)
        ctx = ECGContext.of(record)
        if self.retrieval:
            similar, _ = self._load_retrievers()
            ctx.similar_reports = similar.search_embedding(similar.embed(record))
        with self._contexts_lock:
            self._contexts[key] = ctx
            while len(self._contexts) > CONTEXT_CACHE_SIZE:
                self._contexts.popitem(last=False)
        return ctx

    def _load_retrievers(self):
        if self._retrievers is None:
            from retrieval.langchain import default_knowledge_retriever, default_similar_ecg_retriever

            self._retrievers = (default_similar_ecg_retriever(k=SIMILAR_REPORTS_K),
                                default_knowledge_retriever(k=KNOWLEDGE_K))
        return self._retrievers

    def ask(self, ecgs: Sequence, question: str, options: Sequence[str] | None = None,
            history: Sequence[tuple[str, Answer]] = ()) -> Answer:
        """Answer ``question`` about one or two ECGs (paths, records or contexts)."""
        if not 1 <= len(ecgs) <= 2:
            raise ECGError(None, f"a question is about one or two ECGs, not {len(ecgs)}")
        options = list(options or [])
        contexts = [self.context(e) for e in ecgs]
        items = self._evidence(contexts, question)
        warnings = quality_warnings(contexts, question)
        if warnings:
            return abstain(options, "the signal quality does not support an answer: " + "; ".join(warnings),
                           items, warnings)
        decision = rules.decide(contexts, question, options)
        if decision is not None:
            cited = _cited(decision.evidence_ids, items)
            return Answer(decision.answer, decision.text, cited + [i for i in items if i not in cited],
                          abstained=decision.abstained, decided_by="abstained" if decision.abstained else "evidence")
        if self.backend is None:
            return abstain(options, "the measured evidence does not decide this question "
                                    "and no language model was asked", items, [])
        return self._ask_llm(contexts, question, options, items, history)

    def _ask_llm(self, contexts, question, options, items, history) -> Answer:
        passages = [f"earlier question: {q} answer: {a.text}" for q, a in history]
        passages += [f"report of a similar ECG ({i['id']}): {i['report']}" for i in items if i["kind"] == "report"]
        passages += [f"{i['id']}: {i['text']}" for i in items if i["kind"] == "knowledge"]
        tokens = [c.ecg_tokens for c in contexts] if self.ecg_tokens else []
        messages = build_messages(question, ecg_tokens=tokens,
                                  measurements=[c.summary() for c in contexts], context=passages,
                                  options=options)
        reply = self.backend.generate(messages, options or None, multi=rules.allows_several(question, options))
        answer = parse_answer(reply, options)
        if options and not answer:
            return abstain(options, f"the model's reply {reply!r} matches no option", items, [])
        return Answer(answer, reply, items, decided_by="llm")

    def _evidence(self, contexts: list[ECGContext], question: str) -> list[dict]:
        several = len(contexts) > 1
        items = [item for i, c in enumerate(contexts) for item in c.evidence(f"ecg{i + 1}" if several else "")]
        if self.retrieval:
            _, knowledge = self._load_retrievers()
            items += [ev.knowledge_item(d) for d in knowledge.invoke(question)]
        return items

    def conversation(self, ecgs: Sequence) -> Conversation:
        return Conversation(self, [self.context(e) for e in ecgs])

    def report(self, ecg):
        from agent.report import draft_report

        return draft_report(self.context(ecg))


@dataclass
class Conversation:
    """Follow-up questions about the same ECGs; earlier questions and answers go into the prompt."""

    agent: Agent
    contexts: list[ECGContext]
    history: list[tuple[str, Answer]] = field(default_factory=list)

    def ask(self, question: str, options: Sequence[str] | None = None) -> Answer:
        answer = self.agent.ask(self.contexts, question, options, self.history)
        self.history.append((question, answer))
        return answer


def quality_warnings(contexts: list[ECGContext], question: str) -> list[str]:
    """Why the signal cannot answer: a record with no usable lead, or a named lead that is unusable."""
    warnings = []
    named = rules.mentioned_leads(question)
    for i, ctx in enumerate(contexts):
        name = ctx.source if len(contexts) == 1 else f"ECG {i + 1} ({ctx.source})"
        if ctx.quality.verdict == "unusable":
            warnings.append(f"{name}: every lead is unusable")
            continue
        bad = [lead for lead in named if lead in ctx.record.leads and lead not in ctx.quality.usable_leads]
        if bad and not rules.mentioned_phrases(question, rules.NOISE_ATTRIBUTES):
            warnings.append(f"{name}: lead {', '.join(bad)} unusable")
    return warnings


def abstain(options: Sequence[str], reason: str, items: list[dict], warnings: list[str]) -> Answer:
    """"not sure" (when it is an option, or no options were given) with the reason."""
    allowed = not options or any(o.lower() == NOT_SURE for o in options)
    return Answer([NOT_SURE] if allowed else [], f"{NOT_SURE}: {reason}", items, abstained=True,
                  warnings=warnings, decided_by="abstained")


def _cited(ids: list[str], items: list[dict]) -> list[dict]:
    by_id = {i["id"]: i for i in items}
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
