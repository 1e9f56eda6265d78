"""ECGContext: one ECG read once, with its quality, measurements and statements (cached)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from agent import evidence
from ecg.criteria import Assessment, Statement, evaluate, evaluate_all
from ecg.measure import measure
from ecg.measurements import Measurements
from ecg.quality import QualityReport, assess_quality
from ecg.record import ECGRecord
from finetune.prompt import measurement_summary


@dataclass
class ECGContext:
    """Everything the agent knows of one ECG; the ECG tokens are computed on first use.

    ``similar_reports`` are filled by the Agent when retrieval is on.
    """

    record: ECGRecord
    quality: QualityReport
    measurements: Measurements
    statements: list[Statement]
    similar_reports: list[Any] = field(default_factory=list)  # LangChain Documents

    @classmethod
    def of(cls, record: ECGRecord) -> ECGContext:
        result = measure(record)
        statements = evaluate(result)
        result.statements = [s.to_dict() for s in statements]
        return cls(record, assess_quality(record), result, statements)

    @property
    def source(self) -> str:
        return self.measurements.source

    @cached_property
    def measurement_dict(self) -> dict[str, Any]:
        return self.measurements.to_dict()

    @cached_property
    def assessments(self) -> dict[str, Assessment]:
        """Every code the criteria engine knows: present, absent or undetermined (computed once)."""
        return evaluate_all(self.measurements)

    @cached_property
    def ecg_tokens(self) -> list[str]:
        from tokenizer.ecg_tokenizer import load_default_tokenizer

        return list(load_default_tokenizer().encode(self.record).tokens)

    def summary(self) -> str:
        """The prompt's measurement line (finetune.prompt.measurement_summary)."""
        return measurement_summary(self.measurement_dict)

    def evidence(self, prefix: str = "") -> list[dict[str, Any]]:
        """Quality, every measured value, every statement and the retrieved reports, as evidence items."""
        items = [evidence.quality_item(self.quality.to_dict(), prefix)]
        items += evidence.measurement_items(self.measurement_dict, prefix)
        items += [evidence.statement_item(s, prefix) for s in self.statements]
        items += [evidence.report_item(d, prefix) for d in self.similar_reports]
        return items
