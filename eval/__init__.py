"""Evaluation: ECG-QA exact match (ecgqa_data, sampling, records, run, scoring), baselines that
need no language model, and report-draft metrics (report_metrics, wordnet).

A question answerer plugs in through eval.predictor.Predictor.
"""
