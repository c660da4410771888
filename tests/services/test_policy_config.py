"""The company's [policy] limits reach the account backend and the assistant that `tandem serve` builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.backend.records import Actor
from tandem.backend.seed import seed_demo
from tandem.core.clock import FakeClock
from tandem.core.errors import PolicyDenied
from tandem.core.settings import ActionPolicy, Settings
from tandem.services.bootstrap import build_services


def test_configured_limits_are_enforced_by_the_built_backend_and_tools(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 't.sqlite3'}", env="test",
                        demo=True, intent_model=False, policy=ActionPolicy(pause_max_days=5))
    services = build_services(settings, FakeClock())
    try:
        assert services.backend is not None
        seed_demo(services.backend)  # type: ignore[arg-type]
        with pytest.raises(PolicyDenied, match="1 to 5 days"):
            services.backend.pause_payment("cus_demo_maya", "ord_maya_pay30", 7, Actor.ai())
        assert services.backend.pause_payment("cus_demo_maya", "ord_maya_pay30", 5, Actor.ai()) is not None
        tools = services.assistant.actions  # type: ignore[attr-defined]
        assert tools.limits.pause_max_days == 5
    finally:
        services.db.dispose()
