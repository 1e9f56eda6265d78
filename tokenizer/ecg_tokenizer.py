"""ECGTokenizer: an ECG -> a deterministic sequence of ECG token ids/strings, and back.

Per 10 s segment: ``<ecg_seg>``, the R peaks shared by all leads as RR tokens, then for each
lead ``<ecg_lead_X> <ecg_amp_a>`` and 16 beat-shape codes of its representative beat.
A 12-lead 10 s ECG at a heart rate h bpm takes 1 + h/6 + 12 x 18 tokens (229 at 75 bpm).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from ecg.errors import ECGError
from ecg.record import ECGRecord
from tokenizer import beats as beat_ops
from tokenizer.beat_autoencoder import BeatAutoencoder, BeatCoderConfig
from tokenizer.signal import TOKEN_FS, prepare
from tokenizer.vocab import GAP, RR_BINS, SEGMENT, Vocabulary, amplitude_bin, amplitude_of_bin, lead_of

SEGMENT_S = 10.0
SEGMENT_SAMPLES = int(SEGMENT_S * TOKEN_FS)
MIN_SEGMENT_S = 1.0  # a shorter last segment holds no whole beat: its tokens say "no beat"
FORMAT_VERSION = 1
DEFAULT_FOLDER = Path(__file__).resolve().parents[1] / "models" / "default"
_SOURCE = "ECG tokens"


@dataclass(frozen=True)
class ECGTokens:
    ids: list[int]
    tokens: list[str]

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    def to_dict(self) -> dict:
        return {"n_tokens": self.n_tokens, "tokens": self.tokens, "ids": self.ids}


@dataclass(frozen=True)
class DecodedECG:
    """What the tokens keep: (leads, samples) in mV at 250 Hz, band-passed 0.5-40 Hz."""

    signal: np.ndarray
    fs: float
    leads: tuple[str, ...]
    r_peaks: np.ndarray


class ECGTokenizer:
    """Beat-synchronous tokenizer over a trained BeatAutoencoder (inference only, no randomness)."""

    def __init__(self, model: BeatAutoencoder, metadata: dict | None = None):
        self.model = model.eval()
        self.vocab = Vocabulary(model.fsq.codebook_size)
        self.metadata = dict(metadata or {})

    @property
    def codebook_size(self) -> int:
        return self.vocab.codebook_size

    # -- encoding ---------------------------------------------------------------------------
    def encode(self, record: ECGRecord) -> ECGTokens:
        """All of the record, in 10 s segments (the last one may be shorter)."""
        return self.encode_signal(record.signal, record.fs, record.leads, source=record.source)

    def encode_signal(self, signal: np.ndarray, fs: float, leads: tuple[str, ...] | list[str],
                      source: str = "") -> ECGTokens:
        signal = np.atleast_2d(signal)
        if signal.shape[0] != len(leads):
            raise ECGError(source, f"{signal.shape[0]} signal rows for {len(leads)} lead names")
        prepared = prepare(signal, fs)
        ids: list[int] = []
        found_beats = False
        for start in range(0, prepared.shape[1], SEGMENT_SAMPLES):
            segment_ids, had_beats = self._encode_segment(prepared[:, start: start + SEGMENT_SAMPLES], leads)
            ids += segment_ids
            found_beats |= had_beats
        if not found_beats:
            raise ECGError(source, "no heartbeat (QRS complex) was found, so the ECG cannot be tokenized")
        return ECGTokens(ids=ids, tokens=[self.vocab.tokens[i] for i in ids])

    def _encode_segment(self, segment: np.ndarray, leads) -> tuple[list[int], bool]:
        vocab = self.vocab
        too_short = segment.shape[1] < MIN_SEGMENT_S * TOKEN_FS
        peaks = np.zeros(0, dtype=np.int64) if too_short else beat_ops.find_r_peaks(segment, TOKEN_FS)
        ids = [vocab.id(SEGMENT)]
        if len(peaks) == 0:
            return ids + [vocab.id(GAP)] * (segment.shape[1] // RR_BINS), False
        previous = 0
        for peak in peaks:
            ids += self._interval_ids(int(peak) - previous)
            previous = int(peak)
        representative = beat_ops.median_beats(segment, peaks, TOKEN_FS)
        amp_bins = [amplitude_bin(float(np.max(np.abs(beat)))) for beat in representative]
        scales = np.array([amplitude_of_bin(b) for b in amp_bins])[:, None]
        codes = self.model.encode(torch.from_numpy((representative / scales).astype(np.float32)))
        for lead, amp, lead_codes in zip(leads, amp_bins, codes.tolist()):
            ids += [vocab.lead_id(lead), vocab.amp_offset + amp] + lead_codes
        return ids, True

    def _interval_ids(self, samples: int) -> list[int]:
        return [self.vocab.id(GAP)] * (samples // RR_BINS) + [self.vocab.rr_offset + samples % RR_BINS]

    # -- decoding ---------------------------------------------------------------------------
    def decode(self, ids: list[int], n_samples: int | None = None) -> DecodedECG:
        """Rebuild the band-passed signal at 250 Hz; ``n_samples`` (at 250 Hz) sets the length
        of the last segment, which otherwise ends with its last beat's window."""
        segments = _split_segments(list(ids), self.vocab.id(SEGMENT))
        parsed = [self._parse_segment(s) for s in segments]
        leads = next((tuple(p[1]) for p in parsed if p[1]), ())
        if not leads:
            raise ECGError(_SOURCE, "the tokens describe no lead")
        pieces, all_peaks = [], []
        for index, (peaks, seg_leads, amps, codes) in enumerate(parsed):
            is_last = index == len(parsed) - 1
            length = SEGMENT_SAMPLES
            if is_last:
                after = beat_ops.beat_window(TOKEN_FS)[1]
                length = (n_samples - index * SEGMENT_SAMPLES if n_samples is not None
                          else (int(peaks[-1]) + after if len(peaks) else SEGMENT_SAMPLES))
            pieces.append(self._rebuild(peaks, seg_leads, amps, codes, leads, max(length, 0)))
            all_peaks += [index * SEGMENT_SAMPLES + int(p) for p in peaks]
        return DecodedECG(signal=np.concatenate(pieces, axis=1).astype(np.float32), fs=float(TOKEN_FS),
                          leads=leads, r_peaks=np.asarray(all_peaks, dtype=np.int64))

    def _parse_segment(self, ids: list[int]):
        vocab = self.vocab
        peaks, position, i = [], 0, 0
        while i < len(ids) and vocab.kind(ids[i]) in ("rr", GAP):
            if vocab.kind(ids[i]) == GAP:
                position += RR_BINS
            else:
                position += ids[i] - vocab.rr_offset
                peaks.append(position)
            i += 1
        leads, amps, codes = [], [], []
        per_lead = 2 + self.model.config.tokens_per_beat
        while i < len(ids):
            chunk = ids[i: i + per_lead]
            lead = lead_of(vocab.tokens[chunk[0]])
            kinds = [vocab.kind(t) for t in chunk[1:]]
            if lead is None or len(chunk) < per_lead or kinds[0] != "amp" or set(kinds[1:]) != {"code"}:
                raise ECGError(_SOURCE, f"malformed ECG token sequence near token {i}: expected a lead "
                                        f"marker, an amplitude and {per_lead - 2} beat codes")
            leads.append(lead)
            amps.append(amplitude_of_bin(chunk[1] - vocab.amp_offset))
            codes.append(chunk[2:])
            i += per_lead
        return np.asarray(peaks, dtype=np.int64), leads, amps, codes

    def _rebuild(self, peaks, seg_leads, amps, codes, leads, length: int) -> np.ndarray:
        out = np.zeros((len(leads), length))
        if not seg_leads or len(peaks) == 0:
            return out
        shapes = self.model.decode(torch.tensor(codes, dtype=torch.long)).numpy() * np.asarray(amps)[:, None]
        placed = beat_ops.place_beats(shapes, peaks, length, TOKEN_FS)
        for row, lead in zip(placed, seg_leads):
            if lead in leads:
                out[leads.index(lead)] = row
        return out

    # -- files ------------------------------------------------------------------------------
    def save(self, folder: str | Path, name: str = "tokenizer") -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in self.model.state_dict().items()},
                  str(folder / f"{name}.safetensors"))
        config = {"format_version": FORMAT_VERSION, "token_fs": TOKEN_FS, "segment_s": SEGMENT_S,
                  "beat_coder": self.model.config.to_dict(), "vocabulary_size": len(self.vocab),
                  "metadata": self.metadata}
        (folder / f"{name}.json").write_text(json.dumps(config, indent=2) + "\n")

    @classmethod
    def load(cls, folder: str | Path = DEFAULT_FOLDER, name: str = "tokenizer") -> "ECGTokenizer":
        folder = Path(folder)
        config_path, weights_path = folder / f"{name}.json", folder / f"{name}.safetensors"
        if not config_path.is_file() or not weights_path.is_file():
            raise ECGError(folder, f"no ECG tokenizer here ({config_path.name} and {weights_path.name} expected)")
        config = json.loads(config_path.read_text())
        if config.get("format_version") != FORMAT_VERSION or config.get("token_fs") != TOKEN_FS:
            raise ECGError(config_path, "an ECG tokenizer of another format version or sampling rate")
        model = BeatAutoencoder(BeatCoderConfig.from_dict(config["beat_coder"]))
        model.load_state_dict(load_file(str(weights_path)))
        return cls(model, config.get("metadata"))


def _split_segments(ids: list[int], segment_id: int) -> list[list[int]]:
    if not ids or ids[0] != segment_id:
        raise ECGError(_SOURCE, "an ECG token sequence starts with <ecg_seg>")
    starts = [i for i, t in enumerate(ids) if t == segment_id] + [len(ids)]
    return [ids[a + 1: b] for a, b in zip(starts, starts[1:])]


def load_default_tokenizer() -> ECGTokenizer:
    """The embedded default (models/default/tokenizer.*): no network, no training."""
    return ECGTokenizer.load(DEFAULT_FOLDER)
