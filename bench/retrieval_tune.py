"""Tune the help-center retriever's fusion weight and answer threshold on a DEV question set (never the test part).

    .venv/bin/python bench/retrieval_tune.py --kb evals/retrieval/brightwave/kb \
        --dev evals/retrieval/brightwave/dev.jsonl

Prints, for a grid of lexical weights, accuracy@1 (overall and non-English), and the answer/abstain numbers of the
logistic answer model (best fused score, its gap over the mean, question in another language) from 10-fold
out-of-fold probabilities, with the coefficients fitted on all of dev (the ones in retrieval.py: w = 0.06).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict

from tandem.engines.assistant import retrieval
from tandem.engines.assistant.kb import KnowledgeBase, detect
from tandem.engines.assistant.kb_sources import read_source
from tandem.engines.assistant.nlu.multilingual import shared_multilingual


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--dev", type=Path, required=True)
    args = parser.parse_args()
    kb = KnowledgeBase(read_source(args.kb).articles)
    rows = [json.loads(line) for line in args.dev.read_text().splitlines() if line.strip()]
    r = retrieval.HybridRetriever(kb, shared_multilingual(), cache_dir=Path("/tmp/tandem-tune-cache"))
    ids = [a.id for a in kb.articles]
    n = len(ids)
    dense = np.zeros((len(rows), n))
    lex = np.zeros((len(rows), n))
    for qi, row in enumerate(rows):
        for hit in r.search(row["question"], limit=n):
            j = ids.index(hit.article.id)
            dense[qi, j], lex[qi, j] = hit.dense, hit.lexical
    want = [row["article_id"] for row in rows]
    non_en = np.array([row.get("lang", "en") != "en" for row in rows])
    null = np.array([w is None for w in want])
    detected = np.array([detect(row["question"], default=kb.language) != kb.language for row in rows])
    for weight in (0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15):
        score = dense + weight * lex / (lex + retrieval.LEXICAL_HALF)
        top, best = score.argmax(1), score.max(1)
        right = np.array([w is not None and ids[t] == w for t, w in zip(top, want, strict=True)])
        features = np.c_[best, best - score.mean(1), detected]
        # answer iff the top article is right: 10-fold out-of-fold probabilities, then a fit on all of dev
        model = LogisticRegression(C=100, max_iter=5000)
        p = cross_val_predict(model, features, right, cv=10, method="predict_proba")[:, 1]
        model.fit(features, right)
        for th in (0.4, 0.5):
            abst = p < th
            tp = (abst & null).sum()
            print(f"w={weight:.2f} acc1={right[~null].mean():.3f} non-en={right[~null & non_en].mean():.3f} "
                  f"th={th} answer_acc={(right & ~abst)[~null].mean():.3f} abstain P={tp / max(1, abst.sum()):.3f} "
                  f"R={tp / null.sum():.3f} coef={model.coef_.round(3).tolist()} "
                  f"b={model.intercept_.round(3).tolist()}")


if __name__ == "__main__":
    main()
