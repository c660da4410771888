"""Explicit requests for a human, across languages, and the mentions and negations that are not requests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.engines.assistant.handoff import HandoffMatch, clauses, fold, wants_human

REQUESTS = [
    ("en", "can I talk to a real person"),
    ("en", "agent please"),
    ("en", "human!"),
    ("en", "HUMAN"),
    ("en", "operator"),
    ("en", "Representative."),
    ("en", "I want to speak with a representative"),
    ("en", "connect me to an agent"),
    ("en", "transfer me to a live agent please"),
    ("en", "Can I speak to a humam"),
    ("en", "plz let me talk to someone"),
    ("en", "I need a human"),
    ("en", "get me a human now!!!"),
    ("en", "is there a real person there?"),
    ("en", "I don't want to talk to a bot"),
    ("en", "I don't want a bot, I want a human"),
    ("en", "this is useless let me talk to a human"),
    ("en", "why can't I talk to a human"),
    ("en", "I want to speak to your manager"),
    ("en", "represenative"),
    ("en", "humannnn please"),
    ("en", "Could someone call me back?"),
    ("en", "Please escalate this"),
    ("en", "I'd like to chat with customer service"),
    ("en", "how do I speak to an actual human"),
    ("sv", "jag vill prata med en människa"),
    ("sv", "JAG VILL PRATA MED EN MANNISKA"),
    ("sv", "kan du koppla mig till en handläggare"),
    ("no", "jeg vil snakke med et menneske"),
    ("no", "kan du sette meg over til kundeservice"),
    ("da", "jeg vil gerne tale med en medarbejder"),
    ("da", "stil mig videre til en rigtig person"),
    ("fi", "haluan puhua ihmisen kanssa"),
    ("fi", "voinko puhua asiakaspalvelijan kanssa?"),
    ("de", "ich möchte mit einem Mitarbeiter sprechen"),
    ("de", "Ich moechte mit einem echten Menschen reden"),
    ("de", "verbinden Sie mich bitte mit einem Berater"),
    ("de", "Mitarbeiter bitte"),
    ("fr", "Je voudrais parler à un conseiller"),
    ("fr", "je veux parler a un humain svp"),
    ("fr", "passez-moi un conseiller"),
    ("es", "quiero hablar con un agente"),
    ("es", "Necesito hablar con una persona real, por favor"),
    ("es", "pásame con un asesor"),
    ("it", "vorrei parlare con un operatore"),
    ("it", "operatore per favore"),
    ("nl", "ik wil met een medewerker praten"),
    ("nl", "kan ik een echt mens spreken? verbind me door met een medewerker"),
    ("pt", "quero falar com um atendente"),
    ("pt", "atendimento humano"),
    ("pl", "chcę rozmawiać z konsultantem"),
    ("pl", "połącz mnie z człowiekiem"),
    ("tr", "müşteri temsilcisi ile görüşmek istiyorum"),
    ("tr", "canlı destek lütfen"),
    ("ar", "أريد التحدث مع موظف"),
    ("ar", "حولني إلى موظف خدمة العملاء"),
    ("hi", "मुझे किसी इंसान से बात करनी है"),
    ("hi", "mujhe agent se baat karni hai"),
    ("ja", "オペレーターと話したいです"),
    ("ja", "人と話したい"),
    ("ja", "担当者に代わってください"),
    ("zh", "转人工"),
    ("zh", "我要人工客服"),
    ("zh", "我想跟真人说话"),
    # an A-not-A question asks, it does not negate (v12)
    ("zh", "能不能转人工"),
    ("zh", "可不可以找个真人"),
    ("ko", "상담원 연결해 주세요"),
    ("ko", "사람이랑 얘기하고 싶어요"),
    ("cs", "chci mluvit s operátorem"),
    ("cs", "chci mluvit s clovekem"),
    ("ru", "хочу поговорить с оператором"),
    ("ru", "соедините меня с живым человеком"),
    ("el", "θέλω να μιλήσω με έναν άνθρωπο"),
    ("uk", "з'єднайте мене з оператором"),
    ("ro", "vreau să vorbesc cu un operator"),
    ("hu", "szeretnék egy ügyintézővel beszélni"),
    ("id", "saya mau bicara dengan agen"),
    ("vi", "tôi muốn nói chuyện với nhân viên"),
    ("en", "Agent, who can help me?"),
    ("en", "I'd like to speak with a caseworker about my claim"),  # role names
    ("en", "need real ppl help"),  # txt-speak
    # refusing the bot is a request for a person in every language, without the model
    ("sv", "jag vill inte prata med en robot"),
    ("no", "vil ikke skrive med en bot"),
    ("de", "ich will nicht mit einem Bot reden"),
    ("de", "keinen Bot bitte"),
    ("fr", "je ne veux pas parler à un robot"),
    ("es", "no quiero hablar con una máquina"),
    ("pt", "não quero falar com um robô"),
    ("pl", "nie chcę rozmawiać z botem"),
    ("ru", "не хочу говорить с ботом"),
    ("fi", "en halua puhua botin kanssa"),
    ("hi", "bot nahi chahiye"),
    ("hi", "बॉट से बात नहीं करनी"),
    ("tr", "botla konuşmak istemiyorum"),
    ("zh", "我不要机器人"),
    ("ko", "봇 말고"),
    ("en", "would a supervisor be able to look at this today?"),
    ("fi", "voisinko saada yhteyden neuvojaan?"),
    ("pl", "gadac z konsultantem chce"),
    ("el", "thelw na milisw me ypallilo"),  # Greeklish
    ("vi", "chuyển tôi sang tổng đài nhé"),
    ("vi", "Dạ, cho tôi gặp nhân viên"),
    ("en", "transfer me to your fraud specialist"),
    ("cs", "Chtěl bych mluvit s operátorem"),
    ("en", "give me a staff member"),
    ("en", "a rep could call me this afternoon, that would help"),
    ("en", "could I have a word with a supervisor"),
    ("de", "Ich möchte mit einem Kundenberater sprechen"),
    ("fi", "onko siellä ketään ihmistä?"),
    ("hi", "bas asli insaan chahiye"),  # Hinglish
    ("hi", "koi banda hai jo meri help kare"),  # one clause after the word: a question to the agent, still a request
    ("hi", "क्या किसी इंसान से बात की जा सकती है?"),  # "की जा सकती" (can be done) is not a past tense
]

NOT_REQUESTS = [
    "your agent was rude yesterday",
    "I am a human being",
    "the delivery person left it outside",
    "my agent ID is 12345",
    "I don't want to talk to a human",
    "I do not need an agent, thanks",
    "how do I become an agent",
    "I talked to an agent yesterday and they said I'd get a refund",
    "are you a human?",
    "I'm not a robot",
    "people keep calling me about this debt",
    "the agent told me to wait",
    "is a human going to read this",
    "i need a person's signature on the form",
    "human resources sent me a letter",
    "the person who sold it to me never shipped it",
    "what are your customer service hours",
    "my payment was made by another person",
    "can you tell the agent thanks",
    "I spoke to a person at the store",
    "never mind, no need to speak to an agent",
    "ich möchte nicht mit einem Mitarbeiter sprechen",
    "der Mitarbeiter war sehr freundlich",
    "jag vill inte prata med en människa",
    "handläggaren ringde mig igår",
    "no quiero hablar con un agente",
    "el agente me colgó",
    "je ne veux pas parler à un conseiller",
    "le conseiller m'a dit d'attendre",
    "non voglio parlare con un operatore",
    "ik wil niet met een medewerker praten",
    "não quero falar com um atendente",
    "nie chcę rozmawiać z konsultantem",
    "müşteri temsilcisi ile görüşmek istemiyorum",
    "لا أريد التحدث مع موظف",
    "मुझे इंसान से बात नहीं करनी",
    "人と話したくない",
    "我不要人工",
    "不用转人工了",
    "客服昨天很不礼貌",
    "상담원과 통화하고 싶지 않아요",
    "не хочу говорить с оператором",
    "оператор был груб",
    "en halua puhua ihmisen kanssa",
    "δεν θέλω να μιλήσω με άνθρωπο",
    "nechci mluvit s operátorem",
    "J'ai déjà parlé à un conseiller hier",
    "昨日オペレーターと話しました",
    "我昨天和客服聊过了",
    "Ich habe gestern mit einem Mitarbeiter gesprochen",
    # a person named, then described by a relative clause: a mention, not a one-word request
    "Operátor, kterého jsem měl minule, byl skvělý.",
    "Agent, who helped me before, was great.",
    "Kundtjänst, som jag pratade med igår, var jättebra.",
    "Mitarbeiter, mit dem ich gestern sprach, war nett.",
    # a past tense right after the Hindi frame: what happened, not a request
    "कर्मचारी से बात हुई थी, उसने कहा ठीक है",
    "insaan se baat hui thi kal",
    "my case handler was great",
    "the bot said my payment failed",
    "a supervisor was able to look at it last time",
    "the agent said a representative will call me",
    "I had a word with your manager",
    "Der Kundenberater hat gesagt, es ist erledigt",
    "onko teillä ihmistä joka puhuu ruotsia?",
    "mujhe insaan nahi chahiye",
    "I want employees to see the invoices",
    "is there a fee to speak to an advisor about a loan?",
    # past tenses: what happened, not a request
    "Včera jsem mluvil s operátorem a vše vyřešil.",
    "Kemarin saya sudah bicara dengan agen, katanya beres",
    "Tuần trước tôi đã nói chuyện với nhân viên tư vấn",
    "Can someone else use my account if they have my phone?",
    "ich will nicht, dass der Bot mein Konto sperrt",
    "no me gusta el robot aspirador que compré",
    "I talked to real ppl yesterday",
    "I want to pay my invoice",
    "where is my refund",
    "",
    "!!!",
]


@pytest.mark.parametrize(("language", "text"), REQUESTS)
def test_explicit_requests_match(language: str, text: str) -> None:
    match = wants_human(text)
    assert isinstance(match, HandoffMatch), text
    assert match.phrase


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_mentions_and_negations_do_not_match(text: str) -> None:
    assert wants_human(text) is None


def test_request_languages_cover_twenty() -> None:
    assert len({language for language, _ in REQUESTS}) >= 20


def test_match_reports_rule_language() -> None:
    match = wants_human("quiero hablar con un agente")
    assert match is not None and match.language == "es" and match.rule.startswith("es.")


def test_fold_removes_case_and_accents() -> None:
    assert fold("MÄNNISKA Åsa Ødegård Łódź") == "manniska asa odegard lodz"


def test_clauses_split_on_punctuation_and_but() -> None:
    assert clauses("No, I don't want a bot but a human!") == ["no", "i don t want a bot", "a human"]


@given(st.text(max_size=200))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = wants_human(text)
    assert result is None or isinstance(result, HandoffMatch)


@given(st.sampled_from([text for _, text in REQUESTS if text.isascii()]))
def test_case_does_not_matter(text: str) -> None:
    assert wants_human(text.upper()) is not None
    assert wants_human(text.lower()) is not None


@given(st.sampled_from(REQUESTS), st.sampled_from(["Hi. ", "ok ", "", "Hello!! "]))
def test_greeting_before_request_still_matches(case: tuple[str, str], prefix: str) -> None:
    assert wants_human(prefix + case[1]) is not None
