"""Deterministic answers where the measured evidence decides the question.

Three kinds of question are decided without a language model:
- verify ("Does this ECG show X?", options yes/no/not sure) about a statement the criteria
  engine evaluates, or about a noise attribute the quality report evaluates; with two ECGs,
  whether a statement changed as the question names it ("newly", "no longer", "still");
- numeric-feature questions ("Which numeric features are above the normal range?"), for one ECG
  or, comparing two, the features that changed into the asked range in the second one;
- choose/query questions whose options are all statements the criteria engine evaluates.
Every rule returns a Decision (answer, a sentence, the evidence ids it rests on) or None when
the question is not of its kind or a needed value was not measured.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ecg.criteria import numeric_range
from ecg.leads import STANDARD_LEADS
from ecg.quality import ECGQA_ATTRIBUTE
from ecg.scp_codes import NUMERIC_FEATURES, STATEMENTS, codes_for

VERIFY_OPTIONS = ("yes", "no", "not sure")
NOISE_ATTRIBUTES = tuple(sorted({a for a in ECGQA_ATTRIBUTE.values() if a}))
_NUMERIC_BY_NAME = {f.name: f for f in NUMERIC_FEATURES}
# The change a two-ECG question names: (statement made in the first ECG, made in the second).
CHANGE_WORDS = {"no longer": (True, False), "newly": (False, True), "still": (True, True)}
_VERIFY_START = re.compile(r"^\s*(does|do|is|are|has|have|was|were)\b", re.I)
_PLURAL = re.compile(r"\b(are|were|features|statements|symptoms|findings|leads|all)\b", re.I)


@dataclass(frozen=True)
class Decision:
    answer: list[str]
    text: str
    evidence_ids: list[str]


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text) is not None


def mentioned_phrases(question: str, phrases: Sequence[str]) -> list[str]:
    """The phrases in the question, the longest ones only (a phrase inside another is dropped)."""
    text = question.lower()
    found = [p for p in phrases if _contains(text, p)]
    return [p for p in found if not any(p != q and p in q for q in found)]


def mentioned_leads(question: str) -> list[str]:
    """Standard lead names the question names after the word "lead(s)"."""
    match = re.search(r"\bleads?\s+(.+)", question, re.I)
    if not match:
        return []
    words = re.findall(r"[A-Za-z0-9]+", match.group(1))
    by_lower = {lead.lower(): lead for lead in STANDARD_LEADS}
    return [by_lower[w.lower()] for w in words if w.lower() in by_lower]


def _statement_phrases() -> dict[str, list[str]]:
    phrases: dict[str, list[str]] = {}
    for d in STATEMENTS.values():
        for phrase in (d.name, *d.aliases):
            phrases.setdefault(phrase.lower(), []).append(d.code)
    return phrases


STATEMENT_PHRASES = _statement_phrases()


def is_verify(question: str, options: Sequence[str]) -> bool:
    if options:
        return {o.lower() for o in options} <= set(VERIFY_OPTIONS)
    return _VERIFY_START.match(question) is not None


def allows_several(question: str, options: Sequence[str]) -> bool:
    """Whether the question may take several options: a plural query ("which features are ...")."""
    return not is_verify(question, options) and _PLURAL.search(question) is not None


def _numeric_code_field(code: str) -> str | None:
    prefix = code.rsplit("_", 1)[0]
    return next((f.field for f in NUMERIC_FEATURES if f.code == prefix and "_" in code), None)


def verify_statement(ctx, question: str) -> Decision | None:
    """yes when the criteria engine made a statement the question names, no when it did not."""
    phrases = mentioned_phrases(question, list(STATEMENT_PHRASES))
    if len(phrases) != 1:
        return None
    codes = STATEMENT_PHRASES[phrases[0]]
    made = [s for s in ctx.statements if s.code in codes]
    if made:
        return Decision(["yes"], f"yes: {made[0].describe()}", [f"s:{s.code}" for s in made])
    fields = [_numeric_code_field(code) for code in codes]
    if any(f is not None and getattr(ctx.measurements, f) is None for f in fields):
        return None  # the value the statement needs was not measured
    measured = [f"m:{f}" for f in fields if f]
    return Decision(["no"], f"no: the criteria for {phrases[0]} are not met by the measurements", measured)


def verify_noise(ctx, question: str) -> Decision | None:
    """yes when the quality report finds the named noise in the named leads (any lead if none)."""
    phrases = mentioned_phrases(question, NOISE_ATTRIBUTES)
    if len(phrases) != 1:
        return None
    leads = mentioned_leads(question) or list(ctx.record.leads)
    assessed = {lead.lead: lead for lead in ctx.quality.leads}
    if any(lead not in assessed for lead in leads):
        return None
    hit = [lead for lead in leads if phrases[0] in assessed[lead].ecgqa_attributes]
    if hit:
        return Decision(["yes"], f"yes: {phrases[0]} in lead {', '.join(hit)} (quality report)", ["q:quality"])
    return Decision(["no"], f"no: the quality report finds no {phrases[0]} in lead {', '.join(leads)}",
                    ["q:quality"])


def asked_range(question: str) -> str | None:
    """The range a numeric question asks about: "above", "below", "within" or "abnormal"."""
    text = question.lower()
    for words, name in ((("abnormal", "outside"), "abnormal"), (("above", "higher", "prolonged"), "above"),
                        (("below", "lower", "shortened"), "below"), (("normal", "within"), "within")):
        if any(_contains(text, w) for w in words):
            return name
    return None


def _in_range(range_name: str | None, asked: str) -> bool | None:
    if range_name is None:
        return None
    return range_name != "within" if asked == "abnormal" else range_name == asked


def numeric_features(contexts, question: str, options: Sequence[str]) -> Decision | None:
    """Numeric features in the asked range (one ECG) or newly in it in the second ECG (two ECGs)."""
    names = [o.lower() for o in options]
    features = [n for n in names if n in _NUMERIC_BY_NAME]
    if not (features and set(names) <= {*_NUMERIC_BY_NAME, "none"}) and "numeric feature" not in question.lower():
        return None
    asked = asked_range(question)
    if asked is None:
        return None
    candidates = features or list(_NUMERIC_BY_NAME)
    found, ids = [], []
    for name in candidates:
        field = _NUMERIC_BY_NAME[name].field
        states = [_in_range(numeric_range(field, getattr(c.measurements, field)), asked) for c in contexts]
        if None in states:
            return None  # a value the answer depends on was not measured
        ids += [f"ecg{i + 1}/m:{field}" if len(contexts) > 1 else f"m:{field}" for i in range(len(contexts))]
        if (states == [True]) or (len(states) == 2 and _changed_into(states, question)):
            found.append(name)
    where = "in the second ECG, not in the first" if len(contexts) > 1 else ""
    text = (f"{', '.join(found)}: {asked} the normal range {where}".strip() if found
            else f"none of the numeric features is {asked} the normal range {where}".strip())
    return Decision(found or (["none"] if not names or "none" in names else []), text, ids)


def _changed_into(states: list[bool], question: str) -> bool:
    if any(_contains(question.lower(), w) for w in ("both", "still")):
        return all(states)
    return states[1] and not states[0]


def change_asked(question: str) -> tuple[bool, bool] | None:
    """(made in the first ECG, made in the second) that a comparison names, e.g. "newly"."""
    text = question.lower()
    return next((states for word, states in CHANGE_WORDS.items() if _contains(text, word)), None)


def verify_change(contexts, question: str) -> Decision | None:
    """Two ECGs: whether the named statement changed as asked ("newly", "no longer", "still")."""
    change = change_asked(question)
    phrases = mentioned_phrases(question, list(STATEMENT_PHRASES))
    if change is None or len(phrases) != 1:
        return None
    codes = STATEMENT_PHRASES[phrases[0]]
    fields = [f for f in map(_numeric_code_field, codes) if f]
    if any(getattr(c.measurements, f) is None for c in contexts for f in fields):
        return None
    made = [[s for s in c.statements if s.code in codes] for c in contexts]
    states = tuple(bool(m) for m in made)
    ids = [f"ecg{i + 1}/s:{s.code}" for i, m in enumerate(made) for s in m]
    ids += [f"ecg{i + 1}/m:{f}" for i in range(2) for f in fields]
    where = ", ".join(f"ECG {i + 1}: {'made' if state else 'not made'}" for i, state in enumerate(states))
    verdict = "yes" if states == change else "no"
    return Decision([verdict], f"{verdict}: {phrases[0]} ({where})", ids)


def choose_statements(ctx, options: Sequence[str]) -> Decision | None:
    """The options naming statements the criteria engine made (all options must be statements)."""
    codes = {option: codes_for(option) for option in options if option.lower() != "none"}
    if not codes or not all(codes.values()) or any(_numeric_code_field(c) for cs in codes.values() for c in cs):
        return None
    made = {s.code for s in ctx.statements}
    chosen = [o for o, cs in codes.items() if made & set(cs)]
    ids = [f"s:{c}" for o in chosen for c in codes[o] if c in made]
    if not chosen and not any(o.lower() == "none" for o in options):
        return None  # the engine made none of them, and "none" is no answer here
    text = ("; ".join(chosen) + ": criteria met") if chosen else "none of the options' criteria are met"
    return Decision(chosen or ["none"], text, ids)


def decide(contexts, question: str, options: Sequence[str]) -> Decision | None:
    """The first rule that decides the question, or None (the language model's turn)."""
    if is_verify(question, options):
        if len(contexts) == 2:
            return verify_change(contexts, question)
        return verify_noise(contexts[0], question) or verify_statement(contexts[0], question)
    if len(contexts) <= 2:
        decision = numeric_features(contexts, question, options)
        if decision is not None:
            return decision
    if options and len(contexts) == 1:
        return choose_statements(contexts[0], options)
    return None
