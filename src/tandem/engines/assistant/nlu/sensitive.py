"""Keywords of sensitive situations (fraud, hardship, disputes, vulnerability, bereavement) in many languages.

These run as rules, before and independently of the intent model: a customer who mentions a death or a scam
is routed to a senior human even when the model is unsure what they want.
"""

from __future__ import annotations

import re
from enum import StrEnum

from tandem.domain.skills import Topic
from tandem.engines.assistant.handoff import fold


class Sensitivity(StrEnum):
    FRAUD = "fraud"
    HARDSHIP = "hardship"
    DISPUTE = "dispute"
    VULNERABILITY = "vulnerability"
    BEREAVEMENT = "bereavement"


TOPIC_OF_SENSITIVITY: dict[Sensitivity, Topic] = {
    Sensitivity.FRAUD: Topic.FRAUD,
    Sensitivity.HARDSHIP: Topic.HARDSHIP,
    Sensitivity.DISPUTE: Topic.DISPUTES,
    Sensitivity.VULNERABILITY: Topic.HARDSHIP,
    Sensitivity.BEREAVEMENT: Topic.HARDSHIP,
}

_PATTERNS: dict[Sensitivity, str] = {
    Sensitivity.FRAUD: (
        r"fraud\w*|scam\w*|stolen|hacked|identity theft|unauthori[sz]ed|never (?:placed|ordered)|"
        r"didn t (?:place|order) (?:this|that|it|an|the)|didn t make (?:this|that|the) "
        r"(?:purchase|payment|order)|not my (?:purchase|order)|someone (?:used|opened|took|stole)|phishing|"
        r"betrug|gestohlen|gehackt|bedrägeri|bedrageri|stulen|kapad|svindel|stjålet|stjalet|petos|varastettu|"
        r"fraude|arnaque|volé|vole|estafa|robad[oa]|truffa|rubat[oa]|oplichting|gestolen|golpe|roubad[oa]|"
        r"oszustw\w*|kradzież|kradziez|dolandırıcılık|dolandiricilik|çalındı|calindi|мошенни\w*|украл\w*|"
        r"احتيال|نصب|سرقة|धोखाधड़ी|詐欺|诈骗|盗刷|사기|도용|podvod"
    ),
    Sensitivity.HARDSHIP: (
        r"can t (?:afford|pay)|cannot (?:afford|pay)|unable to pay|lost my job|unemployed|redundan\w*|"
        r"bankrupt\w*|insolven\w*|debt collect\w*|bailiff\w*|evict\w*|no money|financial (?:difficult\w*|"
        r"hardship|trouble)|struggling (?:to pay|financially)|kann nicht (?:zahlen|bezahlen)|arbeitslos|"
        r"inkasso|schulden|kan inte betala|arbetslös|arbetslos|kronofogden|skulder|kan ikke betale|"
        r"arbeidsledig|arbejdsløs|arbejdslos|en pysty maksamaan|työtön|tyoton|ulosotto|je ne peux pas payer|"
        r"chômage|chomage|huissier|no puedo pagar|desemplead\w*|non posso pagare|disoccupat\w*|"
        r"kan niet betalen|werkloos|deurwaarder|não posso pagar|nao posso pagar|desempregad\w*|"
        r"nie mogę zapłacić|nie moge zaplacic|bezrobotn\w*|komornik|ödeyemiyorum|odeyemiyorum|işsiz|issiz|"
        r"не могу заплатить|безработн\w*|لا أستطيع الدفع|払えない|付不起|还不起|돈이 없"
    ),
    Sensitivity.DISPUTE: (
        r"disput\w*|chargeback|never (?:received|arrived|got)|didn t (?:receive|arrive|get) (?:my|the|it)|"
        r"(?:shop|store|merchant|seller|retailer|they) never (?:sent|shipped|delivered)|"
        r"charged twice|double charged|faulty|broken item|not as described|merchant (?:won t|refuses|will not)|"
        r"reklamation|widerspruch|nie angekommen|bestrid\w*|reklamat\w*|aldrig kommit|litige|contestation|"
        r"jamais reçu|jamais recu|disputa|reclamación|reclamacion|nunca llegó|nunca llego|contestazione|"
        r"mai arrivato|geschil|nooit ontvangen|contestação|contestacao|nunca chegou|reklamacja|nie dotarł|"
        r"nie dotarl|itiraz|оспор\w*|не получил|نزاع|届かない|没收到|争议|받지 못"
    ),
    Sensitivity.VULNERABILITY: (
        r"suicid\w*|kill myself|end my life|self harm|hurt myself|can t go on|domestic (?:violence|abuse)|"
        r"abus(?:e|ive) (?:partner|relationship)|coerc\w*|forced me to|mental health|depress\w*|dementia|"
        r"alzheimer\w*|cancer|terminally ill|in hospital|hospitali[sz]ed|disabilit\w*|carer|"
        r"selbstmord|suizid|självmord|sjalvmord|selvmord|itsemurha|masennus|depression|dépression|suicidio|"
        r"suicídio|samobój\w*|samoboj\w*|intihar|суицид|самоубийств\w*|انتحار|自杀|自殺|자살|krebs|cancro"
    ),
    Sensitivity.BEREAVEMENT: (
        r"passed away|died|death of|deceased|funeral|bereave\w*|widow\w*|late (?:husband|wife|mother|father)|"
        r"verstorben|gestorben|beerdigung|avliden|gick bort|har dött|begravning|døde|dode|begravelse|kuoli|"
        r"hautajaiset|décédé|decede|décès|deces|funérailles|falleci\w*|murió|murio|funeral|deceduto|morto|"
        r"overleden|faleceu|falecido|zmarł|zmarl|pogrzeb|vefat etti|умер\w*|скончал\w*|توفي|توفى|"
        r"亡くなり|去世|过世|사망|돌아가"
    ),
}


def _compile(pattern: str) -> re.Pattern[str]:
    """Compile an alternation against folded text, on word edges for spaced scripts."""
    return re.compile(rf"(?:(?<=\s)|^)(?:{fold(pattern)})(?=\s|$)|(?:{fold(_cjk_terms(pattern))})")


def _cjk_terms(pattern: str) -> str:
    """The alternatives written in scripts without spaces, matched anywhere."""
    terms = [t for t in pattern.split("|") if t and all(ord(ch) > 0x2E80 for ch in t)]
    return "|".join(terms) or "(?!)"


_COMPILED = {sensitivity: _compile(pattern) for sensitivity, pattern in _PATTERNS.items()}


def sensitivities(text: str) -> tuple[Sensitivity, ...]:
    """Return the sensitive situations a message mentions, in a fixed order."""
    folded = " ".join(re.sub(r"[^\w\s]", " ", fold(text[:2000])).split())
    return tuple(s for s, pattern in _COMPILED.items() if pattern.search(folded))
