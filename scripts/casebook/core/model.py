"""The content model: one pydantic class per record kind, checked at the boundary.

Field types carry the rules a contributor can break (date formats, https-only URLs, no raw
HTML), each with a message that says how to fix it. Cross-record rules (references, unique ids,
sourcing) live in ``validate``.
"""

from __future__ import annotations

import calendar
import re
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import parse_qsl, urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator
from pydantic_core import PydanticCustomError

from casebook.core import markup

# ---------------------------------------------------------------- scalar types

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _check_id(value: str) -> str:
    if not value:
        raise PydanticCustomError("casebook_id", "id is empty", {"fix": "fill in the id of the record you mean"})
    if not ID_PATTERN.fullmatch(value):  # fullmatch: `$` alone lets a trailing newline through
        raise PydanticCustomError(
            "casebook_id",
            "'{value}' is not a valid id",
            {"value": value, "fix": "use lower-case letters, digits and single hyphens, e.g. 'jin-liaison-role'"},
        )
    return value


Id = Annotated[
    str,
    Field(max_length=80, json_schema_extra={"pattern": ID_PATTERN.pattern, "description": "a permanent kebab-case id"}),
    AfterValidator(_check_id),
]


def no_items() -> Any:
    """The default of a list field: empty, made by a factory. Pydantic deep-copies a ``[]`` default
    for each record that leaves the field out (43,000 copies for 10,000 facts); a factory makes a new
    list instead. The JSON schema still says ``"default": []``."""
    return Field(default_factory=list, json_schema_extra={"default": []})


_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")  # ASCII digits only; used with fullmatch


def _year_as_text(value: Any) -> Any:
    # An unquoted `2020` arrives as an int; a year is still a valid date of year precision.
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    return value


def _check_date(value: str) -> str:
    match = _DATE.fullmatch(value)
    fix = "write YYYY, YYYY-MM or YYYY-MM-DD, for example 2020-06-04"
    if not match:
        raise PydanticCustomError("casebook_date", "'{value}' is not a date", {"value": value, "fix": fix})
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        raise PydanticCustomError(
            "casebook_date", "'{value}' has no month {month}", {"value": value, "month": month, "fix": fix}
        )
    if day is not None:
        assert year is not None and month is not None
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise PydanticCustomError("casebook_date", "'{value}' is not a real day", {"value": value, "fix": fix})
    return value


PartialDate = Annotated[
    str,
    BeforeValidator(_year_as_text),
    AfterValidator(_check_date),
    Field(json_schema_extra={"pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$", "description": "YYYY, YYYY-MM or YYYY-MM-DD"}),
]


def _check_full_date(value: str) -> str:
    if len(value) != 10:
        raise PydanticCustomError(
            "casebook_date", "'{value}' must be a full date", {"value": value, "fix": "write YYYY-MM-DD"}
        )
    return value


FullDate = Annotated[
    PartialDate,
    AfterValidator(_check_full_date),
    Field(json_schema_extra={"pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD"}),
]

# Length caps, far above the longest real values (a lesson's model answer: about 4,000 characters; a
# title: 178; an archive URL: 241), so that no field can make a check slow.
MAX_TEXT = 20_000
MAX_CARDS = 40  # cards of one activity
MAX_ROLES = 12  # roles, and private cards, of one activity
MAX_INJECTS = 20  # injects of one activity
MAX_LINE = 300
MAX_URL = 2_048

TRACKING_PARAMETERS = ("utm_", "_ga", "_gl", "ref", "hs_amp", "fbclid", "gclid", "mc_cid", "mc_eid", "td")


def _check_url(value: str) -> str:
    stripped = value.strip()
    scheme = stripped.split(":", 1)[0].lower() if ":" in stripped else ""
    if scheme in ("javascript", "data", "vbscript", "file"):
        raise PydanticCustomError(
            "casebook_url", "'{scheme}:' URLs are not allowed", {"scheme": scheme, "fix": "link to an https:// page"}
        )
    if scheme != "https":
        raise PydanticCustomError(
            "casebook_url",
            "'{value}' is not an https URL",
            {"value": value, "fix": "use the https:// address of the page"},
        )
    if stripped != value or any(ch.isspace() for ch in value):
        raise PydanticCustomError("casebook_url", "URL contains spaces", {"fix": "remove them or encode them as %20"})
    problem = markup.url_problem(value)
    if problem is not None:
        raise PydanticCustomError(
            "casebook_url",
            "{message}",
            {
                "message": problem,
                "fix": "percent-encode it (%22 for a double quote), or copy the address bar's address",
            },
        )
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()  # hostname keeps the case after a "%" (an IPv6 zone)
    if "." not in host:
        raise PydanticCustomError("casebook_url", "'{value}' has no host name", {"value": value})
    # urlsplit keeps whatever sits between '//' and the path, '%2f' included: a host that a browser
    # would refuse could still end in an official name ("evil.example%2f.justice.gov").
    labels = host.split(".")
    if re.fullmatch(r"[a-z0-9.-]+", host) is None or any(not a or a.startswith("-") or a.endswith("-") for a in labels):
        raise PydanticCustomError(
            "casebook_url",
            "'{host}' is not a host name",
            {
                "host": host,
                "fix": "write the host in letters, digits, dots and hyphens (no empty part, no part starting or "
                "ending with '-', no %-escapes); write an international name in punycode (xn--…)",
            },
        )
    tracking = [
        k
        for k, _ in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower().startswith("utm_") or k.lower() in TRACKING_PARAMETERS
    ]
    if tracking:
        raise PydanticCustomError(
            "casebook_url",
            "URL carries tracking parameters ({names})",
            {"names": ", ".join(tracking), "fix": "delete them from the address"},
        )
    return value


HttpsUrl = Annotated[
    str,
    AfterValidator(_check_url),
    Field(
        max_length=MAX_URL,
        json_schema_extra={"pattern": r"^https://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$", "format": "uri"},
    ),
]


def _check_markdown(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("casebook_text", "text is empty", {"fix": "write the text, or remove the field"})
    problem = markup.check(value)
    if problem is not None:
        where = f" (line {problem.line} of the text)" if problem.line > 1 else ""
        raise PydanticCustomError(
            "casebook_text", "{message}", {"message": problem.message + where, "fix": problem.fix}
        )
    return value


Text = Annotated[
    str,
    AfterValidator(_check_markdown),
    Field(max_length=MAX_TEXT, json_schema_extra={"description": f"Markdown: {markup.SUBSET}; nothing else (no HTML)"}),
]
"""Record text in the declared Markdown subset of ``casebook.core.markup``."""


def _check_plain(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("casebook_text", "text is empty", {"fix": "write the text, or remove the field"})
    problem = markup.check_line(value)
    if problem is not None:
        raise PydanticCustomError("casebook_plain", "{message}", {"message": problem.message, "fix": problem.fix})
    return value.strip()


Plain = Annotated[
    str, AfterValidator(_check_plain), Field(max_length=MAX_LINE, json_schema_extra={"pattern": "^[^\n\r<>]*$"})
]
"""One line of text (titles, names, labels)."""


# ---------------------------------------------------------------- records


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class Record(Strict):
    kind: ClassVar[str]
    # where references live: dotted field path ('*' for each list item) -> kinds it may point to
    references: ClassVar[dict[str, tuple[str, ...]]] = {}

    id: Id
    # ids this record had before a rename: they stay as anchors (and redirects), so old links keep working
    former_ids: list[Id] = no_items()

    @property
    def label(self) -> str:
        fields = self.__dict__  # a field's value; ``getattr`` of a field a model lacks costs an exception
        for name in ("title", "name", "term", "claim", "question"):
            value = fields.get(name)
            if isinstance(value, str):
                return value
        return self.id


class Citation(Strict):
    source: Id
    locator: Plain | None = None
    excerpt: Text | None = None


class Snapshot(Strict):
    file: str = Field(pattern=r"^sources/snapshots/[a-z0-9-]+\.txt$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


SourceKind = Literal["court", "government", "company", "press", "ngo", "academic", "law-text", "blog", "other"]
License = Literal["public-domain", "copyrighted", "open-licence"]
# Where the text of a source was checked on the date in `accessed`: on the page at its `url`
# (`original`), on a stored or archived copy of that document kept elsewhere (`archive`), or only
# through other publishers' reprints or quotations (`reprint`, named in `read_via` or the note).
# The last two say the page itself was not reached, so "accessed" never claims a visit that did not happen.
CheckedFrom = Literal["original", "archive", "reprint"]


class Source(Record):
    kind: ClassVar[str] = "source"
    references = {"read_via.*": ("source",)}

    title: Plain
    publisher: Plain
    type: SourceKind
    authors: list[Plain] = no_items()
    published: PartialDate
    # the page gives no date of its own: ``published`` is then the date of the text it reproduces or
    # describes (a law, a judgment), or of the reading; it is shown as "undated" and left out of the exports
    undated: bool = False
    url: HttpsUrl
    archive_url: HttpsUrl
    accessed: FullDate  # the date this record's text was checked (shown as "text checked")
    checked_from: CheckedFrom = "original"
    license: License
    language: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
    read_via: list[Id] = no_items()
    note: Text | None = None
    excerpts: list[Text] = no_items()
    snapshot: Snapshot | None = None
    # the page of its id's letter when its kind is split (``core.urls.paginate_sources``), else None
    _page: str | None = PrivateAttr(default=None)


FactStatus = Literal["established", "alleged", "reported", "disputed"]


def shown_date(source: Source) -> str:
    """A source's date as the bibliography shows it: '13 June 1956', or 'undated' for a page that gives no date."""
    from casebook.core.text import human_date

    return "undated" if source.undated else human_date(source.published)


class Fact(Record):
    kind: ClassVar[str] = "fact"
    references = {
        "topics.*": ("topic",),
        "sources.*.source": ("source",),
        "attributed_to.*": ("person", "organisation"),
        "people.*": ("person",),
        "organisations.*": ("organisation",),
        "laws.*": ("law",),
        "terms.*": ("term",),
    }

    statement: Text
    status: FactStatus
    date: PartialDate
    topics: list[Id] = Field(min_length=1)
    sources: list[Citation] = Field(min_length=1)
    attributed_to: list[Id] = no_items()
    people: list[Id] = no_items()
    organisations: list[Id] = no_items()
    laws: list[Id] = no_items()
    terms: list[Id] = no_items()
    note: Text | None = None
    # a statement about the present (custody, trial, a status) holds as of this date: no later than
    # the newest source it cites, and shown as "as of <date>, the latest source found"
    as_of: PartialDate | None = None


class Quote(Record):
    kind: ClassVar[str] = "quote"
    references = {"speaker": ("person", "organisation"), "source": ("source",), "facts.*": ("fact",)}

    speaker: Id
    role: Plain
    text: Text
    said: PartialDate
    context: Text
    source: Id
    locator: Plain | None = None
    excerpt: bool = False
    facts: list[Id] = no_items()


class Event(Record):
    kind: ClassVar[str] = "event"
    references = {"facts.*": ("fact",)}

    date: PartialDate
    title: Plain
    summary: Text
    facts: list[Id] = Field(min_length=1)
    # the page of its year when the timeline is split (``core.urls.paginate_timeline``), else None
    _page: str | None = PrivateAttr(default=None)


class Role(Strict):
    title: Plain
    organisation: Id | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None


class Person(Record):
    kind: ClassVar[str] = "person"
    references = {"roles.*.organisation": ("organisation",), "sources.*": ("source",)}

    name: Plain
    aliases: list[Plain] = no_items()
    summary: Text
    roles: list[Role] = no_items()
    sources: list[Id] = Field(min_length=1)


class Organisation(Record):
    kind: ClassVar[str] = "organisation"
    references = {"parent": ("organisation",), "sources.*": ("source",)}

    name: Plain
    aliases: list[Plain] = no_items()
    summary: Text
    country: Plain | None = None
    parent: Id | None = None
    sources: list[Id] = Field(min_length=1)


class Topic(Record):
    kind: ClassVar[str] = "topic"

    title: Plain
    summary: Text
    in_case: bool = True  # false for context that is not part of the criminal case


class Renumbered(Strict):
    """Where a provision of an older version sits in a later one (Art. 37 of the 2016 text is Art. 39 of
    the text in force from 2026)."""

    version: Id  # the id of the later version, one of the law's ``versions``
    ref: Plain
    source: Id | None = None  # the source that gives the new number


class Provision(Strict):
    ref: Plain
    text: Text
    form: Literal["quote", "paraphrase"]
    translation: Plain | None = None  # whose translation a quoted non-English text is
    version: Id | None = None  # the id of the version of the law it is quoted from, one of the law's ``versions``
    version_note: Plain | None = None  # what is not known about it, e.g. "number after the 2025 amendment not verified"
    renumbered: Renumbered | None = None
    source: Id


class Amendment(Strict):
    """A dated change that made no version of its own here (an update, a reauthorisation); a revision
    whose text a provision is quoted from, or that replaced the text in force, is a ``LawVersion``."""

    date: PartialDate
    summary: Text


class LawVersion(Strict):
    """One dated text of a law: the original, or a revision that replaced it.

    A version no longer in force names the version that replaced it (``superseded_by``) and, when a
    source gives it, the day it stopped applying (``superseded``); the version in force has neither.
    The rules check the ids (``rules.law_versions_are_consistent``)."""

    id: Id  # a short permanent id, quoted if it is a year: '2014'
    label: Plain  # how the site names it: "2014 text", "2023 revised text"
    adopted: PartialDate | None = None
    in_force: PartialDate | None = None
    superseded: PartialDate | None = None
    superseded_by: Id | None = None
    note: Text | None = None  # what this version changed
    sources: list[Id] = no_items()  # the sources for its dates and for which version is in force

    @property
    def current(self) -> bool:
        """Whether this is the version in force (as of the law's ``versions_checked``)."""
        return self.superseded is None and self.superseded_by is None


Jurisdiction = Literal["prc", "us", "eu", "international", "other"]
LawKind = Literal[
    "constitution",
    "statute",
    "regulation",
    "executive-order",
    "treaty",
    "case-law",
    "framework",
    "standard",
    "guidance",
]


class Law(Record):
    kind: ClassVar[str] = "law"
    references = {
        "provisions.*.source": ("source",),
        "provisions.*.renumbered.source": ("source",),
        "versions.*.sources.*": ("source",),
        "sources.*": ("source",),
        "topics.*": ("topic",),
        "related.*": ("law",),
    }

    title: Plain
    short_title: Plain | None = None
    jurisdiction: Jurisdiction
    type: LawKind
    citation: Plain
    # the dated texts of the law, oldest first; their dates replace the law's former adopted and in_force
    versions: list[LawVersion] = no_items()
    # when the site last checked which version is in force: no later than the newest source of a version
    # (``rules.versions_checked_not_after_their_sources``)
    versions_checked: FullDate | None = None
    amendments: list[Amendment] = no_items()
    summary: Text
    provisions: list[Provision] = no_items()
    relevance: Text
    topics: list[Id] = no_items()
    related: list[Id] = no_items()
    sources: list[Id] = Field(min_length=1)

    def version(self, version_id: str | None) -> LawVersion | None:
        """The version with this id, or None."""
        return next((v for v in self.versions if v.id == version_id), None) if version_id else None

    @property
    def current_version(self) -> LawVersion | None:
        """The version in force: the last one that names no successor (None if every one does)."""
        return next((v for v in reversed(self.versions) if v.current), None)

    @property
    def adopted(self) -> str | None:
        """When the law was first adopted: the first version's date."""
        return self.versions[0].adopted if self.versions else None

    @property
    def in_force(self) -> str | None:
        """Since when the version in force applies."""
        current = self.current_version
        return current.in_force if current is not None else None


ACTION_VERBS = frozenset(
    (
        "analyse",
        "analyze",
        "apply",
        "argue",
        "assess",
        "classify",
        "compare",
        "construct",
        "contrast",
        "critique",
        "debate",
        "decide",
        "define",
        "describe",
        "design",
        "differentiate",
        "distinguish",
        "draft",
        "estimate",
        "evaluate",
        "explain",
        "identify",
        "interpret",
        "justify",
        "list",
        "locate",
        "map",
        "name",
        "outline",
        "plan",
        "predict",
        "propose",
        "rank",
        "recognise",
        "recognize",
        "recommend",
        "relate",
        "summarise",
        "summarize",
        "trace",
        "use",
        "weigh",
        "write",
    )
)


def _check_objective(value: str) -> str:
    first = value.split(maxsplit=1)[0].lower().strip(",.:;") if value.strip() else ""
    if first not in ACTION_VERBS:
        raise PydanticCustomError(
            "casebook_objective",
            "objective should start with an action verb, not '{first}'",
            {"first": first, "fix": "for example: explain, identify, compare, evaluate, design"},
        )
    return value


class Objective(Strict):
    text: Annotated[Plain, AfterValidator(_check_objective)]
    evidence: list[Id] = Field(min_length=1)
    # the ids of the lesson's activities or assessment items that assess this objective (checked by
    # ``teaching``: every objective is assessed by at least one item of the same lesson)
    assessed_by: list[Id] = no_items()


class TimingPart(Strict):
    """One part of a step's minutes; ``each_group`` parts happen once per group (a report from each)."""

    minutes: int = Field(ge=1, le=600)
    what: Plain
    each_group: bool = False


class Step(Strict):
    minutes: int = Field(ge=1, le=600)
    title: Plain
    activity: Text  # the facilitator's directions: shown in the instructor view only
    # how the class of 30 is split for this step: students per group (1: alone, 2: pairs) and the number
    # of groups the minutes assume; both absent for whole-class work
    group_size: int | None = Field(default=None, ge=1, le=30)
    groups: int | None = Field(default=None, ge=1, le=30)
    timing: list[TimingPart] = no_items()  # what the minutes are made of; they must add up (``teaching``)


class RubricLevel(Strict):
    level: Plain  # e.g. "Secure", "Developing"
    descriptor: Text


class PrivateCard(Strict):
    """A card handed to one player only (never on the student page)."""

    role: Plain  # which role receives it
    text: Text


class Card(Strict):
    """A card students order or sort. It prints ``text`` only: no date, source, status or citation.
    The answer comes from the fact behind it (its date for an ordering task, its status for a
    sorting task) and is printed on the answer key, never on the card."""

    text: Plain
    fact: Id | None = None  # the record behind the card
    answer: Text | None = None  # why, for the answer key (with citations)


class Activity(Strict):
    id: Id | None = None  # names the activity in objectives' ``assessed_by``
    assesses: list[int] = no_items()  # the other way round: the numbers (1, 2, …) of the objectives it assesses
    title: Plain
    type: Literal["discussion", "exercise", "tabletop", "case-analysis", "reading", "role-play"]
    # scenario material made up for class: shown with a visible "Invented" label (``teaching`` asks
    # every role-play and tabletop, and every activity with roles or injects, to say true or false)
    invented: bool | None = None
    # an open task (no single right answer) needs a rubric; None: open if its type is discussion,
    # role-play, tabletop or case-analysis
    open: bool | None = None
    instructions: Text
    # the counts are capped: a class uses a few dozen cards at most, and each is laid out on paper
    cards: list[Card] = Field(default=[], max_length=MAX_CARDS)
    cards_task: Literal["order", "sort"] | None = None  # order: by the facts' dates; sort: by their status
    roles: list[Text] = Field(default=[], max_length=MAX_ROLES)
    private_cards: list[PrivateCard] = Field(default=[], max_length=MAX_ROLES)
    injects: list[Text] = Field(default=[], max_length=MAX_INJECTS)  # one at a time, never on the student page
    solution: Text | None = None
    rubric: list[RubricLevel] = Field(default=[], max_length=4)

    @model_validator(mode="after")
    def _ordered_cards_have_dates(self) -> Activity:
        """An ordering task's answer is the order of its cards' facts by date: each card needs one."""
        if self.cards_task == "order":
            for number, card in enumerate(self.cards, 1):
                if card.fact is None:
                    raise PydanticCustomError(
                        "casebook_cards",
                        "card {number} of an ordering task has no fact",
                        {"number": number, "fix": "give it the fact whose date places it (fact: <id>)"},
                    )
        return self


class AssessmentItem(Strict):
    id: Id | None = None  # names the item in objectives' ``assessed_by``
    assesses: list[int] = no_items()  # the other way round: the numbers (1, 2, …) of the objectives it assesses
    question: Text
    answer: Text
    rubric: list[RubricLevel] = Field(default=[], max_length=4)


class VocabularyEntry(Strict):
    word: Plain
    meaning: Plain
    term: Id | None = None  # the glossary term, when there is one


class Safety(Strict):
    """The "Preparing to teach" safety box: roles, privacy, leaving the role, what the case contains."""

    voluntary_roles: Text  # roles are volunteered, never cast by heritage
    no_recording: Text  # nothing students say is recorded or posted
    de_roling: Text  # how players step out of their roles
    content_note: Text  # the fabricated allegations (and other distressing material) the case involves
    other: list[Text] = no_items()


class Preparing(Strict):
    """The instructor's one-page quick-start."""

    background: list[Text] = Field(min_length=1)  # five sourced sentences (``teaching``)
    read_first: list[Text] = no_items()  # what the teacher reads before class (not the students' prerequisites)
    support: list[Text] = no_items()  # how to support students who find the lesson hard (differentiation)
    watch_for: list[Text] = Field(min_length=1)
    safety: Safety | None = None


class Needs(Strict):
    """What the lesson needs, as the lessons index and the quick-start say it."""

    group_size: Plain
    devices: Plain
    print: list[Plain] = no_items()  # what to print; empty: nothing


Involves = Literal["real-dissidents", "role-play", "requesting-state-participants"]


Level = Literal["secondary", "undergraduate", "postgraduate", "professional", "general"]
# The site's three subjects; each has an explainer page at docs/topics/<theme>.md.
Theme = Literal["insider-risk", "data-sovereignty", "extradition"]
THEMES: dict[str, str] = {
    "insider-risk": "Insider risk",
    "data-sovereignty": "Data sovereignty and compelled access",
    "extradition": "The limits of extradition",
}


class Lesson(Record):
    """One record, three views (``lesson_views`` says which part is for whom)."""

    kind: ClassVar[str] = "lesson"
    references = {
        "objectives.*.evidence.*": ("fact", "law", "quote", "source"),
        "materials.*": ("fact", "law", "quote", "source", "event", "person", "organisation", "term", "topic"),
        "topics.*": ("topic",),
        "vocabulary.*.term": ("term",),
        "activities.*.cards.*.fact": ("fact",),
    }

    title: Plain
    audience: Plain
    level: Level
    minutes: int = Field(ge=5, le=600)
    themes: list[Theme] = no_items()  # which of the site's subjects it teaches (the lessons index lists them)
    topics: list[Id] = no_items()
    # what the lesson touches that calls for the safety box (role-play is also seen from the activities)
    involves: list[Involves] = no_items()
    needs: Needs | None = None
    preparing: Preparing | None = None
    prerequisites: list[Text] = no_items()  # what learners need, and their pre-reading
    questions: list[Text] = Field(min_length=1)
    objectives: list[Objective] = Field(min_length=1)
    vocabulary: list[VocabularyEntry] = no_items()
    materials: list[Id] = no_items()
    # site pages to use, e.g. case/timeline.md
    pages: list[Annotated[str, Field(pattern=r"^[a-z0-9/_-]+\.md$")]] = no_items()
    sequence: list[Step] = Field(min_length=1)
    activities: list[Activity] = no_items()
    discussion: list[Text] = no_items()
    assessment: list[AssessmentItem] = no_items()
    instructor_notes: list[Text] = no_items()
    key_points: list[Text] = Field(min_length=1)
    takeaway: list[Text] = no_items()  # a checklist to take away and use (printed on the handout)
    extension: list[Text] = no_items()  # tasks for students who finish early or want more


class Term(Record):
    kind: ClassVar[str] = "term"
    references = {"see.*": ("term", "law", "fact", "topic"), "sources.*": ("source",)}

    term: Plain
    aliases: list[Plain] = no_items()
    definition: Plain  # plain text: it also becomes a hover tooltip
    see: list[Id] = no_items()
    sources: list[Id] = no_items()


class Position(Strict):
    summary: Text
    facts: list[Id] = no_items()
    sources: list[Id] = no_items()


class Disagreement(Record):
    kind: ClassVar[str] = "disagreement"
    references = {"positions.*.facts.*": ("fact",), "positions.*.sources.*": ("source",)}

    question: Plain
    positions: list[Position] = Field(min_length=2)
    handling: Text  # how the site words the point, given the disagreement


class Misconception(Record):
    kind: ClassVar[str] = "misconception"
    references = {"facts.*": ("fact",), "sources.*": ("source",)}

    claim: Plain
    correction: Text
    facts: list[Id] = no_items()
    sources: list[Id] = Field(min_length=1)


class GlanceItem(Strict):
    """One line of the home page's "At a glance" box: a short label and a text that cites its facts.

    A statement cites at least one fact, quote or source, and its details are in their excerpts
    (``rules.glance_items_are_cited_and_supported``); an ``analysis`` item is this site's reasoning and
    is shown with that label. A statement about the present gives ``as_of``: the date of the newest
    source it rests on, shown as "as of <date>"."""

    label: Plain  # "What happened", "Where Jin is"
    text: Text
    analysis: bool = False
    as_of: FullDate | None = None


class AllegationRow(Strict):
    """One row of "Allegations and answers": an alleged fact, the company's account of it and what is
    on the record about it (``rules.allegation_rows_pair_the_right_facts`` checks the statuses)."""

    allegation: Id  # a fact whose status is alleged
    company: list[Id] = no_items()  # the company's statements: facts attributed to it, or quotes
    record: list[Id] = no_items()  # facts on the record (status established)


class Case(Record):
    kind: ClassVar[str] = "case"
    references = {
        "key_facts.*": ("fact",),
        "defendants.*": ("person",),
        "company": ("organisation",),
        "allegations.*.allegation": ("fact",),
        "allegations.*.company.*": ("fact", "quote"),
        "allegations.*.record.*": ("fact",),
    }

    title: Plain
    court: Plain
    docket: Plain
    defendants: list[Id] = Field(min_length=1)
    company: Id | None = None  # the company whose own account the allegations page sets beside the charges
    summary: Text
    status: Text
    # the date of the newest source the status rests on: the status holds as of then, not as of today
    as_of: FullDate
    # when this site last looked for anything newer, and what it did not (or could not) check
    checked: FullDate | None = None
    not_checked: Text | None = None
    key_facts: list[Id] = no_items()
    # the home page's "At a glance" box, in the order shown (``[[glance:<case id>]]`` in docs/index.md)
    at_a_glance: list[GlanceItem] = no_items()
    # the rows of "Allegations and answers", in the order shown, grouped under their allegation's topic
    allegations: list[AllegationRow] = no_items()


MODELS: dict[str, type[Record]] = {
    model.kind: model
    for model in (
        Case,
        Topic,
        Source,
        Fact,
        Quote,
        Event,
        Person,
        Organisation,
        Term,
        Law,
        Lesson,
        Disagreement,
        Misconception,
    )
}
