"""The words the extractor reads a release by, in Arabic and English: event words, verbs that give
people their roles, titles, courtesies, the beginnings of organisations' names."""
import re

from .draft import AGREEMENT, MEETING

# (record type, kind, pattern over the normalised sentence). Normalised: hamzas folded to alef,
# taa marbuta to haa, alef maqsura to yaa, no diacritics, lower case.
_AR_PREFIX = r"(?:^|(?<= ))[وفبلك]{0,2}(?:ال)?"
TRIGGERS = [
    (AGREEMENT, "contribution_agreement", _AR_PREFIX + r"اتفا(?:ق|قيه|قيات) (?:ال)?مساهمه|contribution agreements?"),
    (AGREEMENT, "framework_agreement", _AR_PREFIX + r"اتفا(?:ق|قيه) (?:ال)?اطاري|framework agreements?"),
    (AGREEMENT, "cooperation_agreement", _AR_PREFIX + r"اتفا(?:ق|قيه) (?:ال)?تعاون|cooperation agreements?|agreements? on cooperation"),
    (AGREEMENT, "letter_of_intent", _AR_PREFIX + r"(?:خطاب|رساله|اعلان) (?:ال)?نوايا|letters? of intent"),
    (AGREEMENT, "mou", _AR_PREFIX + r"مذكر(?:ه|تي|تا|ات) (?:ال)?تفاهم|memorand(?:um|a) of understanding|\bmous?\b"),
    (MEETING, "strategic_dialogue", _AR_PREFIX + r"حوار (?:ال)?استراتيجي|strategic dialogue"),
    (MEETING, "virtual_discussion", _AR_PREFIX + r"(?:نقاش|اجتماع|لقاء|حوار)\w* (?:ال)?افتراضي|virtual (?:discussion|meeting|dialogue|roundtable|consultation)s?|video ?conference"),
    (MEETING, "security_council_session", _AR_PREFIX + r"جلسه (?:ل)?مجلس (?:ال)?امن|security council (?:meeting|session|debate|briefing)"),
    (MEETING, "conference", _AR_PREFIX + r"مؤتمر|\bconference\b"),
    (MEETING, "workshop", _AR_PREFIX + r"ورشه (?:ال)?عمل|دوره تدريبيه|\bworkshop\b|training course"),
    (MEETING, "official_visit", _AR_PREFIX + r"(?:زياره|استقبل|زار)(?= |$)|official visit|\bvisited\b|paid a visit|\breceived\b(?= [A-Z]| (?:a|the) delegation)"),
    (MEETING, "other", _AR_PREFIX + r"افتتاح (?:ال)?مكتب|opening of (?:the|an|a new) [\w ]{0,40}office|\bopened (?:the|an|a new) [\w ]{0,40}office"),
    # The general words last: taken only where no kind above names the same words, and for an
    # agreement only where the sentence says it was signed («تم الاتفاق على» is not one).
    (AGREEMENT, "other", _AR_PREFIX + r"اتفاقي(?:ه|ات)(?= |$)|\bagreements?\b"),
    (MEETING, "other", _AR_PREFIX + r"(?:التقي|التقت|اجتمع|اجتمعت|لقاء|اجتماعا)(?= |$)|\bmet with\b|\bheld talks\b|\bbilateral meeting\b"),
]
GENERAL_KINDS = {"other"}
TRIGGERS = [(record_type, kind, re.compile(pattern, re.IGNORECASE)) for record_type, kind, pattern in TRIGGERS]
# A later session of the meeting the release is about, announced in it.
NEXT_SESSION = re.compile(r"(?:ال)?(?:جلسه|جوله|اجتماع|دوره) (?:ال)?(?:قادمه|مقبله|قادم|مقبل)|next (?:session|round|meeting)", re.I)
# "The agreement", "the memorandum": the latest agreement the release spoke of.
AGREEMENT_REFERENCE = re.compile(r"(?:^| )[وفبل]{0,2}ال(?:اتفاق|اتفاقيه|مذكره)(?= |$)|\bthe (?:agreement|memorandum|mou)\b", re.I)
# "Both memoranda", «المذكرتين»: every agreement the release spoke of.
BOTH_AGREEMENTS = re.compile(r"(?:^| )[وفبل]{0,2}ال(?:اتفاقين|اتفاقيتين|مذكرتين|مذكرتان)(?= |$)|\bboth (?:agreements|memoranda|mous)\b", re.I)
SIGNING = re.compile(r"وقع|توقيع|ابرم|signed|signing|concluded|inked", re.I)
FUTURE = re.compile(r"سيتم|ستعقد|سيعقد|سيوقع|ستوقع|المقبل|القادم|will (?:be )?(?:hold|held|sign)|upcoming|\bnext\b|planned", re.I)
NEGOTIATION = re.compile(r"يتفاوض|مفاوضات|negotiat", re.I)
# Words between a unit and its parent body: «مركز … التابع لمكتب …», "X, part of Y".
PART_OF = re.compile(r"^(?:\W*(?:\(\w+\)\W*)?)(?:التابع|التابعه|part of|of the|under)\b", re.I)
# Before a person's name, what a title or courtesy says; the name is what follows.
HONORIFIC = re.compile(
    r"(?:^| )(?:[وب]?(?:ال)?(?:سيد|سيده|دكتور|دكتوره|استاذ|استاذه|مهندس|معالي|سعاده|سمو|الشيخ|الشيخه|شيخ|شيخه|"
    r"لواء|فريق|عميد|عقيد|سفير|سفيره|طيار|ركن|بحري)|د)\s*$|\b(?:mr|mrs|ms|dr|prof|h\.?e|ambassador|sheikh|sheikha|general|minister)\.?\s*$",
    re.I,
)


def verbs(*stems, english=""):
    """Arabic verbs at the start of a word (after «و» or «ف»), or English words."""
    arabic = r"(?:^| )[وف]?(?:" + "|".join(stems) + r")(?=\w*(?: |$))" if stems else ""
    return re.compile("|".join(part for part in (arabic, english) if part), re.I)


WITNESSING = verbs("شهد", "بحضور", english=r"\bwitness|in the presence of")
SPEAKING = verbs("قال", "اكد", "اشار", "ذكر", "شدد", "اعرب", "اوضح", "اضاف", "رحب", english=r"\b(?:said|stated|noted|stressed|underlined|added|welcomed)\b")
CHAIRING = verbs("راس", "تراس", english=r"\bchair")
MODERATING = verbs("ادار", "ادارها", "ادارته", english=r"\bmoderat")
HOSTING = verbs("استضاف", "استقبل", english=r"\b(?:hosted|received)\b")
REPRESENTING = verbs("ممثله", "ممثلا", "ممثلين", english=r"\brepresented by\b")
VENUE = re.compile(r"(?:^| )[وفب]?(?:ال)?مقر(?: |$)|\bheadquarters of\b|\bpremises of\b", re.I)
SINCE = re.compile(r"منذ|تاسيس|تاسس|انشاء|انشئ|since|founded|established|created", re.I)
THIS_YEAR = re.compile(r"(?:ال)?عام (?:ال)?جاري|هذا (?:ال)?عام|(?:ال)?سنه (?:ال)?جاريه|this year|end of the year|later this year", re.I)
# The first words of a title: «وكيل الأمين العام…», "Under-Secretary-General…".
TITLE_START = re.compile(
    r"^[وب]?(?:ال)?(?:وكيل|امين|مدير|مديره|رئيس|رئيسه|مندوب|مندوبه|ممثل|ممثله|سفير|سفيره|وزير|وزيره|مساعد|مساعده|نائب|نائبه|"
    r"منسق|منسقه|عضو|مستشار|مستشاره|قائد|امينه|مسؤول|مسؤوله)(?: |$)"
    r"|^(?:the )?(?:under|secretary|director|head|president|chair|chairman|chairwoman|minister|ambassador|permanent|executive|"
    r"assistant|deputy|coordinator|special|senior|chief|representative|member|commissioner|advisor|adviser)\b",
    re.I,
)
PLACE_PREPOSITION = re.compile(r"(?:^| )(?:في|ب|بمدينه|في مدينه|مدينه|in|at)\s*$", re.I)
# What a new organisation's name starts with, and what may continue it.
AR_ORGANIZATION_HEAD = re.compile(
    r"^[وبل]?(?:ال)?(?:وزاره|هيئه|مركز|منظمه|جامعه|معهد|مجلس|مكتب|جمعيه|مؤسسه|اتحاد|لجنه|حكومه|برنامج|وكاله|"
    r"اكاديميه|بنك|صندوق|سلطه|مفوضيه|اداره|مديريه|شبكه|تحالف|بعثه|سفاره|رابطه|المركز)$"
)
EN_ORGANIZATION_HEAD = re.compile(
    r"^(?:Ministry|Office|Centre|Center|Organi[sz]ation|Foundation|University|Institute|Council|Agency|Commission|"
    r"Committee|Government|Department|Association|Programme|Program|Bank|Fund|Union|Authority|Academy|Network|Alliance|"
    r"Coalition|Mission|Embassy|League|Directorate|Secretariat|Federation)$"
)
EN_NAME_LINKS = {"of", "for", "the", "and", "on", "against", "in", "de", "al", "bin", "ibn"}
# Lower-case words inside a person's name: "Mutlaq bin Majed", "Ursula von der Leyen".
NAME_PARTICLES = {"bin", "ibn", "bint", "al", "el", "de", "da", "di", "van", "von", "der", "la", "le", "du"}
# Words that end an Arabic name before a verb or a preposition starts the rest of the sentence.
AR_NAME_BREAKS = re.compile(
    r"^(?:في|على|الي|من|عن|مع|بين|حول|الذي|التي|خلال|بعد|قبل|اليوم|امس|بالامس|لتعزيز|بهدف|بتوقيع|وقع|وقعت|تم|يوم|"
    r"مذكره|اتفاق|اتفاقيه|بشان|لدعم|ضمن|عبر|بمدينه|مدينه|بمقر|مقر|المقر)$"
)
KIND_NAMES = {
    "mou": ("Memorandum of understanding", "مذكرة تفاهم"),
    "contribution_agreement": ("Contribution agreement", "اتفاق مساهمة"),
    "cooperation_agreement": ("Cooperation agreement", "اتفاقية تعاون"),
    "framework_agreement": ("Framework agreement", "اتفاق إطاري"),
    "letter_of_intent": ("Letter of intent", "خطاب نوايا"),
    "strategic_dialogue": ("Strategic dialogue", "الحوار الاستراتيجي"),
    "virtual_discussion": ("Virtual discussion", "حلقة نقاش افتراضية"),
    "official_visit": ("Official visit", "زيارة رسمية"),
    "security_council_session": ("Security Council session", "جلسة مجلس الأمن"),
    "conference": ("Conference", "مؤتمر"),
    "workshop": ("Workshop", "ورشة عمل"),
    "other": ("Office opening", "افتتاح مكتب"),
}
GENERAL_NAMES = {AGREEMENT: ("Agreement", "اتفاقية"), MEETING: ("Meeting", "اجتماع")}
