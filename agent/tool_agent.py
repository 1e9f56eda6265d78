"""The tools mode: a LangChain ``create_agent`` loop in which a capable model calls agent.tools.

``ToolAgent`` answers like agent.pipeline.Agent (``ask``, ``report``, ``conversation``,
``context``). Before any model call it abstains on unusable signal exactly as the pipeline does.
The model then calls the tools it needs (measure, statements, similar_reports, knowledge,
compare) and ends with the ``final_answer`` tool (LangChain's ToolStrategy structured output):
the answer items are an enum of the question's options when they are known, with the ids of the
evidence it relied on. A model that ends with plain text instead is read with
finetune.prompt.parse_answer; a reply that matches no option abstains ("not sure"). The Answer's
evidence is every item the called tools showed, the cited ones first; ``decided_by`` is
"llm-tools". Report drafts are the deterministic ones (agent.report.draft_report).

Small models do not call tools reliably: this mode needs an OpenAI-compatible server of a capable
model (``llm_url``), e.g. vLLM started with ``--enable-auto-tool-choice --tool-call-parser ...``.
Library users and tests may pass any LangChain chat model that implements ``bind_tools``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Literal

from langchain.agents import create_agent
from langchain.agents.structured_output import ToolStrategy
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.errors import GraphRecursionError
from pydantic import BaseModel, Field, ValidationError, create_model

from agent import rules
from agent.context import ECGContext
from agent.factory import LLM_API_KEY_ENV, AgentSettings
from agent.pipeline import (KNOWLEDGE_K, NOT_SURE, SIMILAR_REPORTS_K, Agent, Conversation, abstain,
                            quality_warnings)
from agent.tools import ECGTools, ecg_names
from agent.types import Answer, Report
from ecg.errors import ECGError
from finetune.prompt import ANSWER_SEPARATOR, parse_answer

SYSTEM_PROMPT = (
    "You are an ECG assistant. Answer the question about the ECGs named in the user's message "
    "from what your tools report; every tool result lists evidence items with ids. Call the tools "
    "you need, then call final_answer once: when options are given, answer with the matching "
    "options only; put the ids of the evidence items you relied on in evidence_ids; explain in "
    "one or two sentences. If the evidence does not support an answer, answer 'not sure' (when "
    "it is an option) and say why.")
MAX_MODEL_TURNS = 10
DECIDED_BY = "llm-tools"


class ToolAgent:
    """One interface with agent.pipeline.Agent, answered by a tool-calling chat model.

    ``chat_model`` (any LangChain chat model with ``bind_tools``) overrides the model the
    settings name; ``backend`` is accepted for agent.factory's signature and not used.
    """

    def __init__(self, settings: AgentSettings, backend=None, chat_model: BaseChatModel | None = None):
        self.settings = settings
        self.chat_model = chat_model if chat_model is not None else openai_chat_model(settings)
        # The pipeline agent without retrieval reads and caches the ECGs the same way.
        self._reader = Agent(None, retrieval=False, read_options=settings.read_options)
        self._retrievers = None

    def context(self, ecg) -> ECGContext:
        """The cached ECGContext of a path, record or context (read, quality, measure, criteria)."""
        return self._reader.context(ecg)

    def conversation(self, ecgs: Sequence) -> Conversation:
        return Conversation(self, [self.context(e) for e in ecgs])

    def report(self, ecg) -> Report:
        """The deterministic report draft, with similar reports when retrieval is on."""
        from agent.report import draft_report

        ctx = self.context(ecg)
        if self.settings.retrieval and not ctx.similar_reports:
            similar, _ = self._load_retrievers()
            ctx.similar_reports = similar.search_embedding(similar.embed(ctx.record))
        return draft_report(ctx)

    def ask(self, ecgs: Sequence, question: str, options: Sequence[str] | None = None,
            history: Sequence[tuple[str, Answer]] = ()) -> Answer:
        """Answer ``question`` about one or two ECGs (paths, records or contexts) with the tools."""
        if not 1 <= len(ecgs) <= 2:
            raise ECGError(None, f"a question is about one or two ECGs, not {len(ecgs)}")
        options = list(options or [])
        contexts = [self.context(e) for e in ecgs]
        warnings = quality_warnings(contexts, question)
        if warnings:
            items = [item for name, c in zip(ecg_names(len(contexts)), contexts)
                     for item in c.evidence(name if len(contexts) > 1 else "")]
            return abstain(options, "the signal quality does not support an answer: " + "; ".join(warnings),
                           items, warnings)
        tools = ECGTools.of(contexts, *(self._load_retrievers() if self.settings.retrieval else (None, None)))
        graph = create_agent(self.chat_model, tools.as_langchain_tools(), system_prompt=SYSTEM_PROMPT,
                             response_format=ToolStrategy(final_answer_schema(
                                 options, rules.allows_several(question, options))))
        messages = [*history_messages(history), HumanMessage(user_message(tools, question, options))]
        try:
            state = self._invoke(graph, messages)
        except GraphRecursionError:
            return abstain(options, f"the model reached no answer within {MAX_MODEL_TURNS} turns",
                           list(tools.evidence.values()), [])
        except ValidationError as exc:  # a tool call LangChain cannot read, e.g. arguments that are no object
            return abstain(options, f"the model's reply is not a valid tool call ({_first_error(exc)})",
                           list(tools.evidence.values()), [])
        return to_answer(state, tools, options)

    def _invoke(self, graph, messages) -> dict:
        """Run the agent graph; an unreachable or refusing LLM server becomes an ECGError."""
        import openai

        try:
            return graph.invoke({"messages": messages}, {"recursion_limit": 2 * MAX_MODEL_TURNS})
        except (openai.APIConnectionError, openai.APIStatusError) as exc:
            raise ECGError(self.settings.llm_url, f"the LLM server failed the tool-calling request: {exc}") from None

    def _load_retrievers(self):
        if self._retrievers is None:
            from retrieval.langchain import default_knowledge_retriever, default_similar_ecg_retriever

            self._retrievers = (default_similar_ecg_retriever(k=SIMILAR_REPORTS_K),
                                default_knowledge_retriever(k=KNOWLEDGE_K))
        return self._retrievers


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(map(str, error['loc']))}: {error['msg']}, got {error.get('input')!r}"


def openai_chat_model(settings: AgentSettings) -> BaseChatModel:
    """ChatOpenAI on the settings' OpenAI-compatible server (temperature 0), or a clear ECGError."""
    if not settings.use_llm or not settings.llm_url:
        raise ECGError(None, "the tools mode needs a capable tool-calling model behind an OpenAI-compatible "
                             "server: give --llm-url URL (e.g. vLLM started with --enable-auto-tool-choice); "
                             "the in-process model and --no-llm work in the pipeline mode only")
    from langchain_openai import ChatOpenAI

    from agent.openai_backend import OpenAIBackend

    api_key = os.environ.get(LLM_API_KEY_ENV) or "none"
    model = settings.llm_model or OpenAIBackend(settings.llm_url, None, api_key=api_key).model
    return ChatOpenAI(base_url=settings.llm_url, model=model, temperature=0, api_key=api_key, max_retries=1)


def final_answer_schema(options: Sequence[str], multi: bool) -> type[BaseModel]:
    """The final_answer tool's arguments: answer items (an enum of the options when known), cited ids."""
    item = Literal[tuple(options)] if options else str
    one = bool(options) and not multi
    described = ("the chosen option" if one else "the chosen options") if options else "the answer"
    return create_model(
        "final_answer",
        __doc__="Give the final answer to the question, with the evidence ids it rests on.",
        answer=(list[item], Field(min_length=1, max_length=1 if one else None, description=described)),
        evidence_ids=(list[str], Field(default_factory=list, description="ids of the evidence items relied on")),
        explanation=(str, Field(default="", description="why, in one or two sentences")),
    )


def user_message(tools: ECGTools, question: str, options: Sequence[str]) -> str:
    """The ECGs by name (leads, duration, quality), the question and its options."""
    ecgs = "; ".join(f"{name} ({len(c.record.leads)} leads, {c.record.duration_s:.1f} s, "
                     f"signal quality {c.quality.verdict})" for name, c in tools.contexts.items())
    lines = [f"ECGs: {ecgs}", f"Question: {question}"]
    if options:
        lines.append("Options: " + ANSWER_SEPARATOR.join(options))
    return "\n".join(lines)


def history_messages(history: Sequence[tuple[str, Answer]]) -> list:
    """Earlier questions and answers of a conversation as chat turns."""
    return [message for question, answer in history
            for message in (HumanMessage(question), AIMessage(answer.text))]


def to_answer(state: dict, tools: ECGTools, options: Sequence[str]) -> Answer:
    """The Answer from the graph's final state: structured final_answer, else the last message."""
    structured = state.get("structured_response")
    if structured is not None:
        chosen, cited, explanation = structured.answer, structured.evidence_ids, structured.explanation
    else:
        reply = str(state["messages"][-1].text).strip()
        chosen, cited, explanation = parse_answer(reply, options), [], reply
    items = list(tools.evidence.values())
    answer = sorted({a.strip() for a in chosen if a.strip()})
    if options and not answer:
        return abstain(options, f"the model's reply {explanation!r} matches no option", items, [])
    warnings = []
    unknown = [i for i in cited if i not in tools.evidence]
    if unknown:
        warnings.append(f"the model cited evidence no tool showed: {', '.join(unknown)}")
    if not tools.calls:
        warnings.append("the model called no tool: no measured evidence backs this answer")
    first = [tools.evidence[i] for i in dict.fromkeys(cited) if i in tools.evidence]
    text = ANSWER_SEPARATOR.join(answer) + (f": {explanation}" if explanation else "")
    return Answer(answer, text, first + [i for i in items if i not in first], abstained=answer == [NOT_SURE],
                  warnings=warnings, decided_by=DECIDED_BY)
