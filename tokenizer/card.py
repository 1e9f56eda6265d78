"""The model card written beside the tokenizer artifact."""

from __future__ import annotations

import json


def model_card(metadata: dict, levels: list[int], codebook_size: int, vocabulary_size: int) -> str:
    return f"""# ECG tokenizer (embedded default)

`tokenizer.safetensors` (the beat autoencoder's weights) and `tokenizer.json` (config and this
metadata). Load with `tokenizer.load_default_tokenizer()`; no network, no training.

**What a token sequence holds.** Per 10 s segment: `<ecg_seg>`; the R peaks shared by all
leads as intervals `<ecg_rr_k>` (k samples at 250 Hz, 4 ms each; `<ecg_gap>` = 2,048 ms without
a beat); then per lead `<ecg_lead_X>`, `<ecg_amp_a>` (peak amplitude of the lead's median beat,
64 log-spaced bins 0.02-20 mV) and 16 beat-shape codes `<ecg_0>`..`<ecg_{codebook_size - 1}>` of
that lead's R-aligned median beat (256 samples: 384 ms before R to 640 ms after). A 12-lead 10 s
ECG takes 1 + beats + 12 x 18 tokens (229 at 72 bpm; 268 at the 270 bpm the R-peak detector
allows). The decoder places the decoded median beat at every R peak: it keeps rhythm and each
lead's average morphology, not beat-to-beat changes (ectopic beats, AF's varying f waves).
Vocabulary: {vocabulary_size} tokens.

**Quantizer.** Finite scalar quantization (Mentzer et al. 2024), levels
{levels} = {codebook_size} codes; an MLP autoencoder (256 -> 512 -> 512 -> 16 x 4
latents; the same weights for every lead) trained on beats scaled by their quantized amplitude.

**Data.** Training part of the PTB-XL subset (CC-BY-4.0, Wagner et al. 2020; 100 Hz, z-scored
per lead, so its amplitude tokens are not mV), LUDB (ODC-By 1.0, Kalyakulina et al. 2020; the
copy at hand has each lead scaled to about 1 mV peak to peak), MIT-BIH record 100 (first 80 %) and NeuroKit2-simulated
ECGs; held out: PTB-XL ecg_id % 10 == 0, every 4th LUDB record (ids listed in
docs/BENCHMARKS.md), the last 20 % of MIT-BIH 100. {metadata.get('training_beats')} training beats.
Trained on a shared 2-core x86-64 CPU (no GPU was lent to this task) in {metadata.get('minutes')} min;
a GPU run would use the same command.

**Measured on held-out beats:** median Pearson r {metadata.get('held_out_beat_median_pearson_r', float('nan')):.3f}
(beat level), codebook usage {metadata.get('held_out_codebook_usage', float('nan')):.0%}. Whole-ECG figures
(reconstruction r and PRD per lead, perplexity, throughput): docs/BENCHMARKS.md, section
"ECG tokens and encoder" (`python benchmarks/tokenizer.py`).

**Rebuild:** `{metadata.get('command') or 'ecg-agent train tokenizer'}` (from the repository root;
default data folder ../shared/data).

```json
{json.dumps(metadata.get('train_config', {}), indent=2)}
```
"""
