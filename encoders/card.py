"""The model card written beside the encoder artifact."""

from __future__ import annotations

import json


def model_card(metadata: dict) -> str:
    rows = "\n".join(
        f"| {s} | {v['auroc']:.3f} | {v['positives']} / {v['records']} |" if v["auroc"] is not None
        else f"| {s} | n/a (one class only) | {v['positives']} / {v['records']} |"
        for s, v in metadata.get("held_out_auroc", {}).items())
    return f"""# ECG encoder and diagnostic heads (embedded default)

`encoder.safetensors` (weights: encoder.* and heads.*) and `encoder.json` (config, statements,
this metadata). Load with `encoders.load_default_embedder()`; no network, no training.

**Model.** A lead-independent 1D CNN (the same weights for every lead; a learned per-lead
scale and shift of its features says which lead it is) over each lead at 100 Hz, band-passed 0.5-40 Hz and z-scored
per lead; one embedding per 0.5 s segment (mean over leads), attention pooling to one 256-d
global embedding, L2-normalised (retrieval). Any lead subset works. Recordings longer than 10 s
are cut into 10 s windows whose global embeddings are averaged.

**Self-supervised training.** NT-Xent contrast (SimCLR) between two augmented views of each
10 s window (independent 5 s crops, random subsets of 1-4 leads, gain, noise, baseline wander),
on the training part of: the PTB-XL subset (100 Hz, z-scored per lead by its earlier user, so
no mV amplitudes; CC-BY-4.0, Wagner et al. 2020), LUDB (ODC-By 1.0, Kalyakulina et al. 2020;
the copy at hand has each lead scaled to about 1 mV peak to peak, so no true voltages either),
MIT-BIH record 100 (first 80 %, PhysioNet open data) and NeuroKit2-simulated 12-lead ECGs.
Trained on a shared 2-core x86-64 CPU (no GPU was lent to this task); a GPU run would use the
same command. Final NT-Xent loss: {metadata.get('final_nt_xent', float('nan')):.3f} after
{metadata['train_config']['steps']} steps of {metadata['train_config']['batch_size']} ECGs
({metadata.get('training_windows')} training windows, {metadata.get('minutes')} min in all).

**Diagnostic heads.** One logistic regression per statement on the frozen global embedding,
trained on {metadata.get('head_training_records')} {metadata.get('labels')} records (class-balanced). Held out (never
seen by the encoder or the heads): {len(metadata.get('held_out_records', []))} records,
{', '.join(metadata.get('held_out_records', []))}.

| statement | held-out AUROC | positives / records |
|---|---|---|
{rows}

These are small-sample figures (a few positives per statement): read them as a sanity check,
not a clinical validation. The heads are weak evidence to be combined with measured criteria.
Voltage-based statements (hypertrophy) cannot be learned well from the data at hand: both the
PTB-XL subset and the LUDB copy lost their true per-lead voltages, and the encoder z-scores
each lead.

**Rebuild:** `{metadata.get('command') or 'ecg-agent train encoder'}` (from the repository root;
default data folder ../shared/data).

Training configuration:

```json
{json.dumps(metadata.get('train_config', {}), indent=2)}
```
"""
