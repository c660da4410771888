"""Arrivals per interval: smoothed daily level × weekday factor × weekday intraday profile.

Daily totals are deseasonalised by weekday factors; an exponentially smoothed level of them carries the recent
volume. Each weekday has its own intraday profile (share of the day per interval), a weighted average of that
weekday's past days (weekdays differ too much, e.g. Friday, to pool them). Prediction intervals are
negative-binomial with a dispersion fitted to one-day-ahead errors on the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from scipy.stats import nbinom

from tandem.core.errors import InvalidInput
from tandem.engines.forecast.history import ArrivalHistory


@dataclass(frozen=True)
class ForecastConfig:
    """Smoothing weights and interval coverage."""

    level_alpha: float = 0.5
    profile_decay: float = 1.0
    coverage: float = 0.8

    def __post_init__(self) -> None:
        if not (0 < self.level_alpha <= 1 and 0 < self.profile_decay <= 1 and 0 < self.coverage < 1):
            raise InvalidInput("level_alpha and profile_decay must be in (0, 1], coverage in (0, 1)")


@dataclass(frozen=True)
class ForecastModel:
    """A fitted model: level, weekday factors, weekday profiles and the dispersion of errors."""

    interval_minutes: int
    level: float
    weekday_factor: tuple[float, ...]
    profile: np.ndarray
    dispersion: float
    coverage: float

    def expected(self, day: date) -> np.ndarray:
        """Return expected arrivals per interval on `day`."""
        weekday = day.weekday()
        return self.level * self.weekday_factor[weekday] * self.profile[weekday]


@dataclass(frozen=True)
class ForecastRow:
    """Forecast arrivals in one interval, with a prediction interval."""

    start: datetime
    forecast: float
    low: float
    high: float

    def as_dict(self) -> dict[str, str | float]:
        """Return the row as a JSON-ready dict."""
        return {
            "start": self.start.isoformat(),
            "forecast": self.forecast,
            "low": self.low,
            "high": self.high,
        }


def weekday_factors(history: ArrivalHistory) -> np.ndarray:
    """Return each weekday's daily volume relative to the surrounding week's mean (1.0 when unseen)."""
    totals = history.counts.sum(axis=1)
    ratios: list[list[float]] = [[] for _ in range(7)]
    for d in range(history.days):
        lo = min(max(0, d - 3), max(0, history.days - 7))
        week = totals[lo : lo + 7]
        if len(week) == 7 and week.mean() > 0:
            ratios[history.weekday(d)].append(totals[d] / week.mean())
    factors = np.array([np.mean(r) if r else 1.0 for r in ratios])
    return factors * 7 / factors.sum()


def smoothed_level(history: ArrivalHistory, factors: np.ndarray, alpha: float) -> float:
    """Return the exponentially smoothed deseasonalised daily total."""
    totals = history.counts.sum(axis=1)
    level = None
    for d in range(history.days):
        factor = factors[history.weekday(d)]
        if factor <= 0:
            continue
        value = totals[d] / factor
        level = value if level is None else alpha * value + (1 - alpha) * level
    return float(level or 0.0)


def weekday_profiles(history: ArrivalHistory, decay: float) -> np.ndarray:
    """Return each weekday's intraday share profile, weighting a week back by `decay` (pooled if unseen)."""
    totals = history.counts.sum(axis=1, keepdims=True)
    shares = np.divide(history.counts, totals, out=np.zeros_like(history.counts), where=totals > 0)
    age = (history.days - 1 - np.arange(history.days)) // 7
    weight = decay**age * (totals[:, 0] > 0)
    pooled = _weighted_mean(shares, weight)
    profiles = np.empty((7, history.slots))
    for weekday in range(7):
        mask = np.array([history.weekday(d) == weekday for d in range(history.days)])
        own = weight * mask
        profiles[weekday] = _weighted_mean(shares, own) if own.sum() > 0 else pooled
    return profiles


def _weighted_mean(rows: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Return the weighted mean of rows (uniform if all weights are zero)."""
    if weight.sum() <= 0:
        return np.full(rows.shape[1], 1.0 / rows.shape[1])
    return np.asarray((rows * weight[:, None]).sum(axis=0) / weight.sum())


def fit_point(history: ArrivalHistory, config: ForecastConfig) -> ForecastModel:
    """Fit level, weekday factors and profiles (no dispersion yet)."""
    if history.days < 1:
        raise InvalidInput("history must cover at least one day")
    factors = weekday_factors(history)
    return ForecastModel(
        interval_minutes=history.interval_minutes,
        level=smoothed_level(history, factors, config.level_alpha),
        weekday_factor=tuple(float(f) for f in factors),
        profile=weekday_profiles(history, config.profile_decay),
        dispersion=0.0,
        coverage=config.coverage,
    )


def fit(history: ArrivalHistory, config: ForecastConfig | None = None) -> ForecastModel:
    """Fit the model and the negative-binomial dispersion of its one-day-ahead errors."""
    config = config or ForecastConfig()
    model = fit_point(history, config)
    return ForecastModel(**{**model.__dict__, "dispersion": _dispersion(history, config)})


def _dispersion(history: ArrivalHistory, config: ForecastConfig, warmup: int = 7) -> float:
    """Return φ with Var = μ + φμ², by moments over one-day-ahead forecasts after a warm-up week."""
    excess, scale = 0.0, 0.0
    for d in range(warmup, history.days):
        mu = fit_point(history.head(d), config).expected(history.first_day + timedelta(days=d))
        y = history.counts[d]
        excess += float(((y - mu) ** 2 - mu).sum())
        scale += float((mu**2).sum())
    return max(0.0, excess / scale) if scale > 0 else 0.0


def forecast(model: ForecastModel, start: date, days: int) -> list[ForecastRow]:
    """Return one row per interval for `days` days from `start`."""
    if days < 1:
        raise InvalidInput(f"days must be >= 1, got {days}")
    rows: list[ForecastRow] = []
    step = timedelta(minutes=model.interval_minutes)
    for offset in range(days):
        day = start + timedelta(days=offset)
        mean = model.expected(day)
        low, high = prediction_interval(mean, model.dispersion, model.coverage)
        midnight = datetime.combine(day, time())
        rows += [
            ForecastRow(midnight + i * step, float(mean[i]), float(low[i]), float(high[i]))
            for i in range(len(mean))
        ]
    return rows


def prediction_interval(
    mean: np.ndarray, dispersion: float, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return central negative-binomial (Poisson if φ = 0) quantiles around `mean`."""
    tail = (1 - coverage) / 2
    size = 1.0 / max(dispersion, 1e-9)
    safe = np.maximum(mean, 1e-12)
    prob = size / (size + safe)
    low = np.where(mean > 0, nbinom.ppf(tail, size, prob), 0.0)
    high = np.where(mean > 0, nbinom.ppf(1 - tail, size, prob), 0.0)
    return low, high
