"""ECG encoder: per-segment and global embeddings of any lead subset, and diagnostic heads."""

from encoders.pretrained import ECGEmbedder, Embedding, load_default_embedder

__all__ = ["ECGEmbedder", "Embedding", "load_default_embedder"]
