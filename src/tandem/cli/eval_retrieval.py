"""`tandem eval retrieval`: score help-center answers on labelled questions with the live assistant's retrieval."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import click

from tandem.cli.common import cli_settings


@click.command("retrieval")
@click.option("--kb", "kb_path", type=click.Path(exists=True, path_type=Path), required=True,
              help="Help center: a folder of Markdown/HTML files or a Zendesk/Intercom JSON export.")
@click.option("--test", "test_path", type=click.Path(exists=True, path_type=Path), required=True,
              help='JSON lines {"question": ..., "article_id": "<id>" | null, "lang": optional}.')
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--errors", is_flag=True, help="Also list the questions answered wrongly.")
def retrieval(kb_path: Path, test_path: Path, as_json: bool, errors: bool) -> None:
    """Accuracy@1, recall@3, answer accuracy, MRR and abstention precision/recall, overall and per language."""
    from tandem.engines.assistant.kb import KnowledgeBase
    from tandem.engines.assistant.kb_sources import read_source
    from tandem.services.bootstrap import build_answerer

    source = read_source(kb_path)
    if source.problems:
        lines = "\n".join(f"  {p.path}: {p.reason}" for p in source.problems)
        raise click.ClickException(f"cannot read the help center:\n{lines}")
    rows = read_questions(test_path, {a.id for a in source.articles})
    # the live assistant's retrieval: the configured embedding model (models.embedding) if there is one
    embedding = cli_settings().models.embedding
    # and the folder's out_of_scope.txt, as `tandem kb import` stores it
    kb = KnowledgeBase(source.articles, out_of_scope=source.out_of_scope or ())
    answerer = build_answerer(kb, embedding=embedding)
    ranked = [answerer.rank(str(row["question"]), limit=10) for row in rows]
    result = retrieval_scores(rows, ranked, answerer.min_similarity)
    result["articles"] = len(source.articles)
    result["threshold"] = answerer.min_similarity
    if errors:
        result["errors"] = _errors(rows, ranked, answerer.min_similarity)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        click.echo(f"{key:>18}: {json.dumps(value, ensure_ascii=False)}")


def read_questions(path: Path, known_ids: set[str]) -> list[dict[str, Any]]:
    """Labelled questions; an article id the help center does not have is an error, not a silent miss."""
    rows: list[dict[str, Any]] = []
    bad: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(f"line {number}: not JSON ({exc.msg})")
            continue
        if not isinstance(row, dict) or not isinstance(row.get("question"), str) or "article_id" not in row:
            bad.append(f"line {number}: needs 'question' (text) and 'article_id' (id or null)")
            continue
        if row["article_id"] is not None and str(row["article_id"]) not in known_ids:
            bad.append(f"line {number}: article_id {row['article_id']!r} is not in the help center")
            continue
        rows.append(row)
    if bad:
        raise click.ClickException(f"{path}:\n  " + "\n  ".join(bad))
    return rows


def retrieval_scores(
    rows: list[dict[str, Any]], ranked: list[list[tuple[Any, float]]], threshold: float
) -> dict[str, Any]:
    """The metrics over all rows and per language (`lang`, else 'unknown')."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[str(row.get("lang") or row.get("language") or "unknown")].append(i)
    out = _scores([rows[i] for i in range(len(rows))], ranked, threshold)
    non_english = [i for i, row in enumerate(rows) if str(row.get("lang") or "en") != "en"]
    out["non_english"] = _scores([rows[i] for i in non_english], [ranked[i] for i in non_english], threshold)
    out["by_language"] = {
        lang: _scores([rows[i] for i in idx], [ranked[i] for i in idx], threshold)
        for lang, idx in sorted(groups.items())
    }
    return out


def _scores(rows: list[dict[str, Any]], ranked: list[list[tuple[Any, float]]], threshold: float) -> dict[str, Any]:
    answerable = [(row, r) for row, r in zip(rows, ranked, strict=True) if row["article_id"] is not None]
    at1 = at3 = answered_right = 0
    reciprocal = 0.0
    for row, r in answerable:
        ids = [a.id for a, _ in r]
        want = str(row["article_id"])
        if ids[:1] == [want]:
            at1 += 1
            if r[0][1] >= threshold:
                answered_right += 1
        if want in ids[:3]:
            at3 += 1
        if want in ids:
            reciprocal += 1 / (ids.index(want) + 1)
    abstained = [not r or r[0][1] < threshold for r in ranked]
    null = [row["article_id"] is None for row in rows]
    tp = sum(a and n for a, n in zip(abstained, null, strict=True))
    n_ans = len(answerable)

    def ratio(num: float, den: int) -> float | None:
        return round(num / den, 4) if den else None

    return {
        "accuracy_at_1": ratio(at1, n_ans),
        "recall_at_3": ratio(at3, n_ans),
        "answer_accuracy": ratio(answered_right, n_ans),
        "mrr": ratio(reciprocal, n_ans),
        "abstain_precision": ratio(tp, sum(abstained)),
        "abstain_recall": ratio(tp, sum(null)),
        "n": len(rows),
        "answerable": n_ans,
    }


def _errors(
    rows: list[dict[str, Any]], ranked: list[list[tuple[Any, float]]], threshold: float
) -> list[dict[str, Any]]:
    out = []
    for row, r in zip(rows, ranked, strict=True):
        top, score = (r[0][0].id, round(r[0][1], 3)) if r else (None, 0.0)
        answered = top if score >= threshold else None
        if answered != row["article_id"]:
            out.append({"question": row["question"], "expected": row["article_id"], "top": top, "score": score,
                        "lang": row.get("lang")})
    return out
