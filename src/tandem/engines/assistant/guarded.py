"""The assistant as deployed: escalation rules in code around the answering assistant.

Cheap signals (sensitive keywords in many languages, frustration cues, sentiment) are always on. The intent
classifier trains once in the background on first start; until it is ready, the rules that need it (implicit
requests, low intent confidence, loops) wait, and retrieval alone decides whether there is an answer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from functools import lru_cache

from tandem.engines.assistant.actions import AccountTools, failed_turns
from tandem.engines.assistant.base import AssistantTurn, TurnContext
from tandem.engines.assistant.escalation import (
    DEFAULT_POLICY,
    Escalation,
    EscalationPolicy,
    EscalationReason,
    PriorTurn,
    decide,
    failed_action,
    sensitive_topic,
    vulnerability,
)
from tandem.engines.assistant.escalation import frustration as frustration_rule
from tandem.engines.assistant.llm import LLMAssistant
from tandem.engines.assistant.nlu.company_intents import CompanyIntents
from tandem.engines.assistant.nlu.intents import Intent
from tandem.engines.assistant.nlu.multilingual import EncoderUnavailable, shared_multilingual
from tandem.engines.assistant.nlu.sensitive import sensitivities
from tandem.engines.assistant.nlu.signals import frustration_cues, sentiment
from tandem.engines.assistant.nlu.understanding import NLU, Understanding, topic_of
from tandem.engines.assistant.offline import OfflineAssistant
from tandem.engines.assistant.phrases import phrase

log = logging.getLogger(__name__)
KEYWORD_RULES = (vulnerability, sensitive_topic, failed_action, frustration_rule)


class GuardedAssistant:
    """Decide first whether a person should take over; otherwise let the answering assistant reply."""

    def __init__(self, answerer: OfflineAssistant, nlu: NLU | None = None,
                 policy: EscalationPolicy = DEFAULT_POLICY, actions: AccountTools | None = None,
                 llm: LLMAssistant | None = None, company_intents: CompanyIntents | None = None,
                 sensitive_intents: frozenset[str] = frozenset()) -> None:
        self.answerer = answerer
        self.company_intents = company_intents  # the company's own labels (`tandem train intents`), when trained
        # the company's intents that go to a person at once (those mapped to a sensitive topic)
        self.sensitive_intents = sensitive_intents
        self.actions = actions
        self.llm = llm
        self.nlu = nlu
        self.policy = policy
        self._ready = threading.Event()
        self._understand = lru_cache(maxsize=4096)(self._understand_uncached)

    def warm_up(self) -> None:
        """Load or train the intent classifier in a background thread."""
        if self.nlu is None:
            return

        def train() -> None:
            try:
                assert self.nlu is not None
                self.nlu.classifier()
                self._ready.set()
                self.nlu.prepare_multilingual()  # other languages' intents, after English is serving
            except Exception:  # without the classifier the keyword rules and retrieval still serve
                log.exception("intent classifier failed to load; continuing with keyword rules only")

        threading.Thread(target=train, name="tandem-nlu-warmup", daemon=True).start()

    @property
    def classifier_ready(self) -> bool:
        return self.nlu is not None and self._ready.is_set()

    def respond(self, ctx: TurnContext) -> AssistantTurn:
        earlier = _earlier_customer_texts(ctx)
        current = self._understand(ctx.text, tuple(earlier), ctx.language)
        failed = failed_turns(ctx.history, ctx.text)
        history = [PriorTurn(self._understand(t, tuple(earlier[:i]), ctx.language), i < len(failed) and failed[i])
                   for i, t in enumerate(earlier)]
        escalation = self._decide(history, current)
        company_intent = self._company_intent(ctx.text)
        if escalation is None and company_intent in self.sensitive_intents:
            escalation = Escalation(EscalationReason.SENSITIVE_TOPIC, f"the company's intent {company_intent!r} is "
                                    "sensitive", topic=None, senior=True)
        if escalation is not None:
            return AssistantTurn(
                text=phrase("handoff", ctx.language), escalation=escalation.reason.value,
                intent=current.intent.value if self.company_intents is None else company_intent,
                topic=(escalation.topic or current.topic),
                confidence=current.confidence, sentiment=current.sentiment, language=ctx.language,
            )
        turn = self._answer(ctx, current)
        if self.company_intents is not None:
            intent = company_intent
        else:
            intent = current.intent.value if self.classifier_ready and not turn.actions else turn.intent
        return AssistantTurn(
            text=turn.text, citations=turn.citations, escalation=turn.escalation, intent=intent,
            topic=current.topic or turn.topic, confidence=turn.confidence, sentiment=current.sentiment,
            language=ctx.language, no_answer=turn.no_answer, actions=turn.actions,
        )

    def _company_intent(self, text: str) -> str | None:
        """The company's intent for this message when its model is sure enough; None keeps the earlier one."""
        if self.company_intents is None:
            return None
        try:
            label, probability = self.company_intents.classify([text], shared_multilingual())[0]
        except EncoderUnavailable:
            return None
        return label if probability >= self.company_intents.threshold else None

    def _answer(self, ctx: TurnContext, current: Understanding) -> AssistantTurn:
        """The language model when one is configured and answers; else the account tools; else the help center."""
        if self.llm is not None:
            turn = self.llm.respond(ctx)
            if turn is not None:
                return turn
        if self.actions is not None:
            hint = (current.intent, current.confidence) if self.classifier_ready else (None, 0.0)
            acted = self.actions.respond(ctx, *hint)
            if acted is not None:
                return acted
        return self.answerer.respond(ctx)

    def _decide(self, history: Sequence[PriorTurn], current: Understanding) -> Escalation | None:
        if self.classifier_ready:
            return decide(history, current, None, self.policy)
        for rule in KEYWORD_RULES:
            found = rule(history, current, self.policy)
            if found is not None:
                return found
        return None

    def _understand_uncached(self, text: str, earlier: tuple[str, ...], language: str) -> Understanding:
        if self.classifier_ready:
            assert self.nlu is not None
            return self.nlu.understand(text, earlier, language_hint=language)
        polarity = sentiment(text)
        found = sensitivities(text)
        return Understanding(language=language, intent=Intent.OTHER, topic=topic_of(Intent.OTHER, found),
                             confidence=1.0, sentiment=polarity, frustration=frustration_cues(text, earlier, polarity),
                             sensitive=found)


def _earlier_customer_texts(ctx: TurnContext) -> list[str]:
    texts = [t.text for t in ctx.history if t.author == "customer"]
    # the current message is already stored, so it is the last customer turn of the history
    if texts and texts[-1] == ctx.text:
        texts.pop()
    return texts
