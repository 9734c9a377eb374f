"""The teaching rules (core/teaching.py): each mutation of a copy of the real lessons breaks exactly one
rule, with a located message that names the field and the fix, and passes when that rule is left out."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from casebook.core import teaching
from casebook.core.errors import ContentError
from casebook.core.validate import build_case

from .conftest import ROOT

CBVC = "lessons/cross-border-video-calls.yml"
TABLETOP = "lessons/insider-risk-tabletop.yml"
COMPLAINT = "lessons/reading-a-criminal-complaint.yml"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("teaching") / "content"
    shutil.copytree(ROOT / "content", copy)
    return copy


@pytest.fixture
def real(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(pristine, copy)
    return copy


def _edit(content: Path, rel: str, old: str, new: str) -> None:
    path = content / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"lesson changed: {old!r} is not in {rel} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_real_lessons_pass_every_teaching_rule() -> None:
    assert teaching.check(build_case(ROOT / "content")) == []


MUTATIONS = [
    pytest.param(
        lambda c: _edit(
            c,
            CBVC,
            "  background:\n    - >-\n      On 4 June 1989 the Chinese army crushed the pro-democracy movement "
            "centred on "
            "Tiananmen Square in\n"
            "      Beijing [[fact:tiananmen-1989-crackdown]].\n",
            "  background:\n    - On 4 June 1989 the Chinese army crushed a movement in Beijing.\n",
        ),
        "content/lessons/cross-border-video-calls.yml:LINE: preparing.background[0]: background sentence cites no "
        "record (cite the fact, quote, law or source it rests on, e.g. [[fact:jin-at-large-in-china]])",
        id="lessons_have_a_quick_start",
    ),
    pytest.param(
        lambda c: _edit(c, CBVC, "    assessed_by: [judge-the-promise]\n", ""),
        "content/lessons/cross-border-video-calls.yml:LINE: objectives[2]: objective 3 is assessed by no item (add "
        "assessed_by: [the id of an activity or assessment item that tests it] (give that item an id))",
        id="objectives_are_assessed",
    ),
    pytest.param(
        lambda c: _edit(
            c,
            CBVC,
            "      - {minutes: 1, what: report from each group's reporter, each_group: true}\n",
            "      - {minutes: 2, what: report from each group's reporter, each_group: true}\n",
        ),
        "content/lessons/cross-border-video-calls.yml:LINE: sequence[2].minutes: step 'Role-play: whose rule "
        "decides?' takes 2 + 7 + 2×6 = 21 minutes with 6 groups, but is given 15 (give the step the minutes its "
        "parts need, or shorten a part)",
        id="timings_fit_a_class_of_30",
    ),
    pytest.param(
        lambda c: _edit(
            c,
            TABLETOP,
            "      - level: Developing\n        descriptor: Most decisions have an owner and a control, but evidence "
            "is taken on the requester's word.\n",
            "",
        ),
        "content/lessons/insider-risk-tabletop.yml:LINE: activities[0].rubric: the rubric has 2 levels, not 3 to 4 "
        "(describe 3 or 4 levels of work)",
        id="open_tasks_have_rubrics",
    ),
    pytest.param(
        lambda c: _edit(c, CBVC, "    type: role-play\n    invented: true\n", "    type: role-play\n"),
        "content/lessons/cross-border-video-calls.yml:LINE: activities[1]: 'Whose rule decides?' is scenario "
        "material but does not say whether it is invented (add invented: true (it gets a visible label) or "
        "invented: false)",
        id="scenario_material_is_labelled",
    ),
    pytest.param(
        lambda c: _edit(c, CBVC, "\nvocabulary:\n", "\nunused_vocabulary:\n") or _strip_vocabulary(c),
        "content/lessons/cross-border-video-calls.yml:LINE: level: a secondary lesson needs a vocabulary list (add "
        "vocabulary: [{word: …, meaning: …, term: <glossary id, if there is one>}, …])",
        id="secondary_lessons_have_vocabulary",
    ),
    pytest.param(
        lambda c: _strip_safety(c),
        "content/lessons/insider-risk-tabletop.yml:LINE: preparing: the lesson involves real-dissidents, role-play, "
        "requesting-state-participants but has no safety box (add preparing.safety with voluntary_roles, "
        "no_recording, de_roling and content_note)",
        id="sensitive_lessons_have_a_safety_box",
    ),
    pytest.param(
        lambda c: _edit(
            c,
            TABLETOP,
            "definitions [[law:cisa-insider-threat-definitions]] before class",
            "definitions [[law:cisa-insider-threat-definitions]] and the [[topic:june-2020-suspensions]] facts "
            "before class",
        ),
        "content/lessons/insider-risk-tabletop.yml:LINE: prerequisites[1]: the pre-reading links "
        "[[topic:june-2020-suspensions]], which shows what an inject reveals (give students reading that does not "
        "tell them the injects (a glossary entry, a law page))",
        id="prereading_keeps_the_injects_secret",
    ),
]


def _strip_vocabulary(content: Path) -> None:
    path = content / CBVC
    text = path.read_text(encoding="utf-8")
    head, _, _ = text.partition("\nunused_vocabulary:\n")
    path.write_text(head + "\n", encoding="utf-8")


def _strip_safety(content: Path) -> None:
    path = content / TABLETOP
    text = path.read_text(encoding="utf-8")
    start = text.index("\n  safety:\n")
    end = text.index("\n", text.index("relatives in China [[fact:retaliation-and-detention]]"))  # within safety
    rest = text[end:]
    # the safety block runs to the end of the file (it is the last block of `preparing`, the last field)
    assert "\n  safety:" not in rest
    path.write_text(text[:start] + "\n", encoding="utf-8")


def test_every_teaching_rule_has_a_mutation() -> None:
    assert [p.id for p in MUTATIONS] == [r.__name__ for r in teaching.TEACHING_RULES]


@pytest.mark.parametrize(("mutate", "expected"), MUTATIONS)
def test_each_teaching_rule_fails_alone(
    real: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    mutate: Callable[[Path], None],
    expected: str,
) -> None:
    """The mutation breaks exactly this rule, with its file, line, field and fix; without the rule the
    content is valid again."""
    mutate(real)
    with pytest.raises(ContentError) as caught:
        build_case(real)
    messages = [str(d) for d in caught.value.diagnostics]
    assert len(messages) == 1, messages
    where, _, rest = messages[0].partition(": ")
    file, line, column = where.rsplit(":", 2)
    assert line.isdigit() and column.isdigit(), messages[0]
    assert f"{file}:LINE: {rest}" == expected
    name = request.node.callspec.id
    monkeypatch.setattr(teaching, "TEACHING_RULES", [r for r in teaching.TEACHING_RULES if r.__name__ != name])
    assert build_case(real)


def test_a_step_in_groups_must_say_how_many(real: Path) -> None:
    _edit(real, CBVC, "    group_size: 2\n    groups: 15\n", "")
    with pytest.raises(ContentError) as caught:
        build_case(real)
    assert [str(d) for d in caught.value.diagnostics] == [
        "content/lessons/cross-border-video-calls.yml:91:15: sequence[1].activity: step 'The story in five cards' is "
        "done in groups but does not say how many (add group_size and groups (the number of groups its minutes "
        "assume for a class of 30))"
    ]


def test_groups_must_seat_a_class_of_30(real: Path) -> None:
    _edit(real, CBVC, "    group_size: 5\n    groups: 6\n", "    group_size: 5\n    groups: 4\n")
    with pytest.raises(ContentError) as caught:
        build_case(real)
    messages = [str(d) for d in caught.value.diagnostics]
    assert any(
        "sequence[2].groups: 4 groups of 5 seat 20 students, not a class of 30 (use groups: 6" in m for m in messages
    )


def test_an_unknown_assessing_item_is_named(real: Path) -> None:
    _edit(real, CBVC, "    assessed_by: [judge-the-promise]\n", "    assessed_by: [judge-the-promis]\n")
    with pytest.raises(ContentError) as caught:
        build_case(real)
    (message,) = [str(d) for d in caught.value.diagnostics]
    assert "objectives[2].assessed_by[0]: 'judge-the-promis' is not the id of an activity or assessment item" in message
    assert "judge-the-promise" in message  # the fix lists the ids that exist


def test_an_item_can_name_the_objectives_it_assesses(real: Path) -> None:
    """The map may be written from the item's side (``assesses``), and a number with no objective is named."""
    _edit(real, CBVC, "    assessed_by: [judge-the-promise]\n", "")
    _edit(real, CBVC, "  - id: judge-the-promise\n", "  - id: judge-the-promise\n    assesses: [3]\n")
    assert build_case(real)
    _edit(real, CBVC, "    assesses: [3]\n", "    assesses: [9]\n")
    with pytest.raises(ContentError) as caught:
        build_case(real)
    messages = [str(d) for d in caught.value.diagnostics]
    assert any("assesses[0]: the lesson has no objective 9 (use a number from 1 to 4)" in m for m in messages), messages
    assert any("objectives[2]: objective 3 is assessed by no item" in m for m in messages), messages
