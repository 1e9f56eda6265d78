"""The ECG language model: training throughput, and tuned vs untuned exact match on held-out patients.

``throughput`` times LoRA training steps (QLoRA on CUDA unless ``--no-4bit``; bf16 autocast on
CUDA) on prompts in the agent's format with ECG tokens drawn from the ECG vocabulary, and prints
tokens/s (prompt and answer tokens, padding excluded) after the warm-up steps. ``--random-weights``
builds the model from the ``--base`` folder's config.json and tokenizer alone (same shapes and speed;
plain LoRA).

``accuracy`` reads a run folder of `ecg-agent train lm` (data/test.jsonl: questions on patients unseen in
training, data/contexts.json, adapter/, loss.jsonl) and prints exact match per question type
for the untuned base (ECG tokens added with mean-initialised rows, same prompt) and the tuned
adapter, then the training throughput the run logged. ``--limit`` caps questions per type. The
"majority" column always answers the type's most common answer set in training (the prior).

    .venv/bin/python benchmarks/lm.py throughput [--base default] [--steps 6] [--batch-size 4]
        [--ecg-tokens 229] [--device cpu|cuda] [--no-4bit] [--rank 16] [--random-weights]
    .venv/bin/python benchmarks/lm.py accuracy --run runs/lm [--limit 40] [--patients K] [--types T ...]
        [--only base|tuned] [--json FILE] [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finetune import base_model  # noqa: E402
from finetune.build import read_contexts, read_examples  # noqa: E402
from finetune.evaluate import exact_match, score  # noqa: E402
from finetune.export import load_tuned, read_metadata  # noqa: E402
from finetune.instructions import NONE  # noqa: E402
from finetune.lora import LoraSettings  # noqa: E402
from tokenizer.hf import extend_model_with_ecg_tokens  # noqa: E402


def sample_per_type(examples, limit: int, seed: int = 0, patients: int | None = None, types=None):
    """At most ``limit`` option questions per type; with ``patients``, only questions whose first ECG
    belongs to that many held-out patients drawn at random (their questions share cached prompt starts)."""
    if patients:
        ids = sorted({e.patient_ids[0] for e in examples})
        chosen = set(random.Random(seed).sample(ids, min(patients, len(ids))))
        examples = [e for e in examples if e.patient_ids[0] in chosen]
    by_type = defaultdict(list)
    for example in examples:
        if example.options and (not types or example.question_type in types):
            by_type[example.question_type].append(example)
    rng = random.Random(seed)
    return [e for items in by_type.values() for e in (rng.sample(items, limit) if len(items) > limit else items)]


def majority_scores(train, test) -> dict[str, dict[str, float]]:
    """Exact match of always answering each question type's most common answer set in training."""
    counts = defaultdict(Counter)
    for example in train:
        counts[example.question_type][tuple(sorted(example.answer))] += 1
    hits = defaultdict(list)
    for example in test:
        guess = counts[example.question_type].most_common(1)[0][0] if counts[example.question_type] else ()
        hits[example.question_type].append(exact_match(list(guess) or [NONE], example.answer))
    return {kind: {"n": len(v), "exact_match": sum(v) / len(v)} for kind, v in sorted(hits.items())}


def throughput(args) -> None:
    import time

    import torch

    from finetune.prompt import build_messages
    from finetune.sft_data import encode_chat
    from finetune.train import TrainConfig, collate, device_default, for_training, prepare_model
    from tokenizer.beat_autoencoder import BeatAutoencoder
    from tokenizer.ecg_tokenizer import ECGTokenizer

    device = args.device or device_default()
    ecg_vocabulary = list(ECGTokenizer(BeatAutoencoder()).vocab.tokens)
    quantized = device == "cuda" and not (args.no_4bit or args.random_weights)
    config = TrainConfig(batch_size=args.batch_size, gradient_checkpointing=args.gradient_checkpointing,
                         quantize_4bit=quantized, lora=LoraSettings(rank=args.rank, alpha=2 * args.rank))
    if args.random_weights:
        from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

        model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(args.base)).to(device)
        model, tokenizer = for_training(model, AutoTokenizer.from_pretrained(args.base), ecg_vocabulary, config)
    else:
        model, tokenizer = prepare_model(None if args.base == "default" else args.base, ecg_vocabulary, config,
                                         device)
    rng = random.Random(0)
    batch = [encode_chat(tokenizer, build_messages("Does this ECG show sinus rhythm?", options=["no", "yes"],
                                                   ecg_tokens=[rng.choices(ecg_vocabulary, k=args.ecg_tokens)]),
                         "yes", 4096) for _ in range(args.batch_size)]
    tensors = {k: v.to(device) for k, v in collate(batch, tokenizer.pad_token_id).items()}
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    autocast = (torch.autocast("cuda", dtype=torch.bfloat16) if device == "cuda"
                else torch.autocast("cpu", enabled=False))
    timings = []
    for _ in range(args.warmup + args.steps):
        began = time.perf_counter()
        with autocast:
            model(**tensors).loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if device == "cuda":
            torch.cuda.synchronize()
        timings.append(time.perf_counter() - began)
    tokens = int(tensors["attention_mask"].sum())
    measured = timings[args.warmup:]
    precision = "QLoRA 4-bit" if quantized else "LoRA bf16 autocast" if device == "cuda" else "LoRA fp32"
    print(f"device: {device} ({torch.cuda.get_device_name() if device == 'cuda' else platform.processor() or 'cpu'}), "
          f"torch threads {torch.get_num_threads()}; base: {args.base}{' (random weights)' * args.random_weights}; "
          f"{precision} r={config.lora.rank} all linear + ECG token rows")
    print(f"{'batch':>5s} {'tokens/step':>11s} {'s/step':>7s} {'tokens/s':>9s}")
    mean = sum(measured) / len(measured)
    print(f"{args.batch_size:5d} {tokens:11d} {mean:7.2f} {tokens / mean:9.1f}")


def accuracy(args) -> None:
    test = sample_per_type(read_examples(args.run / "data" / "test.jsonl"), args.limit,
                           patients=args.patients, types=args.types)
    contexts = read_contexts(args.run / "data" / "contexts.json")
    adapter = args.adapter or args.run / "adapter"
    metadata = read_metadata(adapter)
    scores = {"majority": majority_scores(read_examples(args.run / "data" / "train.jsonl"), test)}
    if args.only in (None, "tuned"):
        tuned, tokenizer = load_tuned(adapter, device=args.device)
        scores["tuned"] = score(tuned, tokenizer, test, contexts, args.max_new_tokens)
        del tuned
    if args.only in (None, "base"):
        base_tokenizer = base_model.load_tokenizer(metadata.get("base"))
        base = base_model.load_model(metadata.get("base"), device=args.device).eval()
        extend_model_with_ecg_tokens(base, base_tokenizer, metadata["ecg_tokens"])
        scores["base"] = score(base, base_tokenizer, test, contexts, args.max_new_tokens)

    log = [json.loads(line) for line in (args.run / "loss.jsonl").read_text().splitlines()]
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}; base: {metadata.get('base')}; "
          f"steps: {metadata.get('steps')}; train examples: {metadata.get('train_examples')}")
    columns = [name for name in ("majority", "base", "tuned") if name in scores]
    print(f"{'question type':32s} {'n':>4s}" + "".join(f" {name + ' EM':>12s}" for name in columns))
    for kind in sorted(scores[columns[0]]):
        print(f"{kind:32s} {scores[columns[0]][kind]['n']:4d}"
              + "".join(f" {scores[name][kind]['exact_match']:12.3f}" for name in columns))
    print(f"training: {len(log)} logged steps, final loss {log[-1]['loss']:.3f}, "
          f"{log[-1]['tokens_per_s']:.0f} tokens/s")
    if args.json:
        args.json.write_text(json.dumps({**scores, "train_tokens_per_s": log[-1]["tokens_per_s"]}, indent=2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    speed = commands.add_parser("throughput", help="training tokens/s")
    speed.add_argument("--base", default="default", help="base model (default: SmolLM2-135M-Instruct)")
    speed.add_argument("--steps", type=int, default=6)
    speed.add_argument("--warmup", type=int, default=1)
    speed.add_argument("--batch-size", type=int, default=4)
    speed.add_argument("--ecg-tokens", type=int, default=229, help="ECG tokens per prompt (229: 10 s at 75 bpm)")
    speed.add_argument("--gradient-checkpointing", action="store_true")
    speed.add_argument("--device", default=None)
    speed.add_argument("--no-4bit", action="store_true", help="plain LoRA even on CUDA")
    speed.add_argument("--rank", type=int, default=LoraSettings.rank)
    speed.add_argument("--random-weights", action="store_true",
                       help="build the model from the --base folder's config.json only (no weights needed)")
    speed.set_defaults(handler=throughput)
    quality = commands.add_parser("accuracy", help="exact match per question type, tuned vs untuned")
    quality.add_argument("--run", type=Path, required=True, help="output folder of `ecg-agent train lm`")
    quality.add_argument("--adapter", type=Path, help="adapter folder (default RUN/adapter; a checkpoint works)")
    quality.add_argument("--limit", type=int, default=40, help="questions per question type")
    quality.add_argument("--max-new-tokens", type=int, default=48)
    quality.add_argument("--json", type=Path, help="also write the figures here")
    quality.add_argument("--patients", type=int, help="only questions on this many held-out patients (faster)")
    quality.add_argument("--types", nargs="+", help="only these question types")
    quality.add_argument("--only", choices=("base", "tuned"), help="score one model (two processes can share the work)")
    quality.add_argument("--device", default="cpu", help="cpu or cuda")
    quality.set_defaults(handler=accuracy)
    args = parser.parse_args()
    args.handler(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
