"""Fit the help-center retriever's answer model (and check the fusion weight) on FITTING question sets.

    B=evals/retrieval/brightwave
    .venv/bin/python bench/retrieval_tune.py --weights 0.06 \
        --set $B/kb=$B/dev.jsonl,$B/test.jsonl,$B/test2.jsonl,$B/test3.jsonl \
        --set evals/retrieval/ferngrove/kb=evals/retrieval/ferngrove/fit.jsonl \
        --set src/tandem/demo/kb=evals/retrieval/kestrel/fit.jsonl \
        --set evals/retrieval/sundrail/kb=evals/retrieval/sundrail/test.jsonl \
        --set evals/retrieval/tidecar/kb=evals/retrieval/tidecar/test.jsonl \
        --set evals/retrieval/larkspur/kb=evals/retrieval/larkspur/test.jsonl \
        --set evals/retrieval/thymewell/kb=evals/retrieval/thymewell/test.jsonl \
        --set evals/retrieval/brackenfit/kb=evals/retrieval/brackenfit/test.jsonl \
        --set evals/retrieval/parcelwren/kb=evals/retrieval/parcelwren/test.jsonl \
        --set evals/retrieval/quillmoor/kb=evals/retrieval/quillmoor/test.jsonl \
        --set evals/retrieval/tallowgate/kb=evals/retrieval/tallowgate/test.jsonl \
        --set evals/retrieval/wrenholt/kb=evals/retrieval/wrenholt/test.jsonl \
        --set evals/retrieval/morlenhaus/kb=evals/retrieval/morlenhaus/test.jsonl \
        --set evals/retrieval/hollyburn/kb=evals/retrieval/hollyburn/test.jsonl    # [--without-level: v2 features]

The blind runs of Tidecar, Larkspur, Thymewell, Brackenfit, Parcelwren, Quillmoor, Tallowgate, Wrenholt, Morlenhaus
and Hollyburn are spent (docs/assistant.md): they are the fifth to fourteenth fitting sets, and their unanswerable
questions are in the reference list like the other sets'. Leaving one help center out over all fourteen is the
main criterion for any change to the ranking or the answer model: it is the closest thing to a company nothing was
fitted on. The pooled numbers are printed for comparison only.

Never pass a held-out file here: whatever this script reads is fitting data from then on.

For each lexical weight it prints accuracy@1 (overall and non-English, per help center), then the answer model —
a logistic regression predicting "an article answers this question" from the best fused score, its gap above the
mean over articles, whether the question is in another language than the help center, and the similarity to the
nearest off-topic reference question (retrieval.REFERENCE_PATH), and the off-topic level (the best fused score in
standard deviations above the reference questions' own best fused scores on the same help center) — scored three
ways:

- pooled: 10-fold out-of-fold probabilities over all sets (5 shuffles averaged);
- leave one help center out: fitted on the other help centers, scored on this one (the closest thing to a company
  the model has never seen), per help center and pooled over them at a few thresholds;
- the coefficients fitted on everything (the ones to put in retrieval.py), and the threshold with the best
  min(abstain precision, abstain recall) left out in turn, pooled (the out-of-fold best is printed beside it).

The reference list holds the fitting sets' own unanswerable questions; a question is never scored against its own
line, and out of fold (or leaving a help center out) never against the lines of the questions held out.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from tandem.engines.assistant import retrieval
from tandem.engines.assistant.kb import KnowledgeBase
from tandem.engines.assistant.kb_sources import read_source
from tandem.engines.assistant.nlu.multilingual import shared_multilingual

THRESHOLDS = np.round(np.arange(0.30, 0.91, 0.05), 2)
WITH_LEVEL = True  # --without-level: the v2 answer model (no off-topic level), for comparison


@dataclass
class Company:
    name: str
    ids: list[str]
    questions: list[str]
    want: list[str | None]
    non_english: np.ndarray
    other_language: np.ndarray
    dense: np.ndarray  # questions x articles
    lexical: np.ndarray  # raw BM25
    reference: np.ndarray  # questions x reference lines
    ref_dense: np.ndarray  # reference lines x articles: what the off-topic levels are made of
    ref_lexical: np.ndarray


def load(spec: str, reference: list[str], cache: Path) -> Company:
    kb_path, files = spec.split("=", 1)
    source = read_source(Path(kb_path))
    for problem in source.problems:
        print(f"skipped {problem.path}: {problem.reason}")
    kb = KnowledgeBase(source.articles)
    rows = [json.loads(line) for f in files.split(",") for line in Path(f).read_text().splitlines() if line.strip()]
    r = retrieval.HybridRetriever(kb, shared_multilingual(), cache_dir=cache, reference=reference)
    dense, lexical, refs, other = [], [], [], []
    for row in rows:
        s = r.scores(row["question"])
        assert s.query is not None
        dense.append(s.dense)
        lexical.append(s.lexical)
        refs.append(r.reference_vectors @ s.query)
        other.append(s.language != kb.language)
    ref_dense, ref_lexical = r.reference_scores(reference)
    return Company(
        name=Path(kb_path).parent.name, ids=[a.id for a in kb.articles], questions=[row["question"] for row in rows],
        want=[row["article_id"] for row in rows],
        non_english=np.array([row.get("lang", "en") != "en" for row in rows]), other_language=np.array(other),
        dense=np.array(dense), lexical=np.array(lexical), reference=np.array(refs), ref_dense=ref_dense,
        ref_lexical=ref_lexical,
    )


def right_at_1(c: Company, weight: float) -> np.ndarray:
    fused = c.dense + weight * c.lexical / (c.lexical + retrieval.LEXICAL_HALF)
    return np.array([w is not None and c.ids[t] == w for t, w in zip(fused.argmax(1), c.want, strict=True)])


def features(c: Company, weight: float, excluded: np.ndarray) -> np.ndarray:
    """best fused, gap, other language, nearest reference (without the `excluded` reference lines per question),
    and the off-topic level: the best fused score standardised against the reference lines' best fused scores on
    this help center (without any excluded line, so never against the company's own questions)."""
    fused = c.dense + weight * c.lexical / (c.lexical + retrieval.LEXICAL_HALF)
    best = fused.max(1)
    ref = np.where(excluded, -1.0, c.reference).max(1)
    levels = (c.ref_dense + weight * c.ref_lexical / (c.ref_lexical + retrieval.LEXICAL_HALF)).max(1)
    levels = levels[~excluded.any(0)]
    level = (best - levels.mean()) / levels.std()
    x = np.c_[best, best - fused.mean(1), c.other_language, ref, level]
    return x if WITH_LEVEL else x[:, :4]


def own_lines(c: Company, reference: list[str]) -> np.ndarray:
    """questions x reference lines: True where the line is the question itself."""
    return np.array([[q == line for line in reference] for q in c.questions])


def scores(p: np.ndarray, null: np.ndarray, right: np.ndarray, threshold: float) -> tuple[float, float, float]:
    abstain = p < threshold
    tp = int((abstain & null).sum())
    return tp / max(1, int(abstain.sum())), tp / max(1, int(null.sum())), float((right & ~abstain)[~null].mean())


def fit(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=100, max_iter=5000).fit(x, y)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", dest="sets", action="append", required=True, help="KB=FILE[,FILE...] (fitting only)")
    parser.add_argument("--weights", default="0.03,0.06,0.1")
    parser.add_argument("--without-level", action="store_true", help="the v2 features, for comparison")
    parser.add_argument("--reference", type=Path, default=retrieval.REFERENCE_PATH,
                        help="the off-topic reference list (default: the shipped one)")
    args = parser.parse_args()
    global WITH_LEVEL
    WITH_LEVEL = not args.without_level
    reference = retrieval.reference_questions(args.reference)
    cache = Path("/tmp/tandem-tune-cache")
    companies = [load(spec, reference, cache) for spec in args.sets]
    for weight in (float(w) for w in args.weights.split(",")):
        rights = [right_at_1(c, weight) for c in companies]
        nulls = [np.array([w is None for w in c.want]) for c in companies]
        for c, r, n in zip(companies, rights, nulls, strict=True):
            print(f"w={weight:.2f} {c.name}: acc@1 {r[~n].mean():.3f} non-English {r[~n & c.non_english].mean():.3f} "
                  f"({int((~n).sum())} answerable, {int((~n & c.non_english).sum())} not in English, "
                  f"{int(n.sum())} unanswerable)")
        own = [own_lines(c, reference) for c in companies]
        x_all = np.vstack([features(c, weight, o) for c, o in zip(companies, own, strict=True)])
        y_all = ~np.concatenate(nulls)
        right_all = np.concatenate(rights)
        questions = [q for c in companies for q in c.questions]
        # pooled out-of-fold: held-out questions' reference lines are removed for everyone in that fold
        p = np.zeros(len(y_all))
        for seed in range(5):
            for train, test in StratifiedKFold(10, shuffle=True, random_state=seed).split(x_all, y_all):
                held = {questions[i] for i in test}
                excluded = np.array([line in held for line in reference])
                x = np.vstack([features(c, weight, o | excluded[None, :])
                               for c, o in zip(companies, own, strict=True)])
                p[test] += fit(x[train], y_all[train]).predict_proba(x[test])[:, 1] / 5
        best_threshold = float(max(THRESHOLDS, key=lambda t: min(scores(p, ~y_all, right_all, t)[:2])))
        for t in sorted({0.5, best_threshold}):
            prec, rec, ans = scores(p, ~y_all, right_all, t)
            print(f"  pooled out-of-fold, threshold {t:.2f}: abstain P {prec:.3f} R {rec:.3f} answer acc {ans:.3f}")
            start = 0
            for c, n in zip(companies, nulls, strict=True):
                part = slice(start, start + len(n))
                prec, rec, ans = scores(p[part], n, right_all[part], t)
                print(f"    {c.name}: abstain P {prec:.3f} R {rec:.3f} answer acc {ans:.3f}")
                start += len(n)
        # leave one help center out: its questions' reference lines are removed too
        threshold = best_threshold
        if len(companies) > 1:
            left_out: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
            for k, c in enumerate(companies):
                held = set(c.questions)
                excluded = np.array([line in held for line in reference])
                train = [i for i in range(len(companies)) if i != k]
                x_tr = np.vstack([features(companies[i], weight, own[i] | excluded[None, :]) for i in train])
                y_tr = np.concatenate([~nulls[i] for i in train])
                p_k = fit(x_tr, y_tr).predict_proba(features(c, weight, own[k] | excluded[None, :]))[:, 1]
                left_out.append((p_k, nulls[k], rights[k]))
            # the main criterion: every help center scored by the model fitted without it, pooled; the threshold
            # is the one with the best min(abstain P, abstain R) there
            p_out, null_out, right_out = (np.concatenate(part) for part in zip(*left_out, strict=True))
            threshold = float(max(THRESHOLDS, key=lambda t: min(scores(p_out, null_out, right_out, t)[:2])))
            for t in sorted({threshold, retrieval.THRESHOLD}):  # the best one here and the live one
                for c, (p_k, null_k, right_k) in zip(companies, left_out, strict=True):
                    prec, rec, ans = scores(p_k, null_k, right_k, t)
                    print(f"  fitted without {c.name}, scored on it at {t:.2f}: abstain P {prec:.3f} "
                          f"R {rec:.3f} answer acc {ans:.3f}")
            for t in sorted({0.5, 0.6, 0.65, threshold, 0.7, retrieval.THRESHOLD}):
                prec, rec, ans = scores(p_out, null_out, right_out, t)
                print(f"  left out in turn, pooled, threshold {t:.2f}: abstain P {prec:.3f} R {rec:.3f} "
                      f"answer acc {ans:.3f}")
        model = fit(x_all, y_all)
        coef = ", ".join(f"{v:.3f}" for v in model.coef_[0])
        names = "A_FUSED, A_GAP, A_OTHER_LANGUAGE, A_REFERENCE" + (", A_LEVEL" if WITH_LEVEL else "")
        print(f"  all sets: {names} = {coef}; "
              f"B = {model.intercept_[0]:.3f}; THRESHOLD = {threshold:.2f} (best min(P, R) left out in turn; "
              f"out of fold: {best_threshold:.2f})")


if __name__ == "__main__":
    main()
