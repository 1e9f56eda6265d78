"""ECG records in, signal processing, measurement and criteria. Imports nothing of the project."""

from ecg.errors import ECGError
from ecg.io import ReadOptions, detect_format, read_ecg, read_ecgs
from ecg.leads import STANDARD_LEADS, canonical_lead_name
from ecg.limits import ReadLimits
from ecg.record import ECGRecord, make_record

__all__ = [
    "ECGError", "ECGRecord", "ReadLimits", "ReadOptions", "STANDARD_LEADS",
    "canonical_lead_name", "detect_format", "make_record", "read_ecg", "read_ecgs",
]
