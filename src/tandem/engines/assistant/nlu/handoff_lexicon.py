"""Per-language phrasings of "let me talk to a human", as regular expressions over folded text.

Patterns are written in natural spelling and folded (lower case, accents removed) with the same function
as the customer's text, so "människa", "manniska" and "MÄNNISKA" all match. Apostrophes become spaces
("don't" -> "don t"). Each language has request frames, a "solo" body for messages that are nothing but a
request ("agent please", "人工"), and negation cues checked just before (and for some languages just after)
a match.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LanguageRules:
    """The handoff phrasings of one language."""

    frames: tuple[str, ...]
    solo: str = ""
    negation_before: str = ""
    negation_after: str = ""
    unspaced: bool = False  # CJK: no word boundaries, negation checked by characters


_EN_DET = (
    r"(?:(?:a|an|the|some|one|any|your|ur|real|actual|live|living|human|proper|another|breathing|competent|"
    r"normal|non robotic|other|of your|one of your|someone from|somebody from|damn|goddamn|fucking|fuckin|bloody|"
    r"freaking|frigging|effing)\s+){0,3}"
)
_EN_NOUN = (
    r"(?:humans?|human beings?|persons?|people|agents?|representatives?|reps?|operators?|someone|somebody|"
    r"anyone|anybody|staff(?: member)?|employees?|advisors?|advisers?|consultants?|managers?|supervisors?|"
    r"customer (?:service|support|care)(?: (?:agent|rep|representative|team|person|department))?|"
    r"support (?:team|staff|agent|person)|team members?|associates?|specialists?|member of staff|live chat|"
    r"live support|real one|assistants?|bank workers?|workers?|executives?|reception|front desk|"
    r"(?:[a-z]+\s+)?(?:team|department|dept))"
)
_EN_AFTER_OK = (
    r"(?!\s+(?:s|id|number|code|was|were|is|are|said|told|has|had|did|does|account|name|details|fee|"
    r"fees|commission|login|portal|app|signup|sign up|program|programme|near|nearby|in my area|close to)\b)"
)
_EN_TO = r"(?:to|with|wit|wiht|whit|tp|tto|too|ot|tl)"
_EN_NOT_PAST = r"(?<!was )(?<!were )(?<!been )(?<!i m )(?<!im )"

ENGLISH = LanguageRules(
    frames=(
        rf"\b{_EN_NOT_PAST}(?:(?:talk|speak|chat|communicate|converse|talking|speaking|chatting)\s+"
        rf"(?:directly\s+|right now\s+)?{_EN_TO}|contact|contacting|reach|get hold of|get through to|"
        rf"get in touch with|be connected (?:to|with)|be put through to|deal with|get transferred to|"
        rf"be transferred to)\s+{_EN_DET}{_EN_NOUN}\b{_EN_AFTER_OK}",
        rf"\b(?:connect|transfer|put|pass|forward|redirect|escalate|route|hand|switch|patch|bring)\s+"
        rf"(?:me|us|this|it|my (?:call|chat|case|query|issue|request))?\s*(?:me\s+)?(?:through|over|back|on)?\s*"
        rf"(?:to|with)\s+(?:me\s+)?{_EN_DET}{_EN_NOUN}\b{_EN_AFTER_OK}",
        rf"\b(?:want|need|get|give me|gimme|find|request|require|prefer|demand|would like|d like|wanna|"
        rf"bring me|send me|i ll take)\s+(?:me\s+)?(?:to\s+(?:talk|speak)\s+(?:to|with)\s+)?{_EN_DET}"
        r"(?:humans?|human beings?|real person|live person|actual person|agents?|live agents?|human agents?|"
        r"representatives?|reps?|operators?|supervisors?|managers?|real people|"
        r"customer (?:service|support|care) (?:agent|rep|representative|person))\b" + _EN_AFTER_OK,
        r"\b(?:want|need|get|give me|gimme|find|would like|d like|wanna)\s+(?:me\s+)?(?:someone|somebody)"
        r"(?:\s+else)?(?=\s*$|\s+(?:to (?:talk|speak|chat|help me|call me|look)|please|now|real|who can|"
        r"on the line))",
        r"\b(?:is there|are there|is|anyone|anybody|any)\s+(?:a\s+|an\s+|any\s+)?(?:real\s+|live\s+|actual\s+)?"
        r"(?:human\s+)?"
        r"(?:human|humans|person|people|agent|agents|one|body|someone|somebody|anyone|anybody|operator|"
        r"representative)\s+(?:there|here|available|around|alive|online|on the other end|i can talk to|"
        r"i can speak to|to talk to|to speak to|who can help)\b",
        r"\b(?:can|could|would|will|please|have|get|i want|i need|i would like|i d like)\s+(?:someone|somebody|"
        r"an agent|a person|a human|a representative|one of you)\s+(?:to\s+)?(?:call|ring|phone)\s+me\b",
        r"\b(?:request|want|need|book|schedule|arrange)\s+(?:a\s+)?(?:call\s*back|phone call from (?:an agent|"
        r"a person|a human|someone))\b",
        r"\b(?:can|could|may)\s+(?:i\s+(?:get|have|talk to|speak to|speak with)\s+)?(?:someone|somebody)\s+else\b",
        rf"\bget\s+me\s+(?:to|through to)\s+{_EN_DET}{_EN_NOUN}\b",
        r"\b(?:real|live|actual)\s+(?:person|people|human|agent)s?\s+(?:to (?:talk|chat|speak)|available|please|now)\b",
        r"\b(?:please\s+)?escalate\s+(?:this|it|my (?:case|issue|complaint|ticket))(?:\s+(?:please|now))?$",
    ),
    solo=(
        r"(?:(?:please|pls|plz|plez|now|right now|asap|immediately|just|ok|okay|hi|hello|hey|yes|yeah|i want|"
        r"i need|i said|get me|give me|can i have|can i get|may i have|a|an|the|real|live|actual|talk to|"
        r"speak to|connect me to|transfer me to|transfer to|send me to|to|thanks|thank you|then|again|already|"
        r"seriously|omg|mate|dude|escalate|escalation|requesting|request)\s+)*"
        r"(?:humans?|human beings?|persons?|agents?|live agents?|human agents?|representatives?|rep|operators?|"
        r"supervisors?|managers?|customer (?:service|support|care)|live chat|live support|real person|"
        r"live person|someone real|somebody real|real human|escalate|escalation)"
        r"(?:\s+(?:please|pls|plz|plez|now|right now|asap|immediately|thanks|thank you|then|again|already|"
        r"seriously|mate|dude|needed|required|here|pleaseee|to chat|to talk))*"
    ),
    negation_before=r"\b(?:don t|dont|do not|doesn t|doesnt|does not|didn t|didnt|did not|never|not|won t|wont|"
    r"wouldn t|no need|no longer|no point|without|rather not|needn t|neednt|wasn t|weren t)\b"
    r"(?!\s+(?:know|understand|get it|see|think|sure|helping|helpful|working|work|care|mind|answered|resolved|"
    r"solved|fixed|clear|happy|satisfied|able|getting)\b)",
)

SWEDISH = LanguageRules(
    frames=(
        r"\b(?:prata|tala|snacka|chatta|skriva|få prata|få tala)\s+med\s+(?:en\s+|ett\s+|någon\s+|er\s+|"
        r"eran\s+|din\s+)?(?:riktig\s+|levande\s+|verklig\s+|mänsklig\s+|äkta\s+)?(?:människa|människor|person|"
        r"handläggare|kundtjänst|kundservice|agent|operatör|medarbetare|någon|supporten|support|rådgivare|"
        r"personal|chef)\b",
        r"\bkoppla\s+(?:mig|mej)?\s*(?:vidare\s+)?(?:till|med)\s+(?:en\s+)?(?:riktig\s+)?(?:människa|person|"
        r"handläggare|kundtjänst|agent|operatör|medarbetare|någon)\b",
        r"\bvill\s+(?:ha|ha hjälp av|prata med)\s+(?:en\s+)?(?:riktig\s+|levande\s+)?(?:människa|handläggare|"
        r"operatör|agent|person)\b",
    ),
    solo=r"(?:(?:jag vill ha|ge mig|en|riktig|levande)\s+)*(?:människa|handläggare|kundtjänst|operatör|"
    r"riktig person|levande person)(?:\s+(?:tack|nu|snälla|direkt))*",
    negation_before=r"\b(?:inte|ej|aldrig|ingen|inga|slippa)\b",
)

NORWEGIAN = LanguageRules(
    frames=(
        r"\b(?:snakke|prate|chatte|skrive|tale)\s+med\s+(?:en\s+|et\s+|noen\s+|deres\s+)?(?:ekte\s+|virkelig\s+|"
        r"levende\s+)?(?:menneske|mennesker|person|saksbehandler|kundeservice|kundebehandler|rådgiver|agent|"
        r"operatør|ansatt|noen)\b",
        r"\b(?:sett|sette|koble|kople|overfør)\s+(?:meg\s+)?(?:over\s+|videre\s+)?(?:til|med)\s+(?:en\s+|et\s+)?"
        r"(?:ekte\s+)?(?:menneske|person|saksbehandler|kundeservice|rådgiver|agent|operatør)\b",
    ),
    solo=r"(?:(?:jeg vil ha|gi meg|et|en|ekte)\s+)*(?:menneske|saksbehandler|kundeservice|operatør|ekte person)"
    r"(?:\s+(?:takk|nå|please|fort))*",
    negation_before=r"\b(?:ikke|ikkje|aldri|ingen)\b",
)

DANISH = LanguageRules(
    frames=(
        r"\b(?:tale|snakke|chatte|skrive)\s+med\s+(?:en\s+|et\s+|nogen\s+|jeres\s+)?(?:rigtig\s+|rigtigt\s+|"
        r"levende\s+|ægte\s+)?(?:menneske|mennesker|person|medarbejder|kundeservice|rådgiver|agent|operatør|"
        r"sagsbehandler|nogen)\b",
        r"\b(?:stil|viderestil|forbind|send)\s+(?:mig\s+)?(?:videre\s+)?(?:til|med)\s+(?:en\s+|et\s+)?"
        r"(?:rigtig\s+)?(?:menneske|person|medarbejder|kundeservice|rådgiver|agent|operatør)\b",
    ),
    solo=r"(?:(?:jeg vil have|giv mig|et|en|rigtigt|rigtig)\s+)*(?:menneske|medarbejder|kundeservice|"
    r"rigtig person)(?:\s+(?:tak|nu|please))*",
    negation_before=r"\b(?:ikke|aldrig|ingen)\b",
)

FINNISH = LanguageRules(
    frames=(
        r"\b(?:puhua|puhumaan|puhuisin|jutella|keskustella|chattailla|chatata|asioida)\s+(?:oikean\s+|elävän\s+|"
        r"jonkun\s+)?(?:ihmisen|asiakaspalvelijan|henkilön|virkailijan|työntekijän|agentin|asiakaspalvelun|"
        r"ihmisten)\s+kanssa\b",
        r"\b(?:ihmisen|asiakaspalvelijan|henkilön|virkailijan|työntekijän|agentin)\s+kanssa\s+(?:puhua|puhumaan|"
        r"keskustella|jutella|asioida)\b",
        r"\b(?:haluan|tarvitsen|saisinko|voinko saada|anna)\s+(?:oikean\s+|elävän\s+)?(?:ihmisen|"
        r"asiakaspalvelijan|virkailijan|henkilön)\b",
        r"\b(?:yhdistä|ohjaa|siirrä)\s+(?:minut\s+)?(?:oikealle\s+)?(?:ihmiselle|asiakaspalvelijalle|"
        r"virkailijalle|asiakaspalveluun|henkilölle)\b",
    ),
    solo=r"(?:(?:oikea|haluan)\s+)*(?:ihminen|asiakaspalvelija|asiakaspalvelu|virkailija)(?:\s+(?:kiitos|nyt|"
    r"heti))*",
    negation_before=r"\b(?:en|et|ei|emme|ette|eivät|älä|ilman)\b",
)

GERMAN = LanguageRules(
    frames=(
        r"\bmit\s+(?:einem|einer|einen|jemandem|dem|der|ihrem|ihrer|eurem|eurer|nem|ner|echten|richtigen)?\s*"
        r"(?:echten|richtigen|menschlichen|lebenden|realen|zuständigen)?\s*(?:menschen|mensch|mitarbeiter|"
        r"mitarbeiterin|berater|beraterin|sachbearbeiter|sachbearbeiterin|kundenservice|kundendienst|"
        r"kundenbetreuer|kundenbetreuerin|person|agenten|operator|servicemitarbeiter|vorgesetzten|jemandem|"
        r"support|menschen sprechen)\s+(?:\w+\s+)?(?:sprechen|reden|chatten|schreiben|verbunden|verbinden|"
        r"telefonieren)\b",
        r"\b(?:sprechen|reden|chatten)\s+mit\s+(?:einem|einer|jemandem|dem|der|ihrem|ihrer)?\s*(?:echten|"
        r"richtigen|menschlichen)?\s*(?:menschen|mitarbeiter|mitarbeiterin|berater|beraterin|sachbearbeiter|"
        r"kundenservice|person|jemandem)\b",
        r"\b(?:verbinde|verbinden|weiterleiten|leiten|leite|stelle|stellen|durchstellen)\s+(?:sie\s+)?"
        r"(?:mich\s+)?(?:bitte\s+)?(?:weiter\s+)?(?:mit|an|zu)\s+(?:einem|einer|einen|jemandem|dem|der)?\s*"
        r"(?:echten\s+)?(?:menschen|mitarbeiter|mitarbeiterin|berater|beraterin|sachbearbeiter|kundenservice|"
        r"person|jemandem|kundendienst)\b",
        r"\b(?:will|möchte|moechte|brauche|hätte gern|hätte gerne|wünsche|verlange)\s+(?:bitte\s+)?(?:jetzt\s+)?"
        r"(?:einen|eine|einem)?\s*(?:echten\s+|richtigen\s+)?(?:menschen|mitarbeiter|mitarbeiterin|berater|"
        r"beraterin|sachbearbeiter)\b",
    ),
    solo=r"(?:(?:ich will|ich möchte|einen|eine|echten|echter|bitte)\s+)*(?:mensch|menschen|mitarbeiter|"
    r"mitarbeiterin|kundenservice|kundendienst|berater|sachbearbeiter|echter mensch)(?:\s+(?:bitte|jetzt|"
    r"sofort|danke))*",
    negation_before=r"\b(?:nicht|kein|keine|keinen|keinem|keiner|nie|niemals|ohne)\b",
)

FRENCH = LanguageRules(
    frames=(
        r"\b(?:parler|discuter|échanger|chatter|communiquer|causer)\s+(?:avec|à|au|a)\s+(?:un|une|le|la|l|"
        r"quelqu un|votre|vos|des|mon)?\s*(?:vrai|vraie|véritable|être)?\s*(?:humain|humaine|personne|"
        r"conseiller|conseillère|agent|opérateur|opératrice|quelqu un|service client|interlocuteur|"
        r"responsable|superviseur|employé|gens|vraies personnes)\b",
        r"\b(?:passez|passe|transférez|transfère|transferer|mettez|mets|connectez|redirigez|redirige|"
        r"orientez)\s*(?:moi)?\s*(?:en relation\s+|en contact\s+)?(?:(?:avec|à|au|vers|a)\s+)?(?:un|une|le|la|l)?"
        r"\s*(?:vrai\s+|vraie\s+)?(?:humain|personne|conseiller|conseillère|agent|opérateur|opératrice|"
        r"quelqu un|service client)\b",
        r"\b(?:je veux|je voudrais|j aimerais|je souhaite|je demande|il me faut|besoin d|donnez moi)\s+"
        r"(?:un|une|d un|d une|un vrai|une vraie)?\s*(?:vrai\s+|vraie\s+)?(?:humain|conseiller|conseillère|"
        r"agent|opérateur|opératrice|personne réelle|vraie personne|être humain)\b",
    ),
    solo=r"(?:(?:un|une|vrai|vraie|je veux)\s+)*(?:humain|conseiller|conseillère|opérateur|être humain|"
    r"vraie personne|service client)(?:\s+(?:svp|s il vous plaît|s il te plaît|stp|merci|maintenant))*",
    negation_before=r"\b(?:pas|ne|n|jamais|aucun|aucune|sans|plus)\b",
)

SPANISH = LanguageRules(
    frames=(
        r"\b(?:hablar|conversar|chatear|comunicarme|comunicar|platicar|charlar|contactar)\s+(?:con|a)\s+"
        r"(?:un|una|el|la|algún|alguna|su|sus|alguien|uno de sus)?\s*(?:verdadero\s+|verdadera\s+|ser\s+)?"
        r"(?:humano|humana|persona|persona real|agente|asesor|asesora|operador|operadora|representante|"
        r"ejecutivo|ejecutiva|alguien|servicio al cliente|atención al cliente|encargado|supervisor|"
        r"gerente|personal)\b",
        r"\b(?:pásame|pasame con|páseme|comuníqueme|comunícame|conéctame|conécteme|transfiéreme|"
        r"transfiérame|derívame|llévame)\s+(?:con|a)?\s*(?:un|una|el|la)?\s*(?:humano|persona|agente|asesor|"
        r"asesora|operador|operadora|representante|ejecutivo|alguien)\b",
        r"\b(?:quiero|necesito|quería|quisiera|deseo|pido|dame|denme)\s+(?:un|una|a un|a una)?\s*"
        r"(?:humano|agente|asesor|asesora|operador|operadora|persona real|representante|ser humano|ejecutivo)\b",
        r"\bque me (?:atienda|ayude|llame)\s+(?:un|una)\s+(?:persona|humano|agente|asesor|asesora|operador|"
        r"operadora|ser humano)\b",
    ),
    solo=r"(?:(?:un|una|quiero|dame)\s+)*(?:humano|agente|asesor|asesora|operador|operadora|persona real|"
    r"representante|ejecutivo)(?:\s+(?:por favor|porfa|porfavor|ya|ahora|gracias))*",
    negation_before=r"\b(?:no|nunca|ni|jamás|sin)\b",
)

ITALIAN = LanguageRules(
    frames=(
        r"\b(?:parlare|chattare|comunicare|parlo|parli|parlarne)\s+con\s+(?:un|una|l|il|la|qualcuno|dell|del|"
        r"un vero|una vera|uno dei vostri)?\s*(?:vero\s+|vera\s+|essere\s+)?(?:operatore|operatrice|persona|"
        r"persona vera|persona reale|umano|consulente|agente|assistente|qualcuno|addetto|servizio clienti|"
        r"responsabile)\b",
        r"\b(?:passami|mi passi|mettimi in contatto|collegami|trasferiscimi|mi metta in contatto|mi colleghi|"
        r"mi passa)\s+(?:con|a)?\s*(?:un|una|l|il)?\s*(?:operatore|operatrice|persona|umano|consulente|"
        r"agente|qualcuno)\b",
        r"\b(?:voglio|vorrei|ho bisogno di|chiedo|datemi)\s+(?:un|una|l)?\s*(?:operatore|operatrice|umano|"
        r"persona vera|persona reale|consulente|essere umano)\b",
    ),
    solo=r"(?:(?:un|voglio)\s+)*(?:operatore|operatrice|umano|persona vera|consulente|essere umano)"
    r"(?:\s+(?:per favore|grazie|subito|adesso|ora))*",
    negation_before=r"\b(?:non|mai|nessun|nessuno|senza)\b",
)

DUTCH = LanguageRules(
    frames=(
        r"\b(?:praten|spreken|chatten|bellen)\s+(?:met|tegen)\s+(?:een|de|iemand|jullie|uw)?\s*(?:echte|echt)?"
        r"\s*(?:mens|medewerker|medewerkster|persoon|iemand|agent|klantenservice|adviseur|operator|"
        r"klantendienst)\b",
        r"\bmet\s+(?:een|de|iemand|jullie|uw)?\s*(?:echte|echt)?\s*(?:mens|medewerker|medewerkster|persoon|"
        r"iemand|agent|klantenservice|adviseur)\s+(?:\w+\s+)?(?:praten|spreken|chatten|bellen)\b",
        r"\b(?:verbind|verbinden|doorverbinden|zet|stuur)\s+(?:me|mij)?\s*(?:door\s+)?(?:met|naar)\s+(?:een|de)?"
        r"\s*(?:echte\s+)?(?:mens|medewerker|persoon|iemand|klantenservice|agent)\b",
        r"\b(?:wil|zou graag|wil graag|ik wil)\s+(?:een\s+)?(?:echte\s+|echt\s+)?(?:mens|medewerker|persoon)\b",
        r"\b(?:kan ik|mag ik|wil ik|ik wil|ik zou graag)\s+(?:een\s+|de\s+)?(?:echte\s+|echt\s+)?(?:mens|medewerker|"
        r"iemand|persoon|klantenservice)(?:\s+van\s+(?:de\s+)?klantenservice)?\s+(?:spreken|bellen)\b",
    ),
    solo=r"(?:(?:een|echte|echt)\s+)*(?:mens|medewerker|klantenservice|echt persoon)(?:\s+(?:graag|alstublieft|"
    r"aub|alsjeblieft|nu|a u b))*",
    negation_before=r"\b(?:niet|geen|nooit|zonder)\b",
)

PORTUGUESE = LanguageRules(
    frames=(
        r"\b(?:falar|conversar|papear|comunicar|chat)\s+com\s+(?:um|uma|o|a|algum|alguém|seu|sua)?\s*"
        r"(?:ser\s+)?(?:humano|pessoa|pessoa real|atendente|agente|operador|operadora|representante|"
        r"consultor|consultora|alguém|funcionário|suporte|assistente|gerente)\b",
        r"\b(?:me passa|me transfere|me transfira|transfira me|me encaminha|me encaminhe|me conecte|"
        r"me coloque|me passe)\s+(?:para|pra|com|a|ao)?\s*(?:um|uma|o)?\s*(?:humano|pessoa|atendente|agente|"
        r"operador|alguém|atendimento humano)\b",
        r"\b(?:quero|preciso de|preciso|gostaria de|queria)\s+(?:um|uma)?\s*(?:atendente|humano|"
        r"atendimento humano|pessoa real|operador|agente|ser humano)\b",
    ),
    solo=r"(?:(?:um|uma|quero)\s+)*(?:atendente|atendimento humano|humano|operador|pessoa real|ser humano)"
    r"(?:\s+(?:por favor|pfv|pf|agora|já|obrigado|obrigada))*",
    negation_before=r"\b(?:não|nao|nunca|nem|sem)\b",
)

POLISH = LanguageRules(
    frames=(
        r"\b(?:rozmawiać|porozmawiać|mówić|pogadać|połączyć|połącz|połączcie|przekieruj|przekierować|"
        r"przełącz|przełączyć|skontaktować)\s+(?:mnie\s+)?(?:się\s+)?(?:z|ze|do)\s+(?:prawdziwym\s+|żywym\s+|"
        r"żywą\s+|prawdziwą\s+)?(?:człowiekiem|konsultantem|konsultantką|pracownikiem|agentem|operatorem|"
        r"osobą|doradcą|kimś|obsługą|konsultanta|człowieka)\b",
        r"\b(?:chcę|chciałbym|chciałabym|poproszę|potrzebuję)\s+(?:z\s+)?(?:prawdziwego\s+|żywego\s+)?"
        r"(?:człowieka|konsultanta|konsultantkę|pracownika|agenta|operatora|doradcy|doradcę)\b",
        r"\b(?:połączenie|przełączenie|kontakt|rozmowę|rozmowa)\s+(?:z|ze)\s+(?:prawdziwym\s+|żywym\s+)?"
        r"(?:człowiekiem|konsultantem|konsultantką|pracownikiem|agentem|operatorem|doradcą)\b",
    ),
    solo=r"(?:(?:prawdziwy|żywy)\s+)*(?:konsultant|człowiek|operator|doradca|pracownik|żywy człowiek)"
    r"(?:\s+(?:proszę|teraz|pilnie))*",
    negation_before=r"\b(?:nie|nigdy|bez)\b",
)

TURKISH = LanguageRules(
    frames=(
        r"\b(?:müşteri temsilcisi|temsilci|yetkili|operatör|insan|gerçek bir insan|gerçek kişi|biri|birisi|"
        r"canlı destek|canlı biri|çalışan|personel|müşteri hizmetleri)\w*\s+(?:ile\s+|biriyle\s+)?"
        r"(?:görüşmek|konuşmak|görüşebilir|konuşabilir|bağla|bağlayın|bağlar|bağlayabilir|aktar|aktarın|"
        r"istiyorum|lazım|talep|görüşeyim|konuşayım|yönlendir)",
        r"\b(?:beni\s+)?(?:müşteri temsilcisine|temsilciye|yetkiliye|operatöre|insana|canlı desteğe|"
        r"çalışana)\s+(?:bağla|bağlayın|bağlar|aktar|aktarın|yönlendir)",
    ),
    solo=r"(?:(?:bir|gerçek)\s+)*(?:müşteri temsilcisi|temsilci|canlı destek|yetkili|operatör|gerçek insan)"
    r"(?:\s+(?:lütfen|istiyorum|hemen|şimdi|acil))*",
    negation_after=r"^\w*\s*(?:istemiyorum|istemem|istemiyoruz|gerek yok|gerekmiyor|değil)",
)

ARABIC = LanguageRules(
    frames=(
        r"(?:التحدث|التكلم|الكلام|اتكلم|أتكلم|اكلم|أكلم|احكي|أحكي|أتحدث|اتحدث|التواصل|أتواصل|اتواصل|نتكلم|"
        r"الدردشة)\s+(?:مع\s+)?(?:[^\s]+\s+)?(?:موظف|شخص|انسان|إنسان|بشر|بشري|خدمة العملاء|ممثل|مندوب|مسؤول|"
        r"أحد الموظفين|حد)",
        r"(?:حولني|حولوني|وصلني|اوصلني|أوصلني|حوّلني|اربطني|ابغى|أبغى|عايز|عاوز|أريد|اريد|بدي)\s+(?:الى\s+|"
        r"إلى\s+|ل\s*|مع\s+|ب\s*)?(?:موظف|شخص حقيقي|انسان|إنسان|بشري|خدمة العملاء|ممثل خدمة العملاء|مندوب)",
    ),
    solo=r"(?:(?:اريد|أريد|ابغى|عايز)\s+)?(?:موظف|موظف بشري|انسان|إنسان|شخص حقيقي|خدمة العملاء)"
    r"(?:\s+(?:من فضلك|لو سمحت|الآن|الان|رجاء))*",
    negation_before=r"(?:^|\s)(?:لا|لست|ما|مش|مو|ليس|لن|بدون)(?:\s|$)",
)

HINDI = LanguageRules(
    frames=(
        r"(?:इंसान|व्यक्ति|एजेंट|प्रतिनिधि|सेवा|केयर|सर्विस|अधिकारी|कर्मचारी|आदमी|किसी|मनुष्य|व्यक्ति)\s+से\s+"
        r"(?:बात|संपर्क|मिलवा|जोड़|कनेक्ट|बात करवा)",
        r"\b(?:insaan|insan|agent|customer care|customer service|executive|banda|bande|kisi|aadmi|"
        r"representative|staff)\s+(?:se|say|sey)\s+(?:baat|bat|connect|milwa|jod|jodo|baat karao|baat karwao)",
        r"(?:असली|किसी)\s+(?:इंसान|व्यक्ति)\s+(?:से|को)",
        r"बात\s+(?:[^\s]+\s+){0,2}(?:इंसान|व्यक्ति|एजेंट|प्रतिनिधि|अधिकारी|कर्मचारी)\s+से\s+(?:हो|करा|करवा)",
    ),
    solo=r"(?:एजेंट|इंसान|कस्टमर केयर|ग्राहक सेवा)(?:\s+(?:प्लीज|कृपया|चाहिए|दीजिए))*",
    negation_after=r"^.{0,14}(?:नहीं|मत|nahi|nahin|nhi|mat)",
)

JAPANESE = LanguageRules(
    frames=(
        r"(?:人間|人)と(?:話|はな)(?:したい|させて|せて|がしたい|をしたい|できま|させてください)",
        r"(?:オペレーター|オペレータ|担当者|担当の方|有人|スタッフ|係の人|係員|窓口の人|サポートの人|"
        r"カスタマーサポート|人間|生身の人)(?:と|に|へ|で|の方と|の方に|を)?(?:話|はな|代わ|かわ|つな|繋|変わ|"
        r"替わ|対応|チャット|相談|お願い|おねがい|呼んで|よんで|出して|だして)(?!しました|した(?!い|く)|しています|していた)",
    ),
    solo=r"(?:オペレーター|オペレータ|担当者|有人対応|人間)(?:\s*(?:お願いします|おねがいします|お願い|ください|"
    r"を|に|と|で|さん))*",
    negation_after=r"^.{0,6}(?:たくない|たくありません|なくていい|ないで|不要|結構|しないで)",
    unspaced=True,
)

CHINESE = LanguageRules(
    frames=(
        r"(?:转接|轉接|接通|连接|連接|转|轉|找|接|要|换|換|叫|请|請|需要|想要|联系|聯繫|联络|聯絡)(?:一个|一個|个|個|一下|一位|位)?"
        r"(?:人工|真人|客服|工作人员|工作人員|服务人员|服務人員|客服人员|客服人員|专员|專員)",
        r"(?:跟|和|与|與|同|给|給)(?:一个|一個|一位)?(?:真人|人工|客服|工作人员|工作人員|真正的人|活人|人类|人類|"
        r"你们的人|你們的人)(?:说话|說話|聊|谈|談|讲|講|沟通|溝通|对话|對話|交流)(?!过|過|了)",
    ),
    solo=r"(?:我要|请|請)?(?:人工|人工客服|人工服务|人工服務|真人|转人工|轉人工|真人客服|客服|人工坐席)"
    r"(?:\s*(?:谢谢|謝謝|快点|快點|吧|啊|呢|好吗))*",
    negation_before=r"(?:不|别|別|没|沒|無|无|甭)[^不别別没沒無无甭]{0,2}$",
    unspaced=True,
)

KOREAN = LanguageRules(
    frames=(
        r"(?:상담원|상담사|직원|담당자|사람|고객센터|매니저|상담 직원|실제 사람|진짜 사람)(?:이랑|랑|과|와|하고|한테|"
        r"에게|으로|로|을|를|에|님)?\s*(?:연결|통화|이야기|얘기|대화|말|상담|바꿔)\s*(?:을\s*|를\s*|좀\s*)?"
        r"(?:하고\s*싶|해\s*주|해\s*줘|해줘|해요|부탁|할\s*수|시켜|주세요|줘|요$|$)",
    ),
    solo=r"(?:상담원|상담사|사람|직원)(?:\s*(?:연결|불러\s*주세요|요|좀|부탁해요|부탁합니다))*",
    negation_after=r"^.{0,6}(?:지\s*않|않아|않습니다|싫|필요\s*없|안\s*해)",
    unspaced=True,
)

CZECH = LanguageRules(
    frames=(
        r"\b(?:mluvit|hovořit|promluvit|spojit|spojte|přepojte|přepojit|chatovat|bavit|mluvil|mluvila)\s+"
        r"(?:mě\s+|mne\s+)?(?:se\s+)?(?:s|se|na)\s+(?:živým|skutečným|opravdovým|nějakým|vaším)?\s*"
        r"(?:člověkem|operátorem|operátorkou|pracovníkem|konzultantem|poradcem|někým|agentem|podporou|"
        r"operátora|operátorku|člověka)\b",
        r"\b(?:chci|chtěl bych|chtěla bych|potřebuji|potřebuju)\s+(?:živého\s+|skutečného\s+)?(?:člověka|"
        r"operátora|operátorku|pracovníka|konzultanta|poradce)\b",
    ),
    solo=r"(?:(?:živý|skutečný)\s+)*(?:operátor|operátora|živý člověk|člověk)(?:\s+(?:prosím|hned|ted))*",
    negation_before=r"\b(?:nechci|nechtěl|nechtěla|nepotřebuji|nepotřebuju|nemusím|ne|nikdy|bez)\b",
)

RUSSIAN = LanguageRules(
    frames=(
        r"\b(?:поговорить|говорить|общаться|связаться|пообщаться|побеседовать|соедините|соедини|переключите|"
        r"переключи|переведите|позовите|позови|свяжите|дайте|дай)\s+(?:меня\s+)?(?:с|со|на)?\s*(?:живым\s+|"
        r"настоящим\s+|реальным\s+|живого\s+)?(?:человеком|оператором|сотрудником|консультантом|специалистом|"
        r"менеджером|агентом|поддержкой|кем-то|кем то|оператора|человека|сотрудника|специалиста|менеджера|"
        r"консультанта)\b",
        r"\b(?:хочу|нужен|нужна|нужно|давайте)\s+(?:живого\s+|живой\s+|настоящего\s+)?(?:человека|оператора|"
        r"сотрудника|консультанта|специалиста|оператор|человек|менеджера)\b",
    ),
    solo=r"(?:(?:живой|живого)\s+)*(?:оператор|оператора|живой человек|человек|консультант|специалист)"
    r"(?:\s+(?:пожалуйста|срочно|сейчас|плиз))*",
    negation_before=r"\b(?:не|нет|никогда|ни|без)\b",
)

GREEK = LanguageRules(
    frames=(
        r"(?:μιλήσω|μιλάω|μιλησω|συνομιλήσω|επικοινωνήσω|συνδέστε|συνδέσετε|συνδέστε με|μεταφέρετε|συνδεσε|"
        r"βάλτε με)\s+(?:με\s+)?(?:με|σε|στον|στην|σε έναν|σε ένα)\s+(?:έναν|ένα|μία|μια|κάποιον|τον|την)?\s*"
        r"(?:πραγματικό|αληθινό|ζωντανό)?\s*(?:άνθρωπο|εκπρόσωπο|υπάλληλο|άτομο|χειριστή|συνεργάτη|κάποιον|"
        r"εξυπηρέτηση|εκπρόσωπό)",
        r"\b(?:θέλω|χρειάζομαι)\s+(?:έναν\s+|ένα\s+)?(?:πραγματικό\s+|αληθινό\s+)?(?:άνθρωπο|εκπρόσωπο|υπάλληλο|"
        r"χειριστή)\b",
    ),
    solo=r"(?:(?:έναν|πραγματικό)\s+)*(?:άνθρωπος|άνθρωπο|εκπρόσωπος|εκπρόσωπο|υπάλληλος|υπάλληλο)"
    r"(?:\s+(?:παρακαλώ|τώρα))*",
    negation_before=r"(?:^|\s)(?:δεν|μην|μη|ποτέ|όχι|χωρίς)(?:\s|$)",
)

UKRAINIAN = LanguageRules(
    frames=(
        r"\b(?:поговорити|говорити|спілкуватися|зв\s?язатися|з\s?єднайте|переключіть|переведіть|покличте)\s+"
        r"(?:мене\s+)?(?:з|із|зі|на)?\s*(?:живою\s+|справжньою\s+)?(?:людиною|оператором|співробітником|"
        r"консультантом|менеджером|спеціалістом|кимось|оператора|людину)\b",
        r"\b(?:хочу|потрібен|потрібна|дайте)\s+(?:живого\s+|живу\s+)?(?:оператора|людину|співробітника|"
        r"консультанта|менеджера)\b",
    ),
    solo=r"(?:оператор|оператора|жива людина)(?:\s+(?:будь ласка|терміново))*",
    negation_before=r"\b(?:не|ні|ніколи|без)\b",
)

ROMANIAN = LanguageRules(
    frames=(
        r"\b(?:vorbesc|vorbi|discut|discuta|conectați|conectează|transferați|transferă|legați|puneți|dați)\s*"
        r"(?:mă\s+)?(?:cu|la)\s+(?:un|o)?\s*(?:om|operator|agent|persoană reală|persoană|consultant|"
        r"reprezentant|angajat|cineva|operatoare)\b",
        r"\bvreau\s+(?:un|o)\s+(?:operator|om|agent|consultant|persoană reală)\b",
    ),
    solo=r"(?:operator|om real|consultant)(?:\s+(?:vă rog|va rog|acum))*",
    negation_before=r"\b(?:nu|niciodată|fără)\b",
)

HUNGARIAN = LanguageRules(
    frames=(
        r"\b(?:emberrel|ügyintézővel|operátorral|munkatárssal|ügyfélszolgálattal|kollégával|valakivel|"
        r"ügynökkel|tanácsadóval)\s+(?:szeretnék|akarok|kell|tudok|tudnék)?\s*(?:beszélni|beszéljek|"
        r"chatelni|beszélnék|beszélhetnék|beszélhetek)\b",
        r"\b(?:beszélni|beszélnék|beszélhetnék|beszélhetek|kapcsoljon|kapcsolj|kapcsolna|kapcsoljanak)\s+"
        r"(?:át\s+)?(?:egy\s+)?(?:élő\s+|valódi\s+)?(?:emberrel|ügyintézővel|operátorral|munkatárssal|"
        r"ügyintézőhöz|operátorhoz|emberhez|munkatárshoz)\b",
    ),
    solo=r"(?:ügyintéző|ügyintézőt|operátor|élő ember)(?:\s+(?:kérem|kérek|most))*",
    negation_before=r"\b(?:nem|ne|soha|nélkül)\b",
)

INDONESIAN = LanguageRules(
    frames=(
        r"\b(?:bicara|berbicara|ngobrol|hubungkan|sambungkan|chat|bicarakan|disambungkan|dihubungkan)\s+"
        r"(?:saya\s+)?(?:dengan|ke|sama)\s+(?:seorang\s+)?(?:manusia|agen|operator|petugas|cs|"
        r"customer service|orang asli|orang sungguhan|staf|karyawan|admin)\b",
        r"\b(?:mau|ingin|minta|butuh|perlu)\s+(?:bicara\s+dengan\s+)?(?:manusia|agen|operator|petugas|cs|admin|"
        r"customer service|orang asli)\b",
    ),
    solo=r"(?:agen|operator|petugas|cs|admin|manusia)(?:\s+(?:tolong|dong|please|sekarang))*",
    negation_before=r"\b(?:tidak|nggak|ngga|gak|ga|tak|bukan|jangan|enggak|tanpa)\b",
)

VIETNAMESE = LanguageRules(
    frames=(
        r"\b(?:nói chuyện|gặp|kết nối|chuyển|liên hệ|chat|trò chuyện)\s+(?:tôi\s+|mình\s+|em\s+)?(?:với|cho|đến|"
        r"sang|tới)\s+(?:một\s+)?(?:nhân viên|tổng đài viên|người thật|con người|tư vấn viên|nhân viên tư vấn)\b",
        r"\b(?:cho (?:tôi|mình|em)\s+)?gặp\s+(?:một\s+)?(?:nhân viên|tổng đài viên|người thật|tư vấn viên)\b",
    ),
    solo=r"(?:nhân viên|tổng đài viên|người thật|tư vấn viên)(?:\s+(?:ơi|đi|với|nhé|ạ))*",
    negation_before=r"\b(?:không|đừng|chẳng|chả|khỏi)\b",
)

LANGUAGES: dict[str, LanguageRules] = {
    "en": ENGLISH,
    "sv": SWEDISH,
    "no": NORWEGIAN,
    "da": DANISH,
    "fi": FINNISH,
    "de": GERMAN,
    "fr": FRENCH,
    "es": SPANISH,
    "it": ITALIAN,
    "nl": DUTCH,
    "pt": PORTUGUESE,
    "pl": POLISH,
    "tr": TURKISH,
    "ar": ARABIC,
    "hi": HINDI,
    "ja": JAPANESE,
    "zh": CHINESE,
    "ko": KOREAN,
    "cs": CZECH,
    "ru": RUSSIAN,
    "el": GREEK,
    "uk": UKRAINIAN,
    "ro": ROMANIAN,
    "hu": HUNGARIAN,
    "id": INDONESIAN,
    "vi": VIETNAMESE,
}

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
