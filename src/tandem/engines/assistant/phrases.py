"""System phrases in the customer's language; English is the fallback."""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "handoff": {
        "en": "I'm connecting you with a person from our team. You keep your place in the queue.",
        "sv": "Jag kopplar dig till en person i vårt team. Du behåller din plats i kön.",
        "de": "Ich verbinde Sie mit einer Person aus unserem Team. Sie behalten Ihren Platz in der Warteschlange.",
        "fr": "Je vous mets en relation avec une personne de notre équipe. Vous gardez votre place dans la file.",
        "es": "Te estoy conectando con una persona de nuestro equipo. Mantienes tu lugar en la cola.",
        "it": "Ti sto mettendo in contatto con una persona del nostro team. Mantieni il tuo posto in coda.",
        "nl": "Ik verbind je met iemand van ons team. Je behoudt je plek in de wachtrij.",
        "pt": "Estou a ligar-te a uma pessoa da nossa equipa. Manténs o teu lugar na fila.",
        "pl": "Łączę Cię z osobą z naszego zespołu. Zachowujesz swoje miejsce w kolejce.",
        "fi": "Yhdistän sinut tiimimme henkilölle. Pidät paikkasi jonossa.",
        "da": "Jeg sætter dig i forbindelse med en person fra vores team. Du beholder din plads i køen.",
        "nb": "Jeg setter deg over til en person i teamet vårt. Du beholder plassen din i køen.",
    },
    "no_answer": {
        "en": "I'm sorry, I don't have a good answer to that in our help center. "
        "Would you like me to connect you with a person? Just press \"Talk to a human\" or say so.",
        "sv": "Tyvärr har jag inget bra svar på det i vårt hjälpcenter. Vill du prata med en person? "
        "Tryck på \"Prata med en människa\" eller skriv det.",
        "de": "Leider habe ich dazu keine gute Antwort in unserem Hilfe-Center. Möchten Sie mit einer Person "
        "sprechen? Klicken Sie auf \"Mit einem Menschen sprechen\" oder schreiben Sie es einfach.",
        "fr": "Désolé, je n'ai pas de bonne réponse à cela dans notre centre d'aide. Voulez-vous parler à "
        "une personne ? Cliquez sur « Parler à un humain » ou dites-le simplement.",
        "es": "Lo siento, no tengo una buena respuesta a eso en nuestro centro de ayuda. ¿Quieres hablar con "
        "una persona? Pulsa \"Hablar con una persona\" o dímelo.",
    },
    "greeting": {
        "en": "Hi! I'm Kestrel Pay's assistant. Ask me about payments, refunds, orders or your account — "
        "and you can talk to a person at any time.",
        "sv": "Hej! Jag är Kestrel Pays assistent. Fråga mig om betalningar, återbetalningar eller ditt konto "
        "— du kan prata med en person när som helst.",
        "de": "Hallo! Ich bin der Assistent von Kestrel Pay. Fragen Sie mich zu Zahlungen, Erstattungen oder "
        "Ihrem Konto — Sie können jederzeit mit einer Person sprechen.",
    },
    "thanks": {
        "en": "You're welcome! Is there anything else I can help with?",
        "sv": "Varsågod! Finns det något mer jag kan hjälpa till med?",
        "de": "Gern geschehen! Kann ich sonst noch helfen?",
    },
}


def phrase(key: str, language: str) -> str:
    """Return a system phrase in the language, or in English when it has no translation."""
    table = PHRASES[key]
    return table.get(language.split("-")[0].lower(), table["en"])
