"""Forecast: arrivals per interval from history, with prediction intervals."""

from tandem.engines.forecast.history import ArrivalHistory, bin_arrivals, read_arrivals
from tandem.engines.forecast.model import ForecastConfig, ForecastModel, ForecastRow, fit, forecast

__all__ = [
    "ArrivalHistory",
    "ForecastConfig",
    "ForecastModel",
    "ForecastRow",
    "bin_arrivals",
    "fit",
    "forecast",
    "read_arrivals",
]
