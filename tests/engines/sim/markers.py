"""Test markers shared by the simulator tests."""

from __future__ import annotations

import os

import pytest

from tandem.core.datasets import ENV_VAR, shared_data_available
from tandem.engines.sim.callcenter import DEFAULT_PATH

# Locally the shared data may be absent: skip, saying why. CI always has shared/ beside the clone, so there a
# missing file must fail the test rather than hide it.
needs_callcenter_data = pytest.mark.skipif(
    os.environ.get("CI") != "true" and not shared_data_available(DEFAULT_PATH),
    reason=f"needs the shared call-center data ({DEFAULT_PATH}): set {ENV_VAR} or put shared/data beside the "
           "repository",
)
