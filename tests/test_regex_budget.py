"""No regular expression in the casebook package may backtrack badly on contributors' text.

Every compiled pattern at module level (also inside module-level tuples, lists and dicts) must have
a registered worst case below: inputs of about 1 MB built to make that pattern rescan (long runs of
its opening characters, unclosed constructs), run the way its module runs it (search, finditer,
sub, split, fullmatch). Each must finish in under a second; a linear pattern takes milliseconds,
a quadratic one takes hours at this size. A new pattern without a worst case fails
``test_every_pattern_has_a_worst_case``: think about its worst input and register it.

The timings are bounds, not benchmarks: they are far above what a linear pattern needs even on a
slow, shared CI machine, and far below what a quadratic one needs. They count this process's CPU
time, so waiting for a core on a loaded machine does not count; a wall-clock deadline at ten times the
bound still stops a run that hangs.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import pkgutil
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import casebook
from casebook.core import present, prose, shortcodes, support, text, textnorm
from casebook.core.errors import ContentError
from casebook.core.validate import build_case

from .support.deadline import TooSlow, deadline

SEED = Path(__file__).parent / "fixtures" / "seed"
MB = 1_000_000
SECONDS = 1.0  # per pattern and input; see the module docstring
FUNCTION_SECONDS = 2.0  # per text function and input: several patterns and some Python over 1 MB

Input = str | bytes


def _run(text: str) -> str:
    """``text`` repeated to about 1 MB."""
    return text * (MB // len(text))


@dataclass(frozen=True)
class Worst:
    """The worst inputs of one pattern, and how its module uses it."""

    inputs: tuple[Callable[[], Input], ...]
    use: str = "finditer"  # the re.Pattern method the module calls
    limit: int | None = None  # the module only ever gives it this many characters


def _spaces_then(end: str) -> Callable[[], str]:
    return lambda: " " * MB + end


def _reps(*texts: str) -> tuple[Callable[[], str], ...]:
    return tuple((lambda t=t: _run(t)) for t in texts)


# pattern name (module.attribute, or module.attribute[index] inside a tuple), or for a pattern inside
# a table whose order may change, the pattern's own text -> its worst case
WORST: dict[str, Worst] = {
    # core/model.py: ids and dates, matched whole
    "casebook.core.model.ID_PATTERN": Worst((*_reps("a-", "a", "-"), lambda: "a-" * (MB // 2) + "!"), "fullmatch"),
    "casebook.core.model._DATE": Worst((*_reps("2", "2020-"), lambda: "2" * MB + "\n"), "fullmatch"),
    # core/shortcodes.py
    "casebook.core.shortcodes.SHORTCODE": Worst(
        (*_reps("[[a:b", "[[a:b|c", "[[a", "[[", "[[a:"), lambda: "[[a:" + "b" * MB, lambda: "[[a:b|" + "c" * MB)
    ),
    "casebook.core.shortcodes._CODE": Worst(
        (
            *_reps("\n```", "\n```\n~~~", "\n```x", "`a", "`", "\n`", "``` "),
            lambda: "\n~~~" + _run("\n```"),
            lambda: "\n```x" + _run("\nx"),
            lambda: "`" + "a" * MB,
        )
    ),
    # core/text.py
    "casebook.core.text.QUOTE_CUT": Worst(
        (_spaces_then("x"), lambda: "[" + " " * MB, lambda: "[" + " " * MB + "\u2026", *_reps("[ ", " [", "[...", " ")),
        "split",
    ),
    "casebook.core.text._LINK": Worst((*_reps("[", "[](", "](", "[a]", "[a](x"), lambda: "[a](" + "(" * MB), "sub"),
    "casebook.core.text._EMPHASIS": Worst(_reps("*a ", "**a ", "_a ", "__a ", "*", "_", "**", "* a", "***a "), "sub"),
    "casebook.core.text._CODE": Worst(_reps("`", "`a", "a`"), "sub"),
    # core/lesson_views.py (leak probes) and core/teaching.py (lesson rules), over lesson text
    "casebook.core.lesson_views._SENTENCE": Worst(_reps(". ", ".", "\n", " ", ".\n "), "split"),
    "casebook.core.teaching._GROUP_WORDS": Worst(
        _reps("in pairs", "groups ", "in ", "each team", "a ", "group"), "search"
    ),
    "casebook.core.teaching._INVENTED_WORDS": Worst(_reps("in-", "invente", "made ", "fictiona"), "search"),
    "casebook.core.teaching._SPOILING_PAGES": Worst(
        _reps("facts by ", "allegations and ", "timelin", "facts "), "search"
    ),
    # core/textnorm.py
    "casebook.core.textnorm._SPACES": Worst((_spaces_then("x"), *_reps(" x", " \n")), "sub"),
    "casebook.core.textnorm._SPACED_ELLIPSIS": Worst(_reps(". ", ".", ". ."), "sub"),
    # core/markup.py (the Markdown subset checker); the table of foreign syntax by pattern text
    "casebook.core.markup._FORBIDDEN_CHARS": Worst(_reps("a", "\x01"), "search"),
    r"<(?!https://)[A-Za-z!?/]": Worst((*_reps("<", "<https:/", "< "),), "search"),
    r"\{\s*[:#.]": Worst((lambda: "{" + " " * MB, *_reps("{ ", "{")), "search"),
    r"(?m)^[ \t]*\*\[": Worst((_spaces_then("*"), *_reps(" \n", "\t*\n")), "search"),
    r"(?m)^[ \t]*(?:!!!|\?\?\?|///)": Worst((_spaces_then("!!"), *_reps(" \n", "!!\n", "??\n")), "search"),
    r"\[\^": Worst(_reps("[", "[["), "search"),
    "casebook.core.markup._PLACEHOLDER": Worst((lambda: "\ue000" + "1" * MB, *_reps("\ue0001", "\ue000")), "finditer"),
    "casebook.core.markup._URI_CHARS": Worst((lambda: "a" * MB + " ", lambda: "%2" * (MB // 2) + " "), "fullmatch"),
    "casebook.core.markup._ORDERED_MARKER": Worst((lambda: "1" * MB + "x",), "match"),
    "casebook.core.markup._QUICK_CHARS": Worst(_reps("a", "a b\n"), "search"),
    "casebook.core.markup._QUICK_LINES": Worst(
        (_spaces_then("a"), *_reps(" \n", "\t\n", " 1", "1234567890", "a\n")), "search"
    ),
    "casebook.core.markup._PARSER_CHARS": Worst(_reps("a", "a b\n"), "search"),
    "casebook.core.markup._PARSER_LINES": Worst(
        (_spaces_then("a"), *_reps("a", " \n", "\t\n", " 1", "1234567890")), "search"
    ),
    "casebook.core.markup._BLANK_LINE": Worst((lambda: "\n" + " " * MB, *_reps("\n ", "\n\t x", "\n")), "split"),
    "casebook.core.markup._ESCAPE_CHARS": Worst((_spaces_then("a"), *_reps("a", "a b")), "search"),
    # core/pages.py (hand-written pages)
    "casebook.core.pages._FRONT_MATTER": Worst(
        (lambda: "---\n" + _run("--\n"), lambda: "---\n" + _run("---x\n"), lambda: "---" + " " * MB), "match"
    ),
    "casebook.core.pages._ATTR_LIST": Worst((*_reps("{", "{:", "{a"), lambda: "{" + "a" * MB), "finditer"),
    "casebook.core.rules._NOT_WORD": Worst((_spaces_then("a"), *_reps("-", "a-", "_a"), lambda: "-" * MB + "a"), "sub"),
    # core/wording.py: record texts (at most 20,000 characters) and pages (at most 100,000)
    "casebook.core.wording.FORBIDDEN[0]": Worst(_reps("he ", "Jin was ", "he was", "the employee "), "search", 100_000),
    "casebook.core.wording.FORBIDDEN[1]": Worst(_reps("grand jury ", "grand "), "search", 100_000),
    "casebook.core.wording.FORBIDDEN[2]": Worst(_reps("he ", "Jin pleaded ", "he pled"), "search", 100_000),
    "casebook.core.wording.FORBIDDEN[3]": Worst(_reps("Zoom ", "Zoom was ", "Zoom was criminally "), "search", 100_000),
    "casebook.core.wording.QUALIFIERS": Worst(_reps("a ", "if ", "no", "claim"), "search", 100_000),
    "casebook.core.wording._STRUCK": Worst(_reps("<del>", "<del>a", "~~", "~~a"), "sub", 100_000),
    "casebook.core.wording._NOT_WORDS": Worst(
        (*_reps("[[", "[[a", "[^", "[^a", "](", "](a", "<https://", "<https://a"),), "sub", 100_000
    ),
    "casebook.core.wording._SENTENCE_END": Worst(_reps(". ", ".", "\n \n", "\n", " "), "finditer", 100_000),
    # outputs/language.py: a page's HTML after the allowlist
    # core/support.py: the details of a statement (numbers, names, quoted words)
    "casebook.core.support._NUMBER": Worst((*_reps("1", "1,", "1.", "1s", "1st "), lambda: "1" * MB + "x")),
    "casebook.core.support._WORD": Worst((*_reps("a-", "a'", "A", "a- "), lambda: "a" + "-" * MB)),
    "casebook.core.support._QUOTED": Worst((*_reps('"', '"a', '"a"'), lambda: '"' + "a" * MB)),
    "casebook.core.support._NOT_WORDS": Worst(
        (*_reps("[[", "[^", "](", "<", "`", "[[a", "<a"), lambda: "[[" + "a" * MB, lambda: "](" + "a" * MB), "sub"
    ),
    "casebook.core.support._CJK": Worst(_reps("中", "a"), "search"),
    "casebook.core.support._DIGIT": Worst(_reps("a", " "), "search"),
    "casebook.core.support._NAME_RUN": Worst(
        (
            *_reps("A ", "A of ", "A of the ", "Ab-", "A'", "aA ", "A\n"),
            lambda: "A" + " of" * (MB // 3) + " x",
            lambda: "A" + "-" * MB,
        )
    ),
    "casebook.core.support._COUNT_WORD": Worst(_reps("two ", "tw", "Ma", "twenty-", "xtwo ", "September "), "finditer"),
    "casebook.core.support._ANY_COUNT_WORD": Worst(_reps("tw", "j", "seventee", "fourtee", "hundre"), "search"),
    # core/prose.py: paragraphs of a page, each line matched on its own
    "casebook.core.prose._ADMONITION": Worst(
        (lambda: " " * MB + "x", lambda: "!!! a" + " " * MB + "x", lambda: '!!! a "' + "a" * MB), "match"
    ),
    "casebook.core.prose._FENCE": Worst((lambda: " " * MB + "x",), "match"),
    "casebook.core.prose._ITEM": Worst((lambda: " " * MB + "x", lambda: "1" * MB + "x"), "match"),
    "casebook.core.prose._TABLE_RULE": Worst((lambda: " " * MB + "x", lambda: "|" + " " * MB + "x"), "match"),
    "casebook.core.prose._SIGNPOST": Worst(
        (lambda: "- [" + "a" * MB, lambda: "- [a](" + "x.md" * (MB // 4), lambda: "- " + "*" * MB), "match"
    ),
    "casebook.core.prose._MARKUP": Worst(
        (*_reps("[[", "](", "<", "*", "[[a", "](a"), lambda: "](" + "a" * MB, lambda: "<" + "a" * MB), "sub"
    ),
    # core/present.py: statements of a present status
    "casebook.core.present.PRESENT_STATUS": Worst(_reps("is ", "is still ", "remains ", "has not ", "now "), "search"),
    "casebook.core.present._DATED": Worst(_reps("1", "20", "as ", "as o"), "search"),
    "casebook.core.present._SENTENCE_END": Worst(_reps(". ", ".", "\n \n", "\n", " "), "finditer"),
    "casebook.core.present._NOT_WORDS": Worst(
        (*_reps("[[", "[^", "](", "[[a"), lambda: "[[" + "a" * MB, lambda: "](" + "a" * MB), "sub"
    ),
    "casebook.core.present._AS_OF_TEXT": Worst(_reps("as of ", "as of 1 ", "as of April ", "as of 20"), "finditer"),
    "casebook.outputs.language._CHINESE": Worst((lambda: "中" + " " * MB, *_reps("中 ", "中(", "中a", "中")), "sub"),
    "casebook.outputs.language._TAG": Worst((lambda: "<" + "a" * MB, *_reps("<", "<a", "a>")), "finditer"),
    "casebook.outputs.minify._JS_LINE_COMMENT": Worst((*_reps(" ", "//", " //a", "\n"), lambda: " " * MB), "sub"),
    "casebook.outputs.sanitise._ABBR": Worst(
        (*_reps('<abbr title="', '<abbr title="a">', "<abbr"), lambda: '<abbr title="' + "a" * MB), "sub"
    ),
    "casebook.outputs.sanitise._NAMED_LINK": Worst(
        (
            *_reps('<a class="headerlink" href="', '<a class="headerlink" href="a" title="', '<a class="'),
            lambda: '<a class="footnote-backref" href="' + "a" * MB,
            lambda: '<a class="headerlink" href="a" title="' + "b" * MB,
        ),
        "sub",
    ),
    "casebook.outputs.sanitise._ADJACENT_CITATIONS": Worst(
        (lambda: "</sup>" + " " * MB, *_reps("</sup> ", "</sup>", "</sup><sup id=")), "sub"
    ),
    # outputs/slides.py: a link as markup.to_markdown writes it
    "casebook.outputs.slides._LINK": Worst(
        (*_reps("[", "[a", "[\\", "](<", "[a](<"), lambda: "[" + "a" * MB, lambda: "[a](<" + "b" * MB),
        "sub",
        20_000,  # record text, at most MAX_TEXT characters
    ),
    "casebook.outputs.history._HEAD": Worst((lambda: "a" * MB, lambda: "a" * 40 + " " + "2" * MB), "fullmatch"),
    "casebook.core.pages._ENTITY": Worst((*_reps("&", "&#", "&a", "&#x"), lambda: "&" + "a" * MB), "search"),
    "casebook.core.pages._BLOCK_START": Worst((lambda: "!!!" + "x" * MB, lambda: "?" * MB), "match"),
    "casebook.core.pages._FOOTNOTE_DEFINITION": Worst((lambda: "[^" + "a" * MB, lambda: "[^a]:" + " " * MB), "match"),
    "casebook.core.pages._FENCE": Worst((lambda: "`" * MB, lambda: "   " + "~" * MB), "match"),
    "casebook.core.pages._REFERENCE": Worst((lambda: "[" + "a" * MB, lambda: "[a]:" + " " * MB + "<"), "match"),
    "casebook.core.pages._HEADING_ID": Worst((lambda: "#" + "a" * MB + "!",), "fullmatch"),
    "casebook.core.pages._META_LINE": Worst((lambda: "a" * MB, lambda: "   " + "a" * MB), "match"),
    "casebook.core.markup._LOCAL_PATH": Worst((lambda: "a" * MB + " ", lambda: "a?" + "=" * MB + " "), "fullmatch"),
    "casebook.core.pages._SPLIT_TARGET": Worst(_reps("](", "](<", "]"), "finditer"),
    "casebook.core.pages._HEADING_ATTRS": Worst(
        (*_reps("{", "{}", "{} ", "{}\n", "{:a"), lambda: "{}" + " " * MB + "x"), "search"
    ),
    # core/rules.py
    "casebook.core.rules._CJK": Worst(_reps("中", "a"), "findall"),
    # net/ (read-only here: the online checks)
    "casebook.net.links._RESULT_LINE": Worst(
        (lambda: "[A] " + "x" * MB, lambda: "[" + "A" * MB, lambda: "[A] x (at " + "1" * MB), "match"
    ),
    "casebook.net.verify_sources._META_CHARSET": Worst(
        (lambda: _run("<meta").encode(), lambda: b"<meta " + b" " * MB, lambda: _run("<meta charset=").encode()),
        "search",
        limit=4096,  # verify_sources searches only body[:4096]; on a whole page "<meta" repeated is quadratic
    ),
    # outputs/
    "casebook.outputs.exports._BIBTEX_RE": Worst(_reps("\\", "{}", "a"), "sub"),
    "casebook.outputs.exports._CONTROL": Worst(_reps("\x01", "a"), "sub"),
    "casebook.outputs.exports._URL_UNSAFE": Worst(_reps("%", " ", "a"), "sub"),
    "casebook.outputs.exports._KEY_UNSAFE": Worst(_reps("!", "a"), "sub"),
    "casebook.outputs.feed._NOT_XML": Worst(_reps("\x01", "a"), "sub"),
    "casebook.outputs.sanitise._ID": Worst(_reps(' id="', " id=", ' id="a'), "findall"),
    # the search index's text (outputs/sanitise.tidy_search_text)
    "casebook.outputs.sanitise._SPACE_BEFORE_PUNCTUATION": Worst((_spaces_then("."), *_reps(" ", " .", " a")), "sub"),
    "casebook.outputs.sanitise._EMPTY_PARAGRAPH": Worst(
        (*_reps("<p>", "<p> ", "<p> </p>", "<p></p> "), lambda: "<p>" + " " * MB), "sub"
    ),
    "casebook.outputs.permalinks._ID": Worst((*_reps(' id="', " id=", ' id="a'),), "findall"),
    "casebook.outputs.permalinks._HEADING_ID": Worst(
        (*_reps("<h2", '<h2 id="', "<h2 ", "<h3 id"), lambda: "<h2" + " " * MB), "findall"
    ),
    "casebook.outputs.permalinks._REFRESH": Worst(
        (*_reps('<meta http-equiv="refresh" content="0; url=', "<meta "),), "search"
    ),
    # adapters/mkdocs_plugin.py: finds the <body> of each built page
    "casebook.adapters.mkdocs_plugin.BODY": Worst((*_reps("<body", "<body "), lambda: "<body" + " " * MB), "search"),
    # render/
    "casebook.render.markdown._ANCHOR": Worst((lambda: "a" * MB + "!",), "fullmatch"),
    "casebook.render.markdown._BLANK_RUN": Worst((*_reps("\n", "\n\n\n", "\n\n "), lambda: "\n" * MB), "sub"),
}


SKIP_MODULES = {"casebook.__main__"}  # runs the CLI when imported


def _modules() -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(casebook.__path__, "casebook."):
        if info.name in SKIP_MODULES:
            continue
        try:
            yield importlib.import_module(info.name)
        except ImportError as error:  # an optional extra (MkDocs, httpx) that is not installed
            if info.name.startswith(("casebook.adapters.mkdocs_plugin", "casebook.net.")):
                continue
            raise AssertionError(f"{info.name} cannot be imported: {error}") from error


def _patterns_in(name: str, value: Any, depth: int = 0) -> Iterator[tuple[str, re.Pattern[Any]]]:
    if isinstance(value, re.Pattern):
        yield name, value
    elif depth < 3 and isinstance(value, (tuple, list)):
        for index, item in enumerate(value):
            yield from _patterns_in(f"{name}[{index}]", item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for key, item in value.items():
            yield from _patterns_in(f"{name}[{key!r}]", item, depth + 1)


@functools.cache
def module_patterns() -> dict[int, tuple[re.Pattern[Any], list[str]]]:
    """Every distinct pattern object at module level in the package, with every name it has there.

    One pattern can have several names (re-exported, or the same text compiled twice: ``re`` caches
    it); one registered name is enough.
    """
    found: dict[int, tuple[re.Pattern[Any], list[str]]] = {}
    for module in _modules():
        for attribute, value in vars(module).items():
            if isinstance(value, ModuleType):
                continue
            for name, pattern in _patterns_in(f"{module.__name__}.{attribute}", value):
                found.setdefault(id(pattern), (pattern, []))[1].append(name)
    return found


def test_every_pattern_has_a_worst_case() -> None:
    missing = [
        f"{' = '.join(names)}: {pattern.pattern!r}"
        for pattern, names in module_patterns().values()
        if not any(name in WORST for name in (*names, pattern.pattern))
    ]
    assert not missing, "register a worst-case input in tests/test_regex_budget.py WORST for:\n" + "\n".join(missing)


def test_the_scan_finds_patterns_in_tuples_and_by_every_name() -> None:
    names = {name for _, found in module_patterns().values() for name in found}
    assert {"casebook.core.shortcodes.SHORTCODE", "casebook.core.text._EMPHASIS"} <= names


def _resolve(name: str) -> re.Pattern[Any] | None:
    if not name.startswith("casebook."):  # registered by its text
        return next((p for p, _ in module_patterns().values() if p.pattern == name), None)
    module_name, _, rest = name.rpartition(".")
    while True:
        try:
            module = importlib.import_module(module_name)
            break
        except ImportError:
            if "." not in module_name:
                return None
            module_name, _, head = module_name.rpartition(".")
            rest = f"{head}.{rest}"
    attribute, *indexes = rest.replace("]", "").split("[")
    value: Any = getattr(module, attribute, None)
    for index in indexes:
        if value is None:
            return None
        value = value[int(index)] if index.isdigit() else value[index.strip("'")]
    return value if isinstance(value, re.Pattern) else None


def _apply(pattern: re.Pattern[Any], use: str, text: Input) -> None:
    if use == "finditer":
        for _ in pattern.finditer(text):
            pass
    elif use == "sub":
        pattern.sub(type(text)(), text)
    else:
        getattr(pattern, use)(text)


def _cases() -> Iterator[Any]:
    for name, worst in WORST.items():
        for index in range(len(worst.inputs)):
            label = name.removeprefix("casebook.") if name.startswith("casebook.") else f"re({name})"
            yield pytest.param(name, index, id=f"{label}-{index}")


@pytest.mark.parametrize(("name", "index"), list(_cases()))
def test_worst_case_runs_in_under_a_second(name: str, index: int) -> None:
    pattern = _resolve(name)
    if pattern is None:
        pytest.fail(f"{name} is registered in WORST but no longer exists: remove its entry")
    worst = WORST[name]
    text = worst.inputs[index]()
    if worst.limit is not None:
        text = text[: worst.limit]
    started = time.process_time()
    try:
        with deadline(10 * SECONDS):
            _apply(pattern, worst.use, text)
    except TooSlow:
        pytest.fail(f"{name}.{worst.use} on {text[:20]!r}… ({len(text):,} characters) ran for over {10 * SECONDS} s")
    elapsed = time.process_time() - started
    assert elapsed < SECONDS, f"{name}.{worst.use} on {text[:20]!r}… took {elapsed:.2f} s"


# ---------------------------------------------------------------- the functions around the patterns

# Python code can be quadratic too: find() once compared every shortcode with every code span.
FUNCTIONS: dict[str, tuple[Callable[[str], object], tuple[Callable[[], str], ...]]] = {
    "shortcodes.find": (
        lambda t: list(shortcodes.find(t)),
        _reps("`a` [[fact:x]] ", "[[a:b", "`[[fact:x]]` ", "\n```\n[[fact:x]]\n```\n[[fact:y]] "),
    ),
    "text.plain": (
        lambda t: text.plain(t, lambda _: None),
        (
            _spaces_then("x"),
            *_reps("[[fact:x]] ", "  [[fact:x]]", "*a ", "**a ", "_a ", "[", "[](", "[ ", "`a` [[fact:x]]"),
        ),
    ),
    "text.quote_segments": (text.quote_segments, (_spaces_then("x"), *_reps("[ ", " [", "[…] ", " ", "[ … ]"))),
    "support.details": (
        lambda t: list(support.details(t)),
        (
            _spaces_then("x"),
            *_reps('"a" ', "A B ", "A. ", "- A ", "1 ", "May ", "The A of B ", "A-b ", '"a', "[[fact:x]] A "),
        ),
    ),
    "prose.uncited": (
        lambda t: list(prose.uncited(t)),
        (*_reps("a b c d e f g h i\n\n", "- a\n", "!!! analysis\n    a\n", "```\n", "| a |\n", "<!--\n"),),
    ),
    "present.undated": (
        lambda t: list(present.undated(t)),
        _reps("He remains at large. ", "remains in ", "It is pending", ". "),
    ),
    "textnorm.normalise_text": (
        textnorm.normalise_text,
        (_spaces_then("x"), *_reps(". ", "\u2026 ", "\u00a0", "\u201c")),
    ),
}


@pytest.mark.parametrize(
    ("name", "index"),
    [
        pytest.param(name, index, id=f"{name}-{index}")
        for name, (_, inputs) in FUNCTIONS.items()
        for index in range(len(inputs))
    ],
)
def test_text_functions_run_in_seconds_on_a_megabyte(name: str, index: int) -> None:
    function, inputs = FUNCTIONS[name]
    data = inputs[index]()
    started = time.process_time()
    try:
        with deadline(10 * FUNCTION_SECONDS):
            function(data)
    except TooSlow:
        pytest.fail(f"{name} on {data[:20]!r}… ({len(data):,} characters) ran for over {10 * FUNCTION_SECONDS} s")
    elapsed = time.process_time() - started
    assert elapsed < FUNCTION_SECONDS, f"{name} on {data[:20]!r}… took {elapsed:.2f} s"


# ---------------------------------------------------------------- the whole validate pipeline

# A bound, not a benchmark. The seed validates in a fraction of a second, and these inputs add only
# linear work, but that work is not small: the Markdown parser (markdown-it-py, core/markup.py) costs
# about 12 µs per character of a run of brackets, so the 200 KB statement alone takes 2-3 s on an idle
# machine and twice that on a loaded one. A quadratic step anywhere (a regex, or Python code that
# compares every match with every code span) takes minutes at this size: the old shortcode regex needed
# 29 s for 60 KB. So the pipeline is held to the cost of the parser itself on the same texts, measured in
# the same run (a shared CI machine slows both alike): at most twice it, plus PIPELINE_SECONDS for
# the rest of validate. The run is aborted at 60 s so that a regression fails without hanging.
PIPELINE_SECONDS = 3.0
PIPELINE_DEADLINE = 60.0
BIG = "[[a:b" * 40_000  # 200 KB: the shortcode regex's worst case, as a fact's statement
WORST_TEXTS = {  # 10 KB each, as the statement and the excerpt of a fact of their own
    "shortcode-texts": "[[a:b|c" * 1_500,
    "emphasis": "*a " * 3_500,
    "strong": "**a " * 2_500,
    "link-openers": "[" * 10_000,
    "link-targets": "[](" * 3_500,
    "spaces": "a" + " " * 10_000 + "b c d",
    "code-and-citations": "`a` [[fact:complaint-unsealed]] " * 300,
    "fences": "\n```\n~~~x" * 1_000,
    "angle-brackets": "<" + " " * 10_000 + "a",
    "quote-cuts": "[ " * 5_000,
    "spaced-cut": "one two three" + " " * 10_000 + "[\u2026] four five six",
}


def _fact(content: Path, template: dict[str, Any], name: str, statement: str, excerpt: str) -> None:
    record = {**template, "id": f"worst-{name}", "statement": statement}
    record["sources"] = [{**template["sources"][0], "excerpt": excerpt}]
    path = content / "facts" / f"worst-{name}.yml"
    path.write_text(yaml.safe_dump(record, allow_unicode=True, width=10**9), encoding="utf-8")


def _parser_seconds(texts: list[str]) -> float:
    """How long the Markdown parser alone takes on ``texts``: the floor under validate's time."""
    from casebook.core.markup import parser

    started = time.process_time()
    for worst in texts:
        parser().parse(worst, {})
    return time.process_time() - started


def test_validate_finishes_in_seconds_on_worst_case_statements(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SEED, content)
    template = yaml.safe_load((content / "facts" / "complaint-unsealed.yml").read_text(encoding="utf-8"))
    _fact(content, template, "shortcode-openers", BIG, template["sources"][0]["excerpt"])
    for name, worst in WORST_TEXTS.items():
        _fact(content, template, name, worst, worst)
    floor = _parser_seconds([BIG, *WORST_TEXTS.values()])
    started = time.process_time()
    try:
        with deadline(PIPELINE_DEADLINE), contextlib.suppress(ContentError):
            build_case(content)
    except TooSlow:
        pytest.fail(f"validate ran for over {PIPELINE_DEADLINE} s on the worst-case statements")
    elapsed = time.process_time() - started
    bound = 2 * floor + PIPELINE_SECONDS
    assert elapsed < bound, (
        f"validate took {elapsed:.1f} s on the worst-case statements; the Markdown parser alone took {floor:.1f} s"
    )
