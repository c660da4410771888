"""Schemathesis against the OpenAPI schema: whatever the input, the API answers without a server error."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tandem.api.app import create_app
from tandem.backend.seed import seed_demo
from tandem.core.clock import FakeClock
from tandem.core.settings import Settings
from tandem.demo.agents import DEMO_PASSWORD, seed_agents
from tandem.services import agents
from tandem.services.bootstrap import build_services


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    svc = build_services(Settings(data_dir=folder, env="test", demo=True, intent_model=False, rate_limit=False),
                         FakeClock())
    seed_agents(svc)
    assert svc.backend is not None
    seed_demo(svc.backend)  # type: ignore[arg-type]
    with svc.work() as work:
        _, token = agents.login(work, "sam@agents.example", DEMO_PASSWORD, 3600)
    app = create_app(svc, run_dispatcher=False)
    app.state.fuzz_token = token
    yield app
    svc.db.dispose()


def test_no_input_causes_a_server_error(fuzzed_app: Any) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)
    # a supervisor's token reaches past authentication into validation and the handlers
    headers = {"Authorization": f"Bearer {fuzzed_app.state.fuzz_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    statuses: Counter[int] = Counter()

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            assert response.status_code < 500, (case.method, case.formatted_path, response.status_code,
                                                 response.text[:300])

        check()
    # the fuzzing reached the handlers, not just the authentication layer
    assert sum(statuses.values()) >= 5 * len(operations)
    assert statuses[200] + statuses[201] + statuses[202] > 0 and statuses[422] > 0
