"""System phrases the assistant sends, by key; translated through the gettext catalogs (`tandem.core.i18n`)."""

from __future__ import annotations

from tandem.core.i18n import N_, _t

PHRASES: dict[str, str] = {
    "handoff": N_("I'm connecting you with a person from our team. You keep your place in the queue."),
    "no_answer": N_("I'm sorry, I don't have a good answer to that in our help center. Would you like me to "
                    "connect you with a person? Just press \"Talk to a human\" or say so."),
    "greeting": N_("Hi! I'm {assistant} from {company}. Ask me about payments, refunds, orders or your account "
                   "— and you can talk to a person at any time."),
    # the greeting of a deployment that configured no company / assistant name
    "greeting_plain": N_("Hi! I'm the virtual assistant. Ask me about payments, refunds, orders or your account — "
                         "and you can talk to a person at any time."),
    "thanks": N_("You're welcome! Is there anything else I can help with?"),
    # before an answer quoted from an article in another language than the customer's (issue 16 item 3)
    "article_language": N_("This answer comes from an article in {language_name}: \u201c{title}\u201d ({link})."),
}


def phrase(key: str, language: str | None, **params: object) -> str:
    """Return a system phrase in the customer's language (English when a catalog lacks it)."""
    if key == "greeting" and not (params.get("company") and params.get("assistant")):
        key, params = "greeting_plain", {}  # no English placeholder text inside a Swedish sentence
    return _t(language, PHRASES[key], **params)


def language_name(code: str, in_language: str | None) -> str:
    """The name of language `code` in the customer's language ('en' in 'de' -> 'Englisch'), via Babel's CLDR data."""
    from babel import Locale, UnknownLocaleError

    from tandem.core.i18n import locale_of

    try:
        name = Locale.parse(locale_of(in_language)).languages.get(code.split("-")[0].lower())
    except (UnknownLocaleError, ValueError):
        name = None
    return str(name or code)
