"""Retrieval: FAISS indexes of historical ECGs (by encoder embedding, returning their reports)
and of knowledge snippets (by MiniLM sentence embedding), with LangChain retrievers.

store.py (index + metadata, save/load without pickle, exclusion filters), reports.py (reports
tables in LUDB, PTB-XL and MIMIC-IV-ECG layouts), knowledge.py (the knowledge base generated
from the criteria engine), langchain.py (retrievers). The embedded default indexes live in
models/default/index/ (``ecg-agent index build`` writes them).
"""

from pathlib import Path

DEFAULT_INDEX_FOLDER = Path(__file__).resolve().parents[1] / "models" / "default" / "index"
