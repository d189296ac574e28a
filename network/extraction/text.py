"""A release's text as the extractor reads it: its language, its sentences without the page's
noise, and words that compare across Arabic's attached prefixes and spelling variants."""
import re
from dataclasses import dataclass, field

from crm.search import normalize_name

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
LATIN_LETTER = re.compile(r"[A-Za-z]")
# A sentence ends at . ! ? ؟ or a line break; a full stop between digits or inside an
# abbreviation (U.N., Dr.) does not end one.
SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bSt)(?<!\bNo)(?<!\bد)(?<!\bم)(?<!\bأ)(?<!\d)[.!?؟](?!\d)|\n"
)
# What news sites put around an article: links to other articles, tags, the source line. What
# follows a "read also" marker on its line, and the line after it when the marker stands
# alone, is another article's headline.
READ_ALSO = re.compile(
    r"^\s*(?:[إا]قرأ\s+[أا]يض[اًا]?|اقرأ\s+المزيد|مقالات\s+(?:مشابهة|ذات\s+صلة)|read\s+(?:also|more)|related(?:\s+articles)?\s*:|see\s+also)",
    re.IGNORECASE,
)
# The article ends where the page's furniture starts (its source line, tags, similar articles,
# back-to-top) or where the notes to editors do (a rule of asterisks, "About X").
ARTICLE_END = re.compile(
    r"^\s*(?:كلمات\s+دلالية|الكلمات\s+المفتاحية|المصدر\s*:|source\s*:|مقالات\s+مشابهة|مواضيع\s+ذات\s+صلة"
    r"|زر\s+الذهاب\s+[إا]لى\s+الأعلى|tags\s*:|share\s+this|notes?\s+to\s+editors|ملاحظات?\s+للمحررين"
    r"|[*#=_~-]{3,}\s*$)",
    re.IGNORECASE,
)
# Letters and digits with Arabic's marks (harakat, tatweel) inside a word; not its punctuation (، ؛ ؟).
WORD = re.compile(r"[\w\u064B-\u065F\u0670\u0640]+(?:[-'’][\w\u064B-\u065F\u0670\u0640]+)*")
# Letters Arabic attaches in front of a word: and, so, with/by, for/to, like; then the article.
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")


def language_of(text):
    arabic = len(ARABIC_LETTER.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    return "ar" if arabic >= latin else "en"


def word_forms(word, keep_article=False):
    """The forms a written word may be a name word in: «ولمكافحة» may be «مكافحة», «للأمم» «الأمم»,
    «بالأمس» «أمس». Normalised; the word itself first."""
    word = normalize_name(word)
    forms = [word]
    stems = [word]
    if len(word) > 3 and word[0] in CONJUNCTIONS:
        stems.append(word[1:])
    for stem in list(stems):
        if len(stem) > 3 and stem[0] in PREPOSITIONS:
            stems.append(stem[1:])
        if stem.startswith("لل") and len(stem) > 4:
            stems.append("ال" + stem[2:])
    forms += stems
    if keep_article:
        return list(dict.fromkeys(forms))
    for stem in stems:
        if stem.startswith("ال") and len(stem) > 3:
            forms.append(stem[2:])
    return list(dict.fromkeys(forms))


def bare(word):
    """A name word without its article, as names are compared: «الإرهاب» → «ارهاب»."""
    word = normalize_name(word)
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


@dataclass
class Word:
    text: str
    start: int
    end: int
    forms: list = field(default_factory=list)  # bare forms, as names are compared
    written_forms: list = field(default_factory=list)  # with their article, for one-word names


@dataclass
class Sentence:
    index: int
    text: str
    start: int
    end: int
    words: list = field(default_factory=list)
    # The first part of the sentence, when this is a later part of it cut off as its own clause.
    continues: object = None


def words_of(text, offset=0):
    words = []
    for match in WORD.finditer(text):
        forms = word_forms(match.group())
        words.append(Word(
            match.group(), offset + match.start(), offset + match.end(),
            list(dict.fromkeys(bare(form) for form in forms)), word_forms(match.group(), keep_article=True),
        ))
    return words


def sentences_of(text):
    """The release's sentences with their place in the text, the page's noise left out."""
    sentences = []
    skip_next_line = False
    position = 0
    for line in text.splitlines(keepends=True):
        line_start, position = position, position + len(line)
        if not line.strip():
            continue
        if skip_next_line:
            skip_next_line = False
            continue
        marker = READ_ALSO.match(line)
        if marker:
            # A marker alone on its line announces the headline on the next one.
            skip_next_line = not line[marker.end():].strip(" :\t\r\n")
            continue
        if ARTICLE_END.match(line):
            break
        start = 0
        for end_match in SENTENCE_END.finditer(line):
            _add(sentences, line, line_start, start, end_match.end())
            start = end_match.end()
        _add(sentences, line, line_start, start, len(line))
    return sentences


def _add(sentences, line, line_start, start, end):
    piece = line[start:end]
    stripped = piece.strip()
    if len(WORD.findall(stripped)) < 2:
        return
    first = start + piece.index(stripped)
    absolute = line_start + first
    sentences.append(Sentence(len(sentences), stripped, absolute, absolute + len(stripped), words_of(stripped, absolute)))
