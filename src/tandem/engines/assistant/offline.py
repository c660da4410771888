"""The offline assistant: retrieval from the help center, templates, no model download."""

from __future__ import annotations

import re

from tandem.engines.assistant.base import AssistantTurn, Citation, TurnContext
from tandem.engines.assistant.kb import KnowledgeArticle, KnowledgeBase, fold
from tandem.engines.assistant.phrases import language_name, phrase
from tandem.engines.assistant.retrieval import THRESHOLD, HybridRetriever

_GREETING = re.compile(
    r"^\s*(hi|hello|hey|hej|hallo|bonjour|hola|ciao|hoi|moi|czesc|ola|good (morning|afternoon|evening))\b[\s!.,]*$"
)
_THANKS = re.compile(
    r"^\s*(thanks?( you)?|thx|tack|danke|merci|gracias|grazie|dank je|kiitos|dziekuje|obrigad[oa])\b.{0,30}$"
)


class OfflineAssistant:
    """Answer from the best help-center article when it covers the question; otherwise say so honestly.

    With a retriever (embeddings) the article must be similar enough; without one, BM25 score and coverage
    of the query's terms decide.
    """

    def __init__(self, kb: KnowledgeBase, retriever: HybridRetriever | None = None, min_similarity: float = THRESHOLD,
                 min_score: float = 3.0, min_coverage: float = 0.45, *, company: str | None = None,
                 assistant_name: str | None = None) -> None:
        self.kb = kb
        # names for the greeting's {company} and {assistant}; the phrase has neutral defaults
        self.brand = {k: v for k, v in (("company", company), ("assistant", assistant_name)) if v}
        self.retriever = retriever
        self.min_similarity = min_similarity
        self.min_score = min_score
        self.min_coverage = min_coverage

    def respond(self, ctx: TurnContext) -> AssistantTurn:
        text = fold(ctx.text)
        if _GREETING.match(text):
            return AssistantTurn(text=phrase("greeting", ctx.language, **self.brand), intent="greeting", confidence=1.0)
        if _THANKS.match(text):
            return AssistantTurn(text=phrase("thanks", ctx.language), intent="thanks", confidence=1.0)
        article, confidence = self._best(ctx.text)
        if article is None:
            return self._no_answer(ctx, confidence)
        return AssistantTurn(
            text=self.answer_text(article, ctx.language),
            citations=(Citation(article.id, article.title),),
            intent=f"kb:{article.id}",
            topic=article.topic or None,
            confidence=confidence,
        )

    def answer_text(self, article: KnowledgeArticle, language: str | None) -> str:
        """The article's opening, preceded, when the customer writes another language than the help center's, by a
        sentence in their language naming the article's language, its title and its link."""
        body = compose_answer(article)
        if _base(language) == _base(self.kb.language):
            return body
        note = phrase("article_language", language, language_name=language_name(self.kb.language, language),
                      title=article.title, link=f"/help/{article.id}")
        return f"{note}\n\n{body}"

    def use(self, kb: KnowledgeBase, retriever: HybridRetriever | None, min_similarity: float) -> None:
        """Answer from another help center from the next message on (a reload after `tandem kb import`)."""
        self.kb, self.retriever, self.min_similarity = kb, retriever, min_similarity

    def rank(self, query: str, limit: int = 3) -> list[tuple[KnowledgeArticle, float]]:
        """The retriever's best articles with the score the answer threshold applies to, best first."""
        if self.retriever is None:
            return [(h.article, h.score) for h in self.kb.search(query, limit=limit)]
        return [(r.article, max(0.0, r.similarity)) for r in self.retriever.search(query, limit=limit)]

    def _best(self, query: str) -> tuple[KnowledgeArticle | None, float]:
        if self.retriever is not None:
            ranked = self.rank(query, limit=1)
            if not ranked:
                return None, 0.0
            article, similarity = ranked[0]
            return (article if similarity >= self.min_similarity else None), similarity
        hits = self.kb.search(query, limit=1)
        if not hits:
            return None, 0.0
        top = hits[0]
        coverage = self.kb.coverage(query, top.article)
        confidence = min(1.0, 0.5 * coverage + 0.5 * min(1.0, top.score / (2 * self.min_score)))
        if top.score < self.min_score or coverage < self.min_coverage:
            return None, confidence
        return top.article, confidence

    def _no_answer(self, ctx: TurnContext, confidence: float) -> AssistantTurn:
        misses = sum(1 for t in ctx.history if t.author == "ai" and t.no_answer)
        escalation = "low_confidence" if misses >= 1 else None
        return AssistantTurn(
            text=phrase("handoff" if escalation else "no_answer", ctx.language),
            escalation=escalation,
            confidence=confidence,
            no_answer=True,
        )


def _base(language: str | None) -> str:
    code = (language or "en").replace("_", "-").split("-")[0].lower()
    return {"nb": "no", "nn": "no"}.get(code, code)


def plain(paragraph: str) -> str:
    """Turn Markdown tables, bullets and emphasis into plain chat text."""
    lines = []
    for line in paragraph.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            line = " — ".join(cells)
        lines.append(line.replace("**", "").replace("__", ""))
    return "\n".join(lines)


def compose_answer(article: KnowledgeArticle, max_chars: int = 700) -> str:
    """Quote the article's opening paragraphs, up to a length a chat bubble can carry."""
    paragraphs = [plain(p.strip()) for p in article.body.split("\n\n") if p.strip() and not p.startswith("#")]
    out: list[str] = []
    size = 0
    for para in paragraphs:
        if out and size + len(para) > max_chars:
            break
        out.append(para)
        size += len(para)
    return "\n\n".join(out)
