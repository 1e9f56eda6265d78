"""Evaluation: ECG-QA exact match and report-draft metrics.

ecgqa_data (question files), sampling (ECG-QA's 10% sample), records (ecg_id -> record), run
(the resumable batched runner), cache (per-ECG derived values), scoring (exact match and its
tables), baselines and neurokit_baseline (answerers without a language model), report_metrics
and wordnet (BLEU, METEOR, ROUGE-L, BERTScore). A question answerer plugs in through
eval.predictor.Predictor.
"""
