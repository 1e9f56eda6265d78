"""WordNet 3.0 for METEOR's synonym stage, found offline.

NLTK reads WordNet from an nltk_data folder (``corpora/wordnet``). No PyPI package ships that
data; Debian's ``wordnet-base`` package ships the same WordNet 3.0 database in /usr/share/wordnet
but without the ``lexnames`` file NLTK's reader opens, so a copy with that file (the 45
lexicographer files of WordNet's lexnames(5WN) manual page) is assembled once in a cache folder.
"""

from __future__ import annotations

import os
import shutil
import warnings
from functools import lru_cache
from pathlib import Path

DEBIAN_WORDNET = Path("/usr/share/wordnet")
WORDNET_FILES = ("data.adj", "data.adv", "data.noun", "data.verb", "index.adj", "index.adv",
                 "index.noun", "index.verb", "adj.exc", "adv.exc", "noun.exc", "verb.exc")
# lexnames(5WN): file number = position; syntactic category 1 noun, 2 verb, 3 adjective, 4 adverb.
LEXICOGRAPHER_FILES = (
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
    "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event",
    "noun.feeling", "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object",
    "noun.person", "noun.phenomenon", "noun.plant", "noun.possession", "noun.process",
    "noun.quantity", "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time",
    "verb.body", "verb.change", "verb.cognition", "verb.communication", "verb.competition",
    "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
    "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl")
CATEGORY = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}


@lru_cache(maxsize=1)
def load_wordnet():
    """NLTK's WordNet reader, or None when no WordNet data is on this machine."""
    import nltk

    data_root = _cache_root() / "nltk_data"
    folder = data_root / "corpora" / "wordnet"
    if not (folder / "lexnames").is_file():
        try:
            nltk.data.find("corpora/wordnet")
            from nltk.corpus import wordnet

            return wordnet
        except LookupError:
            pass
        if not all((DEBIAN_WORDNET / name).is_file() for name in WORDNET_FILES):
            return None
        _assemble(folder)
    if str(data_root) not in nltk.data.path:
        nltk.data.path.append(str(data_root))  # NLTK reads corpora only below its data paths
    return _debian_reader(str(folder))


def _assemble(folder: Path) -> None:
    """Debian's WordNet files plus the lexnames file, written to a partial folder then renamed."""
    partial = folder.with_name(f"wordnet.{os.getpid()}.part")
    partial.mkdir(parents=True, exist_ok=True)
    for name in WORDNET_FILES:
        shutil.copyfile(DEBIAN_WORDNET / name, partial / name)
    lines = [f"{i:02d}\t{name}\t{CATEGORY[name.split('.')[0]]}" for i, name in enumerate(LEXICOGRAPHER_FILES)]
    (partial / "lexnames").write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        partial.rename(folder)
    except OSError:  # another process assembled it first
        shutil.rmtree(partial, ignore_errors=True)


def _debian_reader(folder: str):
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    class WordNet30(WordNetCorpusReader):
        def map_wn(self, version="wordnet"):
            return None  # WordNet 3.0 itself: nothing to map (and no index.sense to map with)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "multilingual functions are not available": not needed
        return WordNet30(folder, None)


def _cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ecg-agent"
