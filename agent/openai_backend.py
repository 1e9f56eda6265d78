"""The LLM backend behind an OpenAI-compatible server: vLLM serving an ``ecg-agent export`` folder.

It implements ``agent.backends.Backend`` with the official ``openai`` client and decodes greedily
(temperature 0). With options it asks for a structured output (vLLM's ``structured_outputs``
request field) so the reply can only be an answer ``finetune.prompt.format_answer`` spells:

- one answer allowed: a ``choice`` among ``format_answer([option])`` for each option;
- several allowed (``multi=True``): a ``regex`` matching ``format_answer(subset)`` for every
  non-empty subset of the options (sorted, joined by '; '), so the model itself decides how many.

The model's greedy path through the allowed strings decides, where TransformersBackend ranks the
options by mean token log-likelihood; the two pick the same option when every option is one
token of the vocabulary and the constrained greedy step emits it whole. A server that ignores
``structured_outputs`` still answers; the agent keeps only the options it finds in the reply.
"""

from __future__ import annotations

from collections.abc import Sequence

from ecg.errors import ECGError
from finetune.prompt import ANSWER_SEPARATOR, format_answer

MAX_NEW_TOKENS = 128  # as TransformersBackend
DEFAULT_TIMEOUT_S = 120.0
# Characters with a meaning in the regular expressions vLLM's structured-output backends read.
_REGEX_SPECIAL = frozenset("\\^$.|?*+()[]{}")


class LLMServerError(ECGError):
    """The OpenAI-compatible server cannot be reached or refused the request (names the URL)."""


def option_choices(options: Sequence[str]) -> list[str]:
    """The replies allowed when one option is the answer: ``format_answer([option])`` each."""
    return list(dict.fromkeys(format_answer([option]) for option in options if option.strip()))


def answer_set_pattern(options: Sequence[str]) -> str:
    """A regex whose full matches are exactly ``format_answer(subset)`` for the non-empty subsets.

    format_answer sorts, so a subset is spelled in sorted order: one alternative per first
    option, followed by any of the later options, each optional, in order.
    """
    ordered = [_escape(option) for option in sorted({o.strip() for o in options if o.strip()})]
    separator = _escape(ANSWER_SEPARATOR)
    alternatives = [first + "".join(f"({separator}{later})?" for later in ordered[index + 1:])
                    for index, first in enumerate(ordered)]
    return "(" + "|".join(alternatives) + ")"


def _escape(text: str) -> str:
    return "".join("\\" + char if char in _REGEX_SPECIAL else char for char in text)


def structured_outputs(options: Sequence[str], multi: bool) -> dict:
    """The ``structured_outputs`` request field constraining the reply to the options."""
    return {"regex": answer_set_pattern(options)} if multi else {"choice": option_choices(options)}


class OpenAIBackend:
    """Chat completions from an OpenAI-compatible server such as ``vllm serve DIR``."""

    def __init__(self, base_url: str, model: str | None = None, api_key: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT_S, max_new_tokens: int = MAX_NEW_TOKENS):
        from openai import OpenAI

        self.base_url = base_url
        self.max_new_tokens = max_new_tokens
        # vLLM accepts any key unless started with --api-key; the client insists on one.
        self.client = OpenAI(base_url=base_url, api_key=api_key or "EMPTY", timeout=timeout, max_retries=1)
        self._model = model

    @property
    def model(self) -> str:
        """The served model's name: the one given, else the first the server lists."""
        if self._model is None:
            served = self._call(lambda: self.client.models.list().data)
            if not served:
                raise LLMServerError(self.base_url, "the server lists no model under /models")
            self._model = served[0].id
        return self._model

    def generate(self, messages: list[dict[str, str]], options: Sequence[str] | None = None,
                 multi: bool = False) -> str:
        request = {"model": self.model, "messages": messages, "temperature": 0.0,
                   "max_tokens": self.max_new_tokens}
        if options:
            request["extra_body"] = {"structured_outputs": structured_outputs(options, multi)}
        response = self._call(lambda: self.client.chat.completions.create(**request))
        return (response.choices[0].message.content or "").strip()

    def _call(self, request):
        """Run one client call; connection and API errors become LLMServerError naming the URL."""
        import openai

        try:
            return request()
        except openai.APIConnectionError as exc:
            raise LLMServerError(self.base_url, f"cannot reach the OpenAI-compatible LLM server ({exc}); "
                                                "is it running (docs/VLLM.md), and is the URL right?") from None
        except openai.APIStatusError as exc:
            raise LLMServerError(self.base_url, f"the LLM server refused the request: HTTP "
                                                f"{exc.status_code} {_detail(exc)}") from None


def _detail(exc) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    return str(body.get("message") or body.get("error") or exc.message)
