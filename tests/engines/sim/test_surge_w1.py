"""The simulator's surge loop on the surge engine's rules, and the W1 hour definitions."""

from __future__ import annotations

import numpy as np

from tandem.engines.sim.records import Records
from tandem.engines.sim.scenario import Surge
from tandem.engines.sim.surge_loop import ForecastSurge
from tandem.engines.sim.w1 import hourly_abandonment
from tandem.engines.staffing.model import ServiceModel


def test_level_rises_at_once_and_falls_only_past_the_hysteresis_band() -> None:
    entry = np.sort(np.random.default_rng(1).random(600) * 60.0)  # 10 per minute in the first hour
    loop = ForecastSurge(entry, np.array([600.0, 600.0]), ServiceModel(3.0, 2.0),
                         Surge(enter=(0.05, 0.15, 0.30), hysteresis=0.1, bonus=(0.0, 0.5, 1.0, 2.0)))
    need = loop.need(600)
    assert loop.level(30.0, 0) == 3 and loop.bonus(3) == 2.0
    assert loop.level(35.0, int(need * 0.75)) == 3  # 25% short: below HIGH's 30% but inside the band
    assert loop.level(40.0, need) == 1  # fully staffed: LOW is held while within 0.1 of its 5% threshold
    assert loop.level(45.0, need + need // 10 + 1) == 0  # over 5% overstaffed: out of every band


def test_busy_hours_leave_out_hours_with_few_requests() -> None:
    arrival = np.array([10.0, 20.0] + [60.0 + k for k in range(20)])
    abandoned = np.zeros(arrival.size, dtype=bool)
    abandoned[[0, 2]] = True
    rec = Records({"arrival_min": arrival, "escalated": np.ones(arrival.size, dtype=bool),
                   "abandoned": abandoned}, {})
    requests, share = hourly_abandonment(rec)
    assert requests.tolist() == [2, 20] and share.tolist() == [0.5, 0.05]
    requests, share = hourly_abandonment(rec, 20)
    assert requests.tolist() == [20] and share.tolist() == [0.05]
