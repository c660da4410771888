"""How long conversations take and how long customers wait: the scenario's numbers, or fitted from the data."""

from __future__ import annotations

from tandem.engines.sim.callcenter import DEFAULT_PATH, load_callcenter
from tandem.engines.sim.scenario import Scenario


def handling_params(s: Scenario) -> tuple[float, float, float]:
    """(handle mean, log-sd, patience mean) in minutes, fitted from the call-center data when asked."""
    if s.handling.fit == "callcenter":
        data = load_callcenter(s.arrivals.path or DEFAULT_PATH, s.arrivals.days_filter)
        mean, sigma = data.handle_fit()
        return mean, sigma, data.patience_fit()
    return s.handling.mean_minutes, s.handling.sigma, s.customers.patience_minutes
