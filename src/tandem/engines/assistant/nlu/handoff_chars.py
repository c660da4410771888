"""Character n-grams of a customer message, hashed: the second input of the handoff backstop (v15).

Why a second model beside the e5 encoder: the encoder reads a message as a sentence, and it reads short,
romanised, txt-speak and unmarked messages poorly ("sangdamwon bakkwo juseyo", "bdi 7ada ye7ki ma3i", "nv ơi",
"mishe ba ye karshenas harf bezanam?"), nor does it know the few words a request in Hebrew, Lithuanian, Thai or
Persian turns on. Character 2- to 5-grams see the pieces of words (stems, endings, transliterations) whatever the
script, and a linear model over them learns which pieces ask for a person. The two models' probabilities are
averaged (`handoff_model.Backstop`).

The n-grams are taken from the lower-cased, NFKC-normalised text with runs of spaces collapsed and a space added at
each end (so word starts and ends are n-grams of their own), hashed with CRC-32 into SLOTS buckets, and each
message's vector has unit length (counts of repeated n-grams kept, square-rooted). Pure Python and numpy at run time:
about a thousand n-grams for a message of 200 characters.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

SLOTS = 1 << 18  # 262,144 buckets; collisions among the ~1M distinct n-grams of the corpus are rare for the weights
MIN_N, MAX_N = 2, 5
MAX_CHARS = 600  # as handoff_model.MAX_CHARS: a request is short; the head of a long message is enough
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The text the n-grams are read from: NFKC, lower case, one space between words, a space at each end."""
    folded = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower()
    return " " + _SPACES.sub(" ", folded).strip() + " "


def hashed(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(bucket indices, values) of one message's unit-length n-gram vector; buckets are unique and sorted."""
    padded = normalise(text)
    buckets: Counter[int] = Counter()
    for n in range(MIN_N, MAX_N + 1):
        for start in range(len(padded) - n + 1):
            gram = padded[start:start + n]
            if gram.strip():  # n-grams of spaces only say nothing
                buckets[zlib.crc32(gram.encode("utf-8")) & (SLOTS - 1)] += 1
    if not buckets:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    index = np.fromiter(sorted(buckets), dtype=np.int64, count=len(buckets))
    values = np.sqrt(np.array([buckets[int(i)] for i in index], dtype=np.float64))
    return index, values / np.linalg.norm(values)


def matrix(texts: Sequence[str]) -> Any:  # a scipy.sparse.csr_matrix (scipy is needed for fitting only)
    """The (n, SLOTS) sparse matrix of the texts' vectors, for fitting (scipy is imported only here)."""
    from scipy.sparse import csr_matrix

    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for text in texts:
        index, values = hashed(text)
        indices.append(index)
        data.append(values)
        indptr.append(indptr[-1] + len(index))
    return csr_matrix((np.concatenate(data) if data else np.zeros(0), np.concatenate(indices) if indices else
                       np.zeros(0, dtype=np.int64), np.array(indptr)), shape=(len(texts), SLOTS))


def logits(texts: Sequence[str], coef: np.ndarray, intercept: float) -> np.ndarray:
    """The linear model's logit for each text (numpy only)."""
    out = np.empty(len(texts), dtype=np.float64)
    for i, text in enumerate(texts):
        index, values = hashed(text)
        out[i] = float(values @ coef[index].astype(np.float64)) + intercept
    return out
