"""The QRS duration the criteria read: the median of the leads' own QRS durations.

The reported ``qrs_duration_ms`` is the global QRS (earliest onset to latest offset over the
simultaneous leads), calibrated to LUDB's cardiologists, who mark each lead separately: on LUDB it
is about 28 ms longer than their median lead's QRS. The conduction thresholds (120 ms
for a complete bundle-branch block, Surawicz et al. 2009) agree with LUDB's own diagnoses when
read on the median lead's QRS (specificity of complete LBBB 98 %) and not on the global one (66 %),
so every criterion that reads a QRS duration reads ``qrs_duration_median_lead_ms``.
"""

from __future__ import annotations

from ecg import thresholds as t
from ecg.criteria_types import Criterion, check
from ecg.measurements import Measurements

CRITERIA_QRS = "qrs_duration_median_lead_ms"


def qrs_check(m: Measurements, comparison: str, threshold: t.Threshold) -> Criterion:
    return check(CRITERIA_QRS, m.qrs_duration_median_lead_ms, comparison, threshold)


def too_wide_for(m: Measurements, what: str) -> str:
    """Why ``what`` is not applied to a QRS of a complete block's width ("" when it is applied)."""
    qrs = m.qrs_duration_median_lead_ms
    if qrs is None or qrs < t.COMPLETE_BBB_MIN_QRS_MS.value:
        return ""
    return f"not applied: QRS (median lead) {qrs:.0f} ms >= {t.COMPLETE_BBB_MIN_QRS_MS.value:g} ms {what}"
