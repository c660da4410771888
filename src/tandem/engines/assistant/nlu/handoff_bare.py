"""v14: bare role words ("operatorius", "اپراتور", "ejen prasau") and call-back requests ("can you call me back",
"Tolong telefon saya semula", "折り返し電話をお願いします") in all 36 languages, plus full rule sets (solo, call-back
frames, negation cues) for the ten languages that had none (he, th, sk, hr, bg, ca, et, fa, ms, lt).

A bare body is added to the language's solo rule (anchored: the message is nothing but the role word, with
greetings, "please", "now" around it), so "the operator said..." or "my agent at the bank" never match it. A
call-back frame names the customer as the one to be called ("call me back", "rufen Sie mich zurück"), so "I'll
call you back" and "can I call you?" do not match; frames are negatable ("don't call me back"). A call tied to a
later event ("call me when the refund is done") is a notification, not a request for a person, and the English
frame leaves it out. Patterns are written in natural spelling and folded like the customer's text, so unmarked
spellings ("zmogaus prasau", "nhan vien") match too.
"""

from __future__ import annotations

from dataclasses import replace

from tandem.engines.assistant.nlu.handoff_rules import LanguageRules


def _bare(words: str, polite: str, before: str = "") -> str:
    """A solo body: optional lead-in words, one role word, then any politeness / urgency words."""
    lead = rf"(?:(?:{before}|{polite})\s*)*" if before else rf"(?:(?:{polite})\s+)*"
    return rf"{lead}(?:{words})(?:\s*(?:{polite}))*"


# Politeness and urgency words per language, used around bare role words and after call-back frames.
POLITE: dict[str, str] = {
    "en": r"please|pls|plz|now|asap|thanks|thank you|urgently|right now",
    "sv": r"tack|snälla|nu|direkt|tack så mycket",
    "no": r"takk|vær så snill|nå|med en gang",
    "da": r"tak|venligst|nu|med det samme",
    "fi": r"kiitos|nyt|heti|ole hyvä",
    "de": r"bitte|jetzt|sofort|danke|dringend",
    "fr": r"s il vous plait|s il te plait|svp|stp|maintenant|merci|vite|tout de suite",
    "es": r"por favor|porfa|porfavor|ya|ahora|gracias|urgente",
    "it": r"per favore|per piacere|subito|grazie|ora|adesso",
    "nl": r"graag|alstublieft|alsjeblieft|aub|nu|dank u|bedankt",
    "pt": r"por favor|pfv|pf|agora|ja|obrigado|obrigada|urgente",
    "pl": r"proszę|prosze|teraz|natychmiast|pilnie|dziękuję",
    "tr": r"lütfen|hemen|şimdi|acil|rica ederim",
    "ar": r"من فضلك|لو سمحت|رجاء|الان|الآن|بسرعة|law samaht|min fadlak|plz|please|alan",
    "hi": r"प्लीज|कृपया|चाहिए|अभी|जल्दी|please|plz|pls|chahiye|chaiye|abhi|jaldi|kripya|bhai",
    "ja": r"お願いします|おねがいします|お願い|ください|下さい|今すぐ|すぐ|を|onegai|onegaishimasu|kudasai",
    "zh": r"请|請|谢谢|謝謝|快点|快點|马上|馬上|立刻|麻烦|麻煩|qing|xiexie|kuaidian",
    "ko": r"요|좀|부탁해요|부탁합니다|부탁드려요|연결|연결해\s*주세요|주세요|빨리|지금|juseyo|jom|ppalli",
    "cs": r"prosím|hned|teď|ted|děkuji|rychle",
    "ru": r"пожалуйста|срочно|сейчас|плиз|быстро|pozhaluysta|pozhalujsta|pojaluista|srochno|plz",
    "el": r"παρακαλώ|τώρα|αμέσως|ευχαριστώ|parakalw|parakalo|twra|tora",
    "uk": r"будь ласка|терміново|зараз|швидко",
    "ro": r"vă rog|va rog|acum|urgent|mulțumesc",
    "hu": r"kérem|kérek|kérném|most|azonnal|legyen szíves|köszönöm",
    "id": r"tolong|dong|please|sekarang|ya|segera|plis|mohon",
    "vi": r"ơi|đi|với|nhé|ạ|làm ơn|giúp|ngay|nha",
    "th": r"ครับ|คะ|ค่ะ|หน่อย|ด้วย|นะ|ได้ไหม|ได้มั้ย|ขอ|ขอคุยกับ|ค่ะ|khrap|krub|ka|noi",
    "he": r"בבקשה|עכשיו|דחוף|מהר|תודה|bevakasha|bvakasha|bevakashah|achshav|akhshav|dachuf",
    "sk": r"prosím|hneď|teraz|ďakujem|rýchlo",
    "hr": r"molim|molim vas|molim te|odmah|sada|hvala|hitno",
    "bg": r"моля|веднага|сега|спешно|благодаря|molya|molia|vednaga",
    "ca": r"si us plau|sisplau|siusplau|ara|per favor|gràcies|ja",
    "et": r"palun|kohe|nüüd|aitäh|kiiresti",
    "fa": r"لطفا|لطفاً|الان|سریع|فوری|میخوام|می خوام|میخواهم|lotfan|alan|mikham|mikhaam|mikhastam|"
          r"نه ربات|نه بات|na robot|nah robot|na bot",
    "ms": r"tolong|please|sekarang|ya|segera|boleh|plis|mohon",
    "lt": r"prašau|dabar|skubiai|ačiū|greitai",
}

# Role and person words a message may consist of, per language (the folded spelling covers unmarked forms).
ROLE_WORDS: dict[str, str] = {
    "en": r"staff|a staff member|staff member|employee|support agent|support person|customer service agent|"
          r"call center",
    "sv": r"människa|en människa|handläggare|kundtjänst|operatör|personal|kundservice|en person|riktig person",
    "no": r"menneske|et menneske|saksbehandler|kundeservice|operatør|kundebehandler|ansatt|ekte person",
    "da": r"menneske|et menneske|medarbejder|kundeservice|operatør|rådgiver|sagsbehandler|rigtig person",
    "fi": r"ihminen|ihmistä|asiakaspalvelija|asiakaspalvelijaa|virkailija|virkailijaa|asiakaspalvelu|"
          r"oikea ihminen",
    "de": r"mensch|einen menschen|mitarbeiter|mitarbeiterin|berater|beraterin|kundenservice|kundendienst|"
          r"sachbearbeiter|echter mensch",
    "fr": r"humain|un humain|conseiller|conseillère|un conseiller|opérateur|opératrice|agent|service client|"
          r"une vraie personne",
    "es": r"humano|un humano|agente|asesor|asesora|operador|operadora|una persona|persona real|ejecutivo",
    "it": r"operatore|operatrice|un operatore|umano|consulente|una persona|persona reale",
    "nl": r"mens|een mens|medewerker|een medewerker|klantenservice|adviseur|echte persoon",
    "pt": r"atendente|humano|um humano|operador|operadora|uma pessoa|pessoa real|consultor|atendimento humano",
    "pl": r"konsultant|konsultanta|konsultantka|człowiek|człowieka|z człowiekiem|z konsultantem|operator|"
          r"pracownik|doradca",
    "tr": r"temsilci|müşteri temsilcisi|canlı destek|yetkili|operatör|insan|gerçek insan|canlı temsilci",
    "ar": r"موظف|انسان|إنسان|بشري|شخص حقيقي|خدمة العملاء|مندوب|ممثل خدمة العملاء|وكيل|مسؤول|"
          r"mowazaf|mowazzaf|muwazzaf|mwazaf|insan|ensan|bashar|bashari",
    "hi": r"एजेंट|इंसान|कस्टमर केयर|ग्राहक सेवा|कर्मचारी|असली इंसान|insaan|insan|koi insaan|asli insaan|"
          r"customer care|executive|agent|banda",
    "ja": r"オペレーター|オペレータ|担当者|担当の方|人間|有人|有人対応|スタッフ|係の人|窓口|"
          r"operator|operetaa|tantousha|tantosha|ningen",
    "zh": r"人工|人工客服|人工服务|人工服務|真人|真人客服|客服人员|客服人員|客服|rengong|ren gong|rengong kefu|"
          r"zhuan rengong|zhenren",
    "ko": r"상담원|상담사|사람|직원|담당자|매니저|sangdamwon|sangdamsa|saram|jigwon",
    "cs": r"operátor|operátora|operátorka|člověk|člověka|živý člověk|pracovník|poradce",
    "ru": r"оператор|оператора|человек|человека|живой человек|консультант|специалист|менеджер|"
          r"operator|chelovek|zhivoy chelovek|zhivoi chelovek|konsultant",
    "el": r"άνθρωπος|άνθρωπο|εκπρόσωπος|εκπρόσωπο|υπάλληλος|υπάλληλο|anthropos|anthrwpos|anthropo|anthrwpo|"
          r"ekprosopos|ekproswpos|ypallilos|ipalilos",
    "uk": r"оператор|оператора|людина|людину|жива людина|консультант|менеджер",
    "ro": r"operator|operatorul|un operator|om|om real|consultant|agent|o persoană",
    "hu": r"ügyintéző|ügyintézőt|operátor|operátort|élő ember|ember|embert|ügyfélszolgálat|munkatárs",
    "id": r"agen|operator|petugas|cs|admin|manusia|customer service|orang|orang asli",
    "vi": r"nhân viên|tổng đài viên|người thật|tư vấn viên|admin|nhân viên tư vấn|người",
    "th": r"แอดมิน|พนักงาน|เจ้าหน้าที่|คนจริง|คน|โอเปอเรเตอร์|admin|jao na tee|jaonathi|chao na thi|"
          r"phanakngan|panakngan",
    "he": r"נציג|נציגה|נציג שירות|נציג אנושי|בן אדם|אדם|מוקדן|מוקדנית|natzig|nazig|natsig|netzig|ben adam",
    "sk": r"operátor|operátora|operátorka|človek|človeka|živý človek|pracovník|konzultant",
    "hr": r"operater|operatera|operaterka|čovjek|čovjeka|živa osoba|živu osobu|prava osoba|pravu osobu|osobu|"
          r"agent|agenta|djelatnik|djelatnika|službenik|službenika|savjetnik|savjetnika",
    "bg": r"оператор|човек|жив човек|консултант|служител|operator|chovek|konsultant",
    "ca": r"humà|un humà|operador|operadora|agent|assessor|una persona|persona real",
    "et": r"inimene|inimest|operaator|klienditeenindaja|teenindaja|elav inimene|päris inimene|konsultant",
    "fa": r"اپراتور|کارشناس|پشتیبان|پشتیبانی|آدم|انسان|نماینده|آدم واقعی|انسان واقعی|"
          r"operator|karshenas|poshtiban|ensan",
    "ms": r"ejen|manusia|pegawai|operator|wakil|khidmat pelanggan|staf|admin|orang",
    "lt": r"operatorius|operatoriaus|operatorių|žmogus|žmogaus|žmogų|gyvas žmogus|konsultantas|konsultanto|"
          r"darbuotojas|darbuotojo",
}

# Lead-in words allowed before a bare role word ("I want", "give me", "a real"), for the languages that need them.
LEAD: dict[str, str] = {
    "ar": r"اريد|أريد|ابغى|ابي|بدي|عايز|عاوز|ابغي|abi|abgha|biddi|3ayez|ayez",
    "fa": r"یه|یک|لطفا|میخوام|yek|ye",
    "he": r"אני רוצה|רוצה|תן לי|תנו לי|אפשר|ani rotze|rotze|efshar",
    "hi": r"mujhe|muje|मुझे|koi|कोई",
    "ko": r"진짜|실제",
    "lt": r"noriu|prašau|gyvo|gyvą",
    "ms": r"nak|mahu|saya nak|saya mahu|nk|tolong",
    "th": r"ขอ|ขอคุยกับ|อยากคุยกับ|ต้องการ|ขอสาย",
    "ru": r"дайте|позовите|хочу|dayte|daite",
    "uk": r"дайте|покличте|хочу",
    "bg": r"искам|дайте|iskam",
    "et": r"palun|tahan|soovin",
    "sk": r"chcem|dajte mi",
    "hr": r"želim|trebam|hoću|daj mi|dajte mi|treba mi",
    "ca": r"vull|un|una|voldria",
    "id": r"mau|minta|pengen|butuh",
    "vi": r"cho gặp|gặp|cho tôi gặp|xin gặp",
    "tr": r"bir|gerçek",
    "ja": r"人間の",
    "zh": r"我要|给我|給我|转|轉|找",
}

# Call-back frames: the customer asks to be called (back). Negatable by the language's cues.
CALLBACK: dict[str, tuple[str, ...]] = {
    # English: "could someone call me back", "I want a callback" are v13 frames; the bare "(please) call me back" is
    # labelled not-a-request in evals/handoff.jsonl (hint3 lines) and a request in test13, so no rule decides it.
    "en": (r"\b(?:can|could|would|will)\s+(?:you|someone|somebody|one of your (?:agents|staff))\s+(?:please\s+)?"
           r"(?:call|ring|phone)\s+(?:me|us)\s+back\b(?!\s+(?:\w+\s+)?(?:when|once|if|after|as soon as)\b)",),
    "sv": (r"\b(?:ring|ringa)\s+(?:upp\s+)?mig(?:\s+(?:tillbaka|upp))?$", r"\bkan\s+(?:ni|du|någon)\s+ringa\s+mig\b"),
    "no": (r"\b(?:ring|ringe)\s+(?:opp\s+)?meg(?:\s+(?:tilbake|opp))?$", r"\bkan\s+(?:dere|du|noen)\s+ringe\s+meg\b"),
    "da": (r"\b(?:ring|ringe)\s+(?:op\s+til\s+)?mig(?:\s+(?:tilbage|op))?$", r"\bkan\s+(?:i|du|nogen)\s+ringe\s+mig\b"),
    "fi": (r"\b(?:soittakaa|soita|soittaisitteko|soittaisitko|voisitteko soittaa|voitteko soittaa|voisiko joku "
           r"soittaa)\s+(?:minulle|mulle)\b", r"\bsoittopyyntö\b"),
    "de": (r"\bruf(?:en|t)?\s+(?:sie\s+)?mich\s+(?:bitte\s+)?(?:zurück|an)\b",
           r"\b(?:können|könnten|würden)\s+sie\s+mich\s+(?:bitte\s+)?(?:\w+\s+)?(?:zurückrufen|anrufen)\b",
           r"\b(?:bitte um|ich möchte einen|ich hätte gern einen|ich hätte gerne einen|ich bitte um)\s+"
           r"(?:einen\s+)?rückruf\b", r"^rückruf(?:\s+bitte)?$"),
    "fr": (r"\b(?:rappelez|rappelle|appelez|téléphonez)\s+moi\b",
           r"\b(?:pouvez|pourriez|peux|pourrais|voulez|merci de|veuillez|on peut)\s+(?:vous\s+|tu\s+)?(?:me|m)\s+"
           r"(?:rappeler|appeler|téléphoner)\b"),
    "es": (r"\b(?:llamenme|llamame|llameme|devuelvanme la llamada|me devuelven la llamada|me regresan la llamada)\b",
           r"\b(?:me\s+(?:pueden|puede|podrian|podria|podrias|puedes)\s+(?:volver a\s+)?llamar|(?:pueden|puede|"
           r"podrian|podria|podrias|puedes)\s+(?:volver a\s+)?llamarme)\b"),
    "it": (r"\b(?:richiamatemi|richiamami|richiamarmi|chiamatemi|mi richiamate|mi potete (?:ri)?chiamare|"
           r"mi può (?:ri)?chiamare|potete (?:ri)?chiamarmi|può (?:ri)?chiamarmi|puoi (?:ri)?chiamarmi)\b",),
    "nl": (r"\bbel(?:t)?\s+(?:u\s+)?(?:me|mij)\s+(?:\w+\s+)?(?:terug|op)\b",
           r"\b(?:kunt u|kun je|kunnen jullie|wilt u|wil je|kan iemand)\s+(?:me|mij)\s+(?:\w+\s+)?(?:terugbellen|"
           r"bellen|opbellen)\b", r"\bterugbelverzoek\b"),
    "pt": (r"\b(?:me liguem|me ligue|me liga|liguem me|ligue me|liga pra mim|liguem para mim|ligue para mim|"
           r"me retornem|me retorne|podem me ligar|pode me ligar|podem ligar me|pode ligar me|"
           r"me retornar a ligacao)\b",),
    "pl": (r"\b(?:oddzwońcie|oddzwoń|oddzwonić|zadzwońcie do mnie|zadzwoń do mnie|niech ktoś do mnie zadzwoni)\b",
           r"\bdo mnie\s+(?:zadzwonić|oddzwonić)\b"),
    "tr": (r"\b(?:beni|bana)\s+(?:geri\s+)?(?:arayın|arar mısınız|arayabilir misiniz|dönüş yapın|dönüş yapar "
           r"mısınız|arayınız|ara)\b", r"\bgeri\s+(?:arayın|arar mısınız|dönüş yapın)\b"),
    # Arabic past and imperative share spellings ("اتصل بي" is also "he called me"): a request cue or a politeness
    # word must come with the verb.
    "ar": (r"(?:ممكن|أرجو|ارجو|الرجاء|يرجى|رجاء|من فضلك|لو سمحت|ياريت|يا ريت|اريد|أريد|ابغى|ابي|بدي|عايز)\s+"
           r"(?:\S+\s+)?(?:تتصلوا|تتصلو|تتصل|تتصلي|الاتصال|معاودة الاتصال|تكلموني|تكلمني|ترنولي|تدقولي)"
           r"(?:\s+(?:بي|علي|عليا|فيني))?(?:\s|$)",
           r"(?:^|\s)(?:اتصلوا|اتصلو|اتصل|كلموني|كلمني|رنولي|اتصلولي|دقولي|ارجعولي)(?:\s+(?:بي|علي|عليا))?\s+"
           r"(?:من فضلك|لو سمحت|رجاء|بسرعة|الان|الآن|ضروري)(?:\s|$)",
           r"\b(?:momken|mumkin|law samaht|min fadlak)\s+(?:tettasel|tetasalo|tkalimni|tkallemni|tkalmoni)\b"),
    "hi": (r"(?:मुझे|मुझको|हमें)\s+(?:वापस\s+)?(?:कॉल|काल|फोन|फ़ोन)\s+(?:करें|करो|कीजिए|कीजिये|कर दो|कर दीजिए|करिए)",
           r"\b(?:mujhe|muje|mujhko|hume|humein)\s+(?:wapas\s+|vapas\s+)?(?:call|phone|fone)\s+(?:karo|karein|karen|"
           r"kijiye|kijie|kar do|kar dijiye|krdo|kro)\b",
           r"\bcall\s*back\s+(?:karo|kijiye|karein|kar do|chahiye)\b"),
    "ja": (r"(?:折り返し|おりかえし)(?:の)?(?:お)?(?:電話|連絡|でんわ)(?:を)?(?:\S{0,4})?(?:ください|下さい|お願い|"
           r"おねがい|いただけ|もらえ|ほしい|欲しい)(?!と)",
           r"(?:私に|わたしに)?(?:お)?電話(?:を)?(?:ください|下さい|して(?:ください|下さい|ほしい|もらえ|いただけ)|"
           r"お願い|もらえ|いただけ)(?!と)",
           r"\b(?:orikaeshi|denwa)\s*(?:onegai|kudasai|shite kudasai|hoshii)\b"),
    "zh": (r"(?:^|请|請|麻烦|麻煩|能不能|能否|可不可以|可以|可否|希望|要求|尽快|盡快)(?:你们|你們|你|客服|人工)?"
           r"(?:尽快|盡快|马上|馬上)?(?:给我|給我)(?:回|打)(?:个|個)?(?:电话|電話)",
           r"(?:^|请|請|麻烦|麻煩|能不能|能否|可不可以|可以|可否|希望|要求)(?:你们|你們|你)?(?:回电|回電)(?:话|話)?"
           r"(?:给我|給我)?",
           r"(?:^|请|請|麻烦|麻煩)(?:打电话给我|打電話給我|打个电话给我|打個電話給我)",
           r"\b(?:qing\s+)?gei\s*wo\s+(?:hui|da)\s*(?:ge\s*)?dian\s*hua\b"),
    "ko": (r"(?:전화|콜백)\s*(?:다시\s*)?(?:좀\s*)?(?:주세요|해\s*주세요|부탁|주실\s*수|해\s*주실|주시겠|해\s*주시겠|"
           r"해\s*줘|줘요)", r"다시\s*전화\s*(?:좀\s*)?(?:주세요|해\s*주세요|부탁|주실|해\s*주실)",
           r"\bjeonhwa\s*(?:jom\s*)?(?:juseyo|hae\s*juseyo)\b"),
    "cs": (r"\b(?:zavolejte|zavolej)\s+(?:mi|mně)\b", r"\b(?:mi|mně)\s+(?:můžete|mohli byste|prosím)\s*"
           r"(?:zavolat|zavolejte)\b", r"\b(?:můžete|mohli byste)\s+(?:mi|mně)\s+(?:prosím\s+)?zavolat\b"),
    "ru": (r"\b(?:перезвоните|перезвони|перезвонить мне|позвоните мне|позвони мне|наберите меня|наберите мне)\b",
           r"\b(?:можете|могли бы|можно|прошу)\s+(?:мне\s+)?(?:перезвонить|позвонить мне)\b",
           r"\b(?:perezvonite|perezvoni|pozvonite mne|pozvoni mne)\b"),
    "el": (r"\b(?:καλέστε με|πάρτε με|πάρε με|να με καλέσετε|να με πάρετε|καλέστε με πίσω)\b",
           r"\b(?:kaleste me|parte me|na me kalesete|na me parete)\b"),
    "uk": (r"\b(?:передзвоніть|передзвони|зателефонуйте мені|подзвоніть мені|подзвони мені|наберіть мене)\b",
           r"\b(?:можете|могли б|прошу)\s+(?:мені\s+)?(?:передзвонити|зателефонувати мені|подзвонити мені)\b"),
    "ro": (r"\b(?:sunați mă|suna mă|sunați mă înapoi|să mă sunați|mă puteți suna|puteți să mă sunați|"
           r"mă sunați înapoi)\b",),
    "hu": (r"\b(?:hívjanak vissza|hívjon vissza|hívj vissza|visszahívást kérek|visszahívást kérnék|hívjanak fel|"
           r"hívjon fel|visszahívnának|vissza tudnának hívni|fel tudnának hívni|visszahívna)\b",),
    "id": (r"\b(?:telepon|telpon|telfon|hubungi|call|telefon)\s+(?:saya|aku|sy|gue|gw)\s+(?:kembali|balik)\b",
           r"\b(?:tolong|mohon|bisa|bisakah|harap)\s+(?:telepon|telpon|telfon|hubungi|telefon)\s+(?:saya|aku|sy)\b"
           r"(?!\s+(?:rusak|hilang|mati|baru|tidak|nggak|gak))",
           r"\b(?:tolong|mohon|bisa|minta)\s+(?:di\s*telepon|ditelepon|ditelpon|dihubungi|di\s*hubungi)\b"),
    "vi": (r"\b(?:làm ơn|vui lòng|hãy|xin|có thể|nhờ)\s+(?:\w+\s+){0,2}gọi(?:\s+điện)?"
           r"(?:\s+lại)?\s+cho\s+(?:tôi|mình|em|tui|tớ)\b",
           r"^gọi(?:\s+điện)?(?:\s+lại)?\s+cho\s+(?:tôi|mình|em|tui)(?:\s+(?:ơi|đi|với|nhé|ạ|nha|ngay|sớm))*$"),
    "th": (r"(?:ช่วย|รบกวน|ขอให้|กรุณา)\s*(?:\S{0,6}?)(?:โทร|โทรศัพท์)(?:กลับ)?",
           r"(?:โทร|โทรศัพท์)\s*(?:กลับ)?\s*(?:หา|มาหา|ให้)?\s*(?:ฉัน|ผม|หนู|ดิฉัน|เรา)?\s*(?:ด้วย|หน่อย|ได้ไหม|ได้มั้ย)"),
    # "חזרו אליי" and "התקשרו אליי" are also past tense ("they called me"): only the future-as-request forms.
    "he": (r"(?:תחזרו|תחזור|תחזרי)\s+(?:אליי|אלי)", r"(?:תתקשרו|תתקשר|תתקשרי|תצלצלו|תצלצל)\s+"
           r"(?:אליי|אלי|לי)", r"(?:אפשר|ניתן|אשמח|בבקשה)\s+(?:\S+\s+)?(?:שיחזרו|לחזור|שיתקשרו|להתקשר)\s+(?:אליי|אלי)",
           r"\b(?:tachzeru|tahzeru|tachzru|titkashru|titkasheru)\s+(?:elay|elai|alay|li)\b"),
    "sk": (r"\b(?:zavolajte|zavolaj)\s+(?:mi|mne)\b", r"\b(?:môžete|mohli by ste)\s+(?:mi|mne)\s+(?:prosím\s+)?"
           r"zavolať\b", r"\b(?:mi|mne)\s+(?:môžete|mohli by ste|prosím)\s+zavolať\b"),
    "hr": (r"\b(?:nazovite|nazovi|pozovite|pozovi)\s+me\b", r"\b(?:možete|mozete|molim)\s+(?:vas\s+)?me\s+"
           r"(?:nazvati|pozvati)\b", r"\bme\s+(?:možete|mozete)\s+(?:nazvati|pozvati)\b"),
    "bg": (r"\b(?:обадете ми се|обади ми се|звъннете ми|звънни ми|върнете ми обаждане|да ми се обадите|"
           r"да ми звъннете)\b", r"\b(?:obadete mi se|obadi mi se|zvannete mi|da mi se obadite)\b"),
    "ca": (r"\b(?:truqueu me|truca me|truqui me|em podeu trucar|em pot trucar|em podries trucar|em podríeu "
           r"trucar|podeu trucar me|pot trucar me|em truqueu|em truqui|torneu me a trucar|torna me a trucar)\b",),
    "et": (r"\b(?:helistage|helista|helistaksite|helistaks)\s+(?:mulle|mind)\b", r"\b(?:helistage|helista)\s+"
           r"tagasi\b", r"\b(?:mulle|mind)\s+(?:tagasi\s+)?helistada\b"),
    "fa": (r"(?:با\s+)?(?:من|بنده)\s+(?:تماس|زنگ)\s+(?:بگیرید|بگیرین|بزنید|بزنین|بگیر|بزن)",
           r"(?:بهم|به من|باهام)\s+(?:زنگ|تماس)\s+(?:بزنید|بزنین|بزن|بگیرید|بگیرین|بگیر)",
           r"\b(?:behem|be man|bahaam|baham|ba man)\s+(?:zang|tamas)\s+(?:bezanid|bezanin|bezan|begirid|begirin|"
           r"begir)\b"),
    "ms": (r"\b(?:telefon|telepon|hubungi|call|panggil)\s+(?:saya|aku|sy)\s+(?:semula|balik|kembali)\b",
           r"\b(?:tolong|mohon|boleh|sila)\s+(?:telefon|hubungi|call)\s+(?:saya|aku|sy)\b"
           r"(?!\s+(?:rosak|hilang|mati|baru|tak|tidak))"),
    "lt": (r"\b(?:paskambinkite|paskambink|perskambinkite|perskambink)\s+man\b",
           r"\b(?:prašau|gal galite|ar galite|galite)\s+(?:man\s+)?(?:paskambinti|perskambinti)\b"),
}


# Asking for *someone* to call ("que me llame alguien", "să mă sune cineva", "ممكن حد يتصل فيني", "연락 주세요"), and
# for the ten new languages a plain "I want to talk to / connect me to" a person frame, so they are not left to the
# model alone. Negatable like the rest.
MORE_FRAMES: dict[str, tuple[str, ...]] = {
    # v18: Croatian had only call-back frames and bare words: "daj mi operatera", "želim razgovarati s osobom",
    # "prebacite me na podršku", "jel radi itko tamo" (is anyone working there?)
    "hr": (r"\b(?:daj|dajte)\s+mi\s+(?:\w+\s+)?(?:operatera|operaterku|čovjeka|osobu|agenta|djelatnika|nekoga|"
           r"živu osobu|pravu osobu|službenika|savjetnika)\b",
           r"\b(?:želim|hoću|trebam|htio bih|htjela bih|mogu li|može li|da li mogu)\s+(?:\w+\s+){0,2}(?:razgovarati|"
           r"pričati|popričati|razgovor|chatati)\s+(?:s|sa)\s+(?:\w+\s+)?(?:operaterom|čovjekom|osobom|agentom|"
           r"djelatnikom|nekim|službenikom|savjetnikom|nekim od vas)\b",
           r"\b(?:spojite|prebacite|spoji|prebaci|preusmjerite)\s+me\s+(?:na|s|sa|do|prema)\s+(?:\w+\s+)?(?:operatera|"
           r"čovjeka|osobu|agenta|djelatnika|podršku|korisničku službu|službu za korisnike|nekoga)\b",
           r"^(?:halo\s+)?(?:jel|je li|ima li|radi li|jel radi|jel ima)\s+(?:radi\s+|ima\s+)?(?:itko|iko|ikoga)"
           r"(?:\s+(?:tamo|tu|ovdje|živ|na vezi|stvaran))?$"),
    "es": (r"\bque\s+(?:alguien\s+)?me\s+(?:llame|llamen|devuelva la llamada|devuelvan la llamada)\b",
           r"\bque\s+alguien\s+(?:\w+\s+){0,4}me\s+(?:llame|devuelva la llamada)\b"),
    "ro": (r"\bsă\s+mă\s+(?:sune|sunați|contacteze)\b",),
    "nl": (r"\b(?:kan|kunt|wil)\s+iemand\s+(?:\w+\s+){0,4}(?:me|mij)\s+(?:terug)?(?:bellen|opbellen)\b",),
    "ar": (r"(?:ممكن|ياريت|يا ريت|أرجو|ارجو|اريد|أريد|ابغى|ابي|بدي|عايز)\s+(?:أن\s+|ان\s+)?(?:حد|أحد|احد|شخص)?\s*"
           r"(?:\S+\s+){0,2}(?:يتصل|يكلمني|يرن|يتواصل)\s*(?:بي|علي|عليا|فيني|معي)",),
    "ko": (r"연락\s*(?:좀\s*)?(?:주세요|부탁|주실\s*수|해\s*주세요|주시겠)",),
    "lt": (r"\btegul\s+(?:\w+\s+){0,5}(?:man\s+)?paskambin(?:a|tų)\b",
           r"\b(?:noriu|norėčiau|galima|ar galima|prašau|ar galiu)\s+(?:\w+\s+){0,2}(?:kalbėti|kalbėt|pakalbėti|"
           r"susisiekti|sujungti|sujunkite)\s+(?:su\s+)?(?:\w+\s+)?(?:operatoriumi|žmogumi|konsultantu|darbuotoju|"
           r"kažkuo|klientų aptarnavimu|gyvu žmogumi)\b",
           r"\b(?:ar galima|galima|prašau)\s+(?:su\s+)?(?:operatoriaus|žmogaus|konsultanto|operatorių)\b"),
    "he": (r"(?:רוצה|אפשר|ניתן|אשמח)\s+(?:\S+\s+)?(?:לדבר|לשוחח)\s+(?:עם\s+)?(?:\S+\s+)?(?:נציג|נציגה|בן אדם|"
           r"מוקדן|אדם אמיתי|מישהו אמיתי)",
           r"(?:תביא|תביאו|תן|תנו)\s+לי\s+(?:נציג|נציגה|בן אדם|מישהו אמיתי)",
           r"(?:תעבירו|תעביר|שיעבירו|העבירו)\s+אותי\s+(?:ל|אל\s+)?(?:נציג|נציגה|שירות לקוחות|בן אדם|לנציג|"
           r"לשירות לקוחות)",
           r"\b(?:efshar|rotze|rotza|ani rotze|ani rotza)\s+(?:ledaber|ledaber)\s+(?:im\s+)?(?:natzig|nazig|natsig|"
           r"ben adam|mishehu amiti)\b",
           r"\b(?:tavi|tavu|ten|tni|tnu)\s+li\s+(?:natzig|nazig|natsig|ben adam|mishehu amiti)\b"),
    "fa": (r"(?:منو|من را|مرا)\s+(?:به\s+)?(?:\S+\s+){0,2}(?:اپراتور|کارشناس|پشتیبانی|پشتیبان|نماینده)\s+وصل\s+"
           r"(?:کنید|کنین|کن)",
           r"با\s+(?:یه\s+|یک\s+)?(?:اپراتور|کارشناس|پشتیبان|پشتیبانی|آدم واقعی|انسان|نماینده)\s+(?:صحبت|حرف)\s+"
           r"(?:کنم|بزنم)",
           r"\b(?:operator|karshenas|poshtibani|poshtiban)\s+(?:\w+\s+)?vasl\s+(?:konid|konin|kon)\b",
           r"\b(?:mikham|mikhastam|mikhaam)\s+(?:ba\s+)?(?:operator|karshenas|poshtiban|ye adam)\s+(?:sohbat|harf)\b"),
    "ms": (r"\b(?:nak|nk|mahu|ingin|boleh)\s+(?:\w+\s+)?(?:cakap|bercakap|ckp|bual|berbual|disambungkan|sambung)\s+"
           r"(?:dengan|dgn|ke|kepada|kpd)\s+(?:\w+\s+)?(?:ejen|manusia|pegawai|orang|org|khidmat pelanggan|wakil|"
           r"staf|operator)\b",),
    "et": (r"\b(?:tahan|tahaksin|soovin|sooviksin|palun|saaksin|kas saaks)\s+(?:\w+\s+){0,2}(?:rääkida|ühendage|"
           r"ühendada|suhelda)\s+(?:\w+\s+){0,2}(?:inimesega|operaatoriga|klienditeenindajaga|klienditeenindusega|"
           r"kellegagi|teenindajaga|konsultandiga)\b",
           r"\bkas\s+(?:seal\s+)?on\s+(?:üldse\s+)?(?:elav|päris)\s+inimene\b"),
    "th": (r"(?:ขอ|อยาก|ต้องการ|รบกวน|ช่วย)\s*(?:คุย|พูด|ปรึกษา|ติดต่อ)\s*(?:กับ)?\s*(?:แอดมิน|พนักงาน|เจ้าหน้าที่|"
           r"คนจริง|คน|หัวหน้า|ผู้จัดการ|ฝ่ายบริการลูกค้า)",
           # "ขอเจ้าหน้าที่หน่อย", "ขอสายหัวหน้า", "ขอต่อสายเจ้าหน้าที่": may I have / put me through to
           r"ขอ\s*(?:ต่อสาย|สาย|ต่อ)?\s*(?:แอดมิน|พนักงาน|เจ้าหน้าที่|คนจริง|หัวหน้า|ผู้จัดการ|ฝ่ายบริการลูกค้า|คนคุย)",
           # connect the line / move the chat to a person ("ต่อสายเจ้าหน้าที่ให้หน่อย", "โอนแชทนี้ไปให้พนักงาน")
           r"(?:ต่อสาย|โอนสาย|โอนแชท)\s*(?:\S{0,10}?)(?:แอดมิน|พนักงาน|เจ้าหน้าที่|คนจริง|หัวหน้า|ผู้จัดการ|คน)",
           # "is anyone / a real person / an agent there (free)?"
           r"มี\s*(?:คน|ใคร|พนักงาน|เจ้าหน้าที่|แอดมิน)\s*(?:จริง\s*ๆ?|ตัวจริง)?\s*(?:อยู่|ว่าง)?\s*(?:ไหม|มั้ย|มั๊ย|บ้างไหม)",
           # let a staff member call back / check / take over ("อยากให้พนักงานโทรกลับ", "ให้คนจริงรับเรื่องต่อ")
           r"ให้\s*(?:แอดมิน|พนักงาน|เจ้าหน้าที่|คนจริง|หัวหน้า|เพื่อนร่วมงาน\S{0,6}?|ฝ่าย\S{1,10}?)\s*(?:ตัวจริง)?\s*"
           r"(?:ช่วย)?\s*(?:โทรกลับ|โทรมา|โทรหา|ติดต่อกลับ|เช็ค|เช็ก|ดู(?:ให้|เคส|เรื่อง|หน่อย|ได้)|ตรวจสอบ|รับเรื่อง|ตอบ)",
           # "a person, come and talk" ("เอาคนมาคุย", "เอาคนจริง")
           r"เอา\s*คน\s*(?:จริง\s*ๆ?)?\s*(?:มา)?\s*คุย|เอา\s*คนจริง",
           r"\b(?:kho|ao|yak)\s+(?:khui|kui|khuy)\s+(?:kap|gap|kab)\s+(?:jao na ti|jao na tee|admin|khon jing|"
           r"phanakngan)\b"),
}

# The ten languages that had no rules before v14: solo and call-back frames are all they have, plus negation.
NEGATION: dict[str, str] = {
    "he": r"(?:^|\s)(?:לא|אל|בלי|אין צורך|אין|lo|al|bli)(?:\s|$)",
    # right before the match ("ไม่ต้อง|ให้เจ้าหน้าที่โทรมา"), so "ของยังไม่มาเลย ขอคุยกับเจ้าหน้าที่" (it has not come,
    # let me talk to an agent) stays a request; "อย่า" (don't) folds to the first letters of "อยาก" (want)
    "th": r"(?:ไม่|ไม่ต้อง|ไม่อยาก|ไม่ต้องการ|ไม่เอา|อย่า(?!ก)|mai|mai tong|mai ao)\s*$",
    "sk": r"\b(?:nie|nechcem|nepotrebujem|netreba|bez|nikdy|ne)\b",
    "hr": r"\b(?:ne|nemojte|nemoj|bez|nikad|nikada|ne trebam|ne treba)\b",
    "bg": r"(?:^|\s)(?:не|без|никога|няма нужда|ne)(?:\s|$)",
    "ca": r"\b(?:no|mai|sense|cap)\b",
    "et": r"\b(?:ei|ära|ärge|ilma|pole|mitte)\b",
    "fa": r"(?:^|\s)(?:نه|نمی|نمي|نمیخوام|نمی خوام|بدون|هیچ|لازم نیست|na|nemi|nemikham|bedune)(?:\s|$)",
    "ms": r"\b(?:tidak|tak|jangan|bukan|tanpa|tak payah|x|tak nak|tidak mahu|sudah|dah|pernah)\b",
    "lt": r"\b(?:ne|nereikia|nenoriu|be|niekada)\b",
}
NEW_ORDER = ("he", "th", "sk", "hr", "bg", "ca", "et", "fa", "ms", "lt")
# Thai writes no spaces between words: a negation cue is looked for in the characters right before the match, as
# for Chinese and Japanese, not in "the last four words" (one Thai "word" can be the whole sentence before it, so
# "เงินคืนยังไม่เข้ามา ... อยากคุยกับเจ้าหน้าที่", the refund has not come ... I want an agent, read as declined)
UNSPACED = frozenset({"th"})


def bare_body(code: str) -> str:
    """The v14 solo body of one language."""
    return _bare(ROLE_WORDS[code], POLITE[code], LEAD.get(code, ""))


def extended(code: str, rules: LanguageRules) -> LanguageRules:
    """A language's v13 rules with the v14 bare body added to its solo and its call-back frames appended."""
    solo = f"{rules.solo}|{bare_body(code)}" if rules.solo else bare_body(code)
    return replace(rules, frames=rules.frames + CALLBACK[code] + MORE_FRAMES.get(code, ()), solo=solo)


def new_language(code: str) -> LanguageRules:
    """Rules for a language that had none before v14."""
    return LanguageRules(frames=CALLBACK[code] + MORE_FRAMES.get(code, ()), solo=bare_body(code),
                         negation_before=NEGATION[code], unspaced=code in UNSPACED)
