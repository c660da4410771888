"""The OpenAI-compatible provider against a fake chat-completions server on 127.0.0.1, and the model's tools."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import create_engine

from tandem.adapters.llm_http import OpenAICompatibleProvider
from tandem.backend.demo import DemoBackend
from tandem.backend.seed import build_snapshot, seed_demo
from tandem.backend.seed_catalog import CARD_IN_NOTE
from tandem.core.clock import FakeClock
from tandem.engines.assistant.actions import AccountTools
from tandem.engines.assistant.base import Turn, TurnContext
from tandem.engines.assistant.guarded import GuardedAssistant
from tandem.engines.assistant.llm import LLMAssistant, LLMError
from tandem.engines.assistant.offline import OfflineAssistant
from tandem.services.bootstrap import demo_help_center

MAYA = "cus_demo_maya"
Reply = Callable[[dict[str, Any]], tuple[int, bytes, float]]


@dataclass
class FakeOpenAI:
    """A scripted chat-completions server: each request takes the next reply; requests are kept for checks."""

    base_url: str = ""
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


def text_reply(content: str) -> Reply:
    return lambda _: (200, json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode(),
                      0.0)


def tool_reply(name: str, **arguments: Any) -> Reply:
    call = {"id": f"call_{name}", "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}
    body = {"choices": [{"message": {"role": "assistant", "content": None, "tool_calls": [call]}}]}
    return lambda _: (200, json.dumps(body).encode(), 0.0)


def raw_reply(status: int, body: bytes, delay: float = 0.0) -> Reply:
    return lambda _: (status, body, delay)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fake.requests.append(body)
            fake.headers.append(dict(self.headers))
            status, payload, delay = fake.replies.pop(0)(body) if fake.replies else (500, b"no script", 0.0)
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def backend() -> DemoBackend:
    demo = DemoBackend(create_engine("sqlite://"), FakeClock())
    seed_demo(demo, customers=12)
    return demo


@pytest.fixture
def provider(fake_openai: FakeOpenAI) -> Iterator[OpenAICompatibleProvider]:
    p = OpenAICompatibleProvider(fake_openai.base_url, "test-model", "sk-test", timeout_s=0.5)
    yield p
    p.close()


def assistant_with(provider: OpenAICompatibleProvider, backend: DemoBackend) -> GuardedAssistant:
    kb = demo_help_center()
    tools = AccountTools(backend)
    return GuardedAssistant(OfflineAssistant(kb), actions=tools, llm=LLMAssistant(provider, tools, kb))


def ctx(text: str, customer: str | None = MAYA) -> TurnContext:
    return TurnContext("conv_1", text, "en", (Turn("customer", text),), customer)


def test_provider_sends_model_tools_and_key_and_reads_text(fake_openai: FakeOpenAI,
                                                           provider: OpenAICompatibleProvider) -> None:
    fake_openai.replies.append(text_reply("Hello Maya"))
    completion = provider.complete([{"role": "user", "content": "hi"}], [{"type": "function"}])
    assert completion.text == "Hello Maya" and completion.tool_calls == ()
    assert fake_openai.requests[0]["model"] == "test-model"
    assert fake_openai.requests[0]["tools"] == [{"type": "function"}]
    assert fake_openai.headers[0]["Authorization"] == "Bearer sk-test"


def test_provider_reads_tool_calls(fake_openai: FakeOpenAI, provider: OpenAICompatibleProvider) -> None:
    fake_openai.replies.append(tool_reply("pause_payment", order_id="ord_maya_pay4", days=7))
    call = provider.complete([], []).tool_calls[0]
    assert (call.name, call.arguments) == ("pause_payment", {"order_id": "ord_maya_pay4", "days": 7})


@pytest.mark.parametrize("reply", [
    raw_reply(500, b'{"error": "overloaded"}'),
    raw_reply(200, b"not json at all"),
    raw_reply(200, b'{"choices": []}'),
    raw_reply(200, b'{"choices": [{"message": {"content": ["a", "list"]}}]}'),
    raw_reply(200, b'{"choices": [{"message": {"content": "  "}}]}'),
    raw_reply(200, b'{"choices": [{"message": {"tool_calls": [{"function": {"name": "x", "arguments": "{oops"}}]}}]}'),
    raw_reply(200, b'{"choices": [{"message": {"tool_calls": [{"function": {"name": "x", "arguments": "[1]"}}]}}]}'),
    raw_reply(200, b'{"choices": [{"message": {"tool_calls": [{"id": "1"}]}}]}'),
    raw_reply(200, b'"just a string"'),
    raw_reply(200, b'{"choices": [{"message": {"content": "late"}}]}', delay=1.5),
])
def test_provider_raises_on_errors_timeouts_and_malformed_replies(fake_openai: FakeOpenAI,
                                                                 provider: OpenAICompatibleProvider,
                                                                 reply: Reply) -> None:
    fake_openai.replies.append(reply)
    started = time.monotonic()
    with pytest.raises(LLMError):
        provider.complete([{"role": "user", "content": "hi"}], [])
    assert time.monotonic() - started < 1.4  # the timeout cut the slow reply short


def test_unreachable_provider_raises() -> None:
    dead = OpenAICompatibleProvider("http://127.0.0.1:9/v1", "m", timeout_s=0.3)
    with pytest.raises(LLMError):
        dead.complete([], [])
    dead.close()


@pytest.mark.parametrize("failure", [raw_reply(200, b"{}"), raw_reply(200, b"{}", delay=1.5), raw_reply(503, b"")])
def test_the_assistant_falls_back_to_the_offline_path(fake_openai: FakeOpenAI, provider: OpenAICompatibleProvider,
                                                      backend: DemoBackend, failure: Reply) -> None:
    fake_openai.replies.append(failure)
    turn = assistant_with(provider, backend).respond(ctx("When is my next payment?"))
    assert turn.actions[0]["action"] == "payment_schedule" and "Northwind Outfitters" in turn.text
    assert len(fake_openai.requests) == 1


def test_model_tool_calls_go_through_the_backend_policy(fake_openai: FakeOpenAI, provider: OpenAICompatibleProvider,
                                                        backend: DemoBackend) -> None:
    fake_openai.replies += [tool_reply("pause_payment", order_id="ord_maya_pay4", days=7),
                            text_reply("Your Northwind payments are paused for 7 days.")]
    turn = assistant_with(provider, backend).respond(ctx("pause the Northwind payments for a week"))
    assert turn.text == "Your Northwind payments are paused for 7 days."
    assert turn.actions == ({"action": "pause_payment", "order": "ord_maya_pay4", "outcome": "done",
                             "policy": "allowed"},)
    assert backend.get_order(MAYA, "ord_maya_pay4").pauses_used == 1
    tool_message = fake_openai.requests[1]["messages"][-1]
    assert tool_message["role"] == "tool" and '"outcome": "done"' in tool_message["content"]


@pytest.mark.parametrize(("name", "arguments", "outcome", "policy"), [
    ("pause_payment", {"order_id": "ord_maya_pay4", "days": 90}, "denied", "days_out_of_range"),
    ("waive_late_fee", {"order_id": "ord_maya_fin"}, "denied", "human_only"),
    ("goodwill_credit", {"amount": 500}, "denied", "human_only"),
    ("pause_payment", {"order_id": "ord_coll_x", "days": 5, "customer_id": "cus_other"}, "not_found", "not_found"),
    ("change_due_date", {"order_id": "ord_maya_pay4", "days": "9; DROP TABLE"}, "clarify", None),
])
def test_out_of_policy_tool_calls_are_refused(fake_openai: FakeOpenAI, provider: OpenAICompatibleProvider,
                                              backend: DemoBackend, name: str, arguments: dict[str, Any],
                                              outcome: str, policy: str | None) -> None:
    fake_openai.replies += [tool_reply(name, **arguments), text_reply("Done!")]
    fees = [i.fee_outstanding for i in backend.payment_schedule(MAYA, "ord_maya_fin")]
    turn = assistant_with(provider, backend).respond(ctx("do it"))
    assert turn.actions[0]["outcome"] == outcome and turn.actions[0]["policy"] == policy
    assert backend.get_order(MAYA, "ord_maya_pay4").pauses_used == 0
    assert backend.get_order(MAYA, "ord_maya_pay4").due_date_changes_used == 0
    assert [i.fee_outstanding for i in backend.payment_schedule(MAYA, "ord_maya_fin")] == fees
    assert all(e.outcome != "done" for e in backend.audit_log(MAYA))


def test_a_model_failure_after_acting_reports_what_was_done(fake_openai: FakeOpenAI,
                                                            provider: OpenAICompatibleProvider,
                                                            backend: DemoBackend) -> None:
    fake_openai.replies += [tool_reply("pause_payment", order_id="ord_maya_pay4", days=3), raw_reply(500, b"")]
    turn = assistant_with(provider, backend).respond(ctx("pause my northwind payment"))
    assert turn.actions[0]["outcome"] == "done" and "paused for 3 days" in turn.text
    assert backend.get_order(MAYA, "ord_maya_pay4").pauses_used == 1  # once, not again by the fallback


def test_the_model_can_hand_over_to_a_person(fake_openai: FakeOpenAI, provider: OpenAICompatibleProvider,
                                            backend: DemoBackend) -> None:
    fake_openai.replies.append(tool_reply("talk_to_human", reason="customer upset"))
    turn = assistant_with(provider, backend).respond(ctx("this is getting complicated"))
    assert turn.escalation == "asked_for_human"


def test_anonymous_chats_get_no_customer_data_and_no_actions(fake_openai: FakeOpenAI,
                                                             provider: OpenAICompatibleProvider,
                                                             backend: DemoBackend) -> None:
    fake_openai.replies += [tool_reply("pause_payment", order_id="ord_maya_pay4", days=3), text_reply("ok")]
    turn = assistant_with(provider, backend).respond(ctx("pause ord_maya_pay4 for 3 days", customer=None))
    assert turn.actions[0]["outcome"] == "sign_in_required"
    assert '"customer": null' in fake_openai.requests[0]["messages"][1]["content"]
    assert backend.get_order(MAYA, "ord_maya_pay4").pauses_used == 0


def test_the_prompt_holds_only_this_customers_masked_data(fake_openai: FakeOpenAI,
                                                          provider: OpenAICompatibleProvider,
                                                          backend: DemoBackend) -> None:
    snapshot = build_snapshot(random.Random(7), backend.today(), 12)
    noted = next(o for o in snapshot.orders if o.note and "card number" in o.note)
    fake_openai.replies.append(text_reply("Here you go."))
    assistant_with(provider, backend).respond(ctx("my card is 4242 4242 4242 4242, what do I owe?", noted.customer_id))
    prompt = "\n".join(m["content"] for m in fake_openai.requests[0]["messages"])
    assert noted.id in prompt and "[card •••• 1111]" in prompt and "[card •••• 4242]" in prompt
    assert "4111 1111 1111 1111" not in prompt and "4242 4242" not in prompt and CARD_IN_NOTE not in prompt
    others = [o.id for o in snapshot.orders if o.customer_id != noted.customer_id]
    assert not [o for o in others if o in prompt]
    emails = [c.email for c in snapshot.customers]
    assert not [e for e in emails if e in prompt]
