"""Declining a person or a transfer in so many words, in many languages: "no need for an agent, it's solved",
"don't transfer me, I only want my balance", "ne kapcsoljon tovább", "상담원 연결은 필요 없어요".

The request rules only see a declined request when one of their own frames matches under a negation cue; these
phrasings match no frame, so the learned backstop used to be asked about them, and it reads the person words as a
request (v16's blind split test17: nine such false positives in nine languages). A match here is a declined
request: the backstop is not asked (as for any declined request), while a request anywhere else in the message
still wins, because the request rules run first. Every pattern needs a "no need / don't" cue and a transfer verb or
a person word together, and a transfer to the bot is not declined ("don't transfer me to the bot" is a request).
Written in natural spelling and folded like the customer's text (handoff._compile); they run on clauses, so
punctuation is gone and apostrophes are spaces.
"""

from __future__ import annotations

_NOT_TO_BOT = r"(?!\s+(?:to|with)\s+(?:the\s+|a\s+|another\s+)?(?:bot|robot|machine|ai)\b)"
_NOT_TO_BOT_ES = r"(?!\s+(?:al|a un|a una|con el|con un|con una)\s+(?:bot|robot|chatbot|asistente virtual)\b)"

DECLINES_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "en": (r"\b(?:no need|don t need|do not need|dont need|not necessary)\s+(?:to\s+(?:transfer|connect|put through|"
           r"escalate)\s+(?:me|this)|(?:for\s+)?(?:an?\s+|a real\s+)?(?:agent|human|person|operator|rep|"
           r"representative|advisor)|to\s+(?:talk|speak|chat)\s+(?:to|with)\s+(?:anyone|anybody|someone|an?\s+"
           r"(?:agent|human|person)))\b",
           rf"\b(?:don t|do not|dont|pls don t|please don t)\s+(?:transfer|connect|forward|escalate)\s+me\b"
           rf"{_NOT_TO_BOT}"),
    "de": (r"\b(?:kein(?:en|e)?)\s+(?:mitarbeiter|menschen|berater|agenten|kundenberater|weiterleitung)\s+"
           r"(?:nötig|notwendig|erforderlich|gebraucht)\b",
           r"\b(?:brauche|brauch|benötige)\s+(?:keinen|kein)\s+(?:mitarbeiter|menschen|berater|kundenberater)\b",
           r"\b(?:nicht|bitte nicht)\s+(?:weiterleiten|verbinden|durchstellen|weiterverbinden)\b",
           r"\b(?:leiten|verbinden|stellen)\s+sie\s+mich\s+(?:bitte\s+)?nicht\b"),
    "sv": (r"\b(?:behöver|behövs)\s+(?:ingen|inte någon|inte nån)\s+(?:handläggare|människa|person|kundtjänst|"
           r"operatör)\b", r"\bkoppla\s+inte\s+(?:mig|vidare)\b"),
    "no": (r"\b(?:trenger|trengs)\s+(?:ingen|ikke noen|ikkje nokon)\s+(?:saksbehandler|person|menneske|"
           r"kundebehandler)\b", r"\bikke\s+(?:sett|koble)\s+meg\b"),
    "da": (r"\b(?:behøver|har brug for|brug for|skal)\s+(?:ingen|ikke nogen|ikke have nogen)\s+(?:medarbejder|"
           r"person|menneske|rådgiver)\b", r"\b(?:stil|viderestil)\s+mig\s+ikke\b"),
    "fi": (r"\bälä\s+(?:siirrä|yhdistä|ohjaa)\s+(?:mua|minua|minut|mut)\b",
           r"\bei\s+(?:tarvitse|tarvi|tartte)\s+(?:siirtää|yhdistää|ihmistä|asiakaspalvelijaa|henkilöä|"
           r"asiakaspalveluun)\b",
           r"\ben\s+(?:tarvitse|tarvi|tartte)\s+(?:ihmistä|asiakaspalvelijaa|henkilöä)\b"),
    "fr": (r"\bpas\s+(?:besoin|la peine|nécessaire)\s+(?:de\s+me\s+(?:transférer|passer|mettre en relation)|d\s+un\s+"
           r"(?:conseiller|agent|humain|opérateur))\b",
           r"\bne\s+me\s+(?:transférez|passez|transfère|passe)\s+pas\b"),
    "es": (r"\bno\s+(?:hace falta|es necesario|necesito)\s+(?:que\s+me\s+(?:pases|pasen|transfieras|transfieran)|"
           r"(?:un\s+|una\s+)?(?:agente|humano|asesor|operador|ejecutivo))\b",
           rf"\bno\s+me\s+(?:pases|pasen|transfieras|transfieran|derives|deriven)\b{_NOT_TO_BOT_ES}"),
    "ca": (r"\bno\s+cal\s+(?:que\s+em\s+passeu|passar-me|passar me|cap\s+agent|un\s+agent|una\s+persona)\b",
           r"\bno\s+em\s+(?:passeu|transferiu)\b"),
    "it": (r"\bnon\s+(?:serve|c e bisogno di|ho bisogno di)\s+(?:un\s+|una\s+)?(?:operatore|umano|consulente)\b",
           r"\bnon\s+mi\s+(?:passi|passate|trasferisca|trasferite|passare|trasferire)\b"),
    "pt": (r"\bnão\s+(?:precisa|preciso|é preciso)\s+(?:de\s+)?(?:me\s+(?:transferir|passar)|(?:um\s+|uma\s+)?"
           r"(?:atendente|humano|operador|consultor))\b",
           r"\bnão\s+me\s+(?:transfira|transfiram|passe|passem)\b"),
    "nl": (r"\b(?:geen|hoeft geen)\s+(?:medewerker|mens|persoon)\s+(?:nodig|te)\b",
           r"\b(?:verbind|schakel)\s+me\s+niet\s+door\b", r"\bniet\s+doorverbinden\b"),
    "pl": (r"\bnie\s+(?:trzeba|potrzebuję|potrzebuje)\s+(?:konsultanta|człowieka|pracownika|przełączać|łączyć)\b",
           r"\bnie\s+(?:przełączaj|łącz|przekierowuj)(?:cie)?\s+mnie\b"),
    "cs": (r"\b(?:nepotřebuju|nepotřebuji|netřeba)\s+(?:operátora|člověka|pracovníka|přepojovat)\b",
           r"\bnepřepojujte\s+mě\b"),
    "sk": (r"\b(?:nepotrebujem|netreba)\s+(?:operátora|človeka|pracovníka|prepájať)\b", r"\bneprepájajte\s+ma\b"),
    "hu": (r"\bne\s+kapcsoljon\s+(?:tovább|át|senkihez)\b",
           r"\bnem\s+kell\s+(?:ügyintéző|ember|operátor|kapcsolni|átkapcsolni|tovább kapcsolni)\b"),
    "ro": (r"\bnu\s+(?:e|este|am)\s+nevoie\s+(?:de\s+)?(?:operator|om|agent|consultant|să\s+mă\s+transferați)\b",
           r"\bnu\s+mă\s+(?:transferați|transfera|mutați)\b"),
    "hr": (r"\bne\s+treba\s+(?:mi\s+)?(?:operater|čovjek|agent|prebacivati|spajati)\b",
           r"\bnemojte\s+me\s+(?:prebacivati|spajati)\b"),
    "bg": (r"\bне\s+(?:е нужно|ми трябва)\s+(?:оператор|човек|да ме прехвърляте|да ме свързвате)",
           r"\bне\s+ме\s+(?:прехвърляйте|свързвайте)"),
    "ru": (r"\bне\s+(?:надо|нужно)\s+(?:меня\s+)?(?:переключать|соединять|переводить|оператора|человека|сотрудника)",
           r"\b(?:оператор|человек|сотрудник)\s+не\s+нужен"),
    "uk": (r"\bне\s+(?:треба|потрібно)\s+(?:мене\s+)?(?:переключати|зєднувати|з єднувати|оператора|людину|"
           r"працівника)", r"\b(?:оператор|людина|працівник)\s+не\s+(?:потрібен|потрібна)"),
    "el": (r"\bδεν\s+(?:χρειάζεται|χρειάζομαι)\s+(?:να\s+με\s+(?:συνδέσετε|μεταφέρετε)|υπάλληλο|άνθρωπο)",
           r"\bμη(?:ν)?\s+με\s+(?:συνδέσετε|μεταφέρετε)"),
    "tr": (r"\b(?:temsilciye|müşteri temsilcisine|operatöre|insana|yetkiliye|bağlamaya|aktarmaya)\s+gerek\s+yok\b",
           r"\b(?:beni\s+)?(?:aktarmayın|bağlamayın|yönlendirmeyin)\b"),
    "he": (r"לא\s+צריך\s+(?:נציג|להעביר|בן\s+אדם)", r"אל\s+תעבירו\s+אותי"),
    "ar": (r"(?:لا|مش|مو|ما)\s+(?:داعي|محتاج|محتاجة|لازم)\s+(?:ل)?(?:موظف|تحويل|للتحويل|تحولني)",),
    "fa": (r"(?:نیازی|لازم)\s+(?:به\s+)?(?:اپراتور|پشتیبان|کارشناس|آدم|وصل)\s+(?:نیست|ندارم)",
           r"وصل\s+نکنید"),
    "hi": (r"\b(?:agent|insaan|banda|executive)\s+(?:ki|ka)\s+(?:zarurat|zaroorat|jarurat)\s+(?:nahi|nahin|nhi)\b",
           r"\btransfer\s+(?:mat|na)\s+(?:karo|karein|kijiye)\b",
           r"(?:एजेंट|इंसान)\s+की\s+(?:ज़रूरत|जरूरत)\s+नहीं"),
    "id": (r"\b(?:gak|nggak|ngga|tidak|ga|enggak)\s+(?:usah|perlu)\s+(?:di\s*)?(?:sambungkan|transfer|hubungkan|"
           r"sambung|alihkan|cs|agen|orang|manusia)\b",),
    "ms": (r"\b(?:tak|tidak|x)\s+(?:payah|perlu)\s+(?:di\s*)?(?:sambungkan|sambung|pindahkan|agen|orang|manusia)\b",),
    "vi": (r"\bkhông\s+cần\s+(?:chuyển|gặp|nói chuyện với|gọi)\s+(?:qua\s+|sang\s+|cho\s+)?(?:nhân viên|tư vấn viên|"
           r"người|tổng đài)\b", r"\bđừng\s+chuyển\s+(?:mình|tôi|em|anh|chị)\b"),
    "zh": (r"(?:不用|不需要|不必|别|別)(?:转|轉|转接|轉接)?(?:人工|真人客服)",),
    "ja": (r"(?:オペレーター|担当者|人間|スタッフ)(?:に|と)?(?:は)?(?:つながなくて|繋がなくて|代わらなくて|"
           r"話さなくて)(?:も)?(?:いい|大丈夫|結構)",
           r"(?:オペレーター|担当者)(?:は|への接続は)?(?:不要|いらない|必要ない|必要ありません)"),
    "ko": (r"(?:상담원|상담사|직원)\s*(?:연결은|연결|은|는)?\s*(?:필요\s*없|안\s*해도\s*(?:돼|됩))",),
    "et": (r"\bpole\s+vaja\s+(?:inimest|klienditeenindajat|teenindajat|ühendada|suunata)\b",
           r"\bära\s+(?:suuna|ühenda)\b"),
    "lt": (r"\bnereikia\s+(?:jungti|sujungti|konsultanto|žmogaus|operatoriaus)\b", r"\bnejunkite\b"),
}
