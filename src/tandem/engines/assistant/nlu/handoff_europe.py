"""Phrasings of a request for a human in European languages other than English (see handoff_rules)."""

from __future__ import annotations

from tandem.engines.assistant.nlu.handoff_rules import LanguageRules

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
    negation_before=r"\b(?:inte|ej|aldrig|ingen|inga|slippa|inget behov)\b",
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
    negation_before=r"\b(?:ikke|ikkje|aldri|ingen|noe behov|noko behov|intet behov)\b",
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
    negation_before=r"\b(?:ikke|aldrig|ingen|noget behov|intet behov)\b",
)

FINNISH = LanguageRules(
    frames=(
        r"\b(?:puhua|puhumaan|puhuisin|jutella|keskustella|chattailla|chatata|asioida)\s+(?:oikean\s+|elävän\s+|"
        r"jonkun\s+)?(?:ihmisen|asiakaspalvelijan|henkilön|virkailijan|työntekijän|agentin|asiakaspalvelun|"
        r"ihmisten)\s+kanssa\b",
        r"\b(?:ihmisen|asiakaspalvelijan|henkilön|virkailijan|työntekijän|agentin)\s+kanssa\s+(?:puhua|puhumaan|"
        r"keskustella|jutella|asioida)\b",
        r"\b(?:haluan|tarvitsen|saisinko|voinko saada|voisinko saada|saanko|anna)\s+(?:oikean\s+|elävän\s+)?"
        r"(?:ihmisen|asiakaspalvelijan|virkailijan|henkilön|neuvojan|työntekijän)\b",
        r"\b(?:saisinko|voisinko saada|haluan|saanko|voinko saada)\s+yhteyden\s+(?:oikeaan\s+)?(?:ihmiseen|"
        r"neuvojaan|asiakaspalvelijaan|asiakaspalveluun|virkailijaan|työntekijään|henkilöön)\b",
        # "is there (any) human there?"
        r"\bonko\s+siellä\s+(?:ketään\s+|joku\s+|yhtään\s+)?(?:oikeaa\s+|oikea\s+)?(?:ihmistä|ihminen|"
        r"asiakaspalvelijaa|työntekijää)\b",
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
        r"kundenbetreuer|kundenbetreuerin|kundenberater|kundenberaterin|person|agenten|operator|"
        r"servicemitarbeiter|vorgesetzten|jemandem|"
        r"support|menschen sprechen)\s+(?:\w+\s+)?(?:sprechen|reden|chatten|schreiben|verbunden|verbinden|"
        r"telefonieren)\b",
        r"\b(?:sprechen|reden|chatten)\s+mit\s+(?:einem|einer|jemandem|dem|der|ihrem|ihrer)?\s*(?:echten|"
        r"richtigen|menschlichen)?\s*(?:menschen|mitarbeiter|mitarbeiterin|berater|beraterin|sachbearbeiter|"
        r"kundenberater|kundenberaterin|"
        r"kundenservice|person|jemandem)\b",
        r"\b(?:verbinde|verbinden|weiterleiten|leiten|leite|stelle|stellen|durchstellen)\s+(?:sie\s+)?"
        r"(?:mich\s+)?(?:bitte\s+)?(?:weiter\s+)?(?:mit|an|zu)\s+(?:einem|einer|einen|jemandem|dem|der)?\s*"
        r"(?:echten\s+)?(?:menschen|mitarbeiter|mitarbeiterin|berater|beraterin|sachbearbeiter|kundenservice|"
        r"person|jemandem|kundendienst|kundenberater|kundenberaterin|kundenbetreuer|kundenbetreuerin)\b",
        r"\b(?:will|möchte|moechte|brauche|hätte gern|hätte gerne|wünsche|verlange)\s+(?:bitte\s+)?(?:jetzt\s+)?"
        r"(?:einen|eine|einem)?\s*(?:echten\s+|richtigen\s+)?(?:menschen|mitarbeiter|mitarbeiterin|berater|"
        r"beraterin|sachbearbeiter|kundenberater|kundenberaterin|kundenbetreuer|kundenbetreuerin)\b",
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
        r"\b(?:rozmawiać|porozmawiać|mówić|pogadać|gadać|połączyć|połącz|połączcie|przekieruj|przekierować|"
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
    # also a past tense with its auxiliary: "včera jsem mluvil s člověkem" tells what happened
    negation_before=r"\b(?:nechci|nechtěl|nechtěla|nepotřebuji|nepotřebuju|nemusím|ne|nikdy|bez)\b|"
    r"\b(?:jsem|jsme|jste|jsi)\s+(?:včera\s+|minule\s+|už\s+|dnes\s+)?(?:mluvil|mluvila|mluvili|hovořil|"
    r"hovořila|chatoval|chatovala|bavil|bavila)\b|\b(?:mluvil|mluvila|mluvili|hovořil|hovořila)\s+jsem\b",
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
        # Greeklish: "thelo na milisw me anthrwpo"
        r"\b(?:milis[ow]|milisoume|milao|milaw|syndese|syndeste|sindese)\s+(?:me\s+)?(?:me|se)\s+(?:enan\s+|kapoion\s+|"
        r"ton\s+)?(?:anthr[ow]po|anthropo|ypallilo|upallilo|ekprosopo|ekproswpo|kapoion)\b",
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
