"""Thai rules (v16): requests after a clause that says something has *not* happened, "may I have an agent",
"put me through", "is anyone there", "let a staff member call back / check", "no bot"; negation only right before
the request; and rule patterns keep their regex escapes when folded."""

from __future__ import annotations

import pytest

from tandem.engines.assistant.handoff import _compile, read_request, wants_human

REQUESTS = [
    "เงินยังไม่คืนเลย อยากคุยกับเจ้าหน้าที่ค่ะ",  # the refund has not come back, I want to talk to an agent
    "แอปใช้ไม่ได้ ขอคุยกับพนักงานหน่อย",
    "ขอเจ้าหน้าที่ด้วยครับ ยอดไม่ตรง",
    "ขอสายผู้จัดการ",
    "ขอต่อสายพนักงานได้ไหมคะ",
    "ช่วยต่อสายไปที่เจ้าหน้าที่ที",
    "โอนแชทให้แอดมินหน่อย",
    "มีเจ้าหน้าที่อยู่ไหมคะ",
    "มีใครอยู่บ้างไหม",
    "อยากให้เจ้าหน้าที่ติดต่อกลับภายในวันนี้",
    "ให้พนักงานช่วยตรวจสอบรายการนี้ได้ไหม",
    "ให้ฝ่ายการเงินโทรหาผมหน่อย",
    "ไม่เอาบอทแล้ว",
    "พอแล้วกับระบบอัตโนมัติ",
    "เอาคนจริงมาคุยหน่อย",
]

DECLINED = [
    "ไม่ต้องให้เจ้าหน้าที่โทรมา ส่งอีเมลก็พอ",  # no need for an agent to call, an email is enough
    "ไม่อยากคุยกับพนักงาน แค่บอกยอดค้าง",
    "ไม่ต้องการติดต่อเจ้าหน้าที่ค่ะ",
    "อย่าให้พนักงานโทรมาตอนกลางคืน",
]

NEAR_MISSES = [
    "เจ้าหน้าที่บอกว่าจะโทรกลับพรุ่งนี้ จริงไหม",  # the agent said they would call back tomorrow, true?
    "พนักงานที่ร้านบอกว่าไม่มีดอกเบี้ย",
    "มีคนใช้บัตรของฉันโดยไม่ได้รับอนุญาต",  # someone used my card (a fraud report, not a request)
    "คุยกับบอทก็ได้ ตอบเร็วดี",
    "โอนเงินให้คนอื่นผิดบัญชี ทำยังไง",  # transferred money to the wrong person's account
    "เมื่อวานเจ้าหน้าที่ช่วยดูให้แล้ว ขอบคุณค่ะ",
]


@pytest.mark.parametrize("text", REQUESTS)
def test_thai_requests(text: str) -> None:
    match = wants_human(text)
    assert match is not None, text
    assert match.language == "th"


@pytest.mark.parametrize("text", DECLINED)
def test_thai_declined_requests(text: str) -> None:
    request, declined = read_request(text)
    assert request is None, request
    assert declined is not None and declined.language == "th"


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_thai_near_misses(text: str) -> None:
    assert read_request(text) == (None, None)


def test_a_negation_earlier_in_the_sentence_does_not_decline_the_request() -> None:
    """Thai has no spaces between words, so 'the last four words' before the match used to be the whole clause:
    "ยังไม่" (not yet) in the problem read as a refusal of the agent asked for after it."""
    request, declined = read_request("ของยังไม่มาส่งเลย อยากคุยกับเจ้าหน้าที่")
    assert request is not None and declined is None


def test_folding_keeps_regex_escapes() -> None:
    """fold() lower-cases: unprotected, \\S would become \\s and \\W \\w (their opposites)."""
    pattern = _compile(r"ab\S{1,3}?cd\W")
    assert pattern.pattern.startswith(r"ab\S")
    assert pattern.search("abxxcd!") and not pattern.search("ab  cd!")
    assert _compile(r"Ö\D").pattern == r"o\D"
