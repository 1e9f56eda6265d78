"""`ecg-agent eval ecgqa|reports|intervals` end to end on files the tests write."""

from __future__ import annotations

import json

from cli.main import main
from eval.baselines import measurements_kind
from tests.eval.helpers import question, write_questions, write_wfdb


def make_split(tmp_path):
    records = tmp_path / "records"
    for name in ("1", "2", "3"):
        write_wfdb(records, name, seconds=10.0)
    valid = [question(60000 + i, [1 + i % 3, 1 + (i + 1) % 3], ans)
             for i, ans in enumerate([["qt interval"], [], ["qt interval", "rr interval"], ["none"]])]
    train = [question(i, [1, 2], ans) for i, ans in enumerate([["none"], [], ["qt interval"]])]
    write_questions(tmp_path / "qa" / "valid" / "60000.json", valid)
    write_questions(tmp_path / "qa" / "train" / "0.json", train)
    return records


def test_eval_ecgqa_majority_baseline(tmp_path, capsys):
    records = make_split(tmp_path)
    code = main(["eval", "ecgqa", "--qa", str(tmp_path / "qa" / "valid"), "--records", str(records),
                 "--layout", "flat", "--predictor", "majority", "--train", str(tmp_path / "qa" / "train"),
                 "--out", str(tmp_path / "run.json"), "--no-progress"])
    assert code == 0
    results = json.loads((tmp_path / "run.json").read_text())
    # the training set's most frequent answer of template 68 is "none" (2 of 3): right for 2 of 4
    assert results["overall"] == {"correct": 2, "total": 4, "exact_match": 0.5}
    assert (tmp_path / "run" / "predictions.jsonl").is_file()
    assert "| 68 | 4 | 50.0 |" in capsys.readouterr().out


def test_eval_ecgqa_rules_baseline_caches_measurements(tmp_path, capsys):
    records = make_split(tmp_path)
    args = ["eval", "ecgqa", "--qa", str(tmp_path / "qa" / "valid" / "60000.json"), "--records", str(records),
            "--layout", "flat", "--out", str(tmp_path / "run"), "--no-progress", "--limit", "3"]
    assert main(args) == 0
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["predictor"] == "rules" and results["overall"]["total"] == 3
    assert sorted(p.name for p in (tmp_path / "run" / "cache" / measurements_kind()).iterdir()) == [
        "1.json", "2.json", "3.json"]
    assert "Coverage: 4 of 4" in capsys.readouterr().out


def test_eval_ecgqa_errors_are_one_clear_line(tmp_path, capsys):
    records = make_split(tmp_path)
    code = main(["eval", "ecgqa", "--qa", str(tmp_path / "qa" / "valid"), "--records", str(records),
                 "--layout", "flat", "--predictor", "majority", "--out", str(tmp_path / "run")])
    assert code == 2
    assert "needs training questions: --train" in capsys.readouterr().err
    assert main(["eval", "ecgqa", "--qa", str(tmp_path / "none.json"), "--records", str(records),
                 "--layout", "flat"]) == 2
    assert "no such question file" in capsys.readouterr().err


def test_eval_reports(tmp_path, capsys):
    (tmp_path / "drafts.txt").write_text("sinus rhythm normal axis\n", encoding="utf-8")
    (tmp_path / "refs.txt").write_text("sinus rhythm with normal axis\n", encoding="utf-8")
    assert main(["eval", "reports", "--drafts", str(tmp_path / "drafts.txt"),
                 "--references", str(tmp_path / "refs.txt")]) == 0
    results = json.loads(capsys.readouterr().out)
    assert results["reports"] == 1 and 0.88 < results["rouge_l"] < 0.89
    assert set(results) >= {"bleu_1", "bleu_2", "bleu_3", "bleu_4", "skipped"}


def test_eval_intervals_runs_the_interval_benchmark(tmp_path, capsys):
    assert main(["eval", "intervals", "--data", str(tmp_path), "--no-neurokit"]) == 1
    assert "no LUDB records" in capsys.readouterr().err


def test_eval_ecgqa_official_sample_on_an_npz_of_ecgs(tmp_path, capsys):
    import numpy as np

    leads = np.array(["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"])
    signal = np.random.default_rng(0).standard_normal((3, 12, 1000)).astype(np.float16)
    np.savez(tmp_path / "ecgs.npz", ecg_id=np.array([1, 2, 3]), signal=signal, fs=np.array(100), leads=leads)
    items = [question(i, [1 + i % 3, 1 + (i + 1) % 3], ["none"]) for i in range(20)]
    items += [question(100 + i, 1, ["no"], 26, "single-verify", "noise", attribute=["static noise"])
              for i in range(10)]
    write_questions(tmp_path / "qa" / "valid" / "1.json", items)
    write_questions(tmp_path / "qa" / "train" / "1.json", [question(1000, [1, 2], ["none"])])
    code = main(["eval", "ecgqa", "--qa", str(tmp_path / "qa" / "valid"), "--records", str(tmp_path / "ecgs.npz"),
                 "--layout", "npz", "--sample", "--predictor", "majority", "--train", str(tmp_path / "qa" / "train"),
                 "--out", str(tmp_path / "run"), "--no-progress"])
    assert code == 0
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    # the 10% sample keeps 2 of the 20 comparisons and 1 of the 10 noise questions; noise is not
    # asked of these (pre-filtered) signals
    assert results["coverage"]["questions"] == 3 and results["coverage"]["excluded_attribute_types"] == 1
    assert results["overall"] == {"correct": 2, "total": 2, "exact_match": 1.0}
