"""Hand-built Measurements for rule-level tests: a normal 12-lead sinus ECG with overrides."""

from __future__ import annotations

from ecg.measurements import Beat, LeadMeasurements, Measurements

LEADS = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
NORMAL_NUMERIC = {"RR_WITHIN", "PDUR_WITHIN", "PR_WITHIN", "QRSDUR_WITHIN", "QT_WITHIN", "QTC_WITHIN"}


def lead(**values) -> LeadMeasurements:
    """An unremarkable lead: dominant R, small S, upright T, isoelectric ST."""
    normal = dict(p_amplitude_mv=0.1, q_amplitude_mv=-0.05, r_amplitude_mv=1.0, s_amplitude_mv=-0.3,
                  t_amplitude_mv=0.3, st_j_mv=0.0, st_j60_mv=0.02, qrs_area_mvms=20.0, r_prime_present=False, q_duration_ms=15.0,
                  qrs_duration_ms=90.0)
    return LeadMeasurements(**(normal | values))


def sinus_beats(n: int = 12, rr_ms: float = 850.0, spread_ms: float = 20.0) -> list[Beat]:
    """Sinus beats whose RR alternates so that longest minus shortest is ``spread_ms``."""
    rr = [rr_ms + (spread_ms / 2 if i % 2 else -spread_ms / 2) for i in range(n)]
    return [Beat(r_peak_ms=sum(rr[:i]), rr_ms=None if i == 0 else rr[i], kind="N", p_wave=True,
                 pr_ms=160.0, qrs_ms=90.0, qt_ms=380.0) for i in range(n)]


def normal(per_lead: dict[str, dict] | None = None, **fields) -> Measurements:
    """A normal 12-lead sinus ECG at 70.6 bpm; ``per_lead`` overrides some leads' values. The
    atrial rate follows a given heart rate unless it is given too."""
    leads = {name: lead(**(per_lead or {}).get(name, {})) for name in LEADS}
    values = dict(source="hand-built", fs=500.0, leads=LEADS, heart_rate_bpm=70.6, rr_ms=850.0,
                  rr_sd_ms=10.0, rr_irregularity=0.02, p_duration_ms=100.0, pr_interval_ms=160.0,
                  qrs_duration_ms=110.0, qrs_duration_median_lead_ms=90.0, qt_interval_ms=380.0, qtc_bazett_ms=412.0, qtc_fridericia_ms=401.0,
                  qtc_framingham_ms=402.0, qtc_hodges_ms=405.0, p_axis_deg=50.0, qrs_axis_deg=40.0,
                  t_axis_deg=40.0, sokolow_lyon_mv=2.0, cornell_mv=1.2, n_beats=12,
                  p_wave_present_share=1.0, atrial_rate_bpm=70.6, atrial_periodicity=0.2, per_lead=leads, beats=sinus_beats())
    if "heart_rate_bpm" in fields and "atrial_rate_bpm" not in fields:   # 1:1 conduction
        fields["atrial_rate_bpm"] = fields["heart_rate_bpm"]
    return Measurements(**(values | fields))
