"""Phrasings of a request for a human in Turkish, Arabic, Hindi, Japanese, Chinese, Korean, Indonesian and
Vietnamese (see handoff_rules)."""

from __future__ import annotations

from tandem.engines.assistant.nlu.handoff_rules import LanguageRules

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
    # also the verb's own negative right after the match: "temsilciye aktar|mayın" (don't transfer me)
    negation_after=r"^(?:\w*\s*(?:istemiyorum|istemem|istemiyoruz|gerek yok|gerekmiyor|değil)|"
    r"m[ae](?:y[ıi]n(?:[ıi]z)?|s[ıi]n(?:[ıi]z)?)\b)",
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
        # Hinglish "asli insaan chahiye" (I need a real person), "koi support wala hai?" (anyone from support there?)
        r"\b(?:asli\s+|real\s+|koi\s+)?(?:insaan|insan|aadmi|banda|agent|human)\s+(?:chahiye|chaiye|chahie)\b",
        r"\bkoi\s+(?:insaan|insan|agent|banda|aadmi|support wala|customer care wala|staff wala|human)\s+"
        r"(?:hai|h|he)\b",
    ),
    solo=r"(?:एजेंट|इंसान|कस्टमर केयर|ग्राहक सेवा)(?:\s+(?:प्लीज|कृपया|चाहिए|दीजिए))*",
    # "नहीं" / "मत" (not) after the verb, or a past tense right after it: "कर्मचारी से बात हुई थी" (I talked to
    # an employee) tells what happened, it asks for nothing
    # "... hai ya nahi" (is there ... or not?) asks; it does not decline
    negation_after=r"^(?:.{0,14}(?<!ya )(?<!ki )(?<!या )(?<!कि )(?:नहीं|मत|nahi|nahin|nhi|mat)|"
    r"\s*(?:हुई|हुआ|हुए|की थी|किया था|कर ली|कर चुका|"
    r"कर चुकी|hui|hua|hue|ki thi|kiya tha|kar li|kar chuka|kar chuki)(?:\s|$))",
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
    negation_after=r"^.{0,6}(?:たくない|たくありません|なくていい|なくても?(?:大丈夫|結構|平気)|ないで|不要|結構|しないで)",
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

INDONESIAN = LanguageRules(
    frames=(
        r"\b(?:bicara|berbicara|ngobrol|hubungkan|sambungkan|chat|bicarakan|disambungkan|dihubungkan)\s+"
        r"(?:saya\s+)?(?:dengan|ke|sama)\s+(?:seorang\s+)?(?:manusia|agen|operator|petugas|cs|"
        r"customer service|orang asli|orang sungguhan|staf|karyawan|admin)\b",
        r"\b(?:mau|ingin|minta|butuh|perlu)\s+(?:bicara\s+dengan\s+)?(?:manusia|agen|operator|petugas|cs|admin|"
        r"customer service|orang asli)\b",
    ),
    solo=r"(?:agen|operator|petugas|cs|admin|manusia)(?:\s+(?:tolong|dong|please|sekarang))*",
    # also "sudah / pernah" (already / once): "kemarin saya sudah bicara dengan petugas" tells what happened
    negation_before=r"\b(?:tidak|nggak|ngga|gak|ga|tak|bukan|jangan|enggak|tanpa|sudah|udah|pernah)\b",
)

VIETNAMESE = LanguageRules(
    frames=(
        r"\b(?:nói chuyện|gặp|kết nối|chuyển|liên hệ|chat|trò chuyện)\s+(?:tôi\s+|mình\s+|em\s+)?(?:với|cho|đến|"
        r"sang|tới)\s+(?:một\s+)?(?:nhân viên|tổng đài viên|người thật|con người|tư vấn viên|nhân viên tư vấn)\b",
        r"\b(?:cho (?:tôi|mình|em)\s+)?gặp\s+(?:một\s+)?(?:nhân viên|tổng đài viên|người thật|tư vấn viên)\b",
        r"\bchuyển\s+(?:cho\s+)?(?:tôi\s+|mình\s+|em\s+)?(?:qua|sang|tới|đến)\s+(?:bộ phận\s+)?(?:chăm sóc khách hàng|"
        r"cskh|tổng đài|nhân viên|tư vấn viên|hỗ trợ viên)\b",
    ),
    solo=r"(?:nhân viên|tổng đài viên|người thật|tư vấn viên)(?:\s+(?:ơi|đi|với|nhé|ạ))*",
    # also a past with its subject ("tôi đã nói chuyện với…", I talked) or "hôm qua" (yesterday)
    negation_before=r"\b(?:không|đừng|chẳng|chả|khỏi)\b|\b(?:tôi|mình|em|chúng tôi)\s+(?:đã|từng|vừa)\b|"
    r"\bhôm qua\b",
)
