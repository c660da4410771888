"""English phrasings of a request for a human, refusals of the bot, and keywords worth typo-correcting."""

from __future__ import annotations

from tandem.engines.assistant.nlu.handoff_rules import LanguageRules

_EN_DET = (
    r"(?:(?:a|an|the|some|one|any|your|ur|real|actual|live|living|human|proper|another|breathing|competent|"
    r"normal|non robotic|other|of your|one of your|someone from|somebody from|damn|goddamn|fucking|fuckin|bloody|"
    r"freaking|frigging|effing)\s+){0,3}"
)
_EN_NOUN = (
    r"(?:humans?|human beings?|persons?|people|ppl|agents?|representatives?|reps?|operators?|someone|somebody|"
    r"anyone|anybody|staff(?: member)?|employees?|(?:[a-z]+\s+)?(?:advisors?|advisers?|consultants?|specialists?)|"
    r"managers?|supervisors?|team leaders?|"
    r"case ?handlers?|case ?workers?|claims? handlers?|account managers?|complaints? officers?|"
    r"customer (?:service|support|care)(?: (?:agent|rep|representative|team|person|department))?|"
    r"support (?:team|staff|agent|person)|team members?|associates?|specialists?|member of staff|live chat|"
    r"live support|real one|assistants?|bank workers?|workers?|executives?|reception|front desk|"
    r"(?:[a-z]+\s+)?(?:team|department|dept))"
)
_EN_AFTER_OK = (
    r"(?!\s+(?:s|id|number|code|was|were|is|are|said|told|has|had|did|does|account|name|details|fee|"
    r"fees|commission|login|portal|app|signup|sign up|program|programme|near|nearby|in my area|close to)\b)"
)
_EN_TO = r"(?:to|with)"
# not a past ("I was talking to an agent") nor a question about the price ("is there a fee to speak to an advisor")
_EN_NOT_PAST = r"(?<!was )(?<!were )(?<!been )(?<!i m )(?<!im )(?<!fee to )(?<!cost to )(?<!charge to )(?<!price to )"

ENGLISH = LanguageRules(
    frames=(
        rf"\b{_EN_NOT_PAST}(?:(?:talk|speak|chat|communicate|converse|talking|speaking|chatting)\s+"
        rf"(?:directly\s+|right now\s+)?{_EN_TO}|have a (?:quick\s+)?word with|contact|contacting|reach|"
        rf"get hold of|get through to|"
        rf"get in touch with|be connected (?:to|with)|be put through to|deal with|get transferred to|"
        rf"be transferred to)\s+{_EN_DET}{_EN_NOUN}\b{_EN_AFTER_OK}",
        rf"\b(?:connect|transfer|put|pass|forward|redirect|escalate|route|hand|switch|patch|bring)\s+"
        rf"(?:me|us|this|it|my (?:call|chat|case|query|issue|request))?\s*(?:me\s+)?(?:through|over|back|on)?\s*"
        rf"(?:to|with)\s+(?:me\s+)?{_EN_DET}{_EN_NOUN}\b{_EN_AFTER_OK}",
        rf"\b(?:want|need|get|give me|gimme|find|request|require|prefer|demand|would like|d like|wanna|"
        rf"bring me|send me|i ll take)\s+(?:me\s+)?(?:to\s+(?:talk|speak)\s+(?:to|with)\s+)?{_EN_DET}"
        r"(?:humans?|human beings?|real person|live person|actual person|agents?|live agents?|human agents?|"
        r"representatives?|reps?|operators?|supervisors?|managers?|real people|real ppl|case ?handlers?|"
        r"case ?workers?|claims? handlers?|account managers?|staff members?|employee|member of staff|"
        r"team leader|advisor|adviser|specialist|"
        r"customer (?:service|support|care) (?:agent|rep|representative|person))\b" + _EN_AFTER_OK,
        r"\b(?:want|need|get|give me|gimme|find|would like|d like|wanna)\s+(?:me\s+)?(?:someone|somebody)"
        r"(?:\s+else)?(?=\s*$|\s+(?:to (?:talk|speak|chat|help me|call me|look)|please|now|real|who can|"
        r"on the line))",
        r"\b(?:is there|are there|is|anyone|anybody|any)\s+(?:a\s+|an\s+|any\s+)?(?:real\s+|live\s+|actual\s+)?"
        r"(?:human\s+)?"
        r"(?:human|humans|person|people|ppl|agent|agents|one|body|someone|somebody|anyone|anybody|operator|"
        r"representative)\s+(?:there|here|available|around|alive|online|on the other end|i can talk to|"
        r"i can speak to|to talk to|to speak to|who can help)\b",
        r"\b(?:can|could|would|will|please|have|get|i want|i need|i would like|i d like)\s+(?:someone|somebody|"
        r"an agent|a person|a human|a representative|one of you|(?:a|the|your)\s+(?:manager|supervisor|specialist|"
        r"advisor|adviser|colleague|staff member|team leader))\s+(?:(?:on|from|at) your (?:end|side|team|company)\s+)?"
        r"(?:be able to\s+)?(?:to\s+)?(?:(?:call|ring|phone|contact)\s+(?:me|us)|give (?:me|us) a (?:call|ring))\b",
        r"\b(?:can|could|would|will|please|have|i want|i need|i d like)\s+(?:someone|somebody|a (?:colleague|manager|"
        r"supervisor|person|human|staff member|specialist)|one of (?:you|your (?:staff|team|colleagues|people)))\s+"
        r"(?:(?:on|from|at) your (?:end|side|team|company)\s+)?(?:be able to\s+)?(?:personally\s+)?(?:to\s+)?"
        r"(?:look (?:at|into)|"
        r"check|review|handle|take a look)\b",
        # "(I'd appreciate it if) a representative could give me a ring"
        r"\b(?:a|an|one of your|your|someone from your|somebody from your)\s+(?:representative|rep|agent|advisor|"
        r"adviser|manager|supervisor|person|human|colleague|staff member|specialist|team member)\s+(?:could|can|"
        r"would|to)\s+(?:please\s+)?(?:(?:call|ring|phone|contact)\s+(?:me|us)|give (?:me|us) a (?:call|ring))\b",
        r"\b(?:request|want|need|book|schedule|arrange)\s+(?:a\s+)?(?:call\s*back|phone call from (?:an agent|"
        r"a person|a human|someone))\b",
        # "can someone else use my account?" asks about access, not for a person
        r"\b(?:can|could|may)\s+(?:i\s+(?:get|have|talk to|speak to|speak with)\s+)?(?:someone|somebody)\s+else\b"
        r"(?!\s+(?:use|access|log|pay|see|have|get|open|make|sign|withdraw|spend|buy|order|read|change|"
        r"collect|pick|receive|sign|view|manage)\b)",
        rf"\bget\s+me\s+(?:to|through to)\s+{_EN_DET}{_EN_NOUN}\b",
        r"\b(?:real|live|actual)\s+(?:person|people|ppl|human|agent)s?\s+"
        r"(?:to (?:talk|chat|speak)|available|please|now)\b",
        r"\b(?:please\s+)?escalate\s+(?:this|it|my (?:case|issue|complaint|ticket))(?:\s+(?:please|now))?$",
    ),
    solo=(
        r"(?:(?:please|pls|plz|now|right now|asap|immediately|just|ok|okay|hi|hello|hey|yes|yeah|i want|"
        r"i need|i said|get me|give me|can i have|can i get|may i have|a|an|the|real|live|actual|talk to|"
        r"speak to|connect me to|transfer me to|transfer to|send me to|to|thanks|thank you|then|again|already|"
        r"seriously|omg|mate|dude|escalate|escalation|requesting|request)\s+)*"
        r"(?:humans?|human beings?|persons?|agents?|live agents?|human agents?|representatives?|rep|operators?|"
        r"supervisors?|managers?|customer (?:service|support|care)|live chat|live support|real person|"
        r"live person|someone real|somebody real|real human|escalate|escalation)"
        r"(?:\s+(?:please|pls|plz|now|right now|asap|immediately|thanks|thank you|then|again|already|"
        r"seriously|mate|dude|needed|required|here|to chat|to talk))*"
    ),
    negation_before=r"\b(?:don t|dont|do not|doesn t|doesnt|does not|didn t|didnt|did not|never|not|won t|wont|"
    r"wouldn t|no need|no longer|no point|without|rather not|needn t|neednt|wasn t|weren t)\b"
    r"(?!\s+(?:know|understand|get it|see|think|sure|helping|helpful|working|work|care|mind|answered|resolved|"
    r"solved|fixed|clear|happy|satisfied|able|getting)\b)",
)

# Refusing the bot is itself a request for a person; these are not subject to negation checks.
BOT_REFUSALS = (
    r"\b(?:don t|dont|do not|no more|stop|enough|done|tired of|sick of)\s+(?:want\s+(?:to\s+)?)?(?:talk|talking|"
    r"speak|speaking|chat|chatting)\s+(?:to|with)\s+(?:a|an|the|this|your)?\s*(?:stupid\s+|dumb\s+|useless\s+|"
    r"fucking\s+|damn\s+)?(?:bot|robot|chatbot|machine|ai|computer|automated system)\b",
    r"\b(?:don t|dont|do not)\s+want\s+(?:a|an|the|this|your)?\s*(?:bot|robot|chatbot|machine|ai)\b",
)

# Latin-script words worth correcting when a customer mistypes them by one letter.
FUZZY_KEYWORDS = (
    "there",
    "with",
    "talk",
    "chat",
    "contact",
    "talking",
    "speaking",
    "chatting",
    "contacting",
    "assistant",
    "available",
    "human",
    "person",
    "agent",
    "representative",
    "operator",
    "somebody",
    "someone",
    "supervisor",
    "manager",
    "speak",
    "transfer",
    "connect",
    "customer",
    "service",
    "support",
    "people",
    "please",
    "mensch",
    "menschen",
    "mitarbeiter",
    "manniska",
    "handlaggare",
    "menneske",
    "kundeservice",
    "ihmisen",
    "asiakaspalvelijan",
    "personne",
    "conseiller",
    "humain",
    "persona",
    "humano",
    "operatore",
    "medewerker",
    "atendente",
    "konsultantem",
    "czlowiekiem",
    "temsilcisi",
    "representante",
    "operador",
    "asesor",
    "agente",
)
