"""`tandem forecast`: arrivals per interval from a history CSV, as a JSON array or a table."""

from __future__ import annotations

import json
from datetime import date

import click

from tandem.core.errors import InvalidInput
from tandem.engines.forecast import ForecastConfig, bin_arrivals, fit, read_arrivals
from tandem.engines.forecast import forecast as forecast_rows


def _parse_start(value: str) -> date:
    """Parse YYYY-MM-DD or fail with a usage error."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint="--start") from exc


@click.command("forecast")
@click.option(
    "--history", "history_path", required=True, type=click.Path(dir_okay=False), help="History CSV."
)
@click.option("--start", required=True, help="First day to forecast, YYYY-MM-DD.")
@click.option("--days", default=1, show_default=True, type=click.IntRange(min=1, max=366))
@click.option(
    "--interval", default=60, show_default=True, type=click.Choice(["15", "30", "60"]), help="Minutes."
)
@click.option("--coverage", default=0.8, show_default=True, type=click.FloatRange(0.01, 0.99, clamp=False))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of {start, forecast, low, high}.")
def forecast(history_path: str, start: str, days: int, interval: str, coverage: float, as_json: bool) -> None:
    """Forecast arrivals per interval (weekday × time-of-day profile × smoothed level)."""
    first = _parse_start(start)
    try:
        history = bin_arrivals(read_arrivals(history_path), int(interval))
        rows = forecast_rows(fit(history, ForecastConfig(coverage=coverage)), first, days)
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from exc
    if as_json:
        click.echo(json.dumps([row.as_dict() for row in rows]))
        return
    for row in rows:
        click.echo(f"{row.start:%Y-%m-%d %H:%M}  {row.forecast:9.1f}  [{row.low:g}, {row.high:g}]")
