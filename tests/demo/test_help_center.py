"""The Kestrel Pay help center: loader validation, coverage, and numbers that agree with the code."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tandem.backend import policy
from tandem.core.errors import InvalidInput
from tandem.demo.help_center import Article, load_articles, parse_article, validate
from tandem.domain.skills import Topic

ARTICLES = load_articles()
BY_ID = {a.id: a for a in ARTICLES}
REQUIRED = """pay-in-4 pay-in-30-days monthly-financing due-dates change-due-date pause-a-payment late-fees
failed-card-charge update-card refund-timelines returns partial-refunds order-not-received open-a-dispute
dispute-process unrecognised-purchase lost-or-stolen-card account-security change-contact-details
close-account privacy-data-export data-erasure credit-checks spending-limit declined-purchase invoices
early-payoff payment-difficulty vulnerable-customers bereavement complaints contact-a-human app-login-problems
currency-international promo-codes gift-cards""".split()

GOOD = """---
id: sample-article
title: "Sample: an article"
topic: refunds
tags: [a, b]
questions:
  - Is this a question: yes?
  - Another one?
---
Body text.
"""


def test_at_least_thirty_articles_covering_every_topic() -> None:
    assert len(ARTICLES) >= 30
    assert set(Counter(a.topic for a in ARTICLES)) == set(Topic)


def test_every_required_subject_has_an_article() -> None:
    assert sorted(set(REQUIRED) - set(BY_ID)) == []


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.id)
def test_article_shape(article: Article) -> None:
    assert 80 <= len(article.body.split()) <= 250
    assert len(article.questions) >= 2 and all(q.strip() for q in article.questions)
    assert article.tags and article.title
    assert "---" not in article.body.split("\n")[0]


def test_cross_references_name_real_articles() -> None:
    titles = {a.title for a in ARTICLES}
    refs = {ref for a in ARTICLES for ref in re.findall(r'[Ss]ee "([^"]+)"', a.body)}
    assert refs and refs <= titles, refs - titles


def test_numbers_agree_with_the_policy_in_code() -> None:
    late = BY_ID["late-fees"].body
    assert f"${policy.LATE_FEE:.0f}" in late and f"{policy.LATE_FEE_CAP_SHARE:.0%}" in late
    assert f"{policy.LATE_FEE_GRACE_DAYS} days after the due date" in late
    assert f"up to {policy.DEFAULT_LIMITS.pause_max_days} days" in BY_ID["pause-a-payment"].body
    assert "once per order" in BY_ID["pause-a-payment"].body
    assert f"up to {policy.DEFAULT_LIMITS.due_date_shift_max_days} days" in BY_ID["change-due-date"].body
    assert "once per plan" in BY_ID["change-due-date"].body
    resends = policy.DEFAULT_LIMITS.invoice_resends_per_day
    assert f"up to {resends} times per order in any 24 hours" in BY_ID["invoices"].body
    for text in ("| Card | 10 days |", "| Bank account | 5 days |", "| Kestrel balance | 1 day |"):
        assert text in BY_ID["refund-timelines"].body


def test_sensitive_subjects_point_to_a_person() -> None:
    for article_id in ("payment-difficulty", "vulnerable-customers", "bereavement", "unrecognised-purchase"):
        assert "talk to a person" in BY_ID[article_id].body
    assert "any time" in BY_ID["contact-a-human"].body


def test_parse_reads_quotes_lists_and_colons() -> None:
    article = parse_article(GOOD)
    assert article.title == "Sample: an article" and article.topic is Topic.REFUNDS
    assert article.tags == ("a", "b")
    assert article.questions == ("Is this a question: yes?", "Another one?")
    assert article.body == "Body text."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("topic: refunds", "topic: shipping"), "unknown topic"),
        (GOOD.replace("id: sample-article", "id: Sample Article"), "slug"),
        (GOOD.replace('title: "Sample: an article"\n', ""), "missing title"),
        (
            GOOD.replace("questions:\n  - Is this a question: yes?\n  - Another one?\n", "questions:\n"),
            "question",
        ),
        (GOOD[4:], "must start"),
        (GOOD.replace("---\nBody", "Body"), "not closed"),
        (GOOD.replace("tags: [a, b]", "tags oops"), "cannot read"),
        (GOOD.replace("tags: [a, b]", "tags: a"), "must be a list"),
    ],
)
def test_parse_rejects_bad_articles(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_article(text)


def test_duplicate_ids_are_rejected() -> None:
    article = parse_article(GOOD)
    with pytest.raises(InvalidInput, match="duplicate"):
        validate([article, article])


def test_the_demo_folder_is_importable_as_a_company_help_center() -> None:
    """`tandem kb import src/tandem/demo/kb` reads every demo article with the same id and title (YAML front matter)."""
    from pathlib import Path

    from tandem.demo import help_center as demo_help_center
    from tandem.engines.assistant.kb_sources import read_source

    folder = Path(demo_help_center.__file__).parent / "kb"
    read = read_source(folder)
    assert read.problems == []
    assert {(a.id, a.title) for a in read.articles} == {(a.id, a.title) for a in ARTICLES}
