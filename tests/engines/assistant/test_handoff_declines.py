"""v17: a person or a transfer declined in so many words is a declined request (the backstop is not asked), a
request elsewhere in the message still wins, and a transfer to the bot is not declined."""

from __future__ import annotations

import pytest

from tandem.engines.assistant.handoff import read_request

DECLINES = [
    ("en", "no need for an agent, thanks, that answered it"),
    ("en", "please don't transfer me, I only want my balance"),
    ("de", "kein Mitarbeiter nötig, hat sich erledigt"),
    ("fi", "älä siirrä mua, kerro vaan eräpäivä"),
    ("hu", "ne kapcsoljon tovább, megoldódott"),
    ("tr", "müşteri temsilcisine gerek yok, teşekkürler"),
    ("vi", "không cần chuyển nhân viên, mình tự làm được"),
    ("ja", "オペレーターにはつながなくて大丈夫です"),
    ("ko", "상담원 연결은 필요 없어요"),
    ("et", "pole vaja inimest, sain aru"),
    ("lt", "nereikia jungti su konsultantu"),
    ("ru", "оператор не нужен, всё понятно"),
    ("pl", "nie przełączajcie mnie, chcę tylko saldo"),
    ("es", "no me pasen con un agente, ya está resuelto"),
]


@pytest.mark.parametrize(("language", "text"), DECLINES)
def test_declined_in_so_many_words(language: str, text: str) -> None:
    request, declined = read_request(text)
    assert request is None, request
    assert declined is not None and declined.language == language and ".decline" in declined.rule


@pytest.mark.parametrize("text", [
    "no need for an agent, I want a supervisor",
    "don't transfer me to the bot again, get me a human",
])
def test_a_request_in_the_same_message_wins(text: str) -> None:
    request, _ = read_request(text)
    assert request is not None


@pytest.mark.parametrize("text", ["don't transfer me to the bot", "no me pases al bot"])
def test_a_transfer_to_the_bot_is_not_declined(text: str) -> None:
    assert read_request(text) == (None, None)
