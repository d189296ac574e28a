"""Word lists for the synthetic data set, each entry an (English, Arabic) pair.

Only «مركز»/"Centre" may contain those letters, so that the common-word search case matches
the share of organisations the generator chose; no entry holds a tab, newline or backslash,
so rows go into COPY's text format unescaped.
"""

# The common term: about 8 % of organisations are a centre.
CENTRE = ("Centre", "مركز", "m")

# Kinds of body: English, Arabic (indefinite), grammatical gender of the Arabic noun.
BODY_NOUNS = [
    ("Institute", "معهد", "m"),
    ("Foundation", "مؤسسة", "f"),
    ("Council", "مجلس", "m"),
    ("Committee", "لجنة", "f"),
    ("Agency", "وكالة", "f"),
    ("Authority", "هيئة", "f"),
    ("Office", "مكتب", "m"),
    ("Network", "شبكة", "f"),
    ("Association", "جمعية", "f"),
    ("Forum", "منتدى", "m"),
    ("Observatory", "مرصد", "m"),
    ("Commission", "مفوضية", "f"),
    ("Programme", "برنامج", "m"),
    ("Academy", "أكاديمية", "f"),
    ("Alliance", "تحالف", "m"),
    ("Initiative", "مبادرة", "f"),
    ("Union", "اتحاد", "m"),
    ("League", "رابطة", "f"),
    ("Bureau", "دائرة", "f"),
    ("Trust", "صندوق", "m"),
]

# Nouns that read well before a proper name ("Kirashan Foundation", «مؤسسة كيراشان»).
NAMED_BODY_NOUNS = [noun for noun in BODY_NOUNS if noun[0] in {
    "Institute", "Foundation", "Forum", "Network", "Observatory", "Academy", "Trust", "Initiative",
}]

# English, Arabic masculine (definite), Arabic feminine (definite).
ADJECTIVES = [
    ("National", "الوطني", "الوطنية"),
    ("Regional", "الإقليمي", "الإقليمية"),
    ("International", "الدولي", "الدولية"),
    ("Arab", "العربي", "العربية"),
    ("Gulf", "الخليجي", "الخليجية"),
    ("African", "الأفريقي", "الأفريقية"),
    ("Global", "العالمي", "العالمية"),
    ("Islamic", "الإسلامي", "الإسلامية"),
    ("European", "الأوروبي", "الأوروبية"),
    ("Independent", "المستقل", "المستقلة"),
    ("Joint", "المشترك", "المشتركة"),
    ("Royal", "الملكي", "الملكية"),
    ("Higher", "الأعلى", "العليا"),
    ("Permanent", "الدائم", "الدائمة"),
    ("Asian", "الآسيوي", "الآسيوية"),
    ("Mediterranean", "المتوسطي", "المتوسطية"),
]

# Topics: English, Arabic without a preposition (the «ل» form is derived).
TOPICS = [
    ("Counter-Terrorism Studies", "دراسات مكافحة الإرهاب"),
    ("Preventing Violent Extremism", "منع التطرف العنيف"),
    ("Strategic Studies", "الدراسات الاستراتيجية"),
    ("Peace and Security", "السلام والأمن"),
    ("Human Rights", "حقوق الإنسان"),
    ("Border Security", "أمن الحدود"),
    ("Cybersecurity", "الأمن السيبراني"),
    ("Youth Empowerment", "تمكين الشباب"),
    ("Victims of Terrorism", "ضحايا الإرهاب"),
    ("Financial Intelligence", "الاستخبارات المالية"),
    ("Rule of Law", "سيادة القانون"),
    ("Development and Cooperation", "التنمية والتعاون"),
    ("Dialogue and Tolerance", "الحوار والتسامح"),
    ("Crisis Management", "إدارة الأزمات"),
    ("Aviation Security", "أمن الطيران"),
    ("Maritime Security", "الأمن البحري"),
    ("Community Resilience", "صمود المجتمعات"),
    ("Education", "التعليم"),
    ("Women, Peace and Security", "المرأة والسلام والأمن"),
    ("Humanitarian Affairs", "الشؤون الإنسانية"),
    ("Research and Training", "البحوث والتدريب"),
    ("Policy Research", "بحوث السياسات"),
    ("Conflict Resolution", "حل النزاعات"),
    ("Media and Communication", "الإعلام والاتصال"),
    ("Countering the Financing of Terrorism", "مكافحة تمويل الإرهاب"),
    ("Disarmament", "نزع السلاح"),
    ("Migration", "الهجرة"),
    ("Prison Reform", "إصلاح السجون"),
    ("Critical Infrastructure Protection", "حماية البنية التحتية الحيوية"),
    ("Sport and Security", "الرياضة والأمن"),
]


def arabic_for(topic_ar):
    """The topic after «ل» ("for"): «ل» + «الدراسات» is written «للدراسات»."""
    if topic_ar.startswith("ال"):
        return "لل" + topic_ar[2:]
    return "ل" + topic_ar


# Government bodies named "<body> of <country>" / «<body> في <country>».
GOVERNMENT_BODIES = [
    ("Ministry of Interior", "وزارة الداخلية"),
    ("Ministry of Foreign Affairs", "وزارة الخارجية"),
    ("Ministry of Justice", "وزارة العدل"),
    ("Ministry of Defence", "وزارة الدفاع"),
    ("National Counter-Terrorism Committee", "اللجنة الوطنية لمكافحة الإرهاب"),
    ("Financial Intelligence Unit", "وحدة المعلومات المالية"),
    ("State Security Service", "جهاز أمن الدولة"),
    ("Public Prosecution", "النيابة العامة"),
    ("General Directorate of Border Security", "الإدارة العامة لأمن الحدود"),
    ("National Security Agency", "وكالة الأمن الوطني"),
    ("Ministry of Education", "وزارة التربية والتعليم"),
    ("Ministry of Awqaf and Islamic Affairs", "وزارة الأوقاف والشؤون الإسلامية"),
]

# Hubs: the big bodies most agreements and meetings involve.
HUB_PREFIXES = [
    ("United Nations Office for", "مكتب الأمم المتحدة"),
    ("United Nations Programme for", "برنامج الأمم المتحدة"),
    ("Intergovernmental Organisation for", "المنظمة الحكومية الدولية"),
    ("Regional Organisation for", "المنظمة الإقليمية"),
    ("International Organisation for", "المنظمة الدولية"),
]

CITIES = [
    ("Doha", "الدوحة"), ("Riyadh", "الرياض"), ("Abu Dhabi", "أبوظبي"), ("Cairo", "القاهرة"),
    ("Amman", "عمّان"), ("New York", "نيويورك"), ("Geneva", "جنيف"), ("Vienna", "فيينا"),
    ("Brussels", "بروكسل"), ("Nairobi", "نيروبي"), ("Rabat", "الرباط"), ("Tunis", "تونس"),
    ("Kuwait City", "مدينة الكويت"), ("Muscat", "مسقط"), ("Manama", "المنامة"), ("Beirut", "بيروت"),
    ("Baghdad", "بغداد"), ("London", "لندن"), ("Paris", "باريس"), ("Berlin", "برلين"),
    ("Madrid", "مدريد"), ("Rome", "روما"), ("The Hague", "لاهاي"), ("Algiers", "الجزائر"),
    ("Istanbul", "إسطنبول"), ("Jeddah", "جدة"), ("Dubai", "دبي"), ("Khartoum", "الخرطوم"),
]

GIVEN_NAMES = [
    ("Mohammed", "محمد"), ("Ahmed", "أحمد"), ("Fatima", "فاطمة"), ("Abdullah", "عبد الله"),
    ("Mustafa", "مصطفى"), ("Yahya", "يحيى"), ("Aisha", "عائشة"), ("Omar", "عمر"),
    ("Khalid", "خالد"), ("Sara", "سارة"), ("Layla", "ليلى"), ("Hassan", "حسن"), ("Ali", "علي"),
    ("Youssef", "يوسف"), ("Maryam", "مريم"), ("Nour", "نور"), ("Ibrahim", "إبراهيم"),
    ("Ismail", "إسماعيل"), ("Hamza", "حمزة"), ("Osama", "أسامة"), ("Abdulrahman", "عبد الرحمن"),
    ("Abdulaziz", "عبد العزيز"), ("Hind", "هند"), ("Salma", "سلمى"), ("Tariq", "طارق"),
    ("Jassim", "جاسم"), ("Noura", "نورة"), ("Hamad", "حمد"), ("Mona", "منى"), ("Rania", "رانيا"),
    ("John", "جون"), ("Maria", "ماريا"), ("David", "ديفيد"), ("Anna", "آنا"), ("Michel", "ميشيل"),
    ("Vladimir", "فلاديمير"), ("Elena", "إيلينا"), ("Raffi", "رافي"), ("Jehangir", "جهانجير"),
    ("Michèle", "ميشيل"), ("Mauro", "ماورو"), ("Weixiong", "ويشيونغ"), ("Kenji", "كينجي"),
    ("Amina", "أمينة"), ("Kwame", "كوامي"), ("Sophie", "صوفي"), ("Carlos", "كارلوس"),
]

# Spelling variants of given names, as aliases: English transliterations, Arabic writings.
GIVEN_NAME_VARIANTS = {
    "Mohammed": ("Muhammad", "محمّد"),
    "Ahmed": ("Ahmad", "احمد"),
    "Abdullah": ("Abdallah", "عبدالله"),
    "Mustafa": ("Mostafa", "مصطفي"),
    "Yahya": ("Yehia", "يحيي"),
    "Youssef": ("Yousef", "يوسُف"),
    "Ibrahim": ("Ebrahim", "ابراهيم"),
    "Ismail": ("Ismael", "اسماعيل"),
    "Osama": ("Usama", "اسامة"),
    "Abdulrahman": ("Abdel Rahman", "عبدالرحمن"),
    "Abdulaziz": ("Abdel Aziz", "عبدالعزيز"),
    "Fatima": ("Fatma", "فاطمه"),
    "Hamza": ("Hamzah", "حمزه"),
    "Aisha": ("Aicha", "عايشة"),
    "Khalid": ("Khaled", "خالد"),
    "Omar": ("Umar", "عُمر"),
}

FAMILY_NAMES = [
    ("Al-Kaabi", "الكعبي"), ("Al-Thani", "آل ثاني"), ("Al-Mouallimi", "المعلمي"),
    ("Al-Shammari", "الشمري"), ("Al-Mughaidi", "المغيدي"), ("Al-Hashimi", "الهاشمي"),
    ("Haddad", "حداد"), ("Khoury", "خوري"), ("Mansour", "منصور"), ("Nasser", "ناصر"),
    ("Al-Otaibi", "العتيبي"), ("Al-Harbi", "الحربي"), ("Al-Zahrani", "الزهراني"),
    ("Al-Mannai", "المناعي"), ("Al-Sulaiti", "السليطي"), ("Al-Kuwari", "الكواري"),
    ("El-Sayed", "السيد"), ("Abdelaziz", "عبد العزيز"), ("Benali", "بن علي"), ("Bouazizi", "البوعزيزي"),
    ("Smith", "سميث"), ("Garcia", "غارسيا"), ("Müller", "مولر"), ("Dubois", "دوبوا"),
    ("Rossi", "روسي"), ("Ivanov", "إيفانوف"), ("Coninsx", "كونينكس"), ("Fitton-Brown", "فيتون- براون"),
    ("Tanaka", "تاناكا"), ("Okonkwo", "أوكونكوو"), ("Johansson", "يوهانسون"), ("Novak", "نوفاك"),
    ("Kowalski", "كوالسكي"), ("Petrov", "بيتروف"), ("Larsen", "لارسن"), ("Moreau", "مورو"),
]

# The name the misspelling case looks for: فورنكوف must find فورونكوف.
VORONKOV = ("Voronkov", "فورونكوف")

HONORIFICS = [("H.E.", "سعادة"), ("Dr", "الدكتور"), ("Amb.", "السفير"), ("Maj. Gen.", "اللواء"), ("Prof.", "الأستاذ الدكتور")]

# Syllables of the synthetic proper names: Latin, Arabic; each Latin syllable ends in a vowel.
SYLLABLES = [
    ("ba", "با"), ("bi", "بي"), ("bu", "بو"), ("ka", "كا"), ("ki", "كي"), ("ku", "كو"),
    ("da", "دا"), ("di", "دي"), ("ra", "را"), ("ri", "ري"), ("ru", "رو"), ("ma", "ما"),
    ("mi", "مي"), ("mu", "مو"), ("na", "نا"), ("ni", "ني"), ("nu", "نو"), ("sa", "سا"),
    ("si", "سي"), ("ta", "تا"), ("ti", "تي"), ("tu", "تو"), ("la", "لا"), ("li", "لي"),
    ("lu", "لو"), ("za", "زا"), ("ha", "ها"), ("fa", "فا"), ("ja", "جا"), ("wa", "وا"),
    ("qa", "قا"), ("ya", "يا"),
]
# Final consonants: every pool name ends in one, so no pool name is the start of another.
FINALS = [("n", "ن"), ("r", "ر"), ("m", "م"), ("d", "د"), ("l", "ل"), ("z", "ز")]

KIND_TITLES = {
    "mou": ("Memorandum of Understanding", "مذكرة تفاهم"),
    "contribution_agreement": ("Contribution Agreement", "اتفاقية مساهمة"),
    "cooperation_agreement": ("Cooperation Agreement", "اتفاقية تعاون"),
    "framework_agreement": ("Framework Agreement", "اتفاق إطاري"),
    "letter_of_intent": ("Letter of Intent", "خطاب نوايا"),
    "other": ("Arrangement", "ترتيب"),
}

MEETING_TITLES = {
    "strategic_dialogue": ("Strategic Dialogue", "حوار استراتيجي"),
    "virtual_discussion": ("Virtual Discussion", "نقاش افتراضي"),
    "official_visit": ("Official Visit", "زيارة رسمية"),
    "signing_ceremony": ("Signing Ceremony", "حفل توقيع"),
    "security_council_session": ("Security Council Session", "جلسة مجلس الأمن"),
    "conference": ("Conference", "مؤتمر"),
    "workshop": ("Workshop", "ورشة عمل"),
    "other": ("Consultation", "مشاورات"),
}

# Titles of positions: English, Arabic, role.
POSITION_TITLES = [
    ("Director", "مدير", "head"),
    ("Executive Director", "المدير التنفيذي", "head"),
    ("Under-Secretary-General", "وكيل الأمين العام", "head"),
    ("Deputy Director", "نائب المدير", "deputy_head"),
    ("Chair", "رئيس", "chair"),
    ("Ambassador", "سفير", "representative"),
    ("Permanent Representative", "المندوب الدائم", "representative"),
    ("Member of the Board", "عضو مجلس الإدارة", "member"),
    ("Programme Officer", "مسؤول برامج", "staff"),
    ("Senior Adviser", "مستشار أول", "staff"),
    ("Researcher", "باحث", "staff"),
]

# Focal areas: code, English, Arabic, narrower areas (code suffix, English, Arabic).
FOCAL_AREAS = [
    ("pcve", "Preventing and countering violent extremism", "منع التطرف العنيف ومكافحته", [
        ("youth", "Youth engagement", "إشراك الشباب"),
        ("women", "Women and gender", "المرأة والنوع الاجتماعي"),
        ("online", "Online radicalisation", "التطرف عبر الإنترنت"),
        ("education", "Education", "التعليم"),
    ]),
    ("cft", "Countering the financing of terrorism", "مكافحة تمويل الإرهاب", [
        ("fiu", "Financial intelligence units", "وحدات المعلومات المالية"),
        ("npo", "Non-profit sector", "القطاع غير الربحي"),
    ]),
    ("border", "Border security and management", "أمن الحدود وإدارتها", [
        ("aviation", "Aviation security", "أمن الطيران"),
        ("maritime", "Maritime security", "الأمن البحري"),
        ("travel", "Terrorist travel", "سفر الإرهابيين"),
    ]),
    ("cyber", "Cybersecurity and new technologies", "الأمن السيبراني والتقنيات الحديثة", [
        ("critical", "Critical infrastructure", "البنية التحتية الحيوية"),
        ("ai", "Artificial intelligence", "الذكاء الاصطناعي"),
    ]),
    ("victims", "Victims of terrorism", "ضحايا الإرهاب", [
        ("support", "Support to victims", "دعم الضحايا"),
    ]),
    ("justice", "Criminal justice and rule of law", "العدالة الجنائية وسيادة القانون", [
        ("prisons", "Prisons and rehabilitation", "السجون وإعادة التأهيل"),
        ("prosecution", "Prosecution", "الملاحقة القضائية"),
    ]),
    ("rights", "Human rights", "حقوق الإنسان", []),
    ("sport", "Sport and security", "الرياضة والأمن", []),
    ("wmd", "Weapons of mass destruction", "أسلحة الدمار الشامل", [
        ("chemical", "Chemical and biological threats", "التهديدات الكيميائية والبيولوجية"),
    ]),
    ("coordination", "Coordination and partnerships", "التنسيق والشراكات", []),
]

CURRENCY_WEIGHTS = [
    ("USD", 45), ("EUR", 18), ("QAR", 9), ("SAR", 7), ("KWD", 5), ("GBP", 4), ("AED", 4),
    ("JPY", 2), ("CHF", 2), ("NOK", 2), ("BHD", 1), ("OMR", 1),
]

# Countries most organisations come from, with weights; the rest share what is left evenly.
COUNTRY_WEIGHTS = [
    ("QA", 80), ("SA", 60), ("AE", 60), ("EG", 40), ("JO", 30), ("KW", 30), ("OM", 20), ("BH", 20),
    ("MA", 30), ("TN", 20), ("DZ", 20), ("IQ", 20), ("LB", 20), ("US", 40), ("GB", 30), ("FR", 30),
    ("DE", 20), ("IT", 10), ("ES", 10), ("NL", 10), ("NO", 10), ("SE", 10), ("CH", 20), ("AT", 10),
    ("BE", 10), ("RU", 10), ("CN", 10), ("JP", 10), ("IN", 10), ("PK", 10), ("TR", 20), ("ID", 10),
    ("NG", 10), ("KE", 10), ("ET", 10),
]

# ISO 3166 codes that are territories, not member states.
TERRITORIES = set(
    "AQ BV HM TF UM IO GS AS GU MP PR VI AI BM KY VG TC MS FK GI PN SH AW CW SX BQ BL MF GP MQ RE YT "
    "GF PF NC WF PM CX CC NF TK NU CK FO GL SJ AX IM JE GG HK MO TW EH PS VA".split()
)


def _check_plain(value):
    if isinstance(value, str):
        assert not any(character in value for character in "\t\n\r\\"), value
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_plain(item)
    elif isinstance(value, dict):
        for item in value.items():
            _check_plain(item)


for _list in (BODY_NOUNS, ADJECTIVES, TOPICS, GOVERNMENT_BODIES, HUB_PREFIXES, CITIES, GIVEN_NAMES,
              GIVEN_NAME_VARIANTS, FAMILY_NAMES, HONORIFICS, SYLLABLES, FINALS, KIND_TITLES,
              MEETING_TITLES, POSITION_TITLES, FOCAL_AREAS):
    _check_plain(_list)
for _english, _arabic, *_rest in [*BODY_NOUNS, *TOPICS, *GOVERNMENT_BODIES, *CITIES, *FAMILY_NAMES]:
    assert "centre" not in _english.lower() and "مركز" not in _arabic, _english
