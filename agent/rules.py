"""Deterministic answers where the measured evidence decides the question.

Three kinds of question are decided without a language model:
- verify ("Does this ECG show X?", options yes/no/not sure) about a statement the criteria
  engine evaluates (in the named leads, for ST-T changes asked about "in lead V2"), or about a
  noise attribute the quality report evaluates; with two ECGs, whether a statement changed as
  the question names it ("newly", "no longer", "still");
- numeric-feature questions ("Which numeric features are above the normal range?"), for one ECG
  or, comparing two, the features that changed into the asked range in the second one;
- choose/query questions whose options are all statements the criteria engine evaluates, or
  all leads ("Which leads show inverted t-waves?").
The criteria engine judges each code present, absent or undetermined (ecg.criteria.evaluate_all):
a verify question on an undetermined code is answered "not sure" (when that is an option, or no
options were given) with the missing input as the reason; choose/query answers leave
undetermined options out and say so. Every rule returns a Decision (answer, a sentence, the
evidence ids it rests on) or None when the question is not of its kind or cannot be decided.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ecg.criteria import ABSENT, PRESENT, UNDETERMINED, Assessment, numeric_range, paced_dominant
from ecg.criteria_st_t import LEAD_GROUP_CODES, in_lead, repolarisation_not_applicable
from ecg.criteria_types import Evidence, Unmeasured
from ecg.leads import STANDARD_LEADS
from ecg.quality import ECGQA_ATTRIBUTE
from ecg.scp_codes import NUMERIC_FEATURES, STATEMENTS, codes_for

VERIFY_OPTIONS = ("yes", "no", "not sure")
NOT_SURE = "not sure"
# Everyday names of the per-lead ST-T findings, beside ECG-QA's statement names.
ST_T_PHRASES = {"st elevation": "STE_", "st-elevation": "STE_", "st segment elevation": "STE_",
                "st depression": "STD_", "st-depression": "STD_", "st segment depression": "STD_",
                "t-wave inversion": "INVT", "t wave inversion": "INVT", "inverted t-wave": "INVT",
                "inverted t wave": "INVT", "inverted t waves": "INVT", "negative t waves": "INVT"}
# The per-lead values an ST-T answer shows when the criterion is not met.
LEAD_VALUES = {"STE_": ("st_j_mv",), "STD_": ("st_j_mv", "st_j60_mv"),
               "INVT": ("t_amplitude_mv", "r_amplitude_mv", "s_amplitude_mv")}
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
    abstained: bool = False   # "not sure": the evidence cannot decide


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
    for phrase, code in ST_T_PHRASES.items():
        phrases.setdefault(phrase, []).append(code)
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


def not_sure_allowed(options: Sequence[str]) -> bool:
    return not options or any(o.lower() == NOT_SURE for o in options)


def combined_status(assessments: Sequence[Assessment]) -> str:
    """Present if any code is, absent if every one is, else undetermined (several codes answer
    one phrase, e.g. "extrasystoles")."""
    statuses = {a.status for a in assessments}
    return PRESENT if PRESENT in statuses else (ABSENT if statuses == {ABSENT} else UNDETERMINED)


def missing_ids(assessments: Sequence[Assessment], prefix: str = "") -> list[str]:
    """Evidence ids of the unmeasured inputs: "m:<field>" for a global value, the quality report
    for a per-lead one."""
    ids = [f"m:{field}" if not field.startswith("per_lead.") else "q:quality"
           for a in assessments for field in a.missing]
    return [f"{prefix}/{i}" if prefix else i for i in dict.fromkeys(ids)]


def not_sure(options: Sequence[str], reason: str, ids: list[str]) -> Decision | None:
    """"not sure" with the reason when it may be answered, else None (left to the next step)."""
    if not not_sure_allowed(options):
        return None
    return Decision([NOT_SURE], f"{NOT_SURE}: {reason}", ids, abstained=True)


def verify_statement(ctx, question: str, options: Sequence[str] = ()) -> Decision | None:
    """yes when the criteria engine makes a statement the question names, no when it rules it
    out, "not sure" when it cannot tell; ST-T changes asked about in named leads are judged there."""
    phrases = mentioned_phrases(question, list(STATEMENT_PHRASES))
    if len(phrases) != 1:
        return None
    codes = STATEMENT_PHRASES[phrases[0]]
    leads = mentioned_leads(question)
    if leads and set(codes) <= set(LEAD_GROUP_CODES):
        return verify_in_leads(ctx, phrases[0], codes[0], leads, options)
    assessed = [ctx.assessments[code] for code in codes]
    status = combined_status(assessed)
    if status == PRESENT:
        made = [s for a in assessed for s in a.statements]
        return Decision(["yes"], f"yes: {made[0].describe()}", [f"s:{s.code}" for s in made])
    if status == UNDETERMINED:
        reasons = "; ".join(a.reason for a in assessed if a.status == UNDETERMINED)
        return not_sure(options, f"{phrases[0]} cannot be judged: {reasons}", missing_ids(assessed))
    measured = [f"m:{f}" for f in map(_numeric_code_field, codes) if f]
    return Decision(["no"], f"no: the criteria for {phrases[0]} are not met by the measurements", measured)


def lead_status(m, code: str, lead: str) -> tuple[str, str]:
    """(status, sentence) of an ST-T code in one lead: its evidence, or why it is undetermined."""
    reason = repolarisation_not_applicable(m) or ("not applied: paced rhythm" if paced_dominant(m) else "")
    if reason:
        return UNDETERMINED, f"lead {lead}: {reason}"
    found = in_lead(m, code, lead)
    if isinstance(found, Unmeasured):
        why = "lead missing or unusable" if lead not in m.per_lead else f"{found.measure} not measured"
        return UNDETERMINED, f"lead {lead}: {why}"
    if not found:
        values = ", ".join(_lead_value(m, lead, name) for name in LEAD_VALUES[code])
        return ABSENT, f"lead {lead}: {values}, criterion not met"
    evidence = found if isinstance(found, list) else [found]
    return PRESENT, "; ".join(e.describe() for e in evidence if isinstance(e, Evidence))


def _lead_value(m, lead: str, name: str) -> str:
    value = getattr(m.per_lead[lead], name)
    return f"{name} not measured" if value is None else f"{name} = {value:.2f} mV"


def verify_in_leads(ctx, phrase: str, code: str, leads: list[str], options: Sequence[str]) -> Decision | None:
    """An ST-T change in every named lead: yes / no / not sure, with each lead's values."""
    judged = [lead_status(ctx.measurements, code, lead) for lead in leads]
    statuses = {status for status, _ in judged}
    detail = "; ".join(text for _, text in judged)
    ids = ["q:quality"]
    if ABSENT in statuses:
        return Decision(["no"], f"no: {phrase} ({detail})", ids)
    if UNDETERMINED in statuses:
        return not_sure(options, f"{phrase} cannot be judged in lead {', '.join(leads)} ({detail})", ids)
    return Decision(["yes"], f"yes: {phrase} ({detail})", ids)


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


def verify_change(contexts, question: str, options: Sequence[str] = ()) -> Decision | None:
    """Two ECGs: whether the named statement changed as asked ("newly", "no longer", "still");
    "not sure" when either ECG cannot be judged on it."""
    change = change_asked(question)
    phrases = mentioned_phrases(question, list(STATEMENT_PHRASES))
    if change is None or len(phrases) != 1:
        return None
    codes = STATEMENT_PHRASES[phrases[0]]
    assessed = [[c.assessments[code] for code in codes] for c in contexts]
    statuses = [combined_status(a) for a in assessed]
    if UNDETERMINED in statuses:
        reasons = "; ".join(f"ECG {i + 1}: {a.reason}" for i, each in enumerate(assessed) for a in each
                            if a.status == UNDETERMINED)
        ids = [i for n, each in enumerate(assessed) for i in missing_ids(each, f"ecg{n + 1}")]
        return not_sure(options, f"{phrases[0]} cannot be judged: {reasons}", ids)
    states = tuple(status == PRESENT for status in statuses)
    ids = [f"ecg{i + 1}/s:{s.code}" for i, each in enumerate(assessed) for a in each for s in a.statements]
    ids += [f"ecg{i + 1}/m:{f}" for i in range(2) for f in map(_numeric_code_field, codes) if f]
    where = ", ".join(f"ECG {i + 1}: {'made' if state else 'not made'}" for i, state in enumerate(states))
    verdict = "yes" if states == change else "no"
    return Decision([verdict], f"{verdict}: {phrases[0]} ({where})", ids)


def choose_statements(ctx, options: Sequence[str]) -> Decision | None:
    """The options naming statements the criteria engine made (all options must be statements);
    options it cannot judge are left out and named in the text."""
    codes = {option: codes_for(option) for option in options if option.lower() != "none"}
    if not codes or not all(codes.values()) or any(_numeric_code_field(c) for cs in codes.values() for c in cs):
        return None
    assessed = ctx.assessments
    status = {o: combined_status([assessed[c] for c in cs]) for o, cs in codes.items()}
    chosen = [o for o in codes if status[o] == PRESENT]
    unsure = [o for o in codes if status[o] == UNDETERMINED]
    ids = [f"s:{c}" for o in chosen for c in codes[o] if assessed[c].status == PRESENT]
    if not chosen and (len(unsure) == len(codes) or not any(o.lower() == "none" for o in options)):
        return None  # nothing made, and "none" is no answer here or could be wrong for every option
    text = ("; ".join(chosen) + ": criteria met") if chosen else "none of the options' criteria are met"
    if unsure:
        reasons = "; ".join(f"{o}: {assessed[c].reason}" for o in unsure for c in codes[o]
                            if assessed[c].status == UNDETERMINED)
        text += f" (left out, cannot be judged: {reasons})"
        ids += [i for o in unsure for i in missing_ids([assessed[c] for c in codes[o]])]
    return Decision(chosen or ["none"], text, ids)


_LEAD_OPTION = re.compile(r"^\s*lead\s+(\S+)\s*$", re.I)


def leads_showing(ctx, question: str, options: Sequence[str]) -> Decision | None:
    """"Which leads show <ST-T change>?" with lead options: the leads whose values meet the
    criterion; leads that cannot be judged are left out and named in the text."""
    leads = {o: _LEAD_OPTION.match(o).group(1) for o in options if _LEAD_OPTION.match(o)}
    phrases = mentioned_phrases(question, [p for p, cs in STATEMENT_PHRASES.items()
                                           if set(cs) <= set(LEAD_GROUP_CODES)])
    if not leads or len(phrases) != 1 or not set(options) - set(leads) <= {"none"}:
        return None
    code = STATEMENT_PHRASES[phrases[0]][0]
    judged = {o: lead_status(ctx.measurements, code, lead) for o, lead in leads.items()}
    chosen = [o for o, (status, _) in judged.items() if status == PRESENT]
    unsure = [text for status, text in judged.values() if status == UNDETERMINED]
    if not chosen and len(unsure) == len(leads):
        return None
    text = "; ".join(judged[o][1] for o in chosen) if chosen else f"no lead meets the criterion of {phrases[0]}"
    if unsure:
        text += f" (left out, cannot be judged: {'; '.join(unsure)})"
    return Decision(chosen or ["none"], text, ["q:quality"])


def decide(contexts, question: str, options: Sequence[str]) -> Decision | None:
    """The first rule that decides the question, or None (the language model's turn)."""
    if is_verify(question, options):
        if len(contexts) == 2:
            return verify_change(contexts, question, options)
        return verify_noise(contexts[0], question) or verify_statement(contexts[0], question, options)
    if len(contexts) <= 2:
        decision = numeric_features(contexts, question, options)
        if decision is not None:
            return decision
    if options and len(contexts) == 1:
        return leads_showing(contexts[0], question, options) or choose_statements(contexts[0], options)
    return None
