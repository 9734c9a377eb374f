"""Whether a statement's specific details are in what it cites.

A citation must support its sentence, not merely exist. The checkable part of that is the
details a reader would take from the sentence on trust: its numbers, dates and months, the names
of people, places and organisations in it, and any words it puts in quotation marks. Each of them
must be found in one of the texts the statement cites (the excerpts of its citations), or be the
name or alias of a record the statement links to (a fact's people and organisations, the speaker
of a quote). A detail found nowhere is a detail the sources were never shown to say: "based in
San Jose" cited to an excerpt that names no city.

What is not checked: whether the sentence's claim follows from the excerpt (that needs a reader),
and words in lower case, which carry the claim's sense but not its specifics.

Names are found by their capital letters: a run of capitalised words (``Lee Cheuk-yan``,
``Ministry of Public Security``), each word of which must be in the cited texts. The first word
of a sentence is capitalised by grammar, so it counts only as part of a longer run. Words that
are capitalised without being names of this case's people, places or bodies (months and days are
checked as dates; ``Count``, ``Article``) are listed in ``NOT_NAMES``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from casebook.core.textnorm import normalise_text

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# how a month may be written in a source: its name, or the usual abbreviation ("Dec.", "Sept.")
_MONTH_FORMS = {name: {name, name[:3], *(("sept",) if name == "september" else ())} for name in MONTHS}

NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
"""Numbers written as words, checked like numerals ("ten" is supported by "10" and the reverse).
"one" is not among them: as a pronoun ("one of them") it is no detail."""

ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}

NOT_NAMES = frozenset(
    {
        # capitalised by convention, not names of this case's people, places or bodies
        "count",
        "counts",
        "article",
        "articles",
        "art",
        "section",
        "chapter",
        "part",
        "title",
        "annex",
        "para",
        "paragraph",
        "no",
        "one",
        "ip",
        "id",
        "url",
        "i",
        "ii",
        "iii",
        "iv",
        "v",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        # the site's own status words when a text names them
        "alleged",
        "reported",
        "established",
        "disputed",
    }
)

# joiners inside a name: "Ministry of Public Security", "Federal Bureau of Investigation"
_JOINERS = frozenset({"of", "for", "and", "the", "de", "van", "von", "on", "in"})

_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?!\w)|(?<![\w.])\d+(?=st|nd|rd|th)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*[A-Za-z]|[A-Za-z]")
_CAPITAL_WORD = r"(?:[A-Z][A-Za-z'\u2019-]*[A-Za-z]|[A-Z])"
# A run of capitalised words, which whitespace and the joiners of a name ("of", "the") may separate,
# not inside a word. It begins with its capital and looks behind it after (the same matches as a
# look-behind first, tests/test_support.py), so that a search skips to the next capital at C speed
# instead of trying the look-behind at every character: 2.3x quicker on a statement.
_NAME_RUN = re.compile(
    r"[A-Z](?<![A-Za-z'\u2019-].)(?:[A-Za-z'\u2019-]*[A-Za-z])?"
    rf"(?:\s+(?:(?:of|for|and|the|de|van|von|on|in)\s+)*{_CAPITAL_WORD})*"
    r"(?![A-Za-z'\u2019-])"
)
_QUOTED = re.compile(r"\"([^\"]+)\"")  # curly quotes are folded to straight ones first (normalise_keep)
# what is not the statement's own words: citations, footnotes, link targets, HTML tags, code
_NOT_WORDS = re.compile(r"\[\[[^\[\]]*\]\]|\[\^[^\[\]\s]*\]:?|\]\([^()\s]*\)|<[^<>]*>|`[^`]*`")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


_COUNT_WORDS = (*MONTHS, *NUMBER_WORDS)


def _by_first_letter(words: Iterable[str]) -> str:
    """An alternation of ``words`` grouped by first letter ("j(?:anuary|une|uly)|…"): a search tries
    the rest only after a first letter that begins one, not every word at every character."""
    rests: dict[str, list[str]] = {}
    for word in words:
        rests.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rest)})" for first, rest in rests.items())


# whether a lower-cased text contains any of _COUNT_WORDS (as ``word in text`` for each would say)
_ANY_COUNT_WORD = re.compile(_by_first_letter(_COUNT_WORDS))
_DIGIT = re.compile(r"\d")
_COUNT_WORD = re.compile(
    r"(?<![A-Za-z'\u2019-])(?:" + "|".join((*MONTHS, *NUMBER_WORDS)) + r")(?![A-Za-z'\u2019-])", re.IGNORECASE
)


@dataclass(frozen=True)
class Detail:
    """One checkable detail of a text: ``kind`` is number, month, name or quoted; ``shown`` is how
    the text writes it; ``line`` is 1-based within the text."""

    kind: str
    shown: str
    line: int
    checked: tuple[str, ...] = ()  # for a name: the words that must be found (not the first of a sentence)


def _strip(text: str) -> str:
    """The text with citations, footnote labels, link targets, tags and code spans blanked out
    (same length, so positions and lines stay right)."""
    return _NOT_WORDS.sub(lambda m: " " * len(m.group(0)), normalise_keep(text))


def normalise_keep(text: str) -> str:
    """Typographic quotes and dashes folded one for one, so positions stay those of the text."""
    return text.translate(_FOLD)


_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def details(text: str) -> Iterator[Detail]:
    """The numbers, months, names and quoted words of ``text`` (see the module's note)."""
    clean = _strip(text)

    breaks = [i for i, ch in enumerate(clean) if ch == "\n"] if "\n" in clean else []

    def line(at: int) -> int:
        return bisect.bisect_left(breaks, at) + 1

    quoted_spans: list[tuple[int, int]] = []
    for match in _QUOTED.finditer(clean):
        inner = match.group(1)
        if inner.strip():
            quoted_spans.append(match.span())
            yield Detail("quoted", " ".join(inner.split()), line(match.start()))

    starts = [start for start, _ in quoted_spans]  # in order, and the spans do not overlap

    def inside_quote(at: int) -> bool:
        index = bisect.bisect_right(starts, at) - 1
        return index >= 0 and at < quoted_spans[index][1]

    # each pattern runs only where the cheap test says it can match: these run on every statement
    for match in _NUMBER.finditer(clean) if _DIGIT.search(clean) else ():
        if not inside_quote(match.start()):
            yield Detail("number", match.group(0).rstrip(","), line(match.start()))

    # Names and the words for months and numbers, found by two patterns (not a loop over every word:
    # this runs on every statement of every fact) and reported in the order of the text.
    found: list[tuple[int, Detail]] = []
    lower = clean.lower()
    for match in _COUNT_WORD.finditer(clean) if _ANY_COUNT_WORD.search(lower) else ():
        word, at = match.group(0), match.start()
        if inside_quote(at) or (word.lower() == "may" and not word[0].isupper()):  # "may", the verb
            continue
        kind = "month" if word.lower() in MONTHS else "number"
        found.append((at, Detail(kind, word, line(at))))
    for match in _NAME_RUN.finditer(clean):
        if not inside_quote(match.start()):
            for at, detail in _names_in(clean, match, line):
                found.append((at, detail))
    found.sort(key=lambda item: item[0])
    for _, detail in found:
        yield detail


def _names_in(clean: str, match: re.Match[str], line: Callable[[int], int]) -> Iterator[tuple[int, Detail]]:
    """The names in one run of capitalised words (joined by "of", "the"…): a month or a number word
    splits it ("In December Zoom said"); a run's first word that begins a sentence is grammar."""
    run: list[tuple[str, int]] = []
    base = match.start()
    for part in _WORD.finditer(match.group(0)):
        word, at = part.group(0), base + part.start()
        if word.lower() in MONTHS or word.lower() in NUMBER_WORDS:
            yield from _name(clean, run, line)
            run = []
        else:
            run.append((word, at))
    yield from _name(clean, run, line)


def _name(clean: str, run: list[tuple[str, int]], line: Callable[[int], int]) -> Iterator[tuple[int, Detail]]:
    while run and run[-1][0].lower() in _JOINERS:
        run.pop()
    checked = [w for w, _ in run if w.lower() not in _JOINERS and _name_word(w)]
    if run and checked and _starts_sentence(clean, run[0][1]) and checked[0] == run[0][0]:
        checked.pop(0)  # capitalised by grammar ("Prosecutors", "Head of…"); the words after it still count
    while run and run[0][0].lower() in _JOINERS:  # "The FBI" is shown as "FBI"
        run.pop(0)
    if checked:
        yield run[0][1], Detail("name", " ".join(w for w, _ in run), line(run[0][1]), tuple(checked))


def _starts_sentence(text: str, at: int) -> bool:
    """Whether the word at ``at`` begins a sentence, a line, a list item or a bracket: what comes
    before it, past spaces, is the start, an end of sentence, a colon or semicolon, an opening
    bracket, a line break, or a list marker at the start of a line. (Read backwards from ``at``, so
    each call costs the length of the spaces before the word, not of the text.)"""
    index = at - 1
    newline = False
    while index >= 0 and text[index] in " \t\n":
        newline = newline or text[index] == "\n"
        index -= 1
    if index < 0 or newline or text[index] in ".!?:;(":
        return True
    if text[index] in "-*" and (index == 0 or text[index - 1] in " \t\n"):
        before = text.rfind("\n", 0, index)
        return not text[before + 1 : index].strip()  # a list marker: only spaces before it on its line
    return False


def _name_word(word: str) -> bool:
    base = _possessive(word).lower()
    return base not in NOT_NAMES and base not in MONTHS and len(base) > 1


def _possessive(word: str) -> str:
    return word[:-2] if word.endswith(("'s", "\u2019s")) else word.rstrip("'\u2019")


COUNTRY_FORMS = {
    "china": ("china", "chinese", "prc", "beijing", "中国", "中國"),
    "chinese": ("china", "chinese", "prc", "中国", "中國"),
    "prc": ("china", "chinese", "prc", "people's republic", "中国", "中國"),
    "us": ("us", "united states", "america", "美国", "美國"),
    "united": ("united states", "united kingdom", "united nations"),
    "states": ("united states", "states"),
    "american": ("us", "united states", "america"),
    "hong": ("hong kong", "香港"),
    "kong": ("hong kong", "香港"),
}
"""Names a source may write another way: a country, its initials, its adjective, its capital as the
seat of its government, its name in Chinese."""


@dataclass(frozen=True)
class _Index:
    lower: str
    words: frozenset[str]
    numbers: frozenset[float]


@lru_cache(maxsize=65_536)
def _index(text: str, *, cited: bool) -> _Index:
    """One text's words (folded to lower case, hyphenated words also by their parts, country names
    by their other forms) and numbers (numerals, number words, ordinals, "thirty-first", and for a
    cited text small Chinese numerals)."""
    normal = normalise_text(text)
    lower = _fold(normal)
    words = set(_words_of(lower))
    for country, forms in COUNTRY_FORMS.items():
        if any(form in lower for form in forms):
            words.add(country)
    numbers = {_number_value(n) for n in _NUMBER.findall(lower)}
    numbers |= {NUMBER_WORDS[w] for w in words if w in NUMBER_WORDS}
    numbers |= {ORDINALS[w] for w in words if w in ORDINALS}
    for word in words:  # "thirty-first", "twenty-two"
        tens, _, unit = word.partition("-")
        if tens in NUMBER_WORDS and NUMBER_WORDS[tens] >= 20 and unit:
            value = ORDINALS.get(unit, NUMBER_WORDS.get(unit))
            if value is not None and value < 10:
                numbers.add(NUMBER_WORDS[tens] + value)
    if cited:
        numbers |= _cjk_numbers(normal)
    return _Index(lower, frozenset(words), frozenset(numbers))


class Haystack:
    """The texts a statement cites and the names of the records it links, searched for details.

    Built lazily and from per-text indexes (``_index``, cached): most statements have no detail
    that needs looking up, and one excerpt is cited by many facts."""

    def __init__(self, texts: Iterable[str], names: Iterable[str] = (), dates: Iterable[str] = ()) -> None:
        self._texts = tuple(texts)
        self._names = tuple(names)
        self._dates = tuple(dates)
        self._built = False

    def _build(self) -> None:
        indexes = [_index(t, cited=True) for t in self._texts] + [_index(n, cited=False) for n in self._names]
        self.text = "\n".join(normalise_text(t) for t in self._texts)
        self.lower = "\n".join(index.lower for index in indexes)
        self.words: set[str] = set().union(*(index.words for index in indexes))
        self.numbers: set[float] = set().union(*(index.numbers for index in indexes))
        for date in self._dates:  # a dated source supports its own date: its year, month and day
            year, _, rest = date.partition("-")
            month, _, day = rest.partition("-")
            self.numbers.add(float(year))
            if month:
                self.words.add(MONTHS[int(month) - 1])
            if day:
                self.numbers.add(float(day))
        self._built = True

    def holds(self, detail: Detail) -> bool:
        if not self._built:
            self._build()
        if detail.kind == "number":
            value = NUMBER_WORDS.get(detail.shown.lower())
            return (value if value is not None else _number_value(detail.shown)) in self.numbers
        if detail.kind == "month":
            month = detail.shown.lower()
            forms = _MONTH_FORMS[month]
            if forms & self.words:
                return True
            # a numeric date in the text: 2020-12-18, 12/18/2020, 2020年12月
            number = MONTHS.index(month) + 1
            return bool(
                re.search(rf"\b\d{{4}}-0?{number}-\d|\b0?{number}/\d{{1,2}}/\d{{2,4}}|年\s*0?{number}\s*月", self.text)
            )
        if detail.kind == "quoted":
            return _fold(normalise_text(detail.shown)) in self.lower
        # a name: every word of it, apart from joiners, is in the texts or the linked names
        return all(self._has_name_word(word) for word in detail.checked)

    def _has_name_word(self, word: str) -> bool:
        """A word of a name is in the texts as itself or, when hyphenated ("China-based", "US-hosted"),
        by its capitalised parts."""
        base = _possessive(word)
        if _fold(base) in self.words or _fold(word) in self.words:
            return True
        parts = [p for p in base.split("-") if p[:1].isupper() and _name_word(p)]
        return "-" in base and bool(parts) and all(_fold(p) in self.words for p in parts)


def _fold(text: str) -> str:
    # "U.S." and "US" are one name; case is not a difference between a name and its mention
    return text.replace("U.S.", "US").replace("U.K.", "UK").replace("P.R.C.", "PRC").lower()


def _words_of(text: str, *, keep_case: bool = False) -> list[str]:
    found = [_possessive(m.group(0)) for m in _WORD.finditer(text)]
    parts: list[str] = []
    for word in found:
        parts.append(word)
        if "-" in word:  # "Cheuk-yan" is found as itself; "US-hosted" also as "US"
            parts.extend(p for p in word.split("-") if p)
    return parts if keep_case else [p.lower() for p in parts]


def _number_value(shown: str) -> float:
    return float(shown.replace(",", ""))


_CJK_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _cjk_numbers(text: str) -> set[float]:
    """Small numbers written in Chinese numerals (一 to 十), which a Chinese excerpt uses for counts."""
    return {float(v) for ch, v in _CJK_DIGITS.items() if ch in text} if _CJK.search(text) else set()


def unsupported(text: str, haystack: Haystack) -> Iterator[Detail]:
    """Each detail of ``text`` that ``haystack`` does not hold, once per detail."""
    seen: set[tuple[str, str]] = set()
    for detail in details(text):
        key = (detail.kind, detail.shown.lower())
        if key in seen:
            continue
        seen.add(key)
        if not haystack.holds(detail):
            yield detail


def date_part(detail: Detail) -> str:
    """Which part of a date a detail of ``spoken_date`` is."""
    if detail.kind == "month":
        return "month"
    return "year" if len(detail.shown) == 4 else "day"


def is_a_source_date(date: str, published: Iterable[str]) -> bool:
    """Whether a partial ISO date is, at its own precision, the date of one of the sources (the
    check on a fact's date then needs no excerpt)."""
    return any(source.startswith(date) for source in published)


def spoken_date(date: str) -> str:
    """A partial ISO date as words, for the detail check: '2020-11-09' is '9 November 2020'."""
    year, _, rest = date.partition("-")
    month, _, day = rest.partition("-")
    parts = [str(int(day))] if day else []
    if month:
        parts.append(MONTHS[int(month) - 1].capitalize())
    return " ".join([*parts, year])


def problem(detail: Detail) -> str:
    shown = detail.shown if len(detail.shown) <= 60 else detail.shown[:57] + "…"
    what = {"quoted": "the quoted words", "number": "the number", "month": "the month", "name": "the name"}
    return f"{what[detail.kind]} '{shown}' {'are' if detail.kind == 'quoted' else 'is'} not in any cited excerpt"


FIX = "cite a source whose excerpt says it, add it to an excerpt if the source says it, or drop it"
