"""What the agent returns: an Answer to a question, a Report draft of one ECG."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Answer:
    """The chosen options (or free-text answer), a sentence for a reader and the evidence behind it.

    ``abstained`` is True when the signal does not support an answer ("not sure");
    ``warnings`` say why (e.g. unusable leads). ``decided_by`` names what chose the answer:
    "evidence" (a deterministic rule), "llm", or "abstained".
    """

    answer: list[str]
    text: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    abstained: bool = False
    warnings: list[str] = field(default_factory=list)
    decided_by: str = "evidence"

    def to_dict(self) -> dict[str, Any]:
        return {"answer": list(self.answer), "text": self.text, "evidence": list(self.evidence),
                "abstained": self.abstained, "warnings": list(self.warnings), "decided_by": self.decided_by}


@dataclass
class Report:
    """A report draft: sections (rhythm, rate, intervals, axis, morphology, impression) and findings.

    Each finding is {"text": ..., "evidence": [evidence ids]}; ``evidence`` holds the items the ids
    name, so a reader can check every impression line.
    """

    source: str
    sections: dict[str, str | list[str]]
    findings: list[dict[str, Any]]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "sections": dict(self.sections), "findings": list(self.findings),
                "evidence": list(self.evidence), "warnings": list(self.warnings)}
