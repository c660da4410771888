from datetime import date, datetime, timedelta

import numpy as np
import pytest

from tandem.core.errors import InvalidInput
from tandem.engines.forecast import ArrivalHistory, ForecastConfig, fit, forecast

WEEKDAY = np.array([1.3, 1.2, 1.1, 1.0, 0.5, 0.2, 1.2])
SHAPE = np.exp(-(((np.arange(24) - 12.0) / 4.0) ** 2))


def synthetic(days: int, level: float = 2000.0, seed: int = 7) -> tuple[ArrivalHistory, np.ndarray]:
    first = date(2024, 1, 1)
    means = np.array(
        [level * WEEKDAY[(first + timedelta(d)).weekday()] * SHAPE / SHAPE.sum() for d in range(days)]
    )
    counts = np.random.default_rng(seed).poisson(means).astype(float)
    return ArrivalHistory(first, 60, counts), means


def test_recovers_weekday_and_hour_pattern() -> None:
    history, _ = synthetic(42)
    model = fit(history)
    day = date(2024, 2, 12)  # a Monday after the history
    expected = 2000 * WEEKDAY[0] * SHAPE / SHAPE.sum()
    noise = np.sqrt(expected / 6)  # six Mondays of Poisson counts behind each interval's share
    assert np.all(np.abs(model.expected(day) - expected) <= 4 * noise + 0.5)
    assert model.expected(day).sum() == pytest.approx(expected.sum(), rel=0.05)


def test_intervals_cover_poisson_truth() -> None:
    history, _ = synthetic(42)
    truth, _ = synthetic(7, seed=99)
    rows = forecast(fit(history), date(2024, 2, 12), 7)
    # both the truth and the forecast start on a Monday, so they line up day by day
    inside = [row.low <= y <= row.high for row, y in zip(rows, truth.counts.ravel(), strict=True)]
    assert 0.7 <= np.mean(inside) <= 0.98


def test_rows_cover_each_interval_in_order() -> None:
    history, _ = synthetic(21)
    rows = forecast(fit(history), date(2024, 5, 1), 2)
    assert len(rows) == 48
    assert rows[0].start == datetime(2024, 5, 1) and rows[-1].start == datetime(2024, 5, 2, 23)
    assert all(row.low <= row.forecast <= row.high + 1 for row in rows)


def test_tracks_a_drop_in_level() -> None:
    history, _ = synthetic(28)
    history.counts[21:] *= 0.5
    model = fit(history)
    assert model.level == pytest.approx(1000 * WEEKDAY.mean(), rel=0.1)


def test_short_history_still_forecasts() -> None:
    history, _ = synthetic(3)
    rows = forecast(fit(history), date(2024, 1, 4), 1)
    assert sum(row.forecast for row in rows) > 0


def test_rejects_bad_arguments() -> None:
    history, _ = synthetic(14)
    with pytest.raises(InvalidInput):
        forecast(fit(history), date(2024, 1, 1), 0)
    with pytest.raises(InvalidInput):
        ForecastConfig(coverage=1.0)
