"""Refusing the bot, in many languages: "ich will nicht mit einem Bot reden", "bot nahi chahiye", "不要机器人".

Saying no to the machine is itself a request for a person (as the English BOT_REFUSALS in handoff_english), and
these rules are not subject to the negation check, because the negation is the request. Each pattern needs a
refusal cue and a bot noun together, so "the bot said my payment failed" is not a refusal. Patterns are written
in natural spelling and folded like the customer's text (see handoff_rules).
"""

from __future__ import annotations

_BOT_LATIN = r"(?:bot|bots|botten|boten|robot|roboten|robotten|chatbot|chattbot|roboter|robo|robô|ai|ki|ia)"

BOT_REFUSALS_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    # v18: "osobu, ne bota" (a person, not a bot), "neću s botom" (not with a bot)
    "hr": (r"^(?:ne|neću|necu|nećem)\s+(?:s\s+|sa\s+)?(?:bota|robota|botom|robotom|strojem|automat|automatom)$",
           r"\b(?:ne\s+želim|ne\s+zelim|neću|necu|ne\s+mogu\s+više)\s+(?:\w+\s+)?(?:s|sa)\s+(?:botom|robotom|strojem|"
           r"automatom)\b"),
    "sv": (rf"\b(?:vill|orkar|tänker)\s+inte\s+(?:\w+\s+){{0,2}}med\s+(?:en\s+|ett\s+|er\s+|den\s+|denna\s+)?"
           rf"(?:{_BOT_LATIN}|maskin|maskinen|dator)\b",),
    "no": (rf"\b(?:vil|gidder|orker)\s+(?:ikke|ikkje)\s+(?:\w+\s+){{0,2}}med\s+(?:en\s+|et\s+|den\s+|denne\s+)?"
           rf"(?:{_BOT_LATIN}|maskin|maskinen|datamaskin)\b",),
    "da": (rf"\b(?:vil|gider|orker)\s+ikke\s+(?:\w+\s+){{0,2}}med\s+(?:en\s+|et\s+|den\s+|denne\s+)?"
           rf"(?:{_BOT_LATIN}|maskine|maskinen|computer)\b",),
    "de": (rf"\b(?:will|möchte|mag|wollen)\s+(?:nicht|nicht mehr|nie)\s+(?:mehr\s+)?mit\s+(?:einem\s+|dem\s+|"
           rf"diesem\s+|einer\s+|der\s+)?(?:{_BOT_LATIN}|maschine|computer)\b",
           rf"\bkein(?:en)?\s+(?:{_BOT_LATIN}|chatbot)\s+(?:mehr|bitte)\b"),
    "nl": (rf"\b(?:wil|ga)\s+niet\s+(?:meer\s+)?met\s+(?:een\s+|de\s+|die\s+|deze\s+)?(?:{_BOT_LATIN}|computer|"
           rf"machine)\b",
           rf"\bgeen\s+(?:{_BOT_LATIN}|computer)\s+(?:meer|aub|alsjeblieft|graag)\b"),
    "fr": (rf"\b(?:veux|veut|voudrais|souhaite|souhaites)\s+(?:pas|plus)\s+(?:\w+\s+){{0,2}}(?:a|avec)\s+"
           rf"(?:un\s+|une\s+|le\s+|la\s+|ce\s+|cette\s+|votre\s+)?(?:{_BOT_LATIN}|machine|ordinateur)\b",
           rf"\bpas\s+de\s+(?:{_BOT_LATIN}|machine)\b"),
    "es": (rf"\bno\s+(?:quiero|deseo|quisiera)\s+(?:\w+\s+){{0,2}}con\s+(?:un\s+|una\s+|el\s+|la\s+|este\s+|esta\s+)?"
           rf"(?:{_BOT_LATIN}|maquina|contestador)\b",),
    "it": (rf"\bnon\s+(?:voglio|vorrei|desidero)\s+(?:\w+\s+){{0,2}}con\s+(?:un\s+|una\s+|il\s+|la\s+|questo\s+|"
           rf"questa\s+)?(?:{_BOT_LATIN}|macchina|risponditore)\b",),
    "pt": (rf"\bnao\s+(?:quero|desejo|queria|gostaria de)\s+(?:\w+\s+){{0,2}}com\s+(?:um\s+|uma\s+|o\s+|a\s+|esse\s+|"
           rf"essa\s+)?(?:{_BOT_LATIN}|maquina)\b",),
    "pl": (r"\bnie\s+(?:chce|chcę|chcialbym|chciałbym|chcialabym|chciałabym)\s+(?:\w+\s+){0,2}z\s+"
           r"(?:botem|robotem|automatem|maszyna|maszyną|chatbotem|komputerem)\b",),
    "cs": (r"\b(?:nechci|nechtěl bych|nechtěla bych)\s+(?:\w+\s+){0,2}(?:s|se)\s+(?:botem|robotem|automatem|"
           r"strojem|chatbotem|počítačem)\b",),
    "ru": (r"\bне\s+(?:хочу|желаю|буду)\s+(?:\w+\s+){0,2}(?:с|со)\s+(?:ботом|роботом|машиной|автоматом|"
           r"автоответчиком|чат ботом|чатботом)\b",),
    "uk": (r"\bне\s+(?:хочу|бажаю|буду)\s+(?:\w+\s+){0,2}(?:з|із|зі)\s+(?:ботом|роботом|машиною|автоматом|"
           r"чатботом)\b",),
    "fi": (r"\b(?:en|emme)\s+(?:halua|jaksa)\s+(?:\w+\s+){0,2}(?:botin|robotin|koneen|tekoälyn|chatbotin)\s+kanssa\b",
           r"\b(?:botin|robotin|koneen|tekoälyn|chatbotin)\s+kanssa\s+(?:en|emme)\s+(?:halua|jaksa)\b"),
    "tr": (r"\b(?:bot|robot|makine|yapay zeka)(?:la|le|yla|yle)?\s+(?:\w+\s+){0,1}(?:istemiyorum|istemiyoruz)\b",),
    "hi": (r"\b(?:bot|robot)\s+(?:se\s+)?(?:baat\s+)?(?:nahi|nahin|nhi|mat)\b",
           r"(?:बॉट|बोट|रोबोट)\s+(?:से\s+)?(?:बात\s+)?(?:नहीं|नही|मत)"),
    "el": (r"\bδεν\s+(?:θελω|θελουμε)\s+(?:\w+\s+){0,3}με\s+(?:ενα\s+|το\s+)?(?:μποτ|ρομποτ|μηχανη|bot|robot)\b",
           r"\bden\s+thel(?:o|w)\s+(?:\w+\s+){0,3}me\s+(?:bot|robot|mixani)\b",
           # "I don't want a robot (, I want an employee)"
           r"\bδεν\s+(?:θελω|θελουμε)\s+(?:ενα\s+|το\s+)?(?:μποτ|ρομποτ|μηχανη|bot|robot)\b",
           r"\bden\s+thel(?:o|w)\s+(?:to\s+)?(?:bot|robot|rompot|mixani)\b"),
    "ro": (r"\bnu\s+(?:vreau|doresc|as vrea)\s+(?:\w+\s+){0,3}cu\s+(?:un\s+|o\s+)?(?:bot|robot|robotul|botul|"
           r"masina|calculator)\b",),
    "hu": (r"\bnem\s+(?:akarok|szeretnék|kérek)\s+(?:egy\s+)?(?:bottal|robottal|géppel|chatbottal|gépet|robotot|"
           r"botot)\b",
           r"\b(?:bottal|robottal|géppel|chatbottal)\s+nem\s+(?:akarok|szeretnék)\b"),
    "id": (r"\b(?:tidak|gak|nggak|ga|enggak|ogah)\s+mau\s+(?:\w+\s+){0,2}(?:dengan|sama|ama)\s+(?:bot|robot|mesin)\b",),
    "vi": (r"\bkhông\s+(?:muốn|thích)\s+(?:\w+\s+){0,3}(?:với|cùng)\s+(?:bot|robot|máy|chatbot)\b",),
    "ar": (r"(?:لا|ما)\s+(?:اريد|أريد|ابغى|ابي|أبغى|أبي|بدي|عايز)\s+(?:\S+\s+){0,2}(?:مع\s+)?(?:ال)?"
           r"(?:روبوت|بوت|آلة|الة)",),
    "he": (r"לא\s+(?:רוצה|מעוניין|מעוניינת)\s+(?:\S+\s+){0,2}עם\s+(?:ה)?(?:בוט|רובוט|מכונה)",),
    "zh": (r"不(?:要|想|愿意)(?:再)?(?:跟|和|与|同)?(?:\S{0,2})?(?:机器人|机械人|ai|智能客服|自动回复)",),
    "ja": (r"(?:ボット|ロボット|機械|自動応答)(?:と|とは)(?:話|はな)したくない",
           r"(?:ボット|ロボット|機械|自動応答)(?:は嫌|はいや|じゃなくて|ではなく)"),
    "ko": (r"(?:봇|로봇|챗봇|기계)\s*(?:말고|싫어|싫어요|이랑 얘기하기 싫|하고 얘기하기 싫|와 대화하기 싫)",),
    "th": (r"ไม่(?:อยาก|ต้องการ)(?:คุย|พูด)กับ(?:บอท|หุ่นยนต์|เครื่อง)",
           r"(?:ไม่เอา|ไม่ต้องการ|พอแล้ว(?:กับ)?)\s*(?:บอท|หุ่นยนต์|แชทบอท|คำตอบอัตโนมัติ|ตอบอัตโนมัติ|ระบบอัตโนมัติ)"),
}
