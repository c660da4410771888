"""The question banks cite real help-center articles, and each answer is backed by the article's own words."""

from __future__ import annotations

import pytest

from tandem.core.settings import Certification
from tandem.demo.certification import load_bank
from tandem.demo.help_center import load_articles
from tandem.domain.skills import Topic

ARTICLES = {a.id: a for a in load_articles()}


@pytest.mark.parametrize("topic", list(Topic))
def test_every_question_cites_an_article_of_its_topic_that_states_the_answer(topic: Topic) -> None:
    bank = load_bank(topic)
    assert len(bank) >= Certification().questions_per_attempt + 3  # a retry draws a different mix
    for q in bank:
        article = ARTICLES.get(q.article)
        assert article is not None, f"{q.id} cites unknown article {q.article}"
        assert article.topic == topic, q.id
        assert q.evidence in article.body.replace("**", ""), f"{q.id}: evidence not in {q.article}"
        assert len(set(q.choices)) == len(q.choices) >= 3, q.id


def test_right_answers_are_spread_over_positions() -> None:
    positions = [q.answer for topic in Topic for q in load_bank(topic)]
    assert min(positions.count(i) for i in range(4)) >= 5  # "always pick B" does not pass
